"""Convergence of Sobol' indices: S1 and ST against the base sample size N.

The first n blocks of a Saltelli sample are themselves a valid design (the first n points of
a Sobol' sequence), so the indices are recomputed with SALib on the first n = 4, 8, 16, ...,
N base samples (:func:`sim.analysis.sobol.layout` gives the block structure) with SALib's
bootstrap interval at each n. Indices that still move at the largest N are not yet
converged. For the Ishigami test function the analytic indices are drawn as dashed lines
(:func:`sim.testmodels.ishigami_indices`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from SALib.analyze import sobol as salib_sobol

from sim.analysis import intervals, sobol
from sim.figures.labels import Labels
from sim.figures.layout import legend_below, panel_grid, panel_title
from sim.figures.style import BAND_ALPHA, series_style

SMALLEST_N = 4
"""Smallest base sample size shown."""
CONVERGENCE_RESAMPLES = 200
"""SALib bootstrap resamples at each N (the intervals' width, not the estimate)."""
INDICES = ("S1", "ST")


def analytic_ishigami() -> dict[tuple[str, str], float]:
    """``(input, index) -> value`` of the Ishigami function's analytic Sobol' indices."""
    from sim.testmodels import ishigami_indices

    exact = ishigami_indices()
    return {(f"x{i + 1}", key): float(exact[key][i]) for key in INDICES for i in range(3)}


def convergence_table(manifest: dict, factors: list[dict], points: pd.DataFrame,
                      outputs: list[str], conf: float = intervals.CONF_LEVEL,
                      groups: bool = False) -> pd.DataFrame:
    """``output, lever, index, n, value, low, high`` for n = 4, 8, ..., N.

    ``points``: replicate means per design point, in point order.
    """
    lay = sobol.layout(manifest, factors, groups)
    sizes = [n for n in (2 ** k for k in range(2, 31)) if SMALLEST_N <= n <= lay.n_base]
    if lay.n_base not in sizes:
        sizes.append(lay.n_base)
    rows = []
    for output in outputs:
        values = points.sort_values("point")[output].to_numpy(dtype=float)
        for n in sizes:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                si = salib_sobol.analyze(lay.problem, values[: n * lay.block],
                                         calc_second_order=lay.second_order,
                                         num_resamples=CONVERGENCE_RESAMPLES,
                                         conf_level=conf, seed=intervals.BOOTSTRAP_SEED + n)
            for i, name in enumerate(lay.names):
                for key in INDICES:
                    v, c = float(si[key][i]), float(si[f"{key}_conf"][i])
                    rows.append({"output": output, "lever": name, "index": key, "n": n,
                                 "value": v, "low": v - c, "high": v + c})
    return pd.DataFrame(rows)


def convergence_plot(table: pd.DataFrame, labels: Labels,
                     analytic: dict[tuple[str, str], float] | None = None):
    """Panels per (output, index): each lever's index against N (log scale) with its band.

    ``analytic`` (e.g. the Ishigami indices) adds a dashed line per lever. Data: ``table``
    with an ``analytic`` column (NaN where none).
    """
    analytic = analytic or {}
    keys = list(dict.fromkeys(zip(table["output"], table["index"], strict=True)))
    levers = list(dict.fromkeys(table["lever"]))
    fig, axes = panel_grid(len(keys), max_cols=2)
    handles = []
    for i, (ax, (output, index)) in enumerate(zip(axes, keys, strict=False)):
        handles = []
        for k, lever in enumerate(levers):
            d = table[(table["output"] == output) & (table["index"] == index)
                      & (table["lever"] == lever)]
            st = series_style(k)
            ax.fill_between(d["n"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA / 2,
                            linewidth=0)
            (line,) = ax.plot(d["n"], d["value"], color=st.color, linestyle=st.linestyle,
                              marker=st.marker, markersize=2.5, linewidth=0.9,
                              label=labels.lever(lever, unit=False))
            handles.append(line)
            if (lever, index) in analytic:
                exact = analytic[(lever, index)]
                ax.axhline(exact, color=st.color, linewidth=0.6, linestyle=(0, (2, 2)))
                ax.plot([d["n"].max()], [exact], marker=">", color=st.color, markersize=4,
                        clip_on=False, linestyle="none")
        ax.set_xscale("log", base=2)
        ax.set_xlabel(labels.word("base_sample"))
        ax.set_ylabel(labels.word("first_order" if index == "S1" else "total_order"))
        panel_title(ax, i, labels.metric(output, unit=False))
    names = [h.get_label() for h in handles]
    if analytic:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="black", linewidth=0.6, linestyle=(0, (2, 2)),
                              marker=">", markersize=4))
        names.append(labels.word("analytic"))
    legend_below(fig, handles, names)
    data = table.copy()
    data["analytic"] = [analytic.get((lv, ix), np.nan)
                        for lv, ix in zip(data["lever"], data["index"], strict=True)]
    return fig, data
