"""Thresholds of a dose-response curve: a broken-stick fit and its whole-replicate interval.

:func:`breakpoint_fit` fits ``a + b x + c max(0, x - k)`` to the replicate-mean curve of a
lever's levels and bootstraps whole replicates (replicate r shares one seed at every level,
so its noise moves the whole curve together) for the intervals of the knot ``k`` and of the
change of slope. The dose-response figure (:mod:`sim.figures.dose`) marks a threshold only
where this says so.
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.intervals import CONF_LEVEL, RESAMPLES, replicate_draws, rng_for

BREAKPOINT_GRID = 64
"""Candidate breakpoints tried between the second-lowest and second-highest level."""
MIN_BREAKPOINT_REPLICATES = 10
"""Fewest complete replicates for a breakpoint interval: with fewer, a whole-replicate
bootstrap has too few distinct resamples (3 replicates give 10) and its interval collapses
to a point, so no threshold is drawn."""
THRESHOLD_MAX_SHARE = 1.0 / 3.0
"""A breakpoint is drawn as a threshold only when its interval is narrower than this share
of the swept range (and the change of slope is distinguishable from 0)."""


def _hinge_projections(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Hat matrices (knots x levels x levels) of ``y ~ a + b x + c max(0, x - k)``."""
    hats = []
    for k in knots:
        design = np.column_stack([np.ones_like(x), x, np.maximum(0.0, x - k)])
        hats.append(design @ np.linalg.pinv(design))
    return np.stack(hats)


def _fit(hats: np.ndarray, knots: np.ndarray, x: np.ndarray, y: np.ndarray):
    """Best knot and its slope change for each row of ``y`` (rows x levels)."""
    fitted = np.einsum("kij,bj->bki", hats, y)  # (rows, knots, levels)
    sse = ((fitted - y[:, None, :]) ** 2).sum(axis=2)
    best = sse.argmin(axis=1)
    k = knots[best]
    # slope change: difference of the fitted slopes either side of the knot
    fit = fitted[np.arange(len(y)), best]  # (rows, levels)
    lo_x, hi_x = x[0], x[-1]
    left = (np.array([np.interp(kk, x, f) for kk, f in zip(k, fit, strict=True)]) -
            fit[:, 0]) / np.where(k > lo_x, k - lo_x, np.nan)
    right = (fit[:, -1] - np.array([np.interp(kk, x, f) for kk, f in zip(k, fit, strict=True)])
             ) / np.where(hi_x > k, hi_x - k, np.nan)
    return k, right - left


def breakpoint_fit(x, reps: np.ndarray, conf: float = CONF_LEVEL, resamples: int = RESAMPLES,
                   rng: np.random.Generator | None = None) -> dict[str, float | bool]:
    """Broken-stick fit of the replicate-mean curve and the bootstrap interval of its knot.

    Args:
        x: the lever's levels (ascending).
        reps: (replicates x levels) run summaries; replicate r shares a seed at every level.
        conf: interval level (0-1).
        resamples: whole-replicate bootstrap resamples.
        rng: generator of the draws (default: :func:`rng_for` ``("breakpoint")``).

    The knot k is the least-squares best of :data:`BREAKPOINT_GRID` candidates between the
    second-lowest and the second-highest level for ``a + b x + c max(0, x - k)``; the
    resamples draw whole replicates and refit. ``threshold`` is True only when the knot's
    interval is narrower than :data:`THRESHOLD_MAX_SHARE` of the range and lies strictly
    inside the searched range (not at its ends: a bend at the first or last level), the interval of
    the slope change excludes 0 and there are at least :data:`MIN_BREAKPOINT_REPLICATES`
    complete replicates (with fewer, the fit is reported but never called a threshold).

    Returns:
        ``breakpoint, breakpoint_low, breakpoint_high, slope_change, slope_change_low,
        slope_change_high, threshold`` (NaN / False with fewer than 4 levels or 2 complete
        replicates, or a flat curve).

    """
    x = np.asarray(x, dtype=float)
    reps = np.asarray(reps, dtype=float)
    reps = reps[np.isfinite(reps).all(axis=1)]
    empty = {"breakpoint": math.nan, "breakpoint_low": math.nan, "breakpoint_high": math.nan,
             "slope_change": math.nan, "slope_change_low": math.nan,
             "slope_change_high": math.nan, "threshold": False}
    if len(x) < 4 or reps.shape[0] < 2 or np.ptp(reps.mean(axis=0)) == 0:
        return empty
    knots = np.linspace(x[1], x[-2], BREAKPOINT_GRID)
    hats = _hinge_projections(x, knots)
    k, dslope = _fit(hats, knots, x, reps.mean(axis=0)[None, :])
    rng = rng if rng is not None else rng_for("breakpoint")
    n = reps.shape[0]
    bk, bslope = _fit(hats, knots, x, replicate_draws(reps, resamples, rng))
    alpha = (1 - conf) / 2
    klo, khi = np.quantile(bk, [alpha, 1 - alpha])
    slo, shi = np.nanquantile(bslope, [alpha, 1 - alpha])
    narrow = (khi - klo) < THRESHOLD_MAX_SHARE * (x[-1] - x[0])
    # a knot at the end of the searched range is one level's bend (the first or the last),
    # which a broken stick cannot tell from a threshold outside the swept range: every
    # resample then picks the same end, and the interval's zero width is no precision
    inside = bool(klo > knots[0] and khi < knots[-1])
    kink = bool(slo > 0 or shi < 0)
    enough = n >= MIN_BREAKPOINT_REPLICATES
    return {"breakpoint": float(k[0]), "breakpoint_low": float(klo),
            "breakpoint_high": float(khi), "slope_change": float(dslope[0]),
            "slope_change_low": float(slo), "slope_change_high": float(shi),
            "threshold": bool(narrow and inside and kink and enough)}
