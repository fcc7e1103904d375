"""Cost-effectiveness frontier: outcomes against public cost, non-dominated policies marked.

Each point is one design point (or scenario): the replicate means of the outcome and of
``public_cost`` (the run's mean yearly public spending, as the analysis summarises it).
The frontier is :func:`sim.analysis.cost.frontier`'s: the policies no other policy beats on
outcome at no more cost. One panel per outcome.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.cost import COST_OUTPUT
from sim.analysis.cost import frontier as cost_frontier
from sim.figures.labels import Labels
from sim.figures.layout import annotate_apart, legend_below, panel_grid, panel_title
from sim.figures.style import HIGHLIGHT_COLOR, MUTED_COLOR, REFERENCE_COLOR

ROW_HEIGHT_IN = 2.4
"""Height of a row of frontier panels, inches."""
MAX_POINT_LABELS = 12
"""Points are labelled by scenario name when a panel has at most this many."""


def frontier_table(points: pd.DataFrame, output: str, higher_is_better: bool) -> pd.DataFrame:
    """``point, [scenario,] public_cost, value, non_dominated`` of one outcome."""
    keep = ["point"] + (["scenario"] if "scenario" in points else []) + [COST_OUTPUT, output]
    data = points[keep].rename(columns={output: "value"}).reset_index(drop=True)
    front = cost_frontier(points, output, [], higher_is_better=higher_is_better)
    data["non_dominated"] = data["point"].isin(set(front["point"]))
    return data


def frontier(points: pd.DataFrame, outputs: dict[str, bool], labels: Labels):
    """Outcome against public cost per outcome, the frontier as a step line.

    ``points``: one row per policy with ``point``, ``public_cost``, the outcomes and,
    optionally, ``scenario`` (labels frontier points). ``outputs``: outcome -> whether
    higher is better. Data columns: ``output, point, [scenario,] public_cost, value,
    non_dominated``.
    """
    tables = {o: frontier_table(points, o, better) for o, better in outputs.items()}
    fig, axes = panel_grid(len(tables), max_cols=2, row_height=ROW_HEIGHT_IN)
    handles = []
    for i, (ax, (output, data)) in enumerate(zip(axes, tables.items(), strict=False)):
        rest = data[~data["non_dominated"]]
        best = data[data["non_dominated"]].sort_values([COST_OUTPUT, "point"], kind="stable")
        h1 = ax.scatter(rest[COST_OUTPUT], rest["value"], s=8, color=MUTED_COLOR, marker="o",
                        label=labels.word("dominated"), zorder=2)
        ax.step(best[COST_OUTPUT], best["value"], where="post", color=HIGHLIGHT_COLOR,
                linewidth=0.8, zorder=3)
        h2 = ax.scatter(best[COST_OUTPUT], best["value"], s=18, color=HIGHLIGHT_COLOR,
                        marker="D", edgecolor="black", linewidth=0.4,
                        label=labels.word("non_dominated"), zorder=4)
        handles = [h1, h2]
        ax.margins(x=0.06, y=0.12)  # room for labels beside the outermost points
        if "scenario" in data and len(data) <= MAX_POINT_LABELS:
            order = pd.concat([best, rest])
            annotate_apart(ax, order[COST_OUTPUT], order["value"],
                           [labels.scenario(str(v)) for v in order["scenario"]],
                           colors=["black"] * len(best) + [REFERENCE_COLOR] * len(rest),
                           avoid=(data[COST_OUTPUT], data["value"]))
        ax.set_xlabel(labels.metric(COST_OUTPUT))
        ax.set_ylabel(labels.unit(output) or labels.metric(output))
        panel_title(ax, i, labels.metric(output, unit=False))
    legend_below(fig, handles, [h.get_label() for h in handles])
    data = pd.concat([t.assign(output=o) for o, t in tables.items()], ignore_index=True)
    return fig, data[["output", *[c for c in data.columns if c != "output"]]]
