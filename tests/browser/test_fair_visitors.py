"""Two real browsers: a link's long training and another visitor's short one.

The scenario is :func:`benchmarks.fair_visitors.scenario` (which also measures the
figures of docs/reliability.md); here only what does not depend on speed is checked:
the hostile link does not train on arrival and is refused, a long link waits for a
click, the second visitor's training ends while the first one's still runs, the
queue names the other visitor anonymously, and a closed tab's training stops.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.fair_visitors import ORPHAN_SECONDS, scenario

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.timeout(600)
def test_a_short_training_runs_beside_a_long_one_and_a_closed_tab_stops(
    server_factory, browser, tmp_path
):
    server = server_factory(W2V_ORPHAN_SECONDS=str(ORPHAN_SECONDS))
    shots = Path(os.environ.get("W2V_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    facts = scenario(server, browser, shots)
    assert facts["huge_link_asks_for_a_click"] and not facts["huge_link_trained_on_arrival"]
    assert "W2V_SESSION_BUDGET_MINUTES" in facts["huge_link_refusal"]
    assert facts["long_link_asks_for_a_click"] and not facts["long_link_trained_on_arrival"]
    assert facts["a_still_running_when_b_done"] and not facts["b_saw_waiting"]
    assert facts["b_queue_title"].startswith("Server queue: 1 running")
    assert facts["b_sees_a_anonymously"]
    assert facts["queue_after_close"].startswith("Server queue: 0 running, 0 waiting")
