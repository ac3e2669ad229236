"""The Streamlit dashboard: train word2vec with sliders, watch it learn, explore the space.

Start it with ``streamlit run dashboard/app.py`` from the repository root.

Layout:

* :mod:`dashboard.app` -- the page script: wiring only (header, sidebar, progress, tabs);
* :mod:`dashboard.flow` -- what a choice does: show a cached run, train, take the result;
* :mod:`dashboard.session` -- the app's bookkeeping for one session (active run, job,
  flashes, imports); :mod:`dashboard.state` -- the user's inputs;
* :mod:`dashboard.runs` -- the process-wide registry of trained runs and training jobs
  (shared between sessions, cached in memory and on disk);
* :mod:`dashboard.corpora` -- built-in corpora, uploads and pasted text;
* :mod:`dashboard.sidebar` -- corpus choice, hyper-parameters, presets, Train button;
* :mod:`dashboard.views` -- one module per tab (titles in :mod:`dashboard.tabs`), on
  the helpers of :mod:`dashboard.ui` (which every page part may use);
* :mod:`dashboard.charts` -- pure functions returning Plotly figures.
"""
