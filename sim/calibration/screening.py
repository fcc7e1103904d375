"""Identifiability screening before the fit: which parameters the targets can inform.

Morris elementary effects (SALib) on the distance of a run to the fitted targets (scales =
the targets' tolerances) and on each target's statistic, over the priors' sampling scale
(log10 for log-uniform priors), each point one run with its own seed. A parameter is
*informative* when its mu* on the distance is at least :data:`INFORMATIVE_SHARE` of the
largest and above the replicate-noise floor (the mean absolute difference of the distance
between two seeds at the same point, measured on the trajectories' first points). For each
parameter the statistic it moves most (mu* relative to the target's tolerance) is recorded:
that is the data that would pin it down.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.calibration.priors import Prior

INFORMATIVE_SHARE = 0.1
"""mu* on the distance, as a share of the largest, from which a parameter counts as
informative."""
LEVELS = 4
"""Morris grid levels (SALib's default)."""
DEFAULT_TRAJECTORIES = 10
"""Trajectories of the screening (runs: trajectories x (parameters + 1), plus the noise
pairs)."""


def screen(model, distance, targets_keys: dict[str, tuple[str, float]],
           priors: tuple[Prior, ...], executor, trajectories: int = DEFAULT_TRAJECTORIES,
           seed: int = 1) -> pd.DataFrame:
    """Morris screening of the distance and each statistic.

    Args:
        model: :class:`sim.calibration.simulator.RunModel`.
        distance: an :class:`~sim.calibration.distance.IntervalDistance` (not adaptive).
        targets_keys: target name -> (statistic column, tolerance) of every target.
        priors: the fitted parameters.
        executor: where runs go.
        trajectories: Morris trajectories.
        seed: seed of the sample and of the runs.

    Returns:
        One row per parameter: ``parameter``, ``mu_star`` (distance), ``mu_star_share``,
        ``noise_floor``, ``informative``, ``most_moved`` (target), ``most_moved_effect``
        (mu* of that statistic in tolerances).

    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    bounds = [[math.log10(p.low), math.log10(p.high)] if p.log else [p.low, p.high]
              for p in priors]
    problem = {"num_vars": len(priors), "names": [p.name for p in priors], "bounds": bounds}
    x = sample.sample(problem, trajectories, num_levels=LEVELS, seed=seed)
    n = len(x)
    stride = len(priors) + 1
    firsts = list(range(0, n, stride))
    jobs = [(i, row, seed * 1_000_003 + i) for i, row in enumerate(x)]
    jobs += [(n + j, x[i], seed * 1_000_003 + n + j) for j, i in enumerate(firsts)]
    stats: dict[int, dict] = {}
    batches = ((model, priors, job) for job in jobs)
    for _, res in executor.imap_unordered(_one, batches):
        if isinstance(res, BaseException):
            raise res
        stats[res[0]] = res[1]
    d = np.array([distance.distance(stats[i], distance.scale_at(None)) for i in range(n)])
    noise = float(np.mean([abs(distance.distance(stats[n + j], distance.scale_at(None))
                               - d[i]) for j, i in enumerate(firsts)]))
    si = analyze.analyze(problem, x, d, num_levels=LEVELS, seed=seed)
    mu = np.asarray(si["mu_star"], float)
    top = float(np.nanmax(mu)) if mu.size else 0.0
    moved = {}
    for name, (key, tol) in targets_keys.items():
        y = np.array([float(stats[i].get(key, np.nan)) for i in range(n)])
        y = np.where(np.isfinite(y), y, np.nanmedian(y) if np.isfinite(y).any() else 0.0)
        moved[name] = np.asarray(analyze.analyze(problem, x, y, num_levels=LEVELS,
                                                 seed=seed)["mu_star"], float) / tol
    rows = []
    for j, p in enumerate(priors):
        best = max(moved, key=lambda k: moved[k][j]) if moved else ""
        share = mu[j] / top if top > 0 else 0.0
        rows.append({"parameter": p.name, "mu_star": float(mu[j]),
                     "mu_star_share": float(share), "noise_floor": noise,
                     "informative": bool(share >= INFORMATIVE_SHARE and mu[j] > noise),
                     "most_moved": best,
                     "most_moved_effect": float(moved[best][j]) if best else math.nan})
    return pd.DataFrame(rows)


def _one(batch) -> tuple[int, dict]:
    from sim.calibration.priors import to_natural

    model, priors, (i, row, seed) = batch
    values = to_natural(priors, {p.abc_name: float(v) for p, v in zip(priors, row, strict=True)})
    return i, model.simulate(values, int(seed) % (2**31 - 1))
