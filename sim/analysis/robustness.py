"""Robustness of the lever ranking across behavioural uncertainty.

When a sweep varies behavioural parameters (factor ``kind == "behaviour"``) beside the
levers, the design points are split at the median of each behavioural factor. Within each
half the levers are ranked by an importance measure computable on any subset of points:
the PAWN index (moment-independent; SALib) for continuous samples (lhs, sobol), the absolute
Spearman rank correlation for grid and Morris samples, where PAWN's slices are degenerate.
The two rankings are compared with Kendall's tau.
The ranking "holds" for that factor when tau >= :data:`HOLDS_TAU` and the top lever is the
same in both halves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from SALib.analyze import pawn as salib_pawn
from scipy.stats import kendalltau, spearmanr

from sim.analysis.moment_free import preserved_global_rng, slices_for
from sim.analysis.settings import Settings

HOLDS_TAU = 0.6
"""Kendall's tau between the halves' lever rankings at or above which the ranking holds."""
MIN_LEVERS = 2
"""Fewest levers for which a ranking can be compared."""


MEASURES = ("pawn", "spearman")
"""Importance measures available for the rankings."""


def _ranking(x: np.ndarray, y: np.ndarray, names: list[str], seed: int,
             measure: str) -> np.ndarray:
    if measure == "spearman":
        return np.array([abs(float(spearmanr(x[:, i], y).statistic)) if np.ptp(x[:, i]) > 0
                         else 0.0 for i in range(len(names))])
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[float(x[:, i].min()), float(x[:, i].max())]
                          for i in range(len(names))]}
    with preserved_global_rng():
        return np.asarray(salib_pawn.analyze(problem, x, y, S=slices_for(len(y)),
                                             seed=seed)["median"])


def lever_ranking_robustness(output: str, points: Any, levers: list[str],
                             behaviours: list[str], settings: Settings,
                             measure: str = "pawn") -> dict[str, Any]:
    """Compare lever rankings in the low and high half of each behavioural factor.

    Args:
        output: output column of ``points`` (replicate means, one row per design point).
        points: DataFrame with the lever, behaviour and output columns.
        levers, behaviours: factor names by kind.
        settings: seeds.
        measure: ``pawn`` or ``spearman`` (absolute rank correlation).

    Returns:
        ``{"levers": [...], "by_factor": {behaviour: {split, low: {lever: index},
        high: {...}, top_low, top_high, kendall_tau, holds}}, "holds": bool | None}``
        (``holds`` overall: True when it holds for every behavioural factor).
    """
    out: dict[str, Any] = {"levers": levers, "by_factor": {}, "holds": None,
                           "measure": measure, "holds_tau": HOLDS_TAU}
    if len(levers) < MIN_LEVERS or not behaviours:
        return out
    data = points[levers + behaviours + [output]].dropna()
    verdicts = []
    for b in behaviours:
        split = float(data[b].median())
        halves = {"low": data[data[b] <= split], "high": data[data[b] > split]}
        ranks = {}
        for side, part in halves.items():
            y = part[output].to_numpy(dtype=float)
            if len(part) < 2 * slices_for(len(part)) or np.ptp(y) == 0:
                ranks = {}
                break
            ranks[side] = _ranking(part[levers].to_numpy(dtype=float), y, levers,
                                   settings.seed_for(output, "robust", b, side), measure)
        if not ranks:
            out["by_factor"][b] = {"split": split, "holds": None}
            continue
        tau = float(kendalltau(ranks["low"], ranks["high"]).statistic)
        top_low = levers[int(np.argmax(ranks["low"]))]
        top_high = levers[int(np.argmax(ranks["high"]))]
        holds = bool(np.isfinite(tau) and tau >= HOLDS_TAU and top_low == top_high)
        verdicts.append(holds)
        out["by_factor"][b] = {
            "split": split, "n_low": int(len(halves["low"])), "n_high": int(len(halves["high"])),
            "low": dict(zip(levers, map(float, ranks["low"]))),
            "high": dict(zip(levers, map(float, ranks["high"]))),
            "top_low": top_low, "top_high": top_high,
            "kendall_tau": tau if np.isfinite(tau) else None, "holds": holds}
    out["holds"] = all(verdicts) if verdicts else None
    return out
