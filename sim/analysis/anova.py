"""Main effects of a full-factorial grid: first-order variance shares and the interaction rest.

On a full factorial every level of a factor is crossed with every combination of the others,
so the variance of the conditional means, ``Var(E[Y | X_i]) / Var(Y)``, is the exact
first-order (main-effect) share of factor i over the grid's levels (a two-way ANOVA
decomposition; SALib has no estimator for given factorial designs). What the main effects do
not explain, ``1 - sum S1``, is due to interactions between the factors. ``Y`` is the
replicate mean of each grid point.

Intervals: the replicates of each grid point are resampled with replacement (a seeded
Generator) and the shares recomputed; interval = value +/- z * their standard deviation
(percentile intervals would be biased: resampling adds noise to the means, which shows up
as interaction). With one replicate per point no interval is given. Replicate noise left in
the point means also counts as "interaction": read it with the noise diagnostics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from sim.analysis.settings import Settings
from sim.analysis.table import row

INTERACTIONS = "interactions"
"""``index`` of the row holding the share of variance left to interactions (``lever`` empty)."""


def _shares(levels: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    """First-order shares of each column of ``levels`` for point values ``y``."""
    total = float(np.var(y))
    if total == 0:
        return np.zeros(levels.shape[1])
    out = []
    for col in levels.columns:
        means = pd.Series(y).groupby(levels[col].to_numpy()).transform("mean").to_numpy()
        out.append(float(np.mean((means - y.mean()) ** 2)) / total)
    return np.array(out)


def main_effects(output: str, points: pd.DataFrame, runs: pd.DataFrame, names: list[str],
                 settings: Settings) -> list[dict]:
    """Rows with index ``S1`` per factor and ``interactions`` (method ``anova``).

    Args:
        output: output column.
        points: one row per grid point (``point``, factor columns, replicate means).
        runs: one row per run (``point``, output).
        names: factor columns.
        settings: resamples, confidence level, seeds.

    """
    points = points[np.isfinite(points[output].to_numpy(dtype=float))]
    levels = points[names].reset_index(drop=True)
    y = points[output].to_numpy(dtype=float)
    base = _shares(levels, y)
    by_point = runs.dropna(subset=[output]).groupby("point")[output]
    per_point = [by_point.get_group(p).to_numpy(dtype=float) for p in points["point"]]
    boot = None
    if min(len(v) for v in per_point) > 1:
        rng = settings.rng_for(output, "anova-bootstrap")
        boot = np.empty((settings.resamples, len(names) + 1))
        for b in range(settings.resamples):
            yb = np.array([v[rng.integers(0, len(v), len(v))].mean() for v in per_point])
            s = _shares(levels, yb)
            boot[b] = np.append(s, 1.0 - s.sum())
    z = float(norm.ppf(0.5 + settings.conf_level / 2))
    rows = []
    values = np.append(base, 1.0 - base.sum())
    for i, name in enumerate([*names, ""]):
        index = "S1" if name else INTERACTIONS
        if boot is None:
            rows.append(row(output, "anova", name, index, values[i]))
        else:
            half = z * float(np.std(boot[:, i], ddof=1))
            rows.append(row(output, "anova", name, index, values[i], values[i] - half,
                            values[i] + half))
    return rows


def noise_floors(points: pd.DataFrame, output: str, names: list[str],
                 noise_var: float | None) -> dict[str, float] | None:
    """The main effect S1 that replicate noise alone gives each factor of the grid.

    ``noise_var`` is the noise variance of a centred point mean (whole-replicate bootstrap,
    :func:`sim.analysis.noise.replicate_bootstrap`). Noise of that size in ``P`` point means
    adds about ``noise_var * (L_i - 1) / P`` to the variance of the conditional means of a
    factor with ``L_i`` levels, so S1 below ``noise_var * (L_i - 1) / (P * Var(Y))`` is
    indistinguishable from no effect; a factor counts as having an effect only when its S1
    interval lies above it. ``None`` without a noise estimate.
    """
    if noise_var is None:
        return None
    y = points[output].to_numpy(dtype=float)
    y = y[np.isfinite(y)]
    total = float(np.var(y))
    if total == 0 or y.size == 0:
        return {n: 0.0 for n in names}
    return {n: float(noise_var * (points[n].nunique() - 1) / (y.size * total)) for n in names}
