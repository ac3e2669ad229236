"""The Export / import tab: download the active run in every format, import vectors
trained elsewhere (word2vec text or binary, or a model ``.npz``)."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import local_vectors, state
from dashboard.runs import Run
from dashboard.settings import AppLimits
from dashboard.views import Context, explain, md
from w2v_core.errors import W2VError
from w2v_core.io import (
    load_model,
    load_vectors,
    save_model,
    save_projector_tsv,
    save_word2vec_format,
    sniff_format,
)

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

EXPLANATION = """
**Export** saves the vectors of the run shown in the other tabs:

* **Model (.npz)**: everything, including the training history; import it here again later.
* **word2vec text / binary**: the classic formats that gensim and most tools read.
* **Embedding Projector**: two files, `vectors.tsv` and `metadata.tsv`, to load at
  [projector.tensorflow.org](https://projector.tensorflow.org) for a 3-D tour.

**Import** loads vectors trained elsewhere (for example on a cluster, with gensim or the
original word2vec tool) so that you can explore them in every tab except Training.
Imported vectors stay in your browser session: other users of this server do not see them.
"""

#: Vectors larger than this are not offered as browser downloads (the CLI exports them).
MAX_DOWNLOAD_BYTES = 200_000_000

FORMATS: dict[str, tuple[str, str, str]] = {
    # key: (button label, file suffix, MIME type)
    "npz": ("Model (.npz)", ".npz", "application/octet-stream"),
    "text": ("word2vec text (.txt)", ".txt", "text/plain"),
    "binary": ("word2vec binary (.bin)", ".bin", "application/octet-stream"),
    "vectors": ("Projector vectors.tsv", "vectors.tsv", "text/tab-separated-values"),
    "metadata": ("Projector metadata.tsv", "metadata.tsv", "text/tab-separated-values"),
}


def export_bytes(run: Run, fmt: str) -> bytes:
    """The run's vectors in one of :data:`FORMATS`, as bytes.

    Raises
    ------
    W2VError
        If the format cannot hold the vocabulary, or ``npz`` is asked of vectors
        without a full model.
    """
    with tempfile.TemporaryDirectory(prefix="w2v-export-") as directory:
        path = Path(directory) / "export"
        if fmt == "npz":
            if run.model is None:
                raise W2VError("imported word2vec vectors have no full model to save as .npz")
            save_model(run.model, path)
        elif fmt in ("text", "binary"):
            save_word2vec_format(run.kv, path, binary=fmt == "binary")
        elif fmt in ("vectors", "metadata"):
            other = Path(directory) / "other"
            if fmt == "vectors":
                save_projector_tsv(run.kv, path, other)
            else:
                save_projector_tsv(run.kv, other, path)
        else:
            raise W2VError(f"unknown export format {fmt!r}")
        return path.read_bytes()


def unsavable_reason(kv: KeyedVectors, fmt: str) -> str | None:
    """Why a format cannot hold this vocabulary (a word with a space or tab), or None."""
    if fmt in ("text", "binary"):
        bad = next((w for w in kv.words if not w or any(ch.isspace() for ch in w)), None)
        return None if bad is None else f"the word {bad!r} contains white space"
    if fmt in ("vectors", "metadata"):
        bad = next((w for w in kv.words if not w or any(ch in w for ch in "\t\r\n")), None)
        return None if bad is None else f"the word {bad!r} contains a tab or line break"
    return None


def file_stem(run: Run) -> str:
    """A safe file name stem: letters, digits, dashes only, plus a short run id."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", run.corpus_name).strip("-")[:40] or "vectors"
    suffix = re.sub(r"[^A-Za-z0-9]", "", run.key)[-8:]
    return f"{stem}-{suffix}" if suffix else stem


def load_imported(name: str, content: bytes, limit_mb: float, max_words: int | None = None) -> Run:
    """Turn an uploaded vector file into a :class:`Run` owned by the session.

    ``name`` (the user's file name) only appears in messages and labels: the content
    is written to a private temporary directory under a fixed name.  ``limit_mb`` and
    ``max_words`` are the server's :class:`~dashboard.settings.AppLimits`.

    Raises
    ------
    W2VError
        Empty, too large, or not a valid model / word2vec file.
    """
    if not content:
        raise W2VError(f"'{name}' is empty")
    limits = AppLimits(max_upload_mb=limit_mb, max_vocab=max_words or AppLimits.max_vocab)
    problem = limits.upload_problem(len(content), f"'{name}'")
    if problem:
        raise W2VError(problem)
    key = "import-" + hashlib.sha256(content).hexdigest()[:16]
    with tempfile.TemporaryDirectory(prefix="w2v-import-") as directory:
        path = Path(directory) / "vectors"
        path.write_bytes(content)
        try:
            fmt = sniff_format(path)
            if fmt == "npz":
                # A compressed upload may not expand past ten times the upload limit:
                # a small "zip bomb" is refused from its headers, before any allocation.
                model = load_model(path, max_bytes=int(10 * limit_mb * 1e6))
                problem = limits.vectors_problem(len(model.vocab))
                if problem:
                    raise W2VError(problem)
                return Run.from_file(key, model.wv, name, model=model)
            kv = load_vectors(path, max_bytes=int(10 * limit_mb * 1e6))
        except W2VError as error:
            raise W2VError(str(error).replace(str(path), f"'{name}'")) from None
        except Exception as error:  # a reader bug must not take the page down
            raise W2VError(f"'{name}' could not be read ({type(error).__name__})") from None
    problem = limits.vectors_problem(len(kv))
    if problem:
        raise W2VError(problem)
    return Run.from_file(key, kv, name)


def render(ctx: Context) -> None:
    """Draw the Export / import tab."""
    explain(EXPLANATION)
    st.subheader("Export")
    run = ctx.run
    if run is None:
        st.info("Nothing to export yet: train a run first.")
    else:
        _downloads(run)
    st.subheader("Import")
    _open_local(ctx)
    _import(ctx)


def _downloads(run: Run) -> None:
    st.caption(f"Run: {md(run.label)} · {len(run.kv):,} words × {run.kv.dim} dimensions")
    stem = file_stem(run)
    # three to a row: five buttons in one row cut their labels ("word2vec binary (…")
    columns = [column for _ in range(2) for column in st.columns(3)]
    too_big = run.kv.vectors.nbytes > MAX_DOWNLOAD_BYTES
    if too_big:
        st.caption(
            f"These vectors take {run.kv.vectors.nbytes / 1e6:,.0f} MB: too large for a browser "
            "download. On the server: `python -m w2v_core export FILE OUT`."
        )
    for column, (fmt, (label, suffix, mime)) in zip(columns, FORMATS.items(), strict=False):
        reason = "too large for a browser download" if too_big else unsavable_reason(run.kv, fmt)
        if fmt == "npz" and run.model is None:
            reason = "imported word2vec vectors have no full model"
        name = f"{stem}-{suffix}" if suffix.endswith(".tsv") else f"{stem}{suffix}"
        column.download_button(
            label,
            data=_deferred(run, fmt),
            file_name=name,
            mime=mime,
            key=f"download_{fmt}",
            disabled=reason is not None,
            help=f"Not available: {reason}" if reason else f"Download {name}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )


def _deferred(run: Run, fmt: str) -> Callable[[], bytes]:
    """Build the file only when the button is clicked (large models take a while)."""
    return lambda: export_bytes(run, fmt)


def _open_local(ctx: Context) -> None:
    """Files the server was started with (``--vectors``) or may list (``W2V_VECTORS_DIR``)."""
    files = local_vectors.available()
    if not files:
        return
    names = [f.name for f in files]
    sizes = {f.name: f.size for f in files}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    name = left.selectbox(
        "Open vectors on this server (no upload, any size)",
        names,
        **state.widget("local_file", names[0], valid=lambda n: n in names, options=names),
        format_func=lambda n: f"{n} ({sizes[n] / 1e6:,.0f} MB)",
        help="Files named with --vectors when the app was started, or in $"
        f"{local_vectors.ENV_DIR}. Large files open memory-mapped after `python -m "
        "w2v_core convert`.",
    )
    if right.button("Open", key="local_open", icon=":material/folder_open:"):
        try:
            with st.spinner(f"Opening {name}…"):
                run = local_vectors.open_local(name, files)
        except W2VError as error:
            st.error(f"Could not open this file: {md(error)}")
            return
        ctx.imports[run.key] = run
        ctx.select(run.key)
        st.rerun()


def _import(ctx: Context) -> None:
    limits = AppLimits.from_env()
    limit = limits.max_upload_mb
    uploaded = st.file_uploader(
        f"Import word vectors (word2vec text or binary, or a model .npz; up to {limit:g} MB)",
        key="import_file",
        help="The format is detected from the file's content, not its name.",
    )
    if uploaded is None:
        if ctx.imports:
            st.caption(f"Imported in this session: {len(ctx.imports)} set(s) of vectors.")
        return
    content = uploaded.getvalue()
    key = "import-" + hashlib.sha256(content).hexdigest()[:16]
    if key in ctx.imports:
        run = ctx.imports[key]
        st.success(
            f"Imported {md(uploaded.name)}: {len(run.kv):,} words × {run.kv.dim} dimensions."
        )
        showing = ctx.run is not None and ctx.run.key == key
        if not showing and st.button("Explore these vectors", key="import_show"):
            ctx.select(key)
            st.rerun()
        return
    try:
        run = load_imported(uploaded.name, content, limit, limits.max_vocab)
    except W2VError as error:
        st.error(f"Could not import this file: {md(error)}")
        return
    ctx.imports[key] = run
    ctx.select(key)
    st.rerun()
