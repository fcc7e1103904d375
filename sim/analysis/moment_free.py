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
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

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


@contextlib.contextmanager
def preserved_global_rng() -> Iterator[None]:
    """Restore numpy's legacy global random state after a SALib call that reseeds it."""
    state = np.random.get_state()  # noqa: NPY002 - saving the legacy state is the point
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def slices_for(n_points: int) -> int:
    """Number of slices: the default, fewer when points are scarce (at least 2)."""
    return max(2, min(DEFAULT_SLICES, n_points // MIN_POINTS_PER_SLICE))


def pawn_median(x: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """SALib's PAWN median-KS index of each column of ``x`` (no intervals)."""
    problem = {"num_vars": x.shape[1], "names": [f"x{i}" for i in range(x.shape[1])],
               "bounds": [[0.0, 1.0]] * x.shape[1]}
    with preserved_global_rng():
        return np.asarray(salib_pawn.analyze(problem, x, y, S=slices_for(len(y)),
                                             seed=seed)["median"])


def pawn_indices(output: str, x: np.ndarray, y: np.ndarray, names: list[str],
                 bounds: list[list[float]], settings: Settings) -> tuple[list[dict], dict]:
    """PAWN median-KS index per factor with bootstrap intervals.

    Args:
        output: output name.
        x: factor values (points x factors).
        y: replicate means (finite), same rows as ``x``.
        names: factor names.
        bounds: factor ranges ``[low, high]``.
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
    with preserved_global_rng():
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
