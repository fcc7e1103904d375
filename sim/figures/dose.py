"""Dose-response: an outcome against each lever's value, one lever at a time.

From a one-factor-at-a-time sweep (``design = "ofat"``, :func:`sim.experiment.design.
ofat_layout`) or a grid: for each lever and each centre (the policy package the other
levers sit at), the replicate mean of the outcome's run summary at each level with its 95%
t interval across replicates as a band (:func:`sim.analysis.intervals.mean_interval`). A
broken-stick fit gives a breakpoint with a whole-replicate bootstrap interval
(:func:`sim.analysis.breakpoint.breakpoint_fit`); it is drawn as a threshold only when that
interval is narrower than a third of the swept range and the change of slope is
distinguishable from 0 -- otherwise the curve is shown without one. One panel per lever.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

from sim.analysis import breakpoint, intervals
from sim.figures.labels import Labels
from sim.figures.layout import legend_below, panel_grid, panel_title
from sim.figures.style import BAND_ALPHA, HIGHLIGHT_COLOR, MUTED_COLOR, series_style

ROW_HEIGHT_IN = 1.7
"""Height of a row of dose-response panels, inches."""
COLS = 3
"""Panels per row."""


def dose_table(runs: pd.DataFrame, layout: pd.DataFrame, output: str,
               conf: float = intervals.CONF_LEVEL) -> pd.DataFrame:
    """Replicate mean and interval of ``output`` at each level of each lever and centre.

    ``runs``: one row per run (``point``, ``replicate``, factor columns, ``output``);
    ``layout``: ``point, centre, lever, level``. Columns of the result: ``centre, lever,
    level, value, mean, low, high, n`` plus the breakpoint columns of
    :func:`sim.analysis.breakpoint.breakpoint_fit` (repeated on each row of a curve).
    """
    data = runs.merge(layout, on="point", how="inner")
    rows = []
    for (centre, lever), curve in data.groupby(["centre", "lever"], sort=False):
        levels = []
        for level, at in curve.groupby("level", sort=True):
            mean, low, high, n = intervals.mean_interval(at[output], conf)
            levels.append({"centre": centre, "lever": lever, "level": int(level),
                           "value": float(at[lever].iloc[0]), "mean": mean, "low": low,
                           "high": high, "n": n})
        wide = curve.pivot_table(index="replicate", columns="level", values=output,
                                 aggfunc="mean").sort_index(axis=1)
        x = [lv["value"] for lv in levels]
        fit = breakpoint.breakpoint_fit(x, wide.to_numpy(dtype=float), conf,
                                         rng=intervals.rng_for("dose", output, centre, lever))
        rows += [{**lv, **fit} for lv in levels]
    return pd.DataFrame(rows)


def dose_response(table: pd.DataFrame, output: str, labels: Labels, centres: list[str],
                  levers: list[str], conf: float = intervals.CONF_LEVEL):
    """One panel per lever: ``output`` against the lever's value, a line per centre.

    ``table`` is :func:`dose_table`'s. Thresholds (a dashed vertical line at the breakpoint,
    its interval shaded) only where ``threshold`` is True. Data: ``table`` with ``output``
    and ``threshold`` columns as drawn.
    """
    fig, axes = panel_grid(len(levers), max_cols=COLS, row_height=ROW_HEIGHT_IN)
    handles, names = [], []
    n_reps = int(table["n"].max()) if len(table) else 0
    for i, (ax, lever) in enumerate(zip(axes, levers, strict=False)):
        for c, centre in enumerate(centres):
            d = table[(table["lever"] == lever) & (table["centre"] == centre)]
            if d.empty:
                continue
            st = series_style(c)
            line, = ax.plot(d["value"], d["mean"], color=st.color, linestyle=st.linestyle,
                            marker=st.marker, markersize=2.5, linewidth=1.0)
            ax.fill_between(d["value"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA,
                            linewidth=0)
            if i == 0:
                handles.append(line)
                names.append(labels.scenario(centre))
            if bool(d["threshold"].iloc[0]):
                k, lo, hi = (float(d[c_].iloc[0]) for c_ in
                             ("breakpoint", "breakpoint_low", "breakpoint_high"))
                ax.axvspan(lo, hi, color=MUTED_COLOR, alpha=0.35, linewidth=0)
                ax.axvline(k, color=HIGHLIGHT_COLOR if c == 0 else st.color, linewidth=0.8,
                           linestyle="--")
        ax.set_xlabel(labels.unit_of_lever(lever), fontsize=6)
        if i % COLS == 0:
            ax.set_ylabel(labels.unit(output) or labels.metric(output))
        panel_title(ax, i, labels.lever(lever, unit=False))  # wrapped to its panel
    handles.append(Line2D([], [], color=HIGHLIGHT_COLOR, linewidth=0.8, linestyle="--"))
    if n_reps >= breakpoint.MIN_BREAKPOINT_REPLICATES:
        names.append(labels.word("threshold_key", pct=100 * conf))
    else:
        names.append(labels.word("threshold_untested", n=n_reps,
                                 need=breakpoint.MIN_BREAKPOINT_REPLICATES))
    fig.suptitle(f"{labels.metric(output)}: "
                 + labels.word("band_ci", pct=100 * conf, n=n_reps))
    legend_below(fig, handles, names)
    data = table.assign(output=output)
    return fig, data[["output", *[c for c in data.columns if c != "output"]]]
