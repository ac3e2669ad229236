"""Shareable views: the corpus, the settings, the tab and the word live in the URL.

``?corpus=toy&dim=50&tab=map&word=king`` reopens that view: the values are copied into
the session's inputs on the first run of a session, before any widget is drawn, and the
URL follows the inputs afterwards.  A link is data from anyone, so every value is
parsed and checked against what its widget accepts; whatever does not pass is dropped,
and the page says once that something was ignored.

:func:`read` and :func:`write` are pure (a mapping in, a mapping out); the Streamlit
side is :func:`restore` and :func:`publish`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard import session
from dashboard.tabs import TABS

MAX_VALUE_CHARS = 60
"""Longer URL values are refused without being parsed."""


@dataclass(frozen=True)
class Field:
    """One URL parameter: the session-state key it sets, how its text is parsed, which
    parsed values are acceptable, and how a value is written back."""

    key: str
    parse: Callable[[str], Any]
    valid: Callable[[Any], bool]
    show: Callable[[Any], str] = str


def integer(text: str) -> int:
    """``"50"`` -> 50 (no signs, no decimals: a slider's value)."""
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def number(text: str) -> float:
    """``"0.025"`` or ``"1e-3"`` -> float (finite only)."""
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def boolean(text: str) -> bool:
    """``"1"``/``"true"``/``"yes"`` -> True, ``"0"``/``"false"``/``"no"`` -> False."""
    lowered = text.lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise ValueError(text)


def one_of(options: Any) -> Callable[[Any], bool]:
    """A check that a value is one of ``options`` (compared after parsing)."""
    allowed = list(options)
    return lambda value: value in allowed


def between(low: float, high: float) -> Callable[[Any], bool]:
    """A check that ``low <= value <= high``."""
    return lambda value: low <= value <= high


def read(
    params: Mapping[str, str], fields: Mapping[str, Field]
) -> tuple[dict[str, Any], list[str]]:
    """Parse URL parameters.

    Returns
    -------
    accepted : dict
        Session-state key -> parsed value, for every parameter that passed.
    ignored : list of str
        Names of the parameters that were dropped (unknown, unparsable, out of range),
        truncated to 20 characters (they are shown to the user, escaped).
    """
    accepted: dict[str, Any] = {}
    ignored: list[str] = []
    for name, text in params.items():
        field = fields.get(name)
        value = None
        ok = field is not None and isinstance(text, str) and len(text) <= MAX_VALUE_CHARS
        if ok:
            try:
                value = field.parse(text.strip())
                ok = bool(field.valid(value))
            except (ValueError, TypeError, OverflowError, LookupError):
                ok = False
        if ok:
            accepted[field.key] = value
        else:
            ignored.append(str(name)[:20])
    return accepted, ignored


def write(state: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, str]:
    """The URL parameters describing ``state`` (only fields with a valid value)."""
    params = {}
    for name, field in fields.items():
        if field.key in state and state[field.key] is not None:
            value = state[field.key]
            try:
                if field.valid(value):
                    params[name] = field.show(value)
            except (TypeError, ValueError):
                continue
    return params


# -- Streamlit -------------------------------------------------------------------------------


def restore(fields: Mapping[str, Field], notice: Callable[[str], None]) -> dict[str, Any]:
    """On a session's first run, copy the URL's valid values into session state.

    ``notice`` receives one sentence if anything was ignored.  Returns what was set.
    """
    if not session.first_link_restore():
        return {}
    params = {name: st.query_params.get(name) for name in st.query_params}
    accepted, ignored = read({k: v for k, v in params.items() if v is not None}, fields)
    st.session_state.update(accepted)  # each field's key (an input's, the tab's)
    if ignored:
        names = ", ".join(ignored[:5]) + (" …" if len(ignored) > 5 else "")
        notice(f"Some values in this link were not understood and were ignored: {names}.")
    return accepted


def publish(fields: Mapping[str, Field], extra: Mapping[str, Any] | None = None) -> None:
    """Make the URL describe the current inputs (so copying it shares this view)."""
    state = dict(st.session_state)
    state.update(extra or {})
    wanted = write(state, fields)
    current = {name: st.query_params.get(name) for name in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


# -- this app's link -----------------------------------------------------------------------

WORD_KEY = "share_word"
"""Session key of the word a link asked to look at (the Overview's and the Map's)."""


def link_word() -> str:
    """The word a link asked to look at ("" if none)."""
    return str(st.session_state.get(WORD_KEY, "") or "")


def _word(text: str) -> str:
    if not text or len(text) > 50 or not text.isprintable():
        raise ValueError(text)
    return text


def app_fields(tabs: list[str] | None = None) -> dict[str, Field]:
    """The link's parameters: ``corpus`` (a built-in one), the sidebar's settings,
    ``tab`` and ``word`` -- each checked against what its widget accepts."""
    from dashboard import sidebar
    from dashboard.corpora import builtin_corpora

    names = [info.name for info in builtin_corpora()]
    slugs = {slug: title for slug, title in TABS.items() if tabs is None or title in tabs}

    def slider(name: str) -> Field:
        low, high, step = sidebar.slider_range(name)
        return Field(f"hp_{name}", integer, lambda v: low <= v <= high and (v - low) % step == 0)

    def choice(key: str, options: list[float]) -> Field:
        return Field(key, number, one_of(options), lambda v: f"{v:g}")

    seed_low, seed_high = sidebar.LIMITS["seed"]
    return {
        "corpus": Field("builtin", str, one_of(names)),
        "dim": slider("dim"),
        "window": slider("window"),
        "neg": slider("negatives"),
        "epochs": slider("epochs"),
        "min_count": slider("min_count"),
        "sample": choice("hp_sample", sidebar.SAMPLE_CHOICES),
        "lr": choice("hp_alpha", sidebar.ALPHA_CHOICES),
        "seed": Field("hp_seed", integer, between(int(seed_low), int(seed_high))),
        "shared": Field("hp_shared", boolean, one_of([True, False]), lambda v: "1" if v else "0"),
        "batch": Field("hp_batch", integer, one_of(sidebar.BATCH_CHOICES)),
        "tab": Field(
            "tab",
            lambda s: slugs[s.lower()],
            one_of(slugs.values()),
            lambda v: next(s for s, t in slugs.items() if t == v),
        ),
        "word": Field(WORD_KEY, _word, lambda w: isinstance(w, str) and 0 < len(w) <= 50),
    }


def restore_app(tabs: list[str], notice: Callable[[str], None]) -> None:
    """:func:`restore` for this app: settings go through :func:`dashboard.state.put`
    (so the sidebar keeps them), a corpus named in the link selects the built-in source,
    and the word becomes the Map's search too."""
    from dashboard import state

    accepted = restore(app_fields(tabs), notice)
    if any(key.startswith("hp_") or key == "builtin" for key in accepted):
        # a training asked for by a link: the app then trains on arrival only what is
        # estimated under budget.CONFIRM_SECONDS, and asks for a click on Train for more
        # (a link is anyone's, and its training would hold a shared slot)
        session.mark_link_chose_settings()
    for key, value in accepted.items():
        if key.startswith("hp_") or key == "builtin":
            state.put(key, value)
    if "builtin" in accepted:
        state.put("corpus_source", "builtin")
    if WORD_KEY in accepted:
        state.put("map_query", accepted[WORD_KEY])


def publish_app(tabs: list[str]) -> None:
    """:func:`publish` for this app; only a built-in corpus can be shared (uploads and
    pasted text stay in their session), and the word is the Map's search if any."""
    from dashboard import state

    extra: dict[str, Any] = {}
    if state.current("corpus_source") != "builtin":
        extra["builtin"] = None
    searched = str(state.get("map_query", "") or "").strip()
    if searched:
        extra[WORD_KEY] = searched
    publish(app_fields(tabs), extra)
