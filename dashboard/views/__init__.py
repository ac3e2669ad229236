"""One module per tab, plus the few helpers they share.

Each view has ``render(ctx: Context)``; the Training and Export / import tabs also take
``on_select(key)`` to make another run the active one (the Map tab has its own
signature, see :mod:`dashboard.views.map`).  Words from corpora and users are never rendered as
HTML: tables and ``st.text`` show them verbatim, and :func:`md` escapes them where
Streamlit would read Markdown (alerts, captions).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from w2v_core.errors import UnknownWordError, W2VError

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from dashboard.corpora import CorpusStore
    from dashboard.runs import Run, RunInfo, RunRegistry
    from w2v_core.corpus import Corpus

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def md(text: object) -> str:
    """Escape text for places where Streamlit reads Markdown (alerts, captions, labels)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def parse_words(text: str) -> list[str]:
    """Split a user's list of words at commas and whitespace, dropping duplicates."""
    return list(dict.fromkeys(w for w in re.split(r"[,;\s]+", text.strip()) if w))


def resolve_word(kv: Any, word: str) -> str:
    """``word`` itself if known, else its lower-case form if that is known, else ``word``."""
    if word in kv:
        return word
    lower = word.lower()
    return lower if lower in kv else word


NO_RUN = "Train a run first (sidebar), or import vectors in the Export / import tab."


def unknown_message(error: UnknownWordError, run_name: str = "") -> str:
    """A warning for an unknown word, with spelling suggestions (Markdown-escaped)."""
    where = f" of {md(run_name)}" if run_name else ""
    message = f"'{md(error.word)}' is not in the vocabulary{where}."
    if error.suggestions:
        message += " Did you mean: " + ", ".join(md(s) for s in error.suggestions) + "?"
    else:
        message += " Check the spelling, or lower the min-count so rarer words are kept."
    return message


def report(error: W2VError, run_name: str = "") -> None:
    """Show a user's mistake: an unknown word as a warning with suggestions, else an error."""
    if isinstance(error, UnknownWordError):
        st.warning(unknown_message(error, run_name))
    else:
        st.error(md(error))


def explain(text: str) -> None:
    """The "what am I looking at?" expander at the top of each tab."""
    with st.expander("What am I looking at?", icon=":material/help:"):
        st.markdown(text)


def figure(builder: str, *args: Any, **kwargs: Any) -> go.Figure | None:
    """Call a chart builder of :mod:`dashboard.charts` (imported lazily).

    Returns None if the module or the builder is not available, so a tab degrades to
    its tables instead of failing.
    """
    try:
        from dashboard import charts
    except ImportError:  # pragma: no cover - charts.py ships with the app
        return None
    function: Callable[..., go.Figure] | None = getattr(charts, builder, None)
    return None if function is None else function(*args, **kwargs)


def show(fig: go.Figure | None, key: str | None = None) -> None:
    """Draw a Plotly figure full-width (nothing if None)."""
    if fig is not None:
        st.plotly_chart(fig, width="stretch", key=key)


@dataclass
class Context:
    """What every tab needs: the active run, the registry and this session's data."""

    run: Run | None
    registry: RunRegistry
    store: CorpusStore
    corpus: Corpus | None = None
    imports: dict[str, Run] = field(default_factory=dict)
    own_corpora: set[str] = field(default_factory=set)

    def get_run(self, key: str) -> Run | None:
        """A run by key: this session's imports first, then the shared registry."""
        if key in self.imports:
            return self.imports[key]
        run, warning = self.registry.fetch(key)
        if warning:
            st.warning(md(warning))
        if run is not None and not self.visible(run.info()):
            return None
        return run

    def visible(self, info: RunInfo) -> bool:
        """May this session see a run?  Runs on built-in corpora, and runs on corpora
        this session uploaded or pasted itself (never another session's uploads)."""
        from w2v_core.corpus import BUILTIN_CORPORA

        return info.corpus_name in BUILTIN_CORPORA or info.corpus_fingerprint in self.own_corpora

    def runs(self, corpus_fingerprint: str | None = None) -> list[RunInfo]:
        """Summaries of the runs this session may see, then its imported vectors."""
        infos = [i for i in self.registry.list_runs(corpus_fingerprint) if self.visible(i)]
        infos += [
            run.info()
            for run in self.imports.values()
            if corpus_fingerprint is None or run.corpus_fingerprint == corpus_fingerprint
        ]
        return infos

    def run_choices(self) -> dict[str, str]:
        """key -> label of every run this session may look at (cached and imported)."""
        return {info.key: info.label for info in self.runs()}

    def corpus_for(self, run: Run) -> Corpus | None:
        """The corpus a run was trained on, if this session has it at hand."""
        if self.corpus is not None and self.corpus.fingerprint == run.corpus_fingerprint:
            return self.corpus
        corpus = self.store.get(run.corpus_name)
        if corpus is not None and corpus.fingerprint == run.corpus_fingerprint:
            return corpus
        return None
