"""Morris elementary-effects screening: mu*, mu, sigma with intervals, and direction (SALib).

``SALib.analyze.morris.analyze`` gives mu* (mean absolute elementary effect), mu (signed
mean) and sigma (spread: interactions or non-linearity) on the replicate means in point
order. Effects are output changes per full range of the factor: SALib divides the change over
one step by the step length ``levels / (2 (levels - 1))`` of the normalised range.

Intervals: BCa bootstrap over trajectories (at least 1,000 resamples; see
:mod:`sim.analysis.elementary`) for mu*, mu and sigma, computed from the elementary effects
of the replicate means (the same numbers SALib averages).

Noise floor: with two or more replicates, each lever's mu* is tested against the mu* that
replicate noise alone would give (elementary effects per replicate, common random numbers;
:mod:`sim.analysis.elementary`), Holm-adjusted over the levers. A lever is *detectable* only
when it passes; only then is its direction called ``raises``/``lowers`` (|mu/mu*| >=
:data:`DIRECTION_CONSISTENT` and mu's interval excludes 0) or ``mixed``.

Direction: ``mu / mu*`` lies in [-1, 1]; +1 means every elementary effect was positive.
Order: which of two levers moves the output more is a separate claim
(:func:`sim.analysis.elementary.mu_star_order`): the levers beyond the noise floor (every
lever when noise could not be checked) are compared pairwise on mu* with the bootstrap over
whole trajectories, paired across levers and Holm-adjusted over the pairs, and sorted into
tiers; an order is stated only between tiers.
Stability: the mu* ranking from two disjoint halves of the trajectories (Kendall's tau).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from SALib.analyze import morris as salib_morris
from scipy.stats import kendalltau

from sim.analysis import elementary
from sim.analysis.settings import Settings
from sim.analysis.table import row
from sim.errors import UsageError

DIRECTION_CONSISTENT = 0.8
"""|mu / mu*| at or above which a factor's effect is called consistently up or down."""
MIN_TRAJECTORIES_FOR_CONVERGENCE = 4
"""Fewest trajectories for which the half-sample ranking check is attempted."""
_INNER_RESAMPLES = 2  # SALib's own mu* bootstrap inside each outer resample; unused there
DEFAULT_LEVELS = 4
"""Grid levels assumed when the manifest does not say (SALib's default)."""
DEFAULT_CONF = 0.95  # confidence level passed where SALib's mu* interval is not used


def problem_for(factors: list[dict[str, Any]], n_points: int, want_groups: bool,
                groups: list[str] | None = None) -> tuple[dict[str, Any], list[str], int]:
    """SALib problem, effect names and trajectory length for a Morris sample.

    ``groups``: each factor's group (default: a lever's group, any other factor its own).

    Raises:
        UsageError: the point count fits neither per-factor nor grouped trajectories, or
            groups are asked for but the sample was drawn per factor.

    """
    names = [f["name"] for f in factors]
    groups = groups or [str(f.get("group") or f["name"]) for f in factors]
    unique = list(dict.fromkeys(groups))
    d, g = len(names), len(unique)
    if not d:
        raise UsageError("morris analysis needs at least one varied factor")
    problem: dict[str, Any] = {"num_vars": d, "names": names,
                               "bounds": [[float(f["low"]), float(f["high"])] for f in factors]}
    grouped_fits = g < d and n_points % (g + 1) == 0
    if want_groups and g < d and not grouped_fits:
        raise UsageError(f"groups = true but the Morris sample ({n_points} points) was drawn "
                         "factor by factor; re-run the sweep with grouped sampling or set "
                         "groups = false")
    if (want_groups and grouped_fits) or (grouped_fits and n_points % (d + 1) != 0):
        problem["groups"] = groups
        return problem, unique, g + 1
    if n_points % (d + 1) != 0:
        raise UsageError(f"the sweep has {n_points} points, which is not a whole number of "
                         f"Morris trajectories of {d + 1} points")
    return problem, names, d + 1


def _run(problem, x, y, levels, resamples, conf, seed):
    # SALib adds a "groups" entry to the problem it is given: hand it a copy
    return salib_morris.analyze(dict(problem), x, y, num_resamples=resamples, conf_level=conf,
                                num_levels=levels, seed=seed)


def mu_star(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int,
            seed: int) -> np.ndarray:
    """SALib's mu* of each effect (factor or group) on these trajectories (no intervals)."""
    return np.asarray(_run(problem, x, y, levels, _INNER_RESAMPLES, DEFAULT_CONF, seed)
                      ["mu_star"])


def morris_indices(output: str, x: np.ndarray, y: np.ndarray, problem: dict[str, Any],
                   names: list[str], traj_len: int, levels: int, settings: Settings,
                   replicates: np.ndarray | None = None) -> tuple[list[dict], dict[str, Any]]:
    """Morris measures of one output, with the replicate-noise floor.

    Args:
        output: output name.
        x: design matrix (points x factors) in point order.
        y: replicate means in point order (finite).
        problem: SALib problem from :func:`problem_for`.
        names: effect names from :func:`problem_for`.
        traj_len: trajectory length from :func:`problem_for`.
        levels: the sampler's number of grid levels.
        settings: resamples, confidence level, seeds.
        replicates: the runs' summaries as (replicates x points) in point order, complete
            replicates only (for the noise floor; ``None`` or one row: not checked).

    Returns:
        (table rows with indices ``mu_star``, ``mu``, ``sigma``, ``direction`` and, when
        replicates allow, ``mu_star_noise_floor`` and ``p_noise_holm``; diagnostics dict
        with ``trajectories``, ``replicates``, ``kendall_tau_halves``,
        ``ci_width_mu_star_max``, ``order`` (tiers of levers, see
        :func:`sim.analysis.elementary.mu_star_order`) and ``effects``: per effect
        ``mu_star``, ``noise_floor``,
        ``p_noise``, ``p_noise_holm``, ``detectable`` (None: not checked) and ``direction``
        (``raises``, ``lowers``, ``mixed``, ``none`` or ``not_checked``)).

    """
    si = _run(problem, x, y, levels, settings.resamples, settings.conf_level,
              settings.seed_for(output, "morris"))
    n_traj = len(y) // traj_len
    groups = problem.get("groups")
    ee = elementary.elementary_effects(x, y, problem["bounds"], traj_len, groups, names)
    rng = settings.rng_for(output, "morris-bootstrap")
    conf = settings.conf_level
    alpha = 1 - conf
    test = None
    if replicates is not None and replicates.shape[0] >= 2:
        ee_r = elementary.elementary_effects(x, replicates, problem["bounds"], traj_len, groups,
                                             names)
        test = elementary.noise_test(ee_r)
        test["p_noise_holm"] = elementary.holm(test["p_noise"])
    rows = []
    effects: dict[str, Any] = {}
    stats_of = {"mu_star": elementary.mu_star_stat, "mu": elementary.mu_stat,
                "sigma": elementary.sigma_stat}
    for i, name in enumerate(names):
        ms = float(si["mu_star"][i])
        e = ee[:, i]
        bounds = {}
        for key, fn in stats_of.items():
            value = float(si[key][i])
            if not np.isfinite(value):
                continue  # SALib gives no sigma for groups
            lo, hi = elementary.bca_interval(e, fn, conf, settings.resamples, rng)
            if key == "mu_star":
                lo = max(0.0, lo)
            bounds[key] = (lo, hi)
            rows.append(row(output, "morris", name, key, value, lo, hi))
        ratio = float(si["mu"][i]) / ms if ms > 0 else 0.0
        rows.append(row(output, "morris", name, "direction", ratio))
        info: dict[str, Any] = {"mu_star": ms, "mu": float(si["mu"][i]), "direction_ratio": ratio,
                                "noise_floor": None, "p_noise": None, "p_noise_holm": None,
                                "detectable": None}
        if test is not None:
            floor, p, ph = (float(test["noise_floor"][i]), float(test["p_noise"][i]),
                            float(test["p_noise_holm"][i]))
            info.update(noise_floor=floor, p_noise=p, p_noise_holm=ph,
                        detectable=bool(np.isfinite(ph) and ph <= alpha))
            rows.append(row(output, "morris", name, "mu_star_noise_floor", floor))
            if np.isfinite(ph):
                rows.append(row(output, "morris", name, "p_noise_holm", ph))
        info["direction"] = _direction(info, bounds.get("mu"))
        effects[name] = info
    reps = 0 if replicates is None else int(replicates.shape[0])
    diag: dict[str, Any] = {"trajectories": n_traj, "replicates": reps,
                            "noise_checked": test is not None,
                            "kendall_tau_halves": None,
                            "ci_width_mu_star_max": float(max(
                                (r["conf_high"] - r["conf_low"] for r in rows
                                 if r["index"] == "mu_star"), default=0.0)),
                            "effects": effects}
    compared = [n for n in names if effects[n]["detectable"] or test is None]
    diag["order"] = elementary.mu_star_order(ee, names, compared, conf, settings.resamples,
                                             settings.rng_for(output, "morris-order"))
    half = n_traj // 2
    if n_traj >= MIN_TRAJECTORIES_FOR_CONVERGENCE and len(names) > 1:
        first = elementary.mu_star_stat(ee[:half], axis=0)
        second = elementary.mu_star_stat(ee[half:2 * half], axis=0)
        tau = kendalltau(first, second).statistic
        diag["kendall_tau_halves"] = None if not np.isfinite(tau) else float(tau)
    return rows, diag


def _direction(info: dict[str, Any], mu_bounds: tuple[float, float] | None) -> str:
    """The direction of a lever's effect, only beyond noise.

    ``raises``/``lowers`` (detectable, |mu/mu*| >= DIRECTION_CONSISTENT and mu's interval
    excludes 0), ``mixed`` (detectable otherwise), ``none`` (not beyond noise) or
    ``not_checked`` (no replicates to measure noise).
    """
    if info["detectable"] is None:
        return "not_checked"
    if not info["detectable"]:
        return "none"
    ratio = info["direction_ratio"]
    lo, hi = mu_bounds if mu_bounds else (math.nan, math.nan)
    if abs(ratio) >= DIRECTION_CONSISTENT and (lo > 0 or hi < 0):
        return "raises" if ratio > 0 else "lowers"
    return "mixed"
