"""Cost-effectiveness: the non-dominated trade-off between an outcome and public cost.

Each design point is a policy setting with a replicate-mean outcome and a replicate-mean
``public_cost``: the run's mean yearly public spending (CNY million per year, the mean over
recorded steps after the start; see :mod:`sim.analysis.loading`). A point is on the frontier
when no other point reaches at least the same outcome for at most the same cost with one of
the two strictly better. ``gain_per_cny_million`` is the extra outcome per extra CNY million
a year moving along the frontier from the next cheaper frontier point.
"""

from __future__ import annotations

from functools import lru_cache
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
            "willingness_to_pay": front.attrs.get("willingness_to_pay"),
            "n_points": int(n_points), "n_frontier": int(len(front)),
            "rows": front.to_dict(orient="records")}


def simultaneous_halfwidth(reps: np.ndarray, boot: np.ndarray, conf: float) -> float:
    """Half-width covering every pairwise difference of point means at once.

    ``reps`` is (replicates x points), ``boot`` its whole-replicate resampled means
    (resamples x points). For each resample the largest error over all pairs of points,
    ``max_jk |(B_j - B_k) - (m_j - m_k)|``, equals the range over points of the centred
    means ``B_j - m_j``; its ``conf`` quantile, times :func:`small_sample_factor`, is ``c``,
    and ``m_j - m_k +/- c`` holds for all pairs together (a bootstrap analogue of Tukey's
    studentized range). So any difference picked *after* looking at the data (a frontier
    step) keeps its level.
    """
    reps = np.asarray(reps, dtype=float)
    centred = boot - reps.mean(axis=0)
    spread = centred.max(axis=1) - centred.min(axis=1)
    return float(np.quantile(spread, conf)) * small_sample_factor(*reps.shape, conf)


@lru_cache(maxsize=256)
def small_sample_factor(replicates: int, points: int, conf: float) -> float:
    """Widening of the bootstrap's all-pairs quantile for few replicates (dimensionless).

    The bootstrap of ``R`` replicates resamples with the plug-in variance, ``(R - 1) / R``
    of the unbiased one, and treats the noise as known; Tukey's studentized range with the
    randomized-block error degrees of freedom ``(k - 1)(R - 1)`` (``k`` points sharing each
    replicate's seed) carries the uncertainty of an estimated noise. The factor is
    ``sqrt(R / (R - 1)) x q(conf; k, (k - 1)(R - 1)) / q(conf; k, inf)``: 1.15 for 3 points
    and 10 replicates, tending to 1 as replicates grow. Without it the family of three
    policies x 10 replicates was covered 91.7% of the time instead of 95%
    (``coverage`` in tests/test_analysis_cost.py; docs/analysis.md). Cached: scipy's
    studentized range quantile takes tens of milliseconds, and a coverage study asks for the
    same design thousands of times.
    """
    if replicates < 2 or points < 2:
        return 1.0
    from scipy.stats import studentized_range

    df = (points - 1) * (replicates - 1)
    ratio = (studentized_range.ppf(conf, points, df)
             / studentized_range.ppf(conf, points, np.inf))
    return float(np.sqrt(replicates / (replicates - 1)) * ratio)


def _ratio_box(elo: float, ehi: float, clo: float, chi: float) -> tuple[float, float]:
    """Range of ``effect / cost`` over the box of the two intervals (cost excludes 0)."""
    corners = [e / c for e in (elo, ehi) for c in (clo, chi)]
    return min(corners), max(corners)


def frontier_uncertainty(front: pd.DataFrame, outcome_reps: np.ndarray, cost_reps: np.ndarray,
                         columns: list, higher_is_better: bool, conf: float, resamples: int,
                         rng: np.random.Generator,
                         willingness_to_pay: float | None = None) -> pd.DataFrame:
    """Paired (common-random-number) intervals for moves along the frontier, selection-aware.

    Args:
        front: :func:`frontier`'s table (sorted by cost).
        outcome_reps: (replicates x points) run summaries of the outcome, complete
            replicates only, for *every* design point the frontier was chosen from;
            replicate ``r`` of every point shares one seed.
        cost_reps: the same for public cost.
        columns: the point ids of the matrices' columns.
        higher_is_better: direction of the outcome.
        conf: family-wise interval level.
        resamples: bootstrap resamples (at least 1,000 are drawn).
        rng: seeded generator.
        willingness_to_pay: CNY million a year the payer would give for one more unit of
            the outcome (optional): adds the incremental net benefit
            ``wtp * incremental effect - incremental cost`` (CNY million a year).

    The frontier is chosen by the same noisy means it is tested on, so a step's interval
    must hold whichever pair of points the selection picked: the incremental cost, outcome
    (and net benefit) of any pair of points get one simultaneous interval,
    ``difference +/- c``, where ``c`` is the bootstrap quantile of the largest pairwise
    error over whole-replicate resamples (:func:`simultaneous_halfwidth`; the same draw of
    replicates for every point, so the noise they share cancels). Walking the frontier from
    its cheapest point, each point is compared with the last point kept; it is
    *distinguishable* (kept) when its incremental outcome's interval excludes 0 on the better
    side, otherwise the next point is compared with that same one. The incremental ratio
    (outcome per CNY million a year) is given only when the interval of the incremental
    cost excludes 0, with the range of the ratio over the box of the two intervals as its
    interval; otherwise the ratio and its interval are NaN (withheld).

    Returns:
        a copy of ``front`` with ``compared_with`` (point id, NaN for the cheapest),
        ``incremental_cost``, ``incremental_cost_low``, ``incremental_cost_high``,
        ``incremental_effect`` (+ ``_low``, ``_high``), ``incremental_ratio`` (+ ``_low``,
        ``_high``), with a willingness to pay ``incremental_net_benefit`` (+ ``_low``,
        ``_high``), and ``distinguishable`` (True for the cheapest point, the reference).
        ``attrs["simultaneous_conf"]`` is the family-wise level.

    """
    out = front.copy()
    col = {p: i for i, p in enumerate(columns)}
    reps = outcome_reps.shape[0]
    names = ["compared_with", "incremental_cost", "incremental_cost_low",
             "incremental_cost_high", "incremental_effect", "incremental_effect_low",
             "incremental_effect_high", "incremental_ratio", "incremental_ratio_low",
             "incremental_ratio_high"]
    nb_names = ["incremental_net_benefit", "incremental_net_benefit_low",
                "incremental_net_benefit_high"]
    if willingness_to_pay is not None:
        names += nb_names
    for n in names:
        out[n] = np.nan
    out["distinguishable"] = False
    if out.empty:
        return out
    out.loc[0, "distinguishable"] = True
    if reps < 2:
        return out
    out.attrs["simultaneous_conf"] = conf
    if willingness_to_pay is not None:
        out.attrs["willingness_to_pay"] = float(willingness_to_pay)
    draws = rng.integers(0, reps, size=(max(resamples, 1000), reps))
    boot_o = outcome_reps[draws].mean(axis=1)  # (B, points); the same draws for cost
    boot_c = cost_reps[draws].mean(axis=1)
    mean_o, mean_c = outcome_reps.mean(axis=0), cost_reps.mean(axis=0)
    half_o = simultaneous_halfwidth(outcome_reps, boot_o, conf)
    half_c = simultaneous_halfwidth(cost_reps, boot_c, conf)
    if willingness_to_pay is not None:
        wtp = float(willingness_to_pay)
        nb_reps = wtp * outcome_reps - cost_reps
        half_nb = simultaneous_halfwidth(nb_reps, wtp * boot_o - boot_c, conf)
    sign = 1.0 if higher_is_better else -1.0
    kept = col[out.loc[0, "point"]]
    for i in range(1, len(out)):
        j = col[out.loc[i, "point"]]
        dc, do = mean_c[j] - mean_c[kept], mean_o[j] - mean_o[kept]
        clo, chi = dc - half_c, dc + half_c
        elo, ehi = do - half_o, do + half_o
        # a ratio whose denominator is not distinguishable from 0 is noise divided by
        # noise: it is withheld (NaN), not printed with a caveat
        ratio = rlo = rhi = np.nan
        if clo > 0 or chi < 0:
            ratio = do / dc
            rlo, rhi = _ratio_box(elo, ehi, clo, chi)
        values = [columns[kept], dc, clo, chi, do, elo, ehi, ratio, rlo, rhi]
        if willingness_to_pay is not None:
            nb = wtp * do - dc
            values += [nb, nb - half_nb, nb + half_nb]
        out.loc[i, names] = values
        better = elo > 0 if sign > 0 else ehi < 0
        out.loc[i, "distinguishable"] = bool(better)
        if better:
            kept = j
    return out
