"""Cost-effectiveness: the non-dominated trade-off between an outcome and public cost.

Each design point is a policy setting with a replicate-mean outcome and a replicate-mean
``public_cost``: the run's mean yearly public spending (CNY million per year, the mean over
recorded steps after the start; see :mod:`sim.analysis.loading`). A point is on the frontier
when no other point reaches at least the same outcome for at most the same cost with one of
the two strictly better. ``gain_per_cny_million`` is the extra outcome per extra CNY million
a year moving along the frontier from the next cheaper frontier point.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

COST_OUTPUT = "public_cost"
"""The output holding public spending (CNY million per year)."""
COST_UNIT = "CNY million per year"


def frontier(points: pd.DataFrame, outcome: str, factor_names: list[str],
             higher_is_better: bool = True) -> pd.DataFrame:
    """Non-dominated design points of ``outcome`` against :data:`COST_OUTPUT`.

    Args:
        points: one row per design point with ``point``, the factor columns, ``outcome``
            and ``public_cost`` (replicate means).
        outcome: the outcome column.
        factor_names: factor columns to carry into the result.
        higher_is_better: False for outcomes where less is better.

    Returns:
        DataFrame sorted by cost: ``point`` (and ``scenario`` if present), ``public_cost``,
        the outcome, ``gain_per_cny_million`` (NaN for the cheapest point) and the factor
        columns.

    """
    extra = ["scenario"] if "scenario" in points else []
    cols = ["point"] + extra + [COST_OUTPUT, outcome] + factor_names
    data = points[cols].dropna(subset=[COST_OUTPUT, outcome])
    sign = 1.0 if higher_is_better else -1.0
    # sort by cost, then best outcome first: a point is on the frontier iff its outcome
    # beats every cheaper-or-equal point before it
    order = data.assign(_goal=sign * data[outcome]).sort_values(
        [COST_OUTPUT, "_goal"], ascending=[True, False], kind="stable")
    best = -np.inf
    keep = []
    for idx, goal in zip(order.index, order["_goal"], strict=False):
        if goal > best:
            keep.append(idx)
            best = goal
    front = data.loc[keep].reset_index(drop=True)
    gains = np.full(len(front), np.nan)
    dc = np.diff(front[COST_OUTPUT].to_numpy())
    do = np.diff(front[outcome].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        gains[1:] = np.where(dc > 0, do / dc, np.nan)
    front.insert(len(extra) + 3, "gain_per_cny_million", gains)
    return front


def frontier_summary(front: pd.DataFrame, outcome: str, n_points: int,
                     cost_rule: str) -> dict[str, Any]:
    """JSON-friendly frontier: its rows, the points it was drawn from, how cost was summarised.

    ``cost_rule``: ``mean`` over the run or ``final`` value, see sim.analysis.loading.
    """
    return {"outcome": outcome, "cost": COST_OUTPUT, "cost_unit": COST_UNIT,
            "cost_summary": cost_rule,
            "n_points": int(n_points), "n_frontier": int(len(front)),
            "rows": front.to_dict(orient="records")}
