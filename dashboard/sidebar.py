"""The sidebar: presets, the corpus, corpus statistics, hyper-parameters and Train.

Every control has a one-line help in plain language: the audience includes people
who have never trained a model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import session, state
from dashboard.advice import corpus_advice
from dashboard.corpora import (
    CorpusStore,
    builtin_corpora,
    corpus_from_paste,
    corpus_from_uploads,
    corpus_stats,
    describe_builtin,
    format_mb,
)
from dashboard.presets import (  # noqa: F401 (the sidebar's names, used by views and tests)
    ALPHA_CHOICES,
    BATCH_CHOICES,
    CORES,
    CUSTOM,
    DEFAULT_PRESET,
    HELDOUT,
    PRESET_HELP,
    PRESET_KEYS,
    PRESETS,
    SAMPLE_CHOICES,
    SEED_SLIDERS,
    SLIDERS,
    SNAPSHOT_WORDS,
    SOURCES,
    TEXT8_QUALITY,
    TOLERANCE_CHOICES,
    presets,
    text8_on_disk,
)
from dashboard.runs import RunRegistry, RunStatus
from dashboard.settings import AppLimits
from dashboard.ui import md
from w2v_core.config import resolve, training_key
from w2v_core.corpus import BUILTIN_CORPORA, Corpus
from w2v_core.errors import ConfigError, CorpusError, DownloadError
from w2v_core.train import LIMITS, TrainConfig


@dataclass
class Choice:
    """What the sidebar asks for: a corpus and a configuration (None if not usable)."""

    corpus: Corpus | None
    config: TrainConfig | None
    train_clicked: bool = False
    note: Any = None  # the placeholder under Train (see train_note)
    worker_budget: int | None = None  # the server's (RegistrySettings.worker_budget)

    @property
    def key(self) -> str | None:
        """The run key of this choice, if it is complete: the key of the configuration
        that will train on this server (its workers capped by the server's budget, as
        the registry caps them), so that it names the run the registry stores."""
        if self.corpus is None or self.config is None:
            return None
        return training_key(self.corpus, self.config, self.worker_budget)


def slider_range(name: str) -> tuple[int, int, int]:
    """(low, high, step) of a hyper-parameter slider, clipped to ``LIMITS[name]``."""
    low, high, step = SLIDERS[name]
    limit_low, limit_high = LIMITS[name]
    return max(low, int(limit_low)), min(high, int(limit_high)), step


def bind_settings() -> None:
    """Seed every setting a preset sets (a new session: the default preset), before any
    sidebar widget is drawn, so that no rerun can ever reset them (see dashboard.state)."""
    defaults = PRESETS[DEFAULT_PRESET]
    infos = {info.name for info in builtin_corpora()}
    for name in PRESET_KEYS:
        valid = (lambda v: v in infos) if name == "builtin" else None
        state.bind(name, defaults[name], valid=valid)


def matching_preset() -> str:
    """The preset every current setting agrees with, else :data:`CUSTOM`."""
    for name, values in presets().items():
        if all(state.get(key) == value for key, value in values.items()):
            return name
    return CUSTOM


def _apply_preset() -> None:
    """The preset radio's callback: a preset is applied when the user picks it."""
    preset = state.current("preset")
    for key, value in presets().get(preset, {}).items():
        state.put(key, value)


def render(registry: RunRegistry, store: CorpusStore) -> Choice:
    """Draw the sidebar and return the user's choice."""
    bind_settings()
    shown = matching_preset()
    state.mirror("preset", shown)  # not an input: follows the settings
    options = [*PRESETS, CUSTOM]
    with st.sidebar:
        st.radio(
            "Preset",
            options=options,
            key="preset",
            index=options.index(shown),  # see dashboard.state.widget
            horizontal=True,
            on_change=_apply_preset,
            help=PRESET_HELP,
        )
        st.subheader("1 · Corpus")
        corpus_box = st.container()
        st.subheader("2 · Settings")
        # The settings are drawn before the corpus is loaded (seconds for wiki after a
        # preset switch), though shown below it: a click during that load used to reach
        # the server before the sliders had their new values, and their old values then
        # counted as the user's choice (the preset undone, shown as "Custom").
        _settings()
        with corpus_box:
            corpus = _corpus(store)
        config = _config(corpus)
        st.subheader("3 · Train")
        choice = Choice(corpus, config, worker_budget=registry.settings.worker_budget)
        choice.train_clicked = _train_button(choice)
        choice.note = st.empty()
    return choice


# --------------------------------------------------------------------------- corpus


def _corpus(store: CorpusStore) -> Corpus | None:
    source = st.radio(
        "Where the text comes from",
        options=list(SOURCES),
        format_func=SOURCES.get,
        **state.arguments("corpus_source", options=list(SOURCES)),
        help="Word vectors are learned from a text: the more text, the better the vectors.",
    )
    if source == "upload":
        corpus = _uploaded()
    elif source == "paste":
        corpus = _pasted()
    else:
        corpus = _builtin(store)
    if corpus is not None and source != "builtin":
        # Runs on this corpus are this session's to see (see views.Context.visible).
        session.own_corpora().add(corpus.fingerprint)
    if corpus is not None:
        info = BUILTIN_CORPORA.get(corpus.name) if source == "builtin" else None
        _stats(corpus, info.unit if info is not None else "lines")
        problem = AppLimits.from_env().corpus_problem(corpus)
        if problem:
            st.error(f"This corpus cannot be trained here: {md(problem)}")
            return None
    return corpus


def _builtin(store: CorpusStore) -> Corpus | None:
    infos = {info.name: info for info in builtin_corpora()}
    name = st.selectbox(
        "Built-in corpus",
        options=list(infos),
        format_func=lambda n: describe_builtin(infos[n]),
        **state.arguments("builtin", options=list(infos)),
        help="Corpora marked offline are ready at once; the others are downloaded once.",
    )
    info = infos[name]
    st.caption(md(info.description))
    corpus = store.get(name)
    if corpus is not None:
        return corpus
    if not info.offline and info.needs_download():
        st.caption(f"This corpus is downloaded once ({format_mb(info.download_bytes or 0)}).")
        if not st.button("Download", key=f"download_corpus_{name}", icon=":material/download:"):
            return None
        bar = st.progress(0.0, text="Downloading...")

        def progress(done: int, total: int | None) -> None:
            fraction = min(1.0, done / total) if total else 0.0
            bar.progress(fraction, text=f"Downloading... {format_mb(done)}")

        try:
            corpus = store.load(name, progress=progress)
        except DownloadError as error:
            bar.empty()
            st.error(
                f"Could not download '{md(name)}'. Are you offline? The offline corpora "
                f"(toy, lee, wiki) always work. Details: {md(error)}"
            )
            return None
        except CorpusError as error:
            bar.empty()
            st.error(md(error))
            return None
        bar.empty()
        return corpus
    try:
        with st.spinner(f"Loading {name}..."):
            return store.load(name)
    except CorpusError as error:
        st.error(f"Could not load '{md(name)}': {md(error)}")
        return None


def _uploaded() -> Corpus | None:
    limit = AppLimits.from_env().max_upload_mb
    files = st.file_uploader(
        f"Text files (.txt, up to {limit:g} MB in total)",
        # No type=["txt"]: Streamlit would raise on another name before the app can say
        # anything; the names are checked below instead, with a message that says why.
        accept_multiple_files=True,
        key="upload_files",
        max_upload_size=max(1, int(limit)),
        help="Plain text, one or more files. Each line is treated as a sentence.",
    )
    if not files:
        st.info("Upload one or more plain-text files to train on them.")
        return None
    others = [f.name for f in files if not f.name.lower().endswith(".txt")]
    if others:
        shown = ", ".join(f"'{md(name)}'" for name in others)
        st.error(
            f"Only plain-text files whose names end in .txt can be used; {shown} "
            f"{'is' if len(others) == 1 else 'are'} left out. Save the text as .txt and "
            "upload it again."
        )
        files = [f for f in files if f.name.lower().endswith(".txt")]
        if not files:
            return None
    signature = tuple((f.file_id, f.name, f.size) for f in files)
    cached = session.recall(session.UPLOAD)
    if cached is None or cached[0] != signature:
        try:
            with st.spinner("Reading the files..."):
                loaded = corpus_from_uploads([(f.name, f.getvalue()) for f in files], limit)
            cached = (signature, loaded.corpus, loaded.notes, loaded.skipped, None)
        except CorpusError as error:
            cached = (signature, None, [], [], str(error))
        session.remember(session.UPLOAD, cached)  # this session's upload, nobody else's
    _, corpus, notes, skipped, error = cached
    if error:
        st.error(f"This upload cannot be used: {md(error)}")
    for reason in skipped:
        st.warning(md(reason))
    for note in notes:
        st.info(md(note))
    return corpus


def _pasted() -> Corpus | None:
    max_chars = AppLimits.from_env().max_paste_chars
    text = st.text_area(
        f"Your text (up to {max_chars:,} characters)",
        **state.widget("paste_text", ""),
        height=180,
        max_chars=max_chars,
        placeholder="Paste a few paragraphs here. Each line is a sentence.",
        help="Any text. A few thousand words or more gives meaningful neighbours. "
        "Longer texts: upload them as a file (the limit is W2V_MAX_PASTE_CHARS).",
    )
    if not text.strip():
        st.info("Paste some text above, then press Ctrl+Enter (or click outside the box).")
        return None
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    cached = session.recall(session.PASTE)
    if cached is None or cached[0] != digest:
        try:
            cached = (digest, corpus_from_paste(text), None)
        except CorpusError as error:
            cached = (digest, None, str(error))
        session.remember(session.PASTE, cached)
    _, corpus, error = cached
    if error:
        st.error(md(error))
    return corpus


def _stats(corpus: Corpus, unit: str) -> None:
    min_count = int(state.get("hp_min_count", 5))
    stats = corpus_stats(corpus, min_count)
    unit = unit if stats.sentences != 1 else unit.removesuffix("s")
    st.caption(
        f"{stats.tokens:,} words in {stats.sentences:,} {unit} · "
        f"{stats.distinct:,} different words · "
        f"**{stats.vocabulary:,}** seen at least {min_count} times (the vocabulary"
        + (
            f"; a little smaller once {HELDOUT:.0%} of the text is held out)"
            if state.get("hp_heldout", True)
            else ")"
        )
    )
    advice = corpus_advice(stats.tokens, planted=corpus.name == "toy")
    if advice is not None:  # said before training, not discovered after
        (st.warning if advice.level == "warning" else st.caption)(advice.text)
    with st.expander("Most frequent words"):
        frame = pd.DataFrame(corpus.most_common(15), columns=["word", "count"])
        st.dataframe(frame, hide_index=True, width="stretch")


# --------------------------------------------------------------------------- settings


def _hp_slider(label: str, name: str, help: str) -> None:
    """A slider for one hyper-parameter, its range from :func:`slider_range`."""
    low, high, step = slider_range(name)
    st.slider(label, low, high, step=step, **state.arguments(f"hp_{name}"), help=help)


def _settings() -> None:
    """The hyper-parameter widgets (their values are read by :func:`_config`)."""
    _hp_slider(
        "Dimensions", "dim",
        "How many numbers describe each word. More can hold more meaning, "
        "but need more text and time.",
    )  # fmt: skip
    _hp_slider(
        "Window", "window",
        "How many words on each side count as a word's neighbours. Small: words used "
        "the same way; large: words about the same topic.",
    )  # fmt: skip
    _hp_slider(
        "Negative samples", "negatives",
        "For each real neighbour, how many random words the model learns to tell "
        "apart from it. 5 to 15 is typical.",
    )  # fmt: skip
    _hp_slider(
        "Epochs", "epochs",
        "How many times training reads the whole text. More passes help small "
        "corpora and take longer.",
    )  # fmt: skip
    _hp_slider(
        "Min-count", "min_count",
        "Words seen fewer times than this are ignored: too rare to learn well.",
    )  # fmt: skip
    st.select_slider(
        "Subsampling threshold", options=SAMPLE_CHOICES, **state.arguments("hp_sample"),
        format_func=lambda v: "off" if v == 0 else f"{v:g}",
        help="Very frequent words (the, of, and) are randomly skipped so that rarer words "
        "get more attention. Smaller values skip more; 'off' keeps every word.",
    )  # fmt: skip
    st.select_slider(
        "Learning rate", options=ALPHA_CHOICES, **state.arguments("hp_alpha"),
        format_func=lambda v: f"{v:g}",
        help="How big each learning step is at the start (it shrinks to almost zero by "
        "the end). Too big is unstable, too small learns slowly.",
    )  # fmt: skip
    st.number_input(
        "Seed", min_value=int(LIMITS["seed"][0]), max_value=int(LIMITS["seed"][1]), step=1,
        **state.arguments("hp_seed"),
        help="Starting point of the randomness. Same seed and settings: exactly the same "
        "vectors. Change it to see how much results vary by chance.",
    )  # fmt: skip
    with st.expander("Speed and early stopping"):
        st.checkbox(
            "Shared negative samples (much faster)", **state.arguments("hp_shared"),
            help="Use one pool of random words for every neighbour pair of a step instead "
            "of drawing new ones for each pair as word2vec does: several times faster, "
            "equally good vectors in our benchmarks (README, Performance).",
        )  # fmt: skip
        if CORES > 1:
            st.slider(
                "Worker processes", 1, CORES, **state.arguments("hp_workers"),
                help="Train on this many cores at once. 1 gives exactly the same vectors "
                "every time; more are faster but vary slightly from run to run. Small "
                "corpora use one. Trainings of all users share this server's cores.",
            )  # fmt: skip
        st.select_slider(
            "Batch size", options=BATCH_CHOICES, **state.arguments("hp_batch"),
            help="About how many word pairs are learned from in one step. Bigger is "
            "faster; each step then uses slightly older vectors.",
        )  # fmt: skip
        st.checkbox(
            "Stop early when the loss stops improving", **state.arguments("hp_early"),
            help="End training before the last epoch if an epoch lowers the loss by less "
            "than the tolerance below.",
        )  # fmt: skip
        st.select_slider(
            "Tolerance", options=TOLERANCE_CHOICES, **state.arguments("hp_tol"),
            format_func=lambda v: f"{v:.2%}",
            disabled=not state.get("hp_early"),
            help="Smallest improvement of the epoch loss, as a fraction of it, that keeps "
            "training going (1% = 0.01).",
        )  # fmt: skip
        st.checkbox(
            f"Hold out {HELDOUT:.0%} of the text (held-out loss)", **state.arguments("hp_heldout"),
            help="Keep some sentences out of training and measure the loss on them after "
            "every epoch: a score for any text, and it rises when the model over-fits. "
            "The same sentences for every run of a corpus, so runs compare (Tune tab).",
        )  # fmt: skip


def _config(corpus: Corpus | None) -> TrainConfig | None:
    """Build and check the configuration; show what to do if it is impossible."""
    get = state.get
    try:
        config = TrainConfig(
            dim=int(get("hp_dim")),
            window=int(get("hp_window")),
            negatives=int(get("hp_negatives")),
            epochs=int(get("hp_epochs")),
            min_count=int(get("hp_min_count")),
            sample=float(get("hp_sample")),
            alpha=float(get("hp_alpha")),
            min_alpha=min(TrainConfig.min_alpha, float(get("hp_alpha"))),
            seed=int(get("hp_seed")),
            shared_negatives=bool(get("hp_shared")),
            batch_size=int(get("hp_batch")),
            workers=min(CORES, int(get("hp_workers"))),
            snapshot_words=SNAPSHOT_WORDS,
            early_stop=float(get("hp_tol")) if get("hp_early") else 0.0,
            heldout=HELDOUT if get("hp_heldout", True) else 0.0,
        ).validate()
    except (ConfigError, TypeError, ValueError) as error:
        st.error(f"These settings are not possible: {md(error)}")
        return None
    if corpus is not None:
        vocabulary = corpus_stats(corpus, config.min_count).vocabulary
        if vocabulary < 2:
            top = corpus.most_common(1)
            most = top[0][1] if top else 0
            if len(corpus.words) < 2:  # one word repeated: no min-count or size helps
                st.error(
                    f"This text is one word repeated ({most:,} times): word2vec learns a "
                    "word from the different words around it, so it needs a text with "
                    "many different words."
                )
                return None
            advice = (
                "lower the min-count, or use a larger corpus"
                if config.min_count > 1
                else "every word is kept already: use a larger corpus"
            )
            st.error(
                f"Min-count {config.min_count} keeps {vocabulary} word(s) of this corpus "
                f"(its most frequent word occurs {most} times): {advice}."
            )
            return None
        problem = AppLimits.from_env().vocabulary_problem(corpus, config.min_count)
        if problem:
            st.error(f"These settings are too big for this server: {md(problem)}")
            return None
    return config


# --------------------------------------------------------------------------- train


def _train_button(choice: Choice) -> bool:
    return st.button(
        "Train",
        type="primary",
        key="train",
        icon=":material/model_training:",
        disabled=choice.key is None,
        width="stretch",
        help="Learn word vectors with these settings. Each combination is trained once "
        "and remembered, so coming back to it is instant.",
    )


def train_note(
    choice: Choice, registry: RunRegistry, active: str | None, trained: list[str]
) -> str:
    """The line under Train, true at the moment it is drawn (after the app has acted on
    the choice): ``active`` is the run shown, ``trained`` the keys this session trained,
    the latest last.  Settings that train with several workers say they are not
    bit-reproducible."""
    note = _state_note(choice, registry, active, trained)
    if choice.corpus is not None and choice.config is not None:
        workers = resolve(choice.corpus, choice.config, choice.worker_budget).workers
        if workers > 1:
            note += (
                f" With {workers} workers the vectors differ slightly from run to run "
                "(not bit-reproducible); 1 worker gives the same vectors every time."
            )
    return note


def _state_note(
    choice: Choice, registry: RunRegistry, active: str | None, trained: list[str]
) -> str:
    key = choice.key
    if key is None:
        return "Choose a corpus and possible settings first."
    if registry.job(key) is not None:
        return "Training these settings now…"
    run = registry.peek(key)
    if run is not None and run.status == RunStatus.STOPPED:
        return "Stopped part-way before: click Train to train it fully."
    if key == active and trained and key == trained[-1]:
        return "✓ Trained just now: shown in the tabs."
    if key == active and key in trained:
        return "✓ Trained earlier in this session: shown again from the cache."
    if key == active and registry.is_cached(key):
        return "✓ Trained before: shown from the cache."
    if registry.is_cached(key):
        return "✓ Trained before: click Train to show it."
    return "Not trained yet with these settings: click Train."
