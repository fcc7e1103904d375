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

    ``cost_rule``: ``mean`` over the run or ``final`` value (see sim.analysis.loading).
    """
    kept = front[front["distinguishable"]] if "distinguishable" in front else front
    return {"outcome": outcome, "cost": COST_OUTPUT, "cost_unit": COST_UNIT,
            "cost_summary": cost_rule,
            "n_distinguishable": int(len(kept)),
            "interval_level": front.attrs.get("simultaneous_conf"),
            "n_points": int(n_points), "n_frontier": int(len(front)),
            "rows": front.to_dict(orient="records")}


def frontier_uncertainty(front: pd.DataFrame, outcome_reps: np.ndarray, cost_reps: np.ndarray,
                         columns: list, higher_is_better: bool, conf: float, resamples: int,
                         rng: np.random.Generator) -> pd.DataFrame:
    """Paired (common-random-number) bootstrap intervals for moves along the frontier.

    Args:
        front: :func:`frontier`'s table (sorted by cost).
        outcome_reps: (replicates x points) run summaries of the outcome, complete
            replicates only; replicate ``r`` of every point shares one seed.
        cost_reps: the same for public cost.
        columns: the point ids of the matrices' columns.
        higher_is_better: direction of the outcome.
        conf: family-wise interval level.
        resamples: bootstrap resamples (at least 1,000 are drawn).
        rng: seeded generator.

    Walking the frontier from its cheapest point, each point is compared with the last point
    kept: the differences in mean cost and mean outcome are recomputed on whole replicates
    drawn with replacement (the same draw for both points, so the noise they share cancels).
    A point is *distinguishable* (kept on the frontier) when the interval of its incremental
    outcome excludes 0 on the better side. Intervals are simultaneous over the frontier's
    comparisons (Bonferroni: each at level ``1 - (1 - conf) / m`` for ``m`` comparisons), since
    the frontier is itself chosen by the noisy means; otherwise it is not distinguishable from the
    cheaper point and the next point is compared with that one. The incremental ratio
    (outcome per CNY million a year) gets an interval only when the interval of the
    incremental cost excludes 0.

    Returns:
        a copy of ``front`` with ``compared_with`` (point id, NaN for the cheapest),
        ``incremental_cost``, ``incremental_cost_low``, ``incremental_cost_high``,
        ``incremental_effect`` (+ ``_low``, ``_high``), ``incremental_ratio`` (+ ``_low``,
        ``_high``) and ``distinguishable`` (True for the cheapest point, the reference).

    """
    out = front.copy()
    col = {p: i for i, p in enumerate(columns)}
    reps = outcome_reps.shape[0]
    names = ["compared_with", "incremental_cost", "incremental_cost_low",
             "incremental_cost_high", "incremental_effect", "incremental_effect_low",
             "incremental_effect_high", "incremental_ratio", "incremental_ratio_low",
             "incremental_ratio_high"]
    for n in names:
        out[n] = np.nan
    out["distinguishable"] = False
    if out.empty:
        return out
    out.loc[0, "distinguishable"] = True
    if reps < 2:
        return out
    alpha = (1 - conf) / 2 / max(1, len(out) - 1)
    out.attrs["simultaneous_conf"] = 1 - 2 * alpha
    draws = rng.integers(0, reps, size=(max(resamples, 1000), reps))
    boot_o = outcome_reps[draws].mean(axis=1)  # (B, points)
    boot_c = cost_reps[draws].mean(axis=1)
    mean_o, mean_c = outcome_reps.mean(axis=0), cost_reps.mean(axis=0)
    sign = 1.0 if higher_is_better else -1.0
    kept = col[out.loc[0, "point"]]
    for i in range(1, len(out)):
        j = col[out.loc[i, "point"]]
        dc, do = mean_c[j] - mean_c[kept], mean_o[j] - mean_o[kept]
        bc, bo = boot_c[:, j] - boot_c[:, kept], boot_o[:, j] - boot_o[:, kept]
        clo, chi = np.quantile(bc, [alpha, 1 - alpha])
        elo, ehi = np.quantile(bo, [alpha, 1 - alpha])
        ratio = do / dc if dc != 0 else np.nan
        rlo = rhi = np.nan
        if clo > 0 or chi < 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                rlo, rhi = np.quantile(bo / bc, [alpha, 1 - alpha])
        out.loc[i, names] = [columns[kept], dc, clo, chi, do, elo, ehi, ratio, rlo, rhi]
        better = elo > 0 if sign > 0 else ehi < 0
        out.loc[i, "distinguishable"] = bool(better)
        if better:
            kept = j
    return out
