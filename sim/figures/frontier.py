"""Cost-effectiveness frontier: an outcome against public cost, non-dominated policies marked.

Each point is one design point (or scenario): the replicate means of the outcome and of
``public_cost`` (the run's mean yearly public spending, as the analysis summarises it).
The frontier is :func:`sim.analysis.cost.frontier`'s: the policies no other policy beats on
outcome at no more cost.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.cost import COST_OUTPUT
from sim.analysis.cost import frontier as cost_frontier
from sim.figures.labels import Labels
from sim.figures.style import HIGHLIGHT_COLOR, MUTED_COLOR, new_figure

FRONTIER_HEIGHT_IN = 2.6
"""Height of the frontier figure, inches."""
MAX_POINT_LABELS = 12
"""Frontier points are labelled by scenario name when there are at most this many."""


def frontier(points: pd.DataFrame, output: str, labels: Labels, higher_is_better: bool = True):
    """Scatter of ``output`` against public cost with the frontier as a step line.

    ``points``: one row per policy with ``point``, ``public_cost``, ``output`` and,
    optionally, ``scenario`` (used to label frontier points).
    Data columns: ``point, [scenario,] public_cost, <output>, non_dominated``.
    """
    named = "scenario" in points
    keep = ["point"] + (["scenario"] if named else []) + [COST_OUTPUT, output]
    data = points[keep].reset_index(drop=True)
    front = cost_frontier(points, output, [], higher_is_better=higher_is_better)
    data["non_dominated"] = data["point"].isin(set(front["point"]))
    fig, axes = new_figure("single", height=FRONTIER_HEIGHT_IN)
    ax = axes[0, 0]
    rest = data[~data["non_dominated"]]
    best = data[data["non_dominated"]].sort_values([COST_OUTPUT, "point"], kind="stable")
    ax.scatter(rest[COST_OUTPUT], rest[output], s=8, color=MUTED_COLOR, marker="o",
               label=labels.word("dominated"), zorder=2)
    ax.step(best[COST_OUTPUT], best[output], where="post", color=HIGHLIGHT_COLOR,
            linewidth=0.8, zorder=3)
    ax.scatter(best[COST_OUTPUT], best[output], s=18, color=HIGHLIGHT_COLOR, marker="D",
               edgecolor="black", linewidth=0.4, label=labels.word("non_dominated"), zorder=4)
    if named and len(best) <= MAX_POINT_LABELS:
        for _, r in best.iterrows():
            ax.annotate(labels.scenario(str(r["scenario"])), (r[COST_OUTPUT], r[output]),
                        xytext=(3, -4), textcoords="offset points", ha="left", va="top",
                        fontsize=6)
    ax.set_xlabel(labels.metric(COST_OUTPUT))
    ax.set_ylabel(labels.metric(output))
    ax.legend(loc="best")
    return fig, data
