"""The lesson's tables ("How it learns"): the scores of one step, and every number of it.

Pure functions of a :class:`~w2v_core.onestep.Lesson` and one of its steps, returning
DataFrames the tab shows as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from w2v_core.onestep import Lesson, StepTrace

DIGITS = 3
"""Decimals shown (the formulas of the tab use as many)."""


def score_table(lesson: Lesson, t: StepTrace) -> pd.DataFrame:
    rows = [
        {
            "word": lesson.word(t.context),
            "role": "real context",
            "score u·h": round(t.pos_score, DIGITS),
            "σ(score): how sure": round(t.pos_prob, DIGITS),
            "target": "1",
        }
    ]
    for k, n in enumerate(t.negatives):
        rows.append(
            {
                "word": lesson.word(int(n)),
                "role": "negative",
                "score u·h": round(float(t.neg_scores[k]), DIGITS),
                "σ(score): how sure": round(float(t.neg_probs[k]), DIGITS),
                "target": "0",
            }
        )
    return pd.DataFrame(rows)


def numbers(lesson: Lesson, t: StepTrace) -> pd.DataFrame:
    """Every number of the step at full precision (read back by the tests)."""
    rows: list[dict[str, object]] = []

    def add(name: str, word: str, values: np.ndarray | float) -> None:
        values = np.atleast_1d(np.asarray(values, dtype=float))
        rows.append(
            {"quantity": name, "word": word, **{f"x{i + 1}": v for i, v in enumerate(values)}}
        )

    c, o = lesson.word(t.center), lesson.word(t.context)
    add("h", c, t.h)
    add("u_o", o, t.u_pos)
    for k, n in enumerate(t.negatives):
        add(f"u_k{k + 1}", lesson.word(int(n)), t.u_neg[k])
    add("u_o·h", o, t.pos_score)
    add("σ(u_o·h)", o, t.pos_prob)
    add("g_o", o, t.g_pos)
    for k, n in enumerate(t.negatives):
        add(f"g_k{k + 1}", lesson.word(int(n)), t.g_neg[k])
    add("loss before", "", t.loss_before)
    add("dL/dh", c, t.grad_h)
    add("dL/du_o", o, t.grad_pos)
    for k, n in enumerate(t.negatives):
        add(f"dL/du_k{k + 1}", lesson.word(int(n)), t.grad_neg[k])
    add("h after", c, t.h_after)
    add("loss after", "", t.loss_after)
    return pd.DataFrame(rows)
