"""Replicate noise against lever-driven variance, and detection of constant outputs.

For one output, with ``R`` replicates per design point (one-way random-effects ANOVA):

* ``within``  = mean over points of the variance between replicates of the same point
  (replicate noise of a single run);
* ``between`` = variance of the point means minus ``within / R`` (the part driven by the
  factors), clipped at 0;
* ``noise_share``   = within / (within + between): share of a single run's variance that is
  noise;
* ``noise_in_means`` = (within / R) / var(point means): share of the variance of the replicate
  means (what the indices are computed on) that is still noise. Indices are inflated for
  factors with little effect and deflated for the others when this is large.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.intervals import replicate_draws

NOISE_DOMINATES = 0.5
"""noise_share above which the report says replicate noise dominates single runs."""
NOISY_MEANS = 0.1
"""noise_in_means above which the report asks for more replicates."""
TARGET_NOISE_IN_MEANS = 0.05
"""noise_in_means that the suggested number of replicates would reach."""
CONSTANT_RTOL = 1e-12
"""Relative spread below which an output counts as constant across the design."""


def is_constant(values: np.ndarray) -> bool:
    """True when every finite value equals the first up to :data:`CONSTANT_RTOL`."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return True
    scale = max(1.0, float(np.max(np.abs(values))))
    return float(np.ptp(values)) <= CONSTANT_RTOL * scale


def decompose(runs: pd.DataFrame, output: str, key: str = "point") -> dict[str, Any]:
    """Noise diagnostics of ``output`` over the runs (one row per run, ``key`` = design point).

    Returns:
        dict with ``replicates`` (median count per point), ``within``, ``between``,
        ``noise_share``, ``noise_in_means`` (``None`` when fewer than two replicates make
        noise unmeasurable), ``noise_dominates`` and ``noisy_means`` (bools) and
        ``suggested_replicates`` (replicates that would bring noise_in_means to
        :data:`TARGET_NOISE_IN_MEANS`, ``None`` if not needed or not computable).

    """
    data = runs[[key, output]].dropna()
    counts = data.groupby(key)[output].size()
    reps = int(counts.median()) if len(counts) else 0
    means = data.groupby(key)[output].mean()
    var_means = float(means.var(ddof=1)) if len(means) > 1 else 0.0
    out: dict[str, Any] = {"replicates": reps, "var_point_means": var_means, "within": None,
                           "between": None, "noise_share": None, "noise_in_means": None,
                           "noise_dominates": False, "noisy_means": False,
                           "suggested_replicates": None}
    if reps < 2:
        return out
    within = float(data.groupby(key)[output].var(ddof=1).dropna().mean())
    between = max(0.0, var_means - within / reps)
    total = within + between
    out["within"], out["between"] = within, between
    out["noise_share"] = within / total if total > 0 else 0.0
    out["noise_in_means"] = min(1.0, (within / reps) / var_means) if var_means > 0 else (
        1.0 if within > 0 else 0.0)
    out["noise_dominates"] = out["noise_share"] > NOISE_DOMINATES
    out["noisy_means"] = out["noise_in_means"] > NOISY_MEANS
    if out["noisy_means"] and between > 0:
        t = TARGET_NOISE_IN_MEANS
        out["suggested_replicates"] = max(reps + 1, math.ceil(within * (1 - t) / (t * between)))
    return out


MIN_NOISE_REPLICATES = 10
"""Fewest replicates for which the whole-replicate bootstrap checks claims against noise;
with fewer, the report says which claims could not be checked."""
SUPPRESS_SHARE = 0.5
"""Noise share of the variance of the point means above which directional and ranking
claims are suppressed."""
ZERO_INFLATED = 0.25
"""Share of runs exactly 0 at or above which an output is flagged as zero-inflated."""


def replicate_matrix(runs: pd.DataFrame, output: str, key: str = "point",
                     order: list | None = None) -> tuple[np.ndarray, list]:
    """The runs' summaries as a (replicates x points) array, NaN where a run is missing.

    Rows are replicates (sorted), columns the points in ``order`` (default: sorted keys).
    Row ``r`` holds every point's run with replicate seed ``r``: common random numbers.
    """
    wide = runs.pivot_table(index="replicate", columns=key, values=output, aggfunc="mean",
                            dropna=False)
    if order is not None:
        wide = wide.reindex(columns=order)
    return wide.to_numpy(dtype=float), list(wide.columns)


def complete_replicates(matrix: np.ndarray) -> np.ndarray:
    """Only the replicates (rows) with a finite value at every point."""
    return matrix[np.isfinite(matrix).all(axis=1)]


def replicate_bootstrap(matrix: np.ndarray, resamples: int,
                        rng: np.random.Generator) -> dict[str, Any]:
    """Noise in the point means when whole replicates are resampled (common random numbers).

    Each resample draws replicates with replacement and keeps all points of a drawn replicate
    together, so noise shared by the points of one replicate (one seed) cancels from
    differences between points while a pattern carried by a single replicate shows up. The
    noise variance of the *centred* point means (each resample's means minus their average)
    is averaged over points (times R/(R-1) for the bootstrap's bias) and compared with the
    variance of the point means across points.

    Returns:
        ``replicates``, ``noise_var`` (noise variance of a centred point mean),
        ``var_point_means`` and ``noise_share_of_means`` (noise_var / var_point_means, capped
        at 1); ``None`` values when fewer than two complete replicates.

    """
    reps = matrix.shape[0]
    out: dict[str, Any] = {"replicates": int(reps), "noise_var": None, "var_point_means": None,
                           "noise_share_of_means": None}
    if reps < 2 or matrix.shape[1] < 2:
        return out
    means = matrix.mean(axis=0)
    var_means = float(np.var(means, ddof=1))
    boot = replicate_draws(matrix, resamples, rng)  # (resamples, points)
    boot -= boot.mean(axis=1, keepdims=True)
    noise_var = float(np.var(boot, axis=0, ddof=1).mean()) * reps / (reps - 1)
    out.update(noise_var=noise_var, var_point_means=var_means,
               noise_share_of_means=(min(1.0, noise_var / var_means) if var_means > 0 else
                                     (1.0 if noise_var > 0 else 0.0)))
    return out


def zero_share(runs: pd.DataFrame, output: str) -> float:
    """Share of runs whose summary of ``output`` is exactly 0."""
    values = runs[output].dropna().to_numpy(dtype=float)
    return float(np.mean(values == 0.0)) if values.size else 0.0


def noise_check(runs: pd.DataFrame, output: str, key: str, resamples: int,
                rng: np.random.Generator) -> dict[str, Any]:
    """Everything the report needs to decide whether claims about ``output`` exceed noise.

    Returns:
        dict: the whole-replicate bootstrap (:func:`replicate_bootstrap`),
        ``zero_share`` and ``zero_inflated``, ``checked`` (at least
        :data:`MIN_NOISE_REPLICATES` complete replicates), ``suppress_claims`` (noise over
        :data:`SUPPRESS_SHARE` of the variance of the means: no directional or ranking claim),
        ``suggested_replicates`` (to bring the share to :data:`TARGET_NOISE_IN_MEANS`, when
        over :data:`NOISY_MEANS`) and ``min_replicates`` (the threshold).

    """
    matrix, _ = replicate_matrix(runs, output, key)
    full = complete_replicates(matrix)
    boot = replicate_bootstrap(full, max(resamples, 200), rng)
    zs = zero_share(runs, output)
    share = boot["noise_share_of_means"]
    suggested = None
    if share is not None and share > NOISY_MEANS:
        signal = boot["var_point_means"] - boot["noise_var"]
        if signal > 0:
            t = TARGET_NOISE_IN_MEANS
            suggested = max(boot["replicates"] + 1, math.ceil(
                boot["replicates"] * boot["noise_var"] * (1 - t) / (t * signal)))
    return {**boot, "suggested_replicates": suggested, "zero_share": zs,
            "zero_inflated": zs >= ZERO_INFLATED,
            "checked": boot["replicates"] >= MIN_NOISE_REPLICATES,
            "suppress_claims": bool(share is not None and share > SUPPRESS_SHARE),
            "min_replicates": MIN_NOISE_REPLICATES, "suppress_share": SUPPRESS_SHARE}
