"""Scenario comparison: paired differences against the baseline scenario with intervals.

Reads the ``paired`` rows of ``sensitivity.csv`` (``ieisim analyze`` on a scenarios design):
for each output and scenario, ``mean_diff`` is the mean over replicates of (scenario -
baseline) at the same seed (common random numbers), with its confidence interval in
``conf_low``/``conf_high``. One panel per outcome, one point with error bar per scenario.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.figures.labels import Labels
from sim.figures.layout import panel_grid, panel_title
from sim.figures.style import REFERENCE_COLOR, SERIES_COLORS, series_style

PAIRED, MEAN_DIFF = "paired", "mean_diff"
"""``method`` and ``index`` of the paired-difference rows."""
ROW_HEIGHT_IN = 0.7
"""Base height of a row of panels, inches (plus :data:`PER_SCENARIO_IN` per scenario)."""
PER_SCENARIO_IN = 0.22
"""Height per scenario in a row of panels, inches."""


def paired_differences(sens: pd.DataFrame, labels: Labels, baseline: str, conf_level: float):
    """Paired mean differences against ``baseline`` with ``conf_level`` intervals.

    Data columns: ``output, scenario, mean_diff, conf_low, conf_high``.
    """
    rows = sens[(sens["method"] == PAIRED) & (sens["index"] == MEAN_DIFF)]
    outputs = list(dict.fromkeys(rows["output"]))
    data = (rows.rename(columns={"lever": "scenario", "value": "mean_diff"})
            [["output", "scenario", "mean_diff", "conf_low", "conf_high"]]
            .reset_index(drop=True))
    scenarios = list(dict.fromkeys(data["scenario"]))
    fig, axes = panel_grid(len(outputs), max_cols=3, sharey=True,
                           row_height=ROW_HEIGHT_IN + PER_SCENARIO_IN * len(scenarios))
    y = np.arange(len(scenarios))[::-1].astype(float)
    at = dict(zip(scenarios, y, strict=False))
    for i, (ax, out) in enumerate(zip(axes, outputs, strict=False)):
        d = data[data["output"] == out]
        lo = (d["mean_diff"] - d["conf_low"]).fillna(0.0).clip(lower=0.0)
        hi = (d["conf_high"] - d["mean_diff"]).fillna(0.0).clip(lower=0.0)
        ax.axvline(0.0, color=REFERENCE_COLOR, linewidth=0.5)
        for k, (_, r) in enumerate(d.iterrows()):
            st = series_style(scenarios.index(r["scenario"]) + 1)
            ax.errorbar(r["mean_diff"], at[r["scenario"]],
                        xerr=[[lo.iloc[k]], [hi.iloc[k]]], fmt=st.marker, color=st.color,
                        markersize=3.5, elinewidth=0.8, capsize=1.5)
        ax.set_yticks(y, [labels.scenario(s) for s in scenarios])
        ax.set_ylim(-0.6, len(scenarios) - 0.4)
        ax.set_xlabel(labels.unit(out) or labels.metric(out))
        panel_title(ax, i, labels.metric(out, unit=False))
        ax.margins(x=0.15)
        ax.tick_params(axis="y", length=0)
    fig.suptitle(f"{labels.word('difference', ref=labels.scenario(baseline))} "
                 f"({labels.word('paired_ci', pct=100 * conf_level)})",
                 color=SERIES_COLORS[0])
    return fig, data
