"""Analogy questions a run answers right, to lead the Analogies tab with.

A run on half a million words of real text gets about 3 % of Google's questions right:
a random sample of 16 then holds none, and the tab opened on "man is to king as woman
is to: 1848".  This module looks through the questions whose words the run knows, in
blocks, until it has found a few it answers right (3CosAdd, as the Overview).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np

from dashboard.queries import Example, _google_questions, google_source

if TYPE_CHECKING:  # pragma: no cover
    from w2v_core.vectors import KeyedVectors

BLOCK = 256
"""Questions answered at once: one ``(256, dim) @ (dim, vocabulary)`` product."""
MAX_QUESTIONS = 4096
"""At most this many questions are tried (a few seconds on text8's vocabulary)."""


def _interleaved(kv: KeyedVectors, seed: int) -> list[tuple[str, tuple[str, str, str, str]]]:
    """The known questions, sections taking turns (so the first right answers are not
    all capitals), each section shuffled with ``seed``."""
    rng = random.Random(seed)
    sections = []
    for name, questions in _google_questions():
        known = [q for q in questions if all(w in kv for w in q)]
        rng.shuffle(known)
        if known:
            sections.append((name, known))
    longest = max((len(q) for _, q in sections), default=0)
    return [(name, q[i]) for i in range(longest) for name, q in sections if i < len(q)]


def right_examples(kv: KeyedVectors, n: int = 8, seed: int = 0) -> list[Example]:
    """Up to ``n`` Google questions the run answers right by 3CosAdd::

    answer = argmax_{x not in {a, b, c}} cos(x, b - a + c)    (unit vectors)
    """
    questions = _interleaved(kv, seed)[:MAX_QUESTIONS]
    if not questions or n <= 0:
        return []
    unit = kv.unit(np.arange(len(kv)))
    found: list[Example] = []
    for start in range(0, len(questions), BLOCK):
        block = questions[start : start + BLOCK]
        rows = np.array([[kv.index[w] for w in q] for _, q in block], dtype=np.int64)
        scores = (unit[rows[:, 1]] - unit[rows[:, 0]] + unit[rows[:, 2]]) @ unit.T
        scores[np.arange(len(rows))[:, None], rows[:, :3]] = -np.inf
        right = np.flatnonzero(np.argmax(scores, axis=1) == rows[:, 3])
        for i in right:
            name, q = block[int(i)]
            found.append(Example(*q, source=google_source(name)))
            if len(found) >= n:
                return found
    return found
