"""Robustness of the lever ranking across behavioural uncertainty.

When a sweep varies behavioural parameters (factor ``kind == "behaviour"``) beside the
levers, the sample is split at the median of each behavioural factor and the levers are
ranked within each half; Kendall's tau compares the two rankings. The ranking "holds" for
that factor when tau >= :data:`HOLDS_TAU` and the top lever is the same in both halves.

Sampling noise alone also perturbs a ranking from half the sample. As a reference, the same
comparison is made between two arbitrary halves (the first and second half of the units in
sample order): when that reference tau is itself below :data:`HOLDS_TAU`, a failed check says
more about sample size than about behaviour, and ``reference_tau`` records it.

The units split and the ranking measure follow the design:

* ``morris``: whole trajectories, split by the behavioural factor's mean along the
  trajectory; levers ranked by mu* (SALib's Morris on the trajectories of each half);
* ``lhs`` and ``sobol``: design points (for sobol the independent A and B rows), ranked by
  the PAWN index (SALib; moment-independent, valid on any subset of a random sample);
* ``grid``: design points, ranked by the absolute Spearman rank correlation.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from scipy.stats import kendalltau, spearmanr

HOLDS_TAU = 0.6
"""Kendall's tau between the halves' lever rankings at or above which the ranking holds."""
MIN_LEVERS = 2
"""Fewest levers for which a ranking can be compared."""
MIN_UNITS_PER_HALF = 2
"""Fewest units (points or trajectories) in each half for a ranking."""


def abs_spearman(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|Spearman rho| of each column of ``x`` with ``y`` (0 for a column that is constant)."""
    return np.array([abs(float(spearmanr(x[:, i], y).statistic)) if np.ptp(x[:, i]) > 0
                     else 0.0 for i in range(x.shape[1])])


def lever_ranking_robustness(levers: list[str], split_by: dict[str, np.ndarray],
                             importance: Callable[[np.ndarray, str], np.ndarray | None],
                             measure: str) -> dict[str, Any]:
    """Compare lever rankings in the low and high half of each behavioural factor.

    Args:
        levers: lever (or lever-group) names, in the order ``importance`` returns.
        split_by: behavioural factor -> its value for each unit (point or trajectory).
        importance: ``(mask over units, tag) -> importance per lever`` (``None`` when the
            subset cannot be ranked, e.g. the output does not vary in it).
        measure: name of the importance measure (for the record).

    Returns:
        ``{"levers", "measure", "holds_tau", "reference_tau", "by_factor": {behaviour:
        {split, n_low, n_high, low: {lever: importance}, high: {...}, top_low, top_high,
        kendall_tau, holds}}, "holds"}`` (``holds`` overall: True when it holds for every
        behavioural factor, ``None`` when nothing could be compared).

    """
    out: dict[str, Any] = {"levers": levers, "measure": measure, "holds_tau": HOLDS_TAU,
                           "by_factor": {}, "holds": None, "reference_tau": None}
    if len(levers) < MIN_LEVERS or not split_by:
        return out
    n = len(next(iter(split_by.values())))
    first = np.arange(n) < n // 2
    if min(first.sum(), (~first).sum()) >= MIN_UNITS_PER_HALF:
        a, b = importance(first, "first-half"), importance(~first, "second-half")
        if a is not None and b is not None:
            tau = float(kendalltau(a, b).statistic)
            out["reference_tau"] = tau if np.isfinite(tau) else None
    verdicts = []
    for b, values in split_by.items():
        split = float(np.median(values))
        masks = {"low": values <= split, "high": values > split}
        entry: dict[str, Any] = {"split": split, "n_low": int(masks["low"].sum()),
                                 "n_high": int(masks["high"].sum()), "holds": None}
        out["by_factor"][b] = entry
        if min(entry["n_low"], entry["n_high"]) < MIN_UNITS_PER_HALF:
            continue
        ranks = {side: importance(mask, f"{b}-{side}") for side, mask in masks.items()}
        if any(r is None or not np.all(np.isfinite(r)) for r in ranks.values()):
            continue
        tau = float(kendalltau(ranks["low"], ranks["high"]).statistic)
        top_low = levers[int(np.argmax(ranks["low"]))]
        top_high = levers[int(np.argmax(ranks["high"]))]
        holds = bool(np.isfinite(tau) and tau >= HOLDS_TAU and top_low == top_high)
        verdicts.append(holds)
        entry.update(low=dict(zip(levers, map(float, ranks["low"]), strict=False)),
                     high=dict(zip(levers, map(float, ranks["high"]), strict=False)),
                     top_low=top_low,
                     top_high=top_high, kendall_tau=tau if np.isfinite(tau) else None,
                     holds=holds)
    out["holds"] = all(verdicts) if verdicts else None
    return out
