"""Effects by enterprise size class with replicate intervals, from a scenarios sweep.

The sweep records, per run, joint R&D ties per 100 firms of each size class
(``rd_ties_per_100_firms_<class>``, :mod:`sim.metrics`); the run summary is the value at the
horizon. For every scenario and size class:

* the replicate mean with the t interval of the mean (:func:`sim.analysis.intervals.mean_interval`);
* the paired difference from the baseline scenario at the same seeds (common random numbers)
  with a t interval made simultaneous over the whole family of scenarios x size classes
  (Bonferroni: each at ``1 - (1 - conf) / m``), so that picking the class where a reform
  "works" does not turn noise into a finding. A difference is drawn filled only when its
  interval excludes 0.

Small classes are noisy: a world of a few hundred firms holds only a handful of large ones,
so their per-100-firm rate moves in big steps; the intervals show how much.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from sim.analysis import intervals
from sim.figures.labels import Labels
from sim.figures.layout import legend_below, new_figure, panel_title
from sim.figures.style import REFERENCE_COLOR, series_style
from sim.sectors import SIZE_CLASSES

PREFIX = "rd_ties_per_100_firms_"
"""Reporter name of a size class's joint R&D rate, without the class."""
ROW_HEIGHT_IN = 2.6
"""Height of the figure, inches."""
GROUP_SPAN = 0.7
"""Vertical span of one size class's markers (scenarios spread within it), in rows."""


def size_outputs(columns) -> list[str]:
    """The per-size-class reporters present in ``columns``, smallest class first."""
    return [PREFIX + c for c in SIZE_CLASSES if PREFIX + c in set(columns)]


def size_class_table(runs: pd.DataFrame, baseline: str, scenarios: list[str],
                     conf: float = intervals.CONF_LEVEL) -> pd.DataFrame:
    """Levels and paired differences by scenario and size class.

    Args:
        runs: one row per run with ``scenario``, ``replicate`` and the size-class reporters.
        baseline: the scenario differences are taken from.
        scenarios: scenarios in display order (the baseline among them).
        conf: family-wise confidence level (0-1).

    Returns:
        ``scenario, size_class, output, n, mean, low, high, diff, diff_low, diff_high,
        excludes_zero, family_conf, zero_share``; the difference columns are NaN for the
        baseline. ``family_conf`` is the level of each difference interval, ``zero_share``
        the share of the scenario's runs exactly 0 (zero-inflated rates of small classes).

    """
    outputs = size_outputs(runs.columns)
    others = [s for s in scenarios if s != baseline]
    m = max(1, len(others) * len(outputs))
    each = 1 - (1 - conf) / m
    rows = []
    means = runs.groupby(["replicate", "scenario"])[outputs].mean()
    zeros = (runs[outputs] == 0).groupby(runs["scenario"]).mean()
    for output in outputs:
        wide = means[output].unstack("scenario")
        for scenario in scenarios:
            if scenario not in wide:
                continue
            mean, low, high, n = intervals.mean_interval(wide[scenario], conf)
            row = {"scenario": scenario, "size_class": output[len(PREFIX):], "output": output,
                   "n": n, "mean": mean, "low": low, "high": high, "diff": np.nan,
                   "diff_low": np.nan, "diff_high": np.nan, "excludes_zero": False,
                   "family_conf": np.nan, "zero_share": float(zeros.loc[scenario, output])}
            if scenario != baseline and baseline in wide:
                pair = wide[[baseline, scenario]].dropna()
                d, dlo, dhi, _ = intervals.mean_interval(pair[scenario] - pair[baseline], each)
                row.update(diff=d, diff_low=dlo, diff_high=dhi, family_conf=each,
                           excludes_zero=bool(len(pair) >= 2 and (dlo > 0 or dhi < 0)))
            rows.append(row)
    return pd.DataFrame(rows, columns=[
        "scenario", "size_class", "output", "n", "mean", "low", "high", "diff", "diff_low",
        "diff_high", "excludes_zero", "family_conf", "zero_share"])


def _dots(ax, data: pd.DataFrame, scenarios: list[str], classes: list[str], value: str,
          labels: Labels, filled_by: str | None = None,
          styles: list[str] | None = None) -> list:
    """Dot-and-whisker per scenario within each size class row.

    ``styles``: the scenarios in the order their colours are assigned (default
    ``scenarios``), so a scenario keeps its colour across panels.
    """
    styles = styles or scenarios
    handles = []
    offsets = (np.linspace(-GROUP_SPAN / 2, GROUP_SPAN / 2, len(scenarios))
               if len(scenarios) > 1 else np.zeros(1))
    for k, scenario in enumerate(scenarios):
        d = data[data["scenario"] == scenario].set_index("size_class").reindex(classes)
        if d[value].isna().all():
            continue
        st = series_style(styles.index(scenario))
        y = np.arange(len(classes)) - offsets[k]
        lo = (d[value] - d[f"{value}_low" if value == "diff" else "low"]).clip(lower=0)
        hi = (d[f"{value}_high" if value == "diff" else "high"] - d[value]).clip(lower=0)
        ax.errorbar(d[value], y, xerr=np.vstack([lo.fillna(0), hi.fillna(0)]), fmt="none",
                    ecolor=st.color, elinewidth=0.7, capsize=1.2)
        filled = d[filled_by].fillna(False).astype(bool) if filled_by else pd.Series(
            True, index=d.index)
        ax.scatter(d[value][filled], y[filled.to_numpy()], s=14, color=st.color,
                   marker=st.marker, zorder=3)
        ax.scatter(d[value][~filled], y[~filled.to_numpy()], s=14, facecolor="white",
                   edgecolor=st.color, marker=st.marker, linewidth=0.7, zorder=3)
        handles.append(Line2D([], [], color=st.color, marker=st.marker, linestyle="",
                              markersize=4, label=labels.scenario(scenario)))
    ax.set_yticks(np.arange(len(classes)), [labels.category("size_class", c) for c in classes])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, len(classes) - 0.4)
    return handles


def size_class_breakdown(runs: pd.DataFrame, baseline: str, scenarios: list[str],
                         labels: Labels, conf: float = intervals.CONF_LEVEL):
    """Joint R&D per 100 firms by size class per scenario, and the difference from baseline.

    Left: levels with t intervals; right: paired differences from ``baseline`` with
    family-wise intervals (filled where the interval excludes 0).

    Data: :func:`size_class_table`.
    """
    data = size_class_table(runs, baseline, scenarios, conf)
    classes = list(dict.fromkeys(data["size_class"]))
    fig, axes = new_figure("double", 1, 2, height=ROW_HEIGHT_IN, sharey=True)
    a, b = axes[0]
    handles = _dots(a, data, scenarios, classes, "mean", labels)
    a.set_xlabel(labels.word("rd_per_100_class"))
    panel_title(a, 0, labels.word("level_ci", pct=100 * conf,
                                  n=int(data["n"].max()) if len(data) else 0))
    others = [s for s in scenarios if s != baseline]
    _dots(b, data[data["scenario"] != baseline], others, classes, "diff", labels,
          filled_by="excludes_zero", styles=scenarios)
    b.axvline(0.0, color=REFERENCE_COLOR, linewidth=0.5)
    b.set_xlabel(labels.word("difference", ref=labels.scenario(baseline)))
    family = data["family_conf"].dropna()
    each = 100 * float(family.iloc[0]) if len(family) else 100 * conf
    panel_title(b, 1, labels.word("family_ci", pct=100 * conf))
    handles += [Line2D([], [], color=REFERENCE_COLOR, marker="o", linestyle="", markersize=4,
                       label=labels.word("excludes_zero", each=each)),
                Line2D([], [], color=REFERENCE_COLOR, marker="o", linestyle="", markersize=4,
                       markerfacecolor="white", label=labels.word("includes_zero"))]
    legend_below(fig, handles, [h.get_label() for h in handles], ncol=4)
    return fig, data
