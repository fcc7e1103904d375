"""Replicate intervals of means: one home for the t interval and the whole-replicate bootstrap.

Every band and error bar of the figures, and the analysis' paired comparisons, follow the
same rules, computed here:

* :func:`mean_interval`: the replicate mean with a Student t interval (n - 1 degrees of
  freedom) -- a dose-response band, a time-series band, a breakdown's error bar, a paired
  difference;
* :func:`bootstrap_mean_interval`: the replicate mean with a percentile interval from
  whole-replicate resamples -- used where the means of points that share the same seeds
  (replicate r runs every point with one seed) are compared, e.g. costs and outcomes of
  the frontier;
* :func:`replicate_draws`: the whole-replicate resamples themselves (rows of a
  replicates x points matrix drawn with replacement), shared by the noise check
  (:mod:`sim.analysis.noise`) and the frontier (:mod:`sim.analysis.cost`).

Bootstrap draws come from a generator seeded by :func:`rng_for` (a fixed seed and the
caller's names), so the same data give the same intervals and figures.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from scipy.stats import t as student_t

CONF_LEVEL = 0.95
"""Default confidence level of intervals (0-1)."""
RESAMPLES = 1000
"""Default bootstrap resamples of whole replicates."""
BOOTSTRAP_SEED = 20251202
"""Base seed of the bootstrap draws (combined with the caller's names)."""


def rng_for(*names: object) -> np.random.Generator:
    """A generator seeded by :data:`BOOTSTRAP_SEED` and ``names`` (deterministic)."""
    key = zlib.crc32("/".join(str(n) for n in names).encode())
    return np.random.default_rng([BOOTSTRAP_SEED, key])


def t_half_width(sd: float, n: int, conf: float = CONF_LEVEL) -> float:
    """Half-width of the t interval of a mean of ``n`` values with standard deviation ``sd``."""
    return float(student_t.ppf(0.5 + conf / 2, n - 1)) * sd / math.sqrt(n)


def mean_interval(values, conf: float = CONF_LEVEL) -> tuple[float, float, float, int]:
    """``(mean, low, high, n)`` of the finite ``values``: t interval of the mean.

    With one value the interval is the value itself (no spread can be estimated); with none
    all three are NaN.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = int(v.size)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(v.mean())
    if n == 1:
        return mean, mean, mean, 1
    half = t_half_width(float(v.std(ddof=1)), n, conf)
    return mean, mean - half, mean + half, n


def replicate_draws(matrix: np.ndarray, resamples: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Column means of ``matrix`` (replicates x points) over whole-replicate resamples.

    Each resample draws rows (replicates) with replacement and keeps every point of a drawn
    replicate together, so noise the points of one replicate share moves them together.
    Returns a (resamples x points) array.
    """
    matrix = np.asarray(matrix, dtype=float)
    n = matrix.shape[0]
    draws = rng.integers(0, n, size=(resamples, n))
    return matrix[draws].mean(axis=1)


def bootstrap_mean_interval(reps: np.ndarray, conf: float = CONF_LEVEL,
                            resamples: int = RESAMPLES,
                            rng: np.random.Generator | None = None) -> np.ndarray:
    """Percentile intervals of column means, resampling whole rows (replicates).

    ``reps`` is (replicates x columns); every column gets the same draws of rows, so the
    intervals of columns that share seeds are paired. Returns a (2 x columns) array of
    ``low, high``.
    """
    reps = np.asarray(reps, dtype=float)
    if reps.shape[0] < 2:
        m = reps.mean(axis=0)
        return np.vstack([m, m])
    rng = rng if rng is not None else rng_for("bootstrap")
    boot = replicate_draws(reps, resamples, rng)
    alpha = (1 - conf) / 2
    return np.quantile(boot, [alpha, 1 - alpha], axis=0)
