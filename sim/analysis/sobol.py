"""Sobol' first-order, total and second-order indices with bootstrap intervals (SALib).

Indices are computed by ``SALib.analyze.sobol.analyze`` on the replicate means of the design
points, in the sampler's point order (the Saltelli layout: blocks of ``2D+2`` rows with
second-order terms, ``D+2`` without, ``D`` counting groups when the sample was drawn by
group). Confidence intervals are SALib's: value +/- z * bootstrap standard deviation.

Convergence check: the same estimator on the first half of the base sample (N/2 blocks:
the first N/2 points of a Sobol' sequence are themselves a valid design) compared with the
full N; the largest absolute change of S1 and ST across factors is reported, and the indices
count as converged when it stays below :data:`CONVERGED_TOL`.

Noise floor (:func:`noise_floor`): ST is a mean *squared* difference (Jansen's estimator,
``ST_i = mean_j (f(A_j) - f(AB^i_j))^2 / (2 Var Y)``, Saltelli et al. 2010), so replicate
noise left in the point means makes it positive for a factor with no effect at all. Because
replicate ``r`` of every point shares a seed (common random numbers), each replicate gives
its own difference ``d[r, j, i] = y[r, A_j] - y[r, AB^i_j]``; their variance over the ``R``
replicates, ``s2[j, i]``, is the noise variance ``s2 / R`` of the difference of the replicate
means on which ST is computed, whatever part of the noise the points share (the same
paired-replicate idea as the Morris floor, :mod:`sim.analysis.elementary`). The ST a factor
with no effect gets from noise alone is its expectation under "every difference has mean 0":

    ST_noise_floor_i = mean_j (s2[j, i] / R) / (2 Var Y).

``ST_i / ST_noise_floor_i = R sum_j dbar^2 / sum_j s2`` is the statistic of
:func:`sim.analysis.elementary.noise_test`, F-distributed under that hypothesis
(Satterthwaite degrees of freedom); a factor's ST is *detectable* (lies above its noise
floor beyond chance) only when the Holm-adjusted p over the factors of one output is at
most ``1 - conf_level``. S1 (Saltelli 2010) multiplies each difference by ``f(B_j)`` at an
independent point, so noise adds spread but no bias: its noise floor is 0, and S1 is
detectable when it is positive and its interval (SALib's bootstrap over base samples, which
carries that spread) excludes 0 after Holm adjustment over the factors. With fewer than two
complete replicates nothing is checked against noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from SALib.analyze import sobol as salib_sobol
from scipy.stats import norm

from sim.analysis import elementary
from sim.analysis.settings import Settings
from sim.analysis.table import row
from sim.errors import UsageError

CONVERGED_TOL = 0.05
"""Largest change of any S1 or ST between N/2 and N still called converged (index units)."""
MIN_BASE_FOR_CONVERGENCE = 4
"""Smallest base sample N for which the N/2 comparison is attempted."""


@dataclass(frozen=True)
class SobolLayout:
    """How a Sobol' sample is laid out.

    Attributes:
        n_base: base sample size N.
        block: rows per base sample (``2D+2`` or ``D+2``).
        second_order: whether the sample supports second-order indices.
        grouped: whether ``names`` are factor groups.
        names: factors or groups, in SALib's order.
        problem: the SALib problem dict.

    """

    n_base: int
    block: int
    second_order: bool
    grouped: bool
    names: list[str]
    problem: dict[str, Any]

    def ab_rows(self) -> np.ndarray:
        """Point indices of the A and B matrices (independent samples of the input space)."""
        starts = np.arange(self.n_base) * self.block
        return np.sort(np.concatenate([starts, starts + self.block - 1]))


def groups_of(manifest: dict[str, Any], factors: list[dict[str, Any]]) -> list[str]:
    """Each factor's SALib group.

    The manifest's ``groups`` list when the sweep sampled by group, else a lever's declared
    group and any other factor its own (the engine's rule).
    """
    listed = manifest.get("groups")
    if isinstance(listed, list) and len(listed) == len(factors):
        return [str(g) for g in listed]
    return [str(f.get("group") or f["name"]) for f in factors]


def layout(manifest: dict[str, Any], factors: list[dict[str, Any]],
           want_groups: bool) -> SobolLayout:
    """Work out the Saltelli layout of a sobol sweep from its manifest.

    Raises:
        UsageError: the point count fits no layout, or groups are asked for but the sample
            was drawn factor by factor.

    """
    names = [f["name"] for f in factors]
    groups = groups_of(manifest, factors)
    unique = list(dict.fromkeys(groups))
    n_points = int(manifest.get("n_points") or 0)
    second = bool(manifest.get("second_order", True))
    d, g = len(names), len(unique)
    per = (2 * d + 2) if second else (d + 2)
    grp = (2 * g + 2) if second else (g + 2)
    n_base = manifest.get("sobol_n")
    if not d:
        raise UsageError("sobol analysis needs at least one varied factor")

    def fits(block: int) -> bool:
        if n_base:
            return n_points == int(n_base) * block
        return n_points > 0 and n_points % block == 0

    problem: dict[str, Any] = {"num_vars": d, "names": names,
                               "bounds": [[float(f["low"]), float(f["high"])] for f in factors]}
    grouped_fits = g < d and fits(grp)
    if want_groups and g == d:
        want_groups = False  # every factor its own group: grouped = per factor
    if want_groups and not grouped_fits:
        raise UsageError("groups = true but the sweep's Sobol' sample was drawn factor by "
                         f"factor ({n_points} points); re-run the sweep with grouped sampling "
                         "or set groups = false")
    if want_groups or (grouped_fits and not fits(per)):
        problem["groups"] = groups
        return SobolLayout(n_points // grp, grp, second, True, unique, problem)
    if not fits(per):
        raise UsageError(f"the sweep has {n_points} points, which is not N*{per} for a "
                         f"Sobol' sample of {d} factors (second_order={second})")
    return SobolLayout(n_points // per, per, second, False, names, problem)


def noise_floor(lay: SobolLayout, values: np.ndarray, replicates: np.ndarray | None,
                si: dict[str, Any], conf: float) -> dict[str, dict[str, Any]] | None:
    """What replicate noise alone gives each factor's ST and S1, and which exceed it.

    Args:
        lay: the sample's layout.
        values: replicate means per point (the values SALib analysed).
        replicates: complete replicates x points (common random numbers), or ``None``.
        si: SALib's result on ``values`` (``S1``, ``S1_conf``, ``ST``).
        conf: confidence level; ``1 - conf`` is the family-wise error over the factors.

    Returns:
        ``None`` with fewer than two replicates, else per name: ``ST_noise_floor``,
        ``ST_p_noise``, ``ST_p_noise_holm``, ``ST_detectable``, ``S1_noise_floor`` (0),
        ``S1_p_noise_holm``, ``S1_detectable`` (see the module docstring).

    """
    if replicates is None or replicates.shape[0] < 2:
        return None
    reps = np.asarray(replicates, dtype=float)
    k, step = len(lay.names), lay.block
    a = reps[:, 0::step][:, : lay.n_base]
    d = np.stack([a - reps[:, i + 1::step][:, : lay.n_base] for i in range(k)], axis=-1)
    y = np.asarray(values, dtype=float)
    var = float(np.var(np.r_[y[0::step], y[step - 1::step]]))
    s2 = np.var(d, axis=0, ddof=1)  # (N, k): noise of one replicate's difference
    floor = (0.5 * np.mean(s2, axis=0) / reps.shape[0] / var if var > 0
             else np.zeros(k))
    test = elementary.noise_test(d)
    st_holm = elementary.holm(test["p_noise"])
    z = float(norm.ppf(0.5 + conf / 2))
    s1, s1_sd = np.asarray(si["S1"], float), np.asarray(si["S1_conf"], float) / z
    with np.errstate(divide="ignore", invalid="ignore"):
        s1_p = np.where(s1_sd > 0, 2 * norm.sf(np.abs(s1) / s1_sd),
                        np.where(s1 != 0, 0.0, 1.0))
    s1_holm = elementary.holm(s1_p)
    alpha = 1 - conf
    out: dict[str, dict[str, Any]] = {}
    for i, name in enumerate(lay.names):
        ph, p1 = float(st_holm[i]), float(s1_holm[i])
        out[name] = {"ST_noise_floor": float(floor[i]), "ST_p_noise": float(test["p_noise"][i]),
                     "ST_p_noise_holm": ph,
                     "ST_detectable": bool(np.isfinite(ph) and ph <= alpha),
                     "S1_noise_floor": 0.0, "S1_p_noise_holm": p1,
                     "S1_detectable": bool(s1[i] > 0 and np.isfinite(p1) and p1 <= alpha)}
    return out


def _analyze(lay: SobolLayout, values: np.ndarray, settings: Settings, seed: int) -> dict:
    return salib_sobol.analyze(lay.problem, values, calc_second_order=lay.second_order,
                               num_resamples=settings.resamples,
                               conf_level=settings.conf_level, seed=seed)


def sobol_indices(output: str, values: np.ndarray, lay: SobolLayout, settings: Settings,
                  replicates: np.ndarray | None = None) -> tuple[list[dict], dict[str, Any]]:
    """Sobol' indices of one output and their convergence diagnostics.

    Args:
        output: output name (for the table rows).
        values: replicate means, one per design point, in point order (all finite).
        lay: the sample's layout (:func:`layout`).
        settings: resamples, confidence level and seeds.
        replicates: complete replicates x points, for the noise floor (:func:`noise_floor`).

    Returns:
        (rows of the sensitivity table -- with replicates also ``ST_noise_floor``,
        ``ST_p_noise_holm`` and ``S1_p_noise_holm`` per name --, convergence dict with
        ``n_base``, ``n_half``, ``max_change_S1``, ``max_change_ST``, ``converged``, per-name
        ``ST_half``, and ``noise``: :func:`noise_floor`'s result, ``None`` when unchecked).

    """
    si = _analyze(lay, values, settings, settings.seed_for(output, "sobol"))
    rows = []
    for i, name in enumerate(lay.names):
        for key in ("S1", "ST"):
            v, c = si[key][i], si[f"{key}_conf"][i]
            rows.append(row(output, "sobol", name, key, v, v - c, v + c))
    floors = noise_floor(lay, values, replicates, si, settings.conf_level)
    for name, f in (floors or {}).items():
        rows.append(row(output, "sobol", name, "ST_noise_floor", f["ST_noise_floor"]))
        for key in ("ST_p_noise_holm", "S1_p_noise_holm"):
            if np.isfinite(f[key]):
                rows.append(row(output, "sobol", name, key, f[key]))
    if lay.second_order:
        for i, a in enumerate(lay.names):
            for j in range(i + 1, len(lay.names)):
                v, c = si["S2"][i, j], si["S2_conf"][i, j]
                rows.append(row(output, "sobol", a, "S2", v, v - c, v + c, lever2=lay.names[j]))
    conv: dict[str, Any] = {"n_base": lay.n_base, "n_half": None, "max_change_S1": None,
                            "max_change_ST": None, "converged": None, "ST_half": None,
                            "ci_width_ST_max": float(2 * np.nanmax(si["ST_conf"])),
                            "noise": floors}
    half = lay.n_base // 2
    if half >= MIN_BASE_FOR_CONVERGENCE // 2 and lay.n_base >= MIN_BASE_FOR_CONVERGENCE:
        sh = _analyze(lay, values[: half * lay.block], settings,
                      settings.seed_for(output, "sobol-half"))
        d1 = float(np.nanmax(np.abs(np.asarray(si["S1"]) - np.asarray(sh["S1"]))))
        dt = float(np.nanmax(np.abs(np.asarray(si["ST"]) - np.asarray(sh["ST"]))))
        conv.update(n_half=half, max_change_S1=d1, max_change_ST=dt,
                    converged=bool(max(d1, dt) < CONVERGED_TOL),
                    ST_half={n: float(v) for n, v in zip(lay.names, sh["ST"], strict=False)})
    return rows, conv
