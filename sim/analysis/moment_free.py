"""PAWN: a moment-independent sensitivity index for skewed or non-monotone outputs (SALib).

For each factor, the sample is cut into ``slices`` equal-probability slices of the factor;
the index is the median over slices of the Kolmogorov-Smirnov distance between the output's
distribution within the slice and its unconditional distribution (0: no effect, 1: the
factor alone decides). ``SALib.analyze.pawn.analyze`` computes it; intervals come from
re-running it on rows resampled with replacement (a seeded Generator, percentile interval).

Even a factor with no effect has a KS distance above 0 from sampling noise; the
``noise_floor`` is the two-sample KS critical value at the analysis' confidence level for
one slice against the whole sample: indices below it are indistinguishable from no effect.

PAWN needs a continuous sample (lhs, sobol): on grid or Morris levels the slices are empty
or merge levels, so those designs are refused.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import numpy as np
from SALib.analyze import pawn as salib_pawn

from sim.analysis.settings import Settings
from sim.analysis.table import row

DEFAULT_SLICES = 10
"""Conditioning slices per factor (SALib's default)."""
MIN_POINTS_PER_SLICE = 5
"""Fewest design points per slice; the slice count shrinks to respect it."""
SUPPORTED_DESIGNS = ("lhs", "sobol")
"""Designs whose samples are continuous enough for PAWN."""


@contextlib.contextmanager
def preserved_global_rng() -> Iterator[None]:
    """Restore numpy's legacy global random state after a SALib call that reseeds it."""
    state = np.random.get_state()
    try:
        yield
    finally:
        np.random.set_state(state)


def slices_for(n_points: int) -> int:
    """Number of slices: the default, fewer when points are scarce (at least 2)."""
    return max(2, min(DEFAULT_SLICES, n_points // MIN_POINTS_PER_SLICE))


def noise_floor(n_points: int, slices: int, conf_level: float) -> float:
    """Two-sample KS critical value for one slice (n/slices points) against all n points."""
    m = n_points / slices
    c = math.sqrt(-math.log((1 - conf_level) / 2) / 2)
    return c * math.sqrt((n_points + m) / (n_points * m))


def pawn_indices(output: str, x: np.ndarray, y: np.ndarray, names: list[str],
                 bounds: list[list[float]], settings: Settings) -> tuple[list[dict], dict]:
    """PAWN median-KS index per factor with bootstrap percentile intervals.

    Args:
        output: output name.
        x: factor values (points x factors); y: replicate means (finite), same rows.
        names, bounds: factor names and ranges.
        settings: resamples, confidence level, seeds.

    Returns:
        (table rows with index ``pawn``; diagnostics ``slices`` and ``noise_floor``).
    """
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    n = len(y)
    slices = slices_for(n)
    seed = settings.seed_for(output, "pawn")
    with preserved_global_rng():
        base = np.asarray(salib_pawn.analyze(problem, x, y, S=slices, seed=seed)["median"])
        rng = settings.rng_for(output, "pawn-bootstrap")
        boot = np.empty((settings.resamples, len(names)))
        for b in range(settings.resamples):
            pick = rng.integers(0, n, n)
            boot[b] = salib_pawn.analyze(problem, x[pick], y[pick], S=slices,
                                         seed=seed)["median"]
    alpha = (1 - settings.conf_level) / 2
    rows = []
    for i, name in enumerate(names):
        lo, hi = np.nanquantile(boot[:, i], [alpha, 1 - alpha])
        rows.append(row(output, "pawn", name, "pawn", base[i], lo, hi))
    diag: dict[str, Any] = {"slices": slices,
                            "noise_floor": noise_floor(n, slices, settings.conf_level)}
    return rows, diag
