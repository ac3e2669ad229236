"""What every part of the page shares: the tabs' :class:`Context`, the one Markdown
escaper :func:`md`, the one error guard :func:`guard`, and small drawing helpers.

It sits below the views and below the sidebar and the other page parts, so that those
can use it without depending on the views package (:mod:`dashboard.views` hands these
names on to the views).

Words from corpora and users are never rendered as HTML: tables and ``st.text`` show
them verbatim, and :func:`md` escapes them where Streamlit reads Markdown (alerts,
captions, labels).  :func:`guard` is the one error guard.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import presentation
from w2v_core.errors import UnknownWordError, W2VError

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from dashboard.corpora import CorpusStore
    from dashboard.runs import Run, RunInfo, RunRegistry
    from w2v_core.corpus import Corpus
    from w2v_core.train import TrainConfig

log = logging.getLogger("dashboard")

#: ASCII punctuation Markdown (CommonMark, and Streamlit's :color[...] / $math$ / emoji
#: shortcodes) may read; each is backslash-escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def md(text: object) -> str:
    """The one Markdown escaper: ``text`` shown literally where Streamlit reads Markdown.

    Backslash-escapes ASCII punctuation, so ``*``, ``[..](..)``, ``$..$``, ``:red[..]``
    or ``&lt;`` in a word are not interpreted.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


@contextlib.contextmanager
def guard(what: str) -> Iterator[None]:
    """The one error guard: a user's mistake (:class:`W2VError`) becomes a message, a
    bug becomes a logged message naming ``what`` failed; the page keeps working."""
    try:
        yield
    except W2VError as error:
        report(error)
    except Exception as error:
        log.exception("%s failed", what)
        st.error(
            f"Something went wrong in {md(what)} ({type(error).__name__}: {md(error)}). "
            "The rest of the page keeps working; changing a setting may help."
        )


NO_RUN = "Train a run first (sidebar), or import vectors in the Export / import tab."
TRAINING = "Training the word vectors now (progress above): the results appear here when it ends."


def no_run(ctx: Context) -> None:
    """What a tab shows without a run: that one is being trained, or how to get one."""
    st.info(
        TRAINING if ctx.training else NO_RUN,
        icon=":material/hourglass_top:" if ctx.training else None,
    )


#: What a user typed is echoed back cut to this many characters (with "…").
ECHO_CHARS = 40


def echo(text: object, limit: int = ECHO_CHARS) -> str:
    """What a user typed, shown back: cut to ``limit`` characters with "…", escaped."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return md(text)


def unknown_message(error: UnknownWordError, run_name: str = "", min_count: int = 1) -> str:
    """A warning for an unknown word, with spelling suggestions (Markdown-escaped).

    ``min_count`` is the run's (1 for imported vectors): lowering it is only advised
    when it can be lowered.
    """
    where = f" of {md(run_name)}" if run_name else ""
    message = f"'{echo(error.word)}' is not in the vocabulary{where}."
    if error.suggestions:
        message += " Did you mean: " + ", ".join(md(s) for s in error.suggestions) + "?"
    elif min_count > 1:
        message += " Check the spelling, or lower the min-count so rarer words are kept."
    else:
        message += " Check the spelling."
    return message


def report(error: W2VError, run_name: str = "", min_count: int = 1) -> None:
    """Show a user's mistake: an unknown word as a warning with suggestions, else an error."""
    if isinstance(error, UnknownWordError):
        st.warning(unknown_message(error, run_name, min_count))
    else:
        st.error(md(error))


def plausible(words: list[str], vocabulary: list[str]) -> list[str]:
    """The words that could be in the vocabulary.  A word longer than its longest word
    cannot (and looking for spellings close to a 10,000-character "word" costs time):
    those are refused with one plain warning."""
    longest = max((len(w) for w in vocabulary), default=0)
    long = [w for w in words if len(w) > longest]
    if long:
        st.warning(
            f"'{echo(long[0])}' is {len(long[0]):,} characters long, and the longest word "
            f"in this vocabulary has {longest}: it cannot be in it. Type single words."
        )
    return [w for w in words if len(w) <= longest]


def min_count(run: object) -> int:
    """The run's min-count (1 for vectors without a training configuration)."""
    config = getattr(run, "config", None)
    return config.min_count if config is not None else 1


def explain(text: str) -> None:
    """The "what am I looking at?" expander at the top of each tab."""
    with st.expander("What am I looking at?", icon=":material/help:"):
        st.markdown(text)


def tab_run(ctx: Context, explanation: str) -> Run | None:
    """The top of a tab that needs a run: its explanation, then the active run (or, if
    there is none, a note saying how to get one)."""
    explain(explanation)
    if ctx.run is None:
        no_run(ctx)
    return ctx.run


#: Chart type size in presentation mode (Plotly's default is 12).
PRESENT_FONT = 16


def show(fig: go.Figure | None, key: str | None = None) -> None:
    """Draw a Plotly figure full-width (nothing if None); larger type in presentation
    mode (ticks, axis titles, legends: whatever the figure does not size itself)."""
    if fig is not None:
        if presentation.is_on():
            # Streamlit's chart theme sizes ticks and legends itself, so the layout font
            # alone is not enough: every part is sized here
            title = fig.layout.title.font.size or 0
            fig.update_layout(
                font_size=max(PRESENT_FONT, fig.layout.font.size or 0),
                title_font_size=max(PRESENT_FONT + 2, title),
                legend_font_size=PRESENT_FONT - 1,
            )
            axes = {"tickfont_size": PRESENT_FONT - 2, "title_font_size": PRESENT_FONT}
            fig.update_xaxes(**axes)
            fig.update_yaxes(**axes)
            fig.update_traces(textfont_size=PRESENT_FONT - 2, selector={"type": "bar"})
        st.plotly_chart(fig, width="stretch", key=key)


@dataclass
class Context:
    """What every tab's ``render(ctx)`` gets: the active run, the registry, this
    session's data, and how to show another run."""

    run: Run | None
    registry: RunRegistry
    store: CorpusStore
    corpus: Corpus | None = None
    imports: dict[str, Run] = field(default_factory=dict)
    own_corpora: set[str] = field(default_factory=set)
    select: Callable[[str], None] = lambda key: None
    """``select(key)`` makes another run the active one (the caller then reruns)."""
    config: TrainConfig | None = None
    """The sidebar's configuration (None if it is not possible): what sweeps start from."""
    training: bool = False
    """A training this page watches is under way (its progress is shown above the tabs)."""

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


def full_height(frame: object) -> int:
    """Pixel height of a ``st.dataframe`` that shows every row of ``frame`` without a
    scroll bar (35 px a row and the header, and the border)."""
    return 35 * (len(frame) + 1) + 3  # type: ignore[arg-type]
