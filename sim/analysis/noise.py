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
