"""Smoke test of the load benchmark (``benchmarks/load.py``) with two users.

Checks the report's structure and the one guarantee that does not depend on speed: two
users asking for the same configuration cause one training.  ~20 s; deselect with
``-m "not browser"`` (or ``-m "not slow"``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_two_users_share_one_training_without_errors(tmp_path, chromium):
    out = tmp_path / "load.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [
        sys.executable, "-m", "benchmarks.load", "--users", "2", "--sentences", "1500",
        "--duration", "90", "--chromium", chromium, "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    assert report["errors"] == 0 and report["users_completed"] == 2
    assert report["distinct_configurations"] == 1
    assert report["trainings_run"] == 1 and report["models_cached"] == 1
    seconds = report["seconds"]
    assert seconds["train"]["n"] == 2 and seconds["neighbours"]["n"] == 8
    assert seconds["neighbours"]["p50"] <= seconds["neighbours"]["p95"]
    assert report["server_peak_rss_mb"] > 50
    assert "p95" in done.stdout
