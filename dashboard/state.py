"""The user's inputs, kept across tabs and reruns, behind one small typed accessor.

Streamlit forgets a widget's value when the widget is not drawn in a run: a tab that
is not open, or a run cut short by a click (a click during the first training used to
drop every sidebar slider to its minimum).  So the value a user typed or chose lives
in one non-widget ``st.session_state`` entry, :data:`STORE`, which Streamlit never
cleans up, and each widget is re-seeded from it whenever Streamlit has forgotten it.

Use it in one line::

    a = st.text_input("A", **state.widget("an_a", lambda: first.a, basis=run.key))

:func:`widget` returns the widget's ``key`` and its stored value as the widget's own
default (``value=``, or ``index=`` given ``options``).  Both matter: a browser that
mounts a widget afresh (a click while the first training runs, a redrawn sidebar) may
report the widget's *proto default* back before it applies the value sent through
session state; without ``value=`` that default is the slider's minimum, and every
setting "chose" its minimum (issue 15).  With the stored value as the default, such a
report repeats the stored value and changes nothing.

:func:`bind` (what :func:`widget` calls) records the widget's current value (the
user's latest) or re-seeds the widget; a value the user never changed follows its
default when ``basis`` changes (e.g. another run is shown), a value the user typed is
theirs until they change it.
:func:`put` sets an input from code (a preset, an example); :func:`get` reads one;
:func:`current` reads a widget's value in its own callback; :func:`mirror` sets a widget
that only shows what other inputs say.  The app's own bookkeeping (not inputs) is
:mod:`dashboard.session`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

#: The one session-state entry (not a widget key) holding every input.
STORE = "_inputs"


@dataclass
class Slot:
    """One input: its value, whether the user set it, and what its default was for."""

    value: Any
    user: bool = False
    basis: str | None = None


def _slots() -> dict[str, Slot]:
    slots = st.session_state.get(STORE)
    if slots is None:
        slots = st.session_state[STORE] = {}
    return slots


def bind(
    name: str,
    default: T | Callable[[], T],
    *,
    basis: str | None = None,
    valid: Callable[[Any], bool] | None = None,
) -> str:
    """Prepare the widget of input ``name`` and return its key (``name`` itself).

    Call it just before creating the widget, every run.

    Parameters
    ----------
    name : str
        The input's name, unique in the app; also the widget key.
    default : value or callable
        The value before the user chose one (a callable is only called when needed).
    basis : str, optional
        What the default depends on (e.g. the run key): when it changes, an input the
        user never changed takes the new default.
    valid : callable, optional
        A stored value it rejects (e.g. outside a slider's new range) is replaced by
        the default.
    """
    slots = _slots()
    slot = slots.get(name)
    session = st.session_state
    if name in session:  # the widget is alive: its value is the user's latest
        current = session[name]
        if slot is None or current != slot.value:
            slot = slots[name] = Slot(current, user=True, basis=basis)
    stale = slot is not None and not slot.user and slot.basis != basis
    if slot is None or stale or (valid is not None and not valid(slot.value)):
        value = default() if callable(default) else default
        slot = slots[name] = Slot(value, user=False, basis=basis)
        session[name] = value
    elif name not in session:  # Streamlit forgot the widget: re-seed it
        session[name] = slot.value
    return name


def widget(
    name: str,
    default: T | Callable[[], T],
    *,
    basis: str | None = None,
    valid: Callable[[Any], bool] | None = None,
    options: Sequence[Any] | None = None,
    param: str = "value",
) -> dict[str, Any]:
    """:func:`bind`, then the keyword arguments that draw the widget at its stored value.

    Parameters
    ----------
    name, default, basis, valid
        As for :func:`bind`.
    options : sequence, optional
        The options of a ``selectbox`` or ``radio``: the default is passed as ``index=``.
    param : str
        The widget's name for its default (``"value"``; ``"default"`` for
        ``multiselect``).

    Returns
    -------
    dict
        ``{"key": name, param: stored value}`` or ``{"key": name, "index": i}``.
    """
    bind(name, default, basis=basis, valid=valid)
    return arguments(name, options=options, param=param)


def arguments(
    name: str, *, options: Sequence[Any] | None = None, param: str = "value"
) -> dict[str, Any]:
    """The widget arguments of an input already bound in this run (see :func:`widget`)."""
    value = get(name)
    if options is not None:
        choices = list(options)
        return {"key": name, "index": choices.index(value) if value in choices else 0}
    return {"key": name, param: value}


def get(name: str, default: T | None = None) -> Any:
    """The current value of an input (``default`` if it has none yet)."""
    slot = _slots().get(name)
    return default if slot is None else slot.value


def put(name: str, value: Any, *, user: bool = True) -> None:
    """Set an input from code (a preset, a chosen example).

    Call it from a widget callback or before the input's widget is drawn in this run.
    """
    _slots()[name] = Slot(value, user=user)
    st.session_state[name] = value


def current(name: str, default: Any = None) -> Any:
    """A widget's value as the browser sent it: in the widget's own callback, before
    :func:`bind` records it in the next run."""
    return st.session_state.get(name, default)


def mirror(name: str, value: Any) -> None:
    """Set a widget that follows other inputs (a preset radio that names the settings,
    an example box that names the words): not an input of its own, so not stored.

    Call it before the widget is drawn in this run.
    """
    st.session_state[name] = value


def forget(name: str) -> None:
    """Drop an input: its next :func:`bind` starts from the default again."""
    _slots().pop(name, None)
    st.session_state.pop(name, None)
