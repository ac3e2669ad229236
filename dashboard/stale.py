"""The banner that says the tabs show an older run than the sidebar's settings.

After a slider moves, every tab keeps showing the run trained before; the only cue used
to be a line under the sidebar's Train button, below the fold at 720 px.  This banner
sits at the top of the main area, names what differs and has its own Train button.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import session
from dashboard.ui import md

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.runs import Run
    from w2v_core.corpus import Corpus
    from w2v_core.train import TrainConfig

#: The setting names the sidebar shows, for the settings that change a run's vectors.
SETTINGS = {
    "dim": "dimensions",
    "window": "window",
    "negatives": "negatives",
    "epochs": "epochs",
    "min_count": "min-count",
    "max_vocab": "vocabulary cap",
    "sample": "subsampling",
    "ns_exponent": "noise exponent",
    "alpha": "learning rate",
    "min_alpha": "final learning rate",
    "seed": "seed",
    "batch_size": "step size",
    "shared_negatives": "shared negatives",
    "shared_pool": "shared pool",
    "heldout": "held-out share",
    "early_stop": "early stopping",
    "early_stop_patience": "early-stopping patience",
}


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def differences(run: Run, corpus: Corpus, config: TrainConfig) -> list[str]:
    """What differs between the run shown and the sidebar's choice, in the sidebar's
    words: ``["corpus toy → wiki", "epochs 5 → 10"]`` (empty: nothing that matters)."""
    changes = []
    if run.corpus_fingerprint != corpus.fingerprint:
        before, after = run.corpus_name, corpus.name
        changes.append(f"corpus {before} → {after}" if before != after else "the text")
    if run.config is None:
        return changes
    names = {f.name for f in fields(config)}
    for name, label in SETTINGS.items():
        if name in names:
            old, new = getattr(run.config, name), getattr(config, name)
            if old != new:
                changes.append(f"{label} {_value(old)} → {_value(new)}")
    return changes


def _ask_to_train() -> None:
    session.ask_to_train()


def train_requested() -> bool:
    """Was the banner's Train button clicked (read once)?"""
    return session.train_asked()


def banner(run: Run | None, corpus: Corpus | None, config: TrainConfig | None) -> bool:
    """Say so when the tabs show a trained run whose settings differ from the sidebar's;
    True if shown.  Imported vectors (no settings) get no banner."""
    if run is None or corpus is None or config is None or run.config is None:
        return False
    changes = differences(run, corpus, config)
    if not changes:
        return False
    text, button = st.columns([5, 1], vertical_alignment="center")
    text.warning(
        "**The tabs show an earlier run.** The sidebar's settings differ from it: "
        + md("; ".join(changes))
        + ". Click Train to see what the new settings learn.",
        icon=":material/history:",
    )
    button.button(
        "Train",
        key="train_banner",
        type="primary",
        icon=":material/model_training:",
        on_click=_ask_to_train,
        width="stretch",
    )
    return True
