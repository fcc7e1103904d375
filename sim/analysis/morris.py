"""Morris elementary-effects screening: mu*, mu, sigma with intervals, and direction (SALib).

``SALib.analyze.morris.analyze`` gives mu* (mean absolute elementary effect), mu (signed
mean) and sigma (spread: interactions or non-linearity) on the replicate means in point
order. Effects are output changes per full range of the factor: SALib divides the change over
one step by the step length ``levels / (2 (levels - 1))`` of the normalised range.

Intervals: mu* uses SALib's bootstrap (value +/- half-width). For mu and sigma, SALib gives
none, so whole trajectories are resampled with replacement (a seeded Generator) and SALib's
estimator is re-run on each resample: percentile intervals.

Direction: ``mu / mu*`` lies in [-1, 1]; +1 means every elementary effect was positive.
Convergence: the mu* ranking from the first half of the trajectories against all of them
(Kendall's tau).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from SALib.analyze import morris as salib_morris
from scipy.stats import kendalltau

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
                   names: list[str], traj_len: int, levels: int,
                   settings: Settings) -> tuple[list[dict], dict[str, Any]]:
    """Morris measures of one output.

    Args:
        output: output name.
        x: design matrix (points x factors) in point order.
        y: replicate means in point order (finite).
        problem: the SALib problem, from :func:`problem_for`.
        names: factor names, from :func:`problem_for`.
        traj_len: points per trajectory, from :func:`problem_for`.
        levels: the sampler's number of grid levels.
        settings: resamples, confidence level, seeds.

    Returns:
        (table rows with indices ``mu_star``, ``mu``, ``sigma``, ``direction``; diagnostics
        dict with ``trajectories``, ``kendall_tau_half`` and ``ci_width_mu_star_max``).

    """
    si = _run(problem, x, y, levels, settings.resamples, settings.conf_level,
              settings.seed_for(output, "morris"))
    n_traj = len(y) // traj_len
    rng = settings.rng_for(output, "morris-bootstrap")
    boot_mu = np.empty((settings.resamples, len(names)))
    boot_sigma = np.empty_like(boot_mu)
    blocks = np.arange(len(y)).reshape(n_traj, traj_len)
    for b in range(settings.resamples):
        pick = blocks[rng.integers(0, n_traj, n_traj)].ravel()
        sb = _run(problem, x[pick], y[pick], levels, _INNER_RESAMPLES, settings.conf_level,
                  settings.seed_for(output, "morris-inner", str(b)))
        boot_mu[b], boot_sigma[b] = sb["mu"], sb["sigma"]
    alpha = (1 - settings.conf_level) / 2
    rows = []
    for i, name in enumerate(names):
        ms, msc = float(si["mu_star"][i]), float(si["mu_star_conf"][i])
        rows.append(row(output, "morris", name, "mu_star", ms, max(0.0, ms - msc), ms + msc))
        for key, boot in (("mu", boot_mu[:, i]), ("sigma", boot_sigma[:, i])):
            value = float(si[key][i])
            if not np.isfinite(value):
                continue  # SALib gives no sigma for groups
            lo, hi = np.nanquantile(boot, [alpha, 1 - alpha])
            rows.append(row(output, "morris", name, key, value, lo, hi))
        ratio = float(si["mu"][i]) / ms if ms > 0 else 0.0
        rows.append(row(output, "morris", name, "direction", ratio))
    diag: dict[str, Any] = {"trajectories": n_traj, "kendall_tau_half": None,
                            "ci_width_mu_star_max": float(2 * np.nanmax(si["mu_star_conf"]))}
    half = n_traj // 2
    if n_traj >= MIN_TRAJECTORIES_FOR_CONVERGENCE and len(names) > 1:
        cut = half * traj_len
        sh = _run(problem, x[:cut], y[:cut], levels, _INNER_RESAMPLES, settings.conf_level,
                  settings.seed_for(output, "morris-half"))
        tau = kendalltau(si["mu_star"], sh["mu_star"]).statistic
        diag["kendall_tau_half"] = None if not np.isfinite(tau) else float(tau)
    return rows, diag
