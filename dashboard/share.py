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
            except (ValueError, TypeError, OverflowError):
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
    state = st.session_state
    if state.get("_share_restored"):
        return {}
    state["_share_restored"] = True
    params = {name: st.query_params.get(name) for name in st.query_params}
    accepted, ignored = read({k: v for k, v in params.items() if v is not None}, fields)
    state.update(accepted)
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
