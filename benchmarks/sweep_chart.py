"""Draw sweeps written by ``python -m w2v_core sweep --json`` as one PNG.

One row per sweep file, one column per score, each panel the Tune tab's own chart
(:func:`dashboard.charts.tuning.sweep_line`, best point starred); the PNG is taken
by a headless Chromium (Plotly cannot write images without an extra package)::

    python -m benchmarks.sweep_chart window.json dim.json --out docs/sweep-wiki.png
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from plotly.subplots import make_subplots

from benchmarks.load import find_chromium
from dashboard.charts.tuning import SCORE_TITLES, score_title, sweep_line


def figure(sweeps: list[dict], scores: list[str]):
    """The grid of panels: sweeps down, scores across."""
    titles = [
        f"{SCORE_TITLES.get(score, score)} against {sweep['param']}"
        for sweep in sweeps
        for score in scores
    ]
    fig = make_subplots(rows=len(sweeps), cols=len(scores), subplot_titles=titles,
                        vertical_spacing=0.16, horizontal_spacing=0.1)  # fmt: skip
    for row, sweep in enumerate(sweeps, start=1):
        for col, score in enumerate(scores, start=1):
            points = [
                {"value": run["value"], "score": _score(run, score), "key": ""}
                for run in sweep["runs"]
            ]
            panel = sweep_line(points, sweep["param"], score)
            for trace in panel.data:
                fig.add_trace(trace, row=row, col=col)
            fig.update_xaxes(panel.layout.xaxis, row=row, col=col)
            fig.update_xaxes(title_text=sweep["param"], row=row, col=col)
            fig.update_yaxes(title_text=score_title(score).replace(" (", "<br>("),
                             row=row, col=col)  # fmt: skip
    fig.update_layout(showlegend=False, width=1200, height=420 * len(sweeps),
                      font={"size": 15}, margin={"l": 20, "r": 20, "t": 60, "b": 20},
                      paper_bgcolor="white")  # fmt: skip
    return fig


def _score(run: dict, score: str) -> float | None:
    return run.get(score) if score in ("heldout_loss", "final_loss") else run["scores"].get(score)


def save_png(fig, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "chart.html"
        fig.write_html(page_path, include_plotlyjs=True, full_html=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1240, "height": 460 * 2})
            page.goto(page_path.as_uri())
            page.wait_for_selector(".main-svg")
            page.locator(".plotly-graph-div").screenshot(path=str(out))
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweeps", nargs="+", type=Path, help="JSON files of sweeps")
    parser.add_argument("--scores", default="heldout_loss,ws353", help="comma-separated")
    parser.add_argument("--out", type=Path, required=True, help="the PNG to write")
    args = parser.parse_args()
    sweeps = [json.loads(path.read_text(encoding="utf-8")) for path in args.sweeps]
    save_png(figure(sweeps, args.scores.split(",")), args.out)
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
