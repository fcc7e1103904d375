"""Scenarios over time: outcome bands across replicates, paired differences with simultaneous bands.

From a scenarios sweep that kept its time series (``keep = "timeseries"``):

* :func:`outcome_bands`: participation, deep cooperation (joint R&D ties per 100 firms)
  and yearly public cost over time, one line per scenario: the replicate mean with a 95% t
  interval of the mean at each recorded step (:func:`sim.analysis.intervals.mean_interval`);
* :func:`difference_bands`: each scenario minus the baseline at the same seeds (common
  random numbers) over time, with a *simultaneous* 95% band -- it covers the whole path at
  once, not each year separately (max-|t| bootstrap over whole replicates,
  :func:`sim.analysis.scenarios.simultaneous_band`). A year whose band excludes 0 is
  shaded; an effect whose band leaves 0 only at the horizon is "not established".
"""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from sim.analysis import intervals
from sim.analysis.scenarios import simultaneous_band
from sim.figures.labels import Labels
from sim.figures.layout import legend_below, panel_grid, panel_title
from sim.figures.style import BAND_ALPHA, REFERENCE_COLOR, series_style

TIME_OUTPUTS = ("enterprise_participation", "joint_rd_per_100_firms", "public_cost")
"""Outcomes over time: participation, deep cooperation, yearly public cost."""


def outcome_table(ts: pd.DataFrame, outputs: list[str],
                  conf: float = intervals.CONF_LEVEL) -> pd.DataFrame:
    """``scenario, output, year, n, mean, low, high``: replicate mean and t interval."""
    rows = []
    for scenario in dict.fromkeys(ts["scenario"]):
        sub = ts[ts["scenario"] == scenario]
        for output in outputs:
            for year, at in sub.groupby("year", sort=True):
                mean, low, high, n = intervals.mean_interval(at[output], conf)
                rows.append({"scenario": scenario, "output": output, "year": float(year),
                             "n": n, "mean": mean, "low": low, "high": high})
    return pd.DataFrame(rows)


def outcome_bands(ts: pd.DataFrame, outputs: list[str], labels: Labels,
                  conf: float = intervals.CONF_LEVEL, max_cols: int = 3):
    """One panel per outcome over years, a line and band per scenario.

    ``max_cols``: panels per row (fewer for long outcome names).

    Data: :func:`outcome_table`.
    """
    data = outcome_table(ts, outputs, conf)
    scenarios = list(dict.fromkeys(data["scenario"]))
    fig, axes = panel_grid(len(outputs), max_cols=max_cols)
    handles = []
    for i, (ax, output) in enumerate(zip(axes, outputs, strict=False)):
        handles = []
        for k, scenario in enumerate(scenarios):
            d = data[(data["scenario"] == scenario) & (data["output"] == output)]
            st = series_style(k)
            ax.fill_between(d["year"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA,
                            linewidth=0)
            (line,) = ax.plot(d["year"], d["mean"], color=st.color, linestyle=st.linestyle,
                              linewidth=0.9, label=labels.scenario(scenario))
            handles.append(line)
        panel_title(ax, i, labels.metric(output, unit=False))
        ax.set_ylabel(labels.unit(output) or labels.metric(output))
        ax.set_xlabel(labels.word("year"))
    n = int(data["n"].max()) if len(data) else 0
    handles.append(Patch(facecolor=REFERENCE_COLOR, alpha=BAND_ALPHA, linewidth=0))
    names = [h.get_label() for h in handles[:-1]] + [labels.word("band_ci", pct=100 * conf,
                                                                 n=n)]
    legend_below(fig, handles, names, ncol=3)
    return fig, data


def difference_table(ts: pd.DataFrame, output: str, baseline: str, scenarios: list[str],
                     conf: float = intervals.CONF_LEVEL) -> pd.DataFrame:
    """``scenario, year, mean_diff, low, high, excludes_zero, critical_value``.

    The paired difference (scenario minus ``baseline``, same replicate seeds) over time with
    the simultaneous band of :func:`sim.analysis.scenarios.simultaneous_band`.
    """
    rows = []
    for scenario in scenarios:
        band = simultaneous_band(ts, output, baseline, scenario, conf,
                                 intervals.rng_for("difference", output, scenario))
        if band is None:
            continue
        for year, mean, low, high in zip(band["year"], band["mean"], band["low"],
                                         band["high"], strict=True):
            rows.append({"scenario": scenario, "year": year, "mean_diff": mean, "low": low,
                         "high": high, "excludes_zero": bool(low > 0 or high < 0),
                         "critical_value": band["critical_value"]})
    return pd.DataFrame(rows, columns=["scenario", "year", "mean_diff", "low", "high",
                                       "excludes_zero", "critical_value"])


def difference_bands(ts: pd.DataFrame, output: str, baseline: str, scenarios: list[str],
                     labels: Labels, conf: float = intervals.CONF_LEVEL):
    """One panel per scenario: its paired difference from ``baseline`` over time.

    Years where the simultaneous band excludes 0 are marked along the top of the panel.
    Data: :func:`difference_table`.
    """
    data = difference_table(ts, output, baseline, scenarios, conf)
    shown = list(dict.fromkeys(data["scenario"]))
    fig, axes = panel_grid(len(shown), max_cols=3, sharey=True)
    for i, (ax, scenario) in enumerate(zip(axes, shown, strict=False)):
        d = data[data["scenario"] == scenario]
        st = series_style(i + 1)
        ax.axhline(0.0, color=REFERENCE_COLOR, linewidth=0.5)
        ax.fill_between(d["year"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA,
                        linewidth=0)
        ax.plot(d["year"], d["mean_diff"], color=st.color, linestyle=st.linestyle,
                linewidth=0.9)
        sig = d[d["excludes_zero"]]
        if len(sig):  # years whose band excludes 0, as a rug along the top
            ax.vlines(sig["year"], 0.93, 1.0, transform=ax.get_xaxis_transform(),
                      color=st.color, linewidth=0.8)
        panel_title(ax, i, labels.scenario(scenario))
        ax.set_xlabel(labels.word("year"))
        if i % 3 == 0:
            ax.set_ylabel(labels.unit(output) or labels.metric(output))
        ax.tick_params(labelleft=True)
    fig.suptitle(f"{labels.metric(output, unit=False)}: "
                 f"{labels.word('difference', ref=labels.scenario(baseline))}")
    key = Patch(facecolor=REFERENCE_COLOR, alpha=BAND_ALPHA, linewidth=0)
    legend_below(fig, [key], [labels.word("simultaneous", pct=100 * conf)], ncol=1)
    return fig, data
