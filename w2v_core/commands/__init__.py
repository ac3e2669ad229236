"""The verbs of ``python -m w2v_core``: one small builder per verb (see :mod:`w2v_core.cli`).

Each module groups a few verbs; each verb is an ``add_<verb>(commands)`` that builds its
sub-parser and names its handler ``_cmd_<verb>(args) -> exit status``.

* :mod:`.common`: option helpers, progress bars and number formatting shared by the verbs
* :mod:`.training`: train, sweep, search, stability
* :mod:`.queries`: neighbors, analogy, compare, contexts
* :mod:`.evaluation`: evaluate, datasets
* :mod:`.model_files`: export, convert, info
"""
