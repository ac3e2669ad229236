"""The stability/compare benchmark's pieces run (its figures are never asserted)."""

from benchmarks.seeds_and_changes import interleaved, large_workload, synthetic_pair
from w2v_core.compare import compare


def test_synthetic_pair_is_a_turned_and_perturbed_copy():
    a, b = synthetic_pair(200, 16)
    moved = [c.moved for c in compare(a, b, topn=5).changes]
    assert sorted(moved)[len(moved) // 2] < 0.1  # the rotation is undone; the noise is small


def test_large_workload_reports_every_task_with_its_runs():
    result = large_workload(words=300, repeats=2, per_run=10.0, full_repeats=2)
    tasks = result["analysis"]
    assert set(tasks) == {"compare_10000", "compare_all_300", "frequent_stability_1000_3_runs"}
    for figure in tasks.values():
        assert len(figure["runs_s"]) == 2 and "ratio_to_one_wiki_training" in figure


def test_interleaved_runs_each_task_once_per_repeat():
    calls = []
    interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, 2)
    assert calls == ["a", "b", "a", "b"]
