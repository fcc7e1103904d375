"""Cost-effectiveness frontier with uncertainty: outcomes against public cost.

Each point is one design point (or scenario): the replicate means of the outcome and of
``public_cost`` (the run's mean yearly public spending, as the analysis summarises it),
with 95% error bars on both from whole-replicate bootstrap resamples
(:func:`sim.analysis.intervals.bootstrap_mean_interval`; replicate r shares one seed at
every point). The frontier is :func:`sim.analysis.cost.frontier`'s: the policies no other
policy beats on outcome at no more cost; a frontier point is drawn filled, and joined by the
frontier line, only when it is *distinguishable* from the cheaper frontier point it is
compared with (:func:`sim.analysis.cost.frontier_uncertainty`: the paired bootstrap
interval of its incremental outcome, simultaneous over every pair of points because the
frontier is chosen on the same means, excludes 0); non-dominated points that are not are
drawn hollow. One panel per outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis import intervals
from sim.analysis.cost import COST_OUTPUT, frontier_uncertainty
from sim.analysis.cost import frontier as cost_frontier
from sim.analysis.noise import replicate_matrix, zero_share
from sim.figures.labels import Labels
from sim.figures.layout import annotate_apart, legend_below, panel_grid, panel_title
from sim.figures.style import HIGHLIGHT_COLOR, MUTED_COLOR, REFERENCE_COLOR

ROW_HEIGHT_IN = 2.4
"""Height of a row of frontier panels, inches."""
ZERO_FLAG_SHARE = 0.5
"""Panels whose outcome is exactly 0 in at least this share of runs say so (zero-inflated)."""
MAX_POINT_LABELS = 12
"""Points are labelled by scenario name when a panel has at most this many."""


def frontier_table(points: pd.DataFrame, output: str, higher_is_better: bool,
                   runs: pd.DataFrame | None = None,
                   conf: float = intervals.CONF_LEVEL,
                   analysed: set | None = None) -> pd.DataFrame:
    """One outcome's frontier table with intervals.

    Columns: ``point, [scenario,] public_cost, public_cost_low, public_cost_high, value,
    value_low, value_high, non_dominated, distinguishable, zero_share``. Without ``runs``
    (one row per run) the intervals are NaN and every non-dominated point counts as
    distinguishable. ``analysed``: the points ``ieisim analyze`` found distinguishable
    (``analysis.json``); when given, the figure marks exactly those, so figure and report
    agree (otherwise the same test is run here with the figure's own bootstrap draws).
    """
    keep = ["point"] + (["scenario"] if "scenario" in points else []) + [COST_OUTPUT, output]
    data = points[keep].rename(columns={output: "value"}).reset_index(drop=True)
    front = cost_frontier(points, output, [], higher_is_better=higher_is_better)
    data["non_dominated"] = data["point"].isin(set(front["point"]))
    for c in ("public_cost_low", "public_cost_high", "value_low", "value_high"):
        data[c] = np.nan
    data["distinguishable"] = data["non_dominated"]
    data["zero_share"] = np.nan
    if runs is not None and "replicate" in runs:
        order = data["point"].tolist()
        o_reps, _ = replicate_matrix(runs, output, "point", order)
        c_reps, _ = replicate_matrix(runs, COST_OUTPUT, "point", order)
        full = np.isfinite(o_reps).all(axis=1) & np.isfinite(c_reps).all(axis=1)
        if full.sum() >= 2:
            # the same replicate draws for cost and outcome: paired intervals
            cost_ci = intervals.bootstrap_mean_interval(
                c_reps[full], conf, rng=intervals.rng_for("frontier", output))
            value_ci = intervals.bootstrap_mean_interval(
                o_reps[full], conf, rng=intervals.rng_for("frontier", output))
            data["public_cost_low"], data["public_cost_high"] = cost_ci
            data["value_low"], data["value_high"] = value_ci
            # one family: every pair of points (the steps are chosen on these means)
            front = frontier_uncertainty(front.reset_index(drop=True), o_reps[full],
                                         c_reps[full], order, higher_is_better, conf,
                                         intervals.RESAMPLES,
                                         intervals.rng_for("frontier-steps", output))
            data["distinguishable"] = data["point"].isin(
                set(front.loc[front["distinguishable"], "point"]))
        if analysed is not None:
            data["distinguishable"] = data["non_dominated"] & data["point"].isin(analysed)
        data["zero_share"] = zero_share(runs, output)
    order_cols = [*keep[:-1], "public_cost_low", "public_cost_high", "value", "value_low",
                  "value_high", "non_dominated", "distinguishable", "zero_share"]
    return data[order_cols]


def frontier(points: pd.DataFrame, outputs: dict[str, bool], labels: Labels,
             runs: pd.DataFrame | None = None, analysed: dict[str, set] | None = None):
    """Outcome against public cost per outcome with error bars, the frontier as a step line.

    ``points``: one row per policy with ``point``, ``public_cost``, the outcomes and,
    optionally, ``scenario`` (labels frontier points). ``outputs``: outcome -> whether
    higher is better. ``runs``: one row per run (``point``, ``replicate``, outcomes), for
    the intervals. ``analysed``: outcome -> the points the analysis found distinguishable.
    Data columns: ``output`` and those of :func:`frontier_table`.
    """
    analysed = analysed or {}
    tables = {o: frontier_table(points, o, better, runs, analysed=analysed.get(o))
              for o, better in outputs.items()}
    fig, axes = panel_grid(len(tables), max_cols=2, row_height=ROW_HEIGHT_IN)
    handles = []
    for i, (ax, (output, data)) in enumerate(zip(axes, tables.items(), strict=False)):
        rest = data[~data["non_dominated"]]
        best = data[data["non_dominated"] & data["distinguishable"]].sort_values(
            [COST_OUTPUT, "point"], kind="stable")
        unsure = data[data["non_dominated"] & ~data["distinguishable"]]
        xerr = np.vstack([(data[COST_OUTPUT] - data["public_cost_low"]).clip(lower=0),
                          (data["public_cost_high"] - data[COST_OUTPUT]).clip(lower=0)])
        yerr = np.vstack([(data["value"] - data["value_low"]).clip(lower=0),
                          (data["value_high"] - data["value"]).clip(lower=0)])
        if np.isfinite(xerr).any():
            ax.errorbar(data[COST_OUTPUT], data["value"], xerr=np.nan_to_num(xerr),
                        yerr=np.nan_to_num(yerr), fmt="none", ecolor=MUTED_COLOR,
                        elinewidth=0.5, capsize=1.0, zorder=1)
        h1 = ax.scatter(rest[COST_OUTPUT], rest["value"], s=8, color=MUTED_COLOR, marker="o",
                        label=labels.word("dominated"), zorder=2)
        ax.step(best[COST_OUTPUT], best["value"], where="post", color=HIGHLIGHT_COLOR,
                linewidth=0.8, zorder=3)
        h2 = ax.scatter(best[COST_OUTPUT], best["value"], s=18, color=HIGHLIGHT_COLOR,
                        marker="D", edgecolor="black", linewidth=0.4,
                        label=labels.word("non_dominated"), zorder=4)
        h3 = ax.scatter(unsure[COST_OUTPUT], unsure["value"], s=18, facecolor="white",
                        marker="D", edgecolor=HIGHLIGHT_COLOR, linewidth=0.8,
                        label=labels.word("not_distinguishable"), zorder=4)
        handles = [h1, h2, h3]
        zeros = float(data["zero_share"].iloc[0]) if len(data) else np.nan
        if np.isfinite(zeros) and zeros >= ZERO_FLAG_SHARE:
            ax.text(0.02, 0.98, labels.word("zero_inflated", pct=100 * zeros), fontsize=5.5,
                    transform=ax.transAxes, ha="left", va="top", color=REFERENCE_COLOR)
        ax.margins(x=0.06, y=0.12)  # room for labels beside the outermost points
        if "scenario" in data and len(data) <= MAX_POINT_LABELS:
            order = pd.concat([best, unsure, rest])
            annotate_apart(ax, order[COST_OUTPUT], order["value"],
                           [labels.scenario(str(v)) for v in order["scenario"]],
                           colors=["black"] * len(best)
                           + [REFERENCE_COLOR] * (len(unsure) + len(rest)),
                           avoid=(data[COST_OUTPUT], data["value"]))
        ax.set_xlabel(labels.metric(COST_OUTPUT))
        ax.set_ylabel(labels.unit(output) or labels.metric(output))
        panel_title(ax, i, labels.metric(output, unit=False))
    legend_below(fig, handles, [h.get_label() for h in handles])
    data = pd.concat([t.assign(output=o) for o, t in tables.items()], ignore_index=True)
    return fig, data[["output", *[c for c in data.columns if c != "output"]]]
