"""``python -m w2v_core``: the command-line interface (see :mod:`w2v_core.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
