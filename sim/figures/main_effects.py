"""Main effects of a grid design: each outcome at each level of each lever, with intervals.

For lever L at level v, replicate r's main effect is the mean of its runs over every grid
point with L = v (the other levers averaged over their levels); the figure shows the mean
over replicates with a 95% t interval across replicates
(:func:`sim.analysis.intervals.mean_interval`). Because replicate r shares one seed at
every point, its noise is common to the levels of a lever and the interval is that of the
level's mean, not of the difference between levels. Rows of panels are outcomes, columns
levers.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis import intervals
from sim.figures.labels import Labels
from sim.figures.layout import new_figure, panel_title
from sim.figures.style import BAND_ALPHA, PANEL_HEIGHT_IN, series_style

MAX_COLS = 4
"""At most this many levers side by side."""


def main_effect_table(runs: pd.DataFrame, levers: list[str], outputs: list[str],
                      conf: float = intervals.CONF_LEVEL) -> pd.DataFrame:
    """``output, lever, value, n, mean, low, high``: replicate mean and t interval per level."""
    rows = []
    for output in outputs:
        for lever in levers:
            per_rep = runs.groupby([lever, "replicate"])[output].mean().reset_index()
            for value, at in per_rep.groupby(lever, sort=True):
                mean, low, high, n = intervals.mean_interval(at[output], conf)
                rows.append({"output": output, "lever": lever, "value": float(value), "n": n,
                             "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows)


def main_effects(runs: pd.DataFrame, levers: list[str], outputs: list[str], labels: Labels,
                 conf: float = intervals.CONF_LEVEL):
    """Rows of panels per outcome, one panel per lever. Data: :func:`main_effect_table`."""
    data = main_effect_table(runs, levers[:MAX_COLS], outputs, conf)
    shown = levers[:MAX_COLS]
    fig, axes = new_figure("double", rows=len(outputs), cols=len(shown),
                           height=PANEL_HEIGHT_IN * 0.8 * len(outputs), sharex="col")
    k = 0
    for i, output in enumerate(outputs):
        for j, lever in enumerate(shown):
            ax = axes[i, j]
            d = data[(data["output"] == output) & (data["lever"] == lever)]
            st = series_style(j)
            ax.fill_between(d["value"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA,
                            linewidth=0)
            ax.plot(d["value"], d["mean"], color=st.color, marker=st.marker, markersize=2.5,
                    linewidth=0.9)
            panel_title(ax, k, labels.metric(output, unit=False) if j == 0 else "")
            k += 1
            if j == 0:
                ax.set_ylabel(labels.unit(output) or labels.metric(output), fontsize=6)
            if i == len(outputs) - 1:
                ax.set_xlabel(labels.lever(lever, wrap=True), fontsize=6)
    n = int(data["n"].max()) if len(data) else 0
    fig.suptitle(labels.word("band_ci", pct=100 * conf, n=n))
    return fig, data
