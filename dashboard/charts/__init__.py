"""The figure builders: pure functions returning Plotly figures, tested without a browser.

Nothing here imports Streamlit: views call these and draw what they return.

* :mod:`~dashboard.charts.style` -- text escaping and the shared colours;
* :mod:`~dashboard.charts.scores` -- training curves and score bars;
* :mod:`~dashboard.charts.maps` -- the word map (:func:`~dashboard.charts.maps.scatter_map`);
* :mod:`~dashboard.charts.map_frame` -- the map's layout, axes, legend and plot area;
* :mod:`~dashboard.charts.replay` -- the map replayed over training epochs;
* :mod:`~dashboard.charts.labels` -- where labels go so they do not overlap;
* :mod:`~dashboard.charts.projection` -- t-SNE, PCA, UMAP and custom axes (NumPy/scikit-learn);
* :mod:`~dashboard.charts.layout` -- which words a map lays out, where later words go;
* :mod:`~dashboard.charts.lesson`, :mod:`~dashboard.charts.plane` -- "How it learns";
* :mod:`~dashboard.charts.tuning` -- sweeps and intervals (Tune tab);
* :mod:`~dashboard.charts.contexts` -- contexts and the company a word keeps;
* :mod:`~dashboard.charts.compare` -- stability across seeds, what changed between runs.
"""
