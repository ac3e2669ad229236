"""The Streamlit dashboard: train word2vec with sliders, watch it learn, explore the space.

Start it with ``streamlit run dashboard/app.py`` from the repository root.

Layout:

* :mod:`dashboard.app` -- the thin page script (sidebar, progress panel, tabs);
* :mod:`dashboard.runs` -- the process-wide registry of trained runs and training jobs
  (shared between sessions, cached in memory and on disk);
* :mod:`dashboard.corpora` -- built-in corpora, uploads and pasted text;
* :mod:`dashboard.sidebar` -- corpus choice, hyper-parameters, presets, Train button;
* :mod:`dashboard.views` -- one module per tab;
* :mod:`dashboard.charts` -- pure functions returning Plotly figures.
"""
