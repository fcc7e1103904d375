"""PAWN: a moment-independent sensitivity index for skewed or non-monotone outputs (SALib).

For each factor, the sample is cut into ``slices`` equal-probability slices of the factor;
the index is the median over slices of the Kolmogorov-Smirnov distance between the output's
distribution within the slice and its unconditional distribution (0: no effect, 1: the
factor alone decides). ``SALib.analyze.pawn.analyze`` computes it. Intervals are value +/-
z * the standard deviation of the index over rows resampled with replacement (a seeded
Generator), as SALib does for Sobol' and Morris; percentile intervals are not used because
resampling duplicates rows and biases the median KS distance upward.

Even a factor with no effect has a KS distance above 0 from sampling noise. A dummy factor
(uniform random numbers from a seeded Generator, unrelated to the output) is analysed beside
the real ones; the ``noise_floor`` is the upper end of its interval: indices below it are
indistinguishable from no effect (the dummy-parameter approach of Khorashadi Zadeh et
al. 2017, Environ. Model. Softw. 91:210-222).

PAWN needs a continuous sample (lhs, sobol): on grid or Morris levels the slices are empty
or merge levels, so those designs are refused.

SALib takes each KS distance from ``scipy.stats.ks_2samp``, which also computes an exact
p-value PAWN never reads: 0.6 ms a call, 92,000 calls (80% of ``ieisim analyze``'s time) for a
Sobol' study of 2,496 runs with seven outputs. While SALib runs here its ``ks_2samp`` is
:func:`ks_distance`, the same statistic (the same floating-point number: the same empirical
distribution values, ``numpy.linspace``'s, compared at every pooled point) without the
p-value (a test compares the two on samples with ties).
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, NamedTuple

import numpy as np
from SALib.analyze import pawn as salib_pawn
from scipy.stats import norm

from sim.analysis.settings import Settings
from sim.analysis.table import row

DEFAULT_SLICES = 10
"""Conditioning slices per factor (SALib's default)."""
MIN_POINTS_PER_SLICE = 5
"""Fewest design points per slice; the slice count shrinks to respect it."""
DUMMY = "dummy"
"""Name of the dummy factor analysed beside the real ones (never written to the table)."""
SUPPORTED_DESIGNS = ("lhs", "sobol")
"""Designs whose samples are continuous enough for PAWN."""


class KSDistance(NamedTuple):
    """The part of ``scipy.stats.ks_2samp``'s result that PAWN reads."""

    statistic: float


def ks_distance(data1: np.ndarray, data2: np.ndarray) -> KSDistance:
    """Two-sample Kolmogorov-Smirnov distance, as ``scipy.stats.ks_2samp(data1, data2)``.

    The largest gap between the two samples' empirical distribution functions, evaluated
    (right-continuous) at every point of the pooled sample, with scipy's numbers for their
    values (``numpy.linspace(0, 1, n + 1)``) and its choice between the largest gap either
    way: the same float. A sample with a value that is not finite, or an empty one, goes to
    scipy itself (a test checks both give the same there too).
    """
    a, b = np.sort(data1), np.sort(data2)
    if a.size == 0 or b.size == 0 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return KSDistance(float(SCIPY_KS_2SAMP(data1, data2).statistic))
    pooled = np.concatenate([a, b])
    gap = (np.linspace(0.0, 1.0, a.size + 1)[np.searchsorted(a, pooled, side="right")]
           - np.linspace(0.0, 1.0, b.size + 1)[np.searchsorted(b, pooled, side="right")])
    below = min(max(-float(gap.min()), 0.0), 1.0)
    above = float(gap.max())
    return KSDistance(below if below > above else above)


SCIPY_KS_2SAMP = salib_pawn.ks_2samp
"""scipy's function, as SALib's PAWN module imported it."""


@contextlib.contextmanager
def running_salib_pawn() -> Iterator[None]:
    """Around SALib's PAWN: its KS distances from :func:`ks_distance`, numpy's state kept.

    SALib reseeds numpy's legacy global random state; it is restored afterwards, and so is
    SALib's own ``ks_2samp``.
    """
    state = np.random.get_state()  # noqa: NPY002 - saving the legacy state is the point
    salib_pawn.ks_2samp = ks_distance
    try:
        yield
    finally:
        salib_pawn.ks_2samp = SCIPY_KS_2SAMP
        np.random.set_state(state)  # noqa: NPY002


def slices_for(n_points: int) -> int:
    """Number of slices: the default, fewer when points are scarce (at least 2)."""
    return max(2, min(DEFAULT_SLICES, n_points // MIN_POINTS_PER_SLICE))


def pawn_median(x: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """SALib's PAWN median-KS index of each column of ``x`` (no intervals)."""
    problem = {"num_vars": x.shape[1], "names": [f"x{i}" for i in range(x.shape[1])],
               "bounds": [[0.0, 1.0]] * x.shape[1]}
    with running_salib_pawn():
        return np.asarray(salib_pawn.analyze(problem, x, y, S=slices_for(len(y)),
                                             seed=seed)["median"])


def pawn_indices(output: str, x: np.ndarray, y: np.ndarray, names: list[str],
                 bounds: list[list[float]], settings: Settings) -> tuple[list[dict], dict]:
    """PAWN median-KS index per factor with bootstrap intervals.

    Args:
        output: output name.
        x: factor values (points x factors).
        y: replicate means (finite), same rows.
        names: factor names.
        bounds: factor ranges.
        settings: resamples, confidence level, seeds.

    Returns:
        (table rows with index ``pawn``; diagnostics ``slices``, ``dummy`` (the dummy's index)
        and ``noise_floor``).

    """
    n = len(y)
    dummy = settings.rng_for(output, "pawn-dummy").random(n)
    xd = np.column_stack([x, dummy])
    problem = {"num_vars": len(names) + 1, "names": [*names, DUMMY],
               "bounds": [*bounds, [0.0, 1.0]]}
    slices = slices_for(n)
    seed = settings.seed_for(output, "pawn")
    with running_salib_pawn():
        base = np.asarray(salib_pawn.analyze(problem, xd, y, S=slices, seed=seed)["median"])
        rng = settings.rng_for(output, "pawn-bootstrap")
        boot = np.empty((settings.resamples, len(names) + 1))
        for b in range(settings.resamples):
            pick = rng.integers(0, n, n)
            boot[b] = salib_pawn.analyze(problem, xd[pick], y[pick], S=slices,
                                         seed=seed)["median"]
    z = float(norm.ppf(0.5 + settings.conf_level / 2))
    half = z * np.nanstd(boot, axis=0, ddof=1)
    rows = [row(output, "pawn", name, "pawn", base[i], max(0.0, base[i] - half[i]),
                base[i] + half[i]) for i, name in enumerate(names)]
    floor = float(base[-1] + half[-1])
    diag: dict[str, Any] = {"slices": slices, "noise_floor": floor,
                            "dummy": float(base[-1])}
    return rows, diag
