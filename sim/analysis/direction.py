"""Direction of effect: Spearman rank correlation of each factor with an output.

Computed across design points on the replicate means. The interval uses Fisher's z with the
standard error ``1.06 / sqrt(n - 3)`` for Spearman's rho (Fieller, Hartley & Pearson 1957).
A factor that does not vary in the sample gets no row.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm, spearmanr

from sim.analysis.table import row

SPEARMAN_SE_FACTOR = 1.06
"""Fieller et al. (1957) factor of the standard error of Fisher's z for Spearman's rho."""
MIN_POINTS = 4
"""Fewest design points for which a correlation is reported."""
CLEAR_DIRECTION = 0.1
"""|rho| below which the direction is called unclear when the interval also spans 0."""


def rank_correlations(output: str, x: np.ndarray, y: np.ndarray, names: list[str],
                      conf_level: float) -> list[dict]:
    """Rows with index ``rho`` (Spearman) and its Fisher-z interval, one per varying factor."""
    n = len(y)
    rows: list[dict] = []
    if n < MIN_POINTS or np.ptp(y) == 0:
        return rows
    z = norm.ppf(0.5 + conf_level / 2)
    for i, name in enumerate(names):
        col = x[:, i]
        if np.ptp(col) == 0:
            continue
        rho = float(spearmanr(col, y).statistic)
        if not math.isfinite(rho):
            continue
        half = z * SPEARMAN_SE_FACTOR / math.sqrt(n - 3)
        r = min(max(rho, -0.999999), 0.999999)
        centre = math.atanh(r)
        rows.append(row(output, "spearman", name, "rho", rho, math.tanh(centre - half),
                        math.tanh(centre + half)))
    return rows


def direction_word(value: float, low: float | None = None, high: float | None = None) -> str:
    """Plain words for a rho (with its interval) or a Morris mu/mu* ratio."""
    if low is not None and high is not None and low <= 0 <= high:
        return "no clear direction"
    if value >= CLEAR_DIRECTION:
        return "raises it"
    if value <= -CLEAR_DIRECTION:
        return "lowers it"
    return "no clear direction"
