"""ABC-SMC with pyabc: the generations loop, its stopping rule, and resuming after a kill.

:func:`run_abc` drives pyabc's :class:`pyabc.ABCSMC` one generation at a time:

* the distance is :class:`sim.calibration.distance.IntervalDistance` (adaptive scales), the
  epsilon schedule pyabc's median of the previous generation's weighted distances
  (``QuantileEpsilon(alpha=0.5)``), the perturbation kernel pyabc's multivariate normal;
* it stops when epsilon, measured in units of the targets' tolerances
  (:func:`fixed_scale_epsilon`; pyabc's own epsilon is in adaptive scales that change between
  generations), fell by less than :attr:`Settings.min_eps_drop` (5%) in each of the last two
  generations, when acceptance falls below :attr:`Settings.min_acceptance` (1%),
  when the run budget is spent, or after :attr:`Settings.max_generations`;
* after each generation (stored by pyabc in its SQLite database) the distance scales and
  the epsilon of the *next* generation go to ``state.json`` (atomically). A resumed run loads
  the database and restores them, so a kill loses at most the generation in flight and the
  resumed run continues exactly as the uninterrupted one would have (pyabc's ``load()`` alone
  would recompute both from the last accepted particles).
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from sim.calibration.priors import Prior, pyabc_prior
from sim.calibration.targets import TargetSet

DB_NAME = "abc.db"
"""The pyabc database in the output folder."""
STATE_NAME = "state.json"
"""Distance scales, epsilons and counters after each finished generation."""
GENERATION_FILE_ENV = "IEISIM_GENERATION_FILE"
"""When set, the number of the last stored generation is written to this file after each
generation (tests wait for it before they kill the run)."""


@dataclass(frozen=True)
class Settings:
    """Settings of one calibration (all stored in ``calibration.json``).

    Attributes:
        population: accepted particles per generation.
        min_ess: effective sample size the final population should keep (reported).
        min_eps_drop: stop when epsilon falls by less than this share in each of two
            consecutive generations.
        min_acceptance: stop when a generation's acceptance rate falls below this.
        budget: most model runs in all (``None``: no limit).
        max_generations: most generations (the calibration sample not counted).
        seed: master seed of the sampler.
        alpha: quantile of the previous generation's distances that sets epsilon.
        kernel_scaling: factor on the covariance of pyabc's multivariate normal perturbation
            kernel (1: its own, the weighted population covariance times Silverman's
            factor). A wider kernel keeps the importance weights even where the accepted
            region is wider than the previous population: in ten dimensions a mixture of
            500 Gaussians at Silverman's bandwidth is lumpy, and pyabc's own kernel let the
            status-quo calibration's ESS fall to 78 of 500 (docs/calibration.md). Default 2.
        prior_share: share of each generation's proposals drawn from the prior instead of
            the kernel (0: pyabc's kernel alone). The proposal density is then at least
            this share of the prior's everywhere, so no particle's unnormalised importance
            weight exceeds 1 / prior_share
            (:class:`sim.calibration.transition.DefensiveTransition`). Default 0.1: with
            twice the kernel's covariance it kept the status-quo calibration's ESS above
            250 of 500 in every generation (docs/calibration.md).

    """

    population: int = 500
    min_ess: int = 250
    min_eps_drop: float = 0.05
    min_acceptance: float = 0.01
    budget: int | None = None
    max_generations: int = 30
    seed: int = 1
    alpha: float = 0.5
    kernel_scaling: float = 2.0
    prior_share: float = 0.1


PYABC_PROPOSAL = {"kernel_scaling": 1.0, "prior_share": 0.0}
"""pyabc's own proposal: what a calibration written before the proposal settings were
recorded used (its ``calibration.json`` lacks them), and what a caller asks for to reproduce
pyabc's sampler."""


def budget_left(budget: int | None, runs: int, rate: float) -> str:
    """The progress line's tail: runs of the budget left and the time they take.

    ``rate`` is the last generation's runs per second; empty without a budget.
    """
    if budget is None:
        return ""
    left = max(budget - runs, 0)
    minutes = left / rate / 60.0 if rate > 0 else math.inf
    return f"; {left} runs of the budget left (about {minutes:.0f} min at this rate)"


def target_keys(targets: TargetSet) -> dict[str, tuple[str, int]]:
    """Target name -> (statistic column, year)."""
    from sim.calibration.statistics import stat_key

    return {t.name: (stat_key(t.statistic, t.year, targets.year), t.year)
            for t in targets.targets}


def distance_targets(targets: TargetSet) -> list[dict[str, Any]]:
    """The fitted targets as the distance needs them."""
    keys = target_keys(targets)
    return [{"key": keys[t.name][0], "low": t.low, "high": t.high, "tolerance": t.tolerance,
             "weight": t.weight} for t in targets.fit]


def observed(targets: TargetSet) -> dict[str, float]:
    """A representative observed value per fitted statistic (for pyabc's record only)."""
    keys = target_keys(targets)
    out = {}
    for t in targets.fit:
        ends = [v for v in (t.low, t.high) if math.isfinite(v)]
        out[keys[t.name][0]] = float(np.mean(ends))
    return out


def build_model(targets: TargetSet, priors: tuple[Prior, ...], scenario):
    """The pyabc model of these targets (:class:`sim.calibration.simulator.RunModel`)."""
    from sim.calibration.simulator import RunModel

    wanted = tuple(dict.fromkeys((t.statistic, t.year) for t in targets.targets))
    scn = None
    if targets.model == "ieisim":
        scn = scenario.with_overrides({"run.years": targets.year})
    return RunModel(targets.model, scn, priors, wanted, targets.year, targets.replicates)


def _write_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_state(folder: Path) -> dict | None:
    """``state.json`` of a calibration folder, or ``None``."""
    try:
        return json.loads((Path(folder) / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stop_reason(eps: list[float], acceptance: float, runs: int, settings: Settings,
                generations: int, threshold: float = math.inf) -> str | None:
    """Why to stop after a generation, or ``None`` to go on.

    Args:
        eps: epsilon of every finished generation, in order.
        acceptance: the last generation's acceptance rate.
        runs: model runs so far.
        settings: the stopping settings.
        generations: generations finished in this and earlier sessions.
        threshold: the epsilon the last generation was accepted with.

    """
    if acceptance < settings.min_acceptance:
        return f"acceptance {acceptance:.2%} below {settings.min_acceptance:.0%}"
    if settings.budget is not None and runs >= settings.budget:
        return f"budget of {settings.budget} runs spent"
    if len(eps) >= 3:
        drops = [(eps[i - 1] - eps[i]) / eps[i - 1] if eps[i - 1] > 0 else 0.0
                 for i in (len(eps) - 2, len(eps) - 1)]
        if all(d < 0 for d in drops):  # not a plateau: the fit is moving away
            path = " -> ".join(f"{e:.3g}" for e in eps[-3:])
            return (f"epsilon in tolerances rose in each of the last two generations ({path}): "
                    "the population is trading the targets off against each other, "
                    "so the fit is not converging (see the targets not met)")
        if all(d < settings.min_eps_drop for d in drops):
            return (f"epsilon fell by less than {settings.min_eps_drop:.0%} in each of the "
                    "last two generations")
    if threshold == 0.0:
        return "every accepted run meets every fitted target (epsilon 0)"
    if generations >= settings.max_generations:
        return f"the most generations ({settings.max_generations})"
    return None


def fixed_scale_epsilon(particles, distance, alpha: float) -> float:
    """Weighted ``alpha`` quantile of accepted ``particles``' distances with tolerance scales.

    The adaptive scales change between generations, so pyabc's epsilon is not comparable
    across generations; this one is (distance in units of the targets' tolerances), and the
    stopping rule uses it.
    """
    from sim.calibration.posterior import weighted_quantile

    tol = {d["key"]: d["tolerance"] for d in distance.targets}
    d = np.array([distance.distance(p.sum_stat, tol) for p in particles])
    w = np.array([p.weight for p in particles], float)
    return float(weighted_quantile(d, w, alpha))


def run_abc(folder: Path, targets: TargetSet, priors: tuple[Prior, ...], scenario,
            settings: Settings, executor, echo: Callable[[str], None] = print) -> dict:
    """Run (or resume) ABC-SMC with results in ``folder``; return the run's summary.

    Returns:
        ``{"stop_reason", "generations", "runs", "wall_seconds", "epsilons",
        "acceptance", "ess"}`` over all sessions.

    """
    import pyabc

    from sim.calibration.distance import IntervalDistance
    from sim.calibration.sampler import ExecutorSampler
    from sim.calibration.transition import perturbation_kernel

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "History",
                 "Population", "Adaptation", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)
        logging.getLogger(f"pyabc.{name}").setLevel(logging.WARNING)
    folder = Path(folder)
    db = f"sqlite:///{(folder / DB_NAME).resolve()}"
    distance = IntervalDistance(distance_targets(targets),
                                adaptive=targets.scales == "adaptive")
    per_call = int(targets.replicates)  # model runs per particle (pyabc call)
    eps = pyabc.QuantileEpsilon(alpha=settings.alpha)
    sampler = ExecutorSampler(executor, settings.seed)
    prior = pyabc_prior(priors)
    kernel = perturbation_kernel(prior, settings.kernel_scaling, settings.prior_share)
    abc = pyabc.ABCSMC(build_model(targets, priors, scenario), prior, distance,
                       population_size=settings.population, sampler=sampler, eps=eps,
                       transitions=kernel)
    state = read_state(folder)
    resumed = state is not None and (folder / DB_NAME).exists()
    if resumed:
        abc.load(db, int(state["abc_id"]))
        distance.scales = {int(t): dict(s) for t, s in state["scales"].items()}
    else:
        abc.new(db, observed(targets))
        state = {"abc_id": int(abc.history.id), "scales": {}, "epsilons": {},
                 "acceptance": {}, "ess": {}, "runs": 0, "wall_seconds": 0.0,
                 "sessions": 0}
    state["sessions"] += 1
    started = time.monotonic()
    wall0 = float(state["wall_seconds"])
    runs0 = int(state["runs"])
    t0 = abc.initialize_components_before_run(
        minimum_epsilon=0.0, max_nr_populations=settings.max_generations,
        min_acceptance_rate=settings.min_acceptance, max_total_nr_simulations=np.inf,
        max_walltime=None, min_eps_diff=0.0)
    stored_eps = state["epsilons"].get(f"next{t0}")
    if resumed and stored_eps is not None:  # restore the epsilon the lost session had set
        eps._look_up[t0] = float(stored_eps)
    def runs_done() -> int:  # model runs of this and earlier sessions
        return runs0 + sampler.runs_started * per_call

    t = t0
    reason = None
    while reason is None:
        runs_before = runs_done()
        if settings.budget is not None:
            sampler.max_runs = max(0, settings.budget - runs_before) // per_call
            if sampler.max_runs == 0:
                reason = f"budget of {settings.budget} runs spent"
                break
        gen_start = time.monotonic()
        current_eps = float(eps(t))
        ret = abc.run_generation(t=t)
        gen_runs = runs_done() - runs_before
        if not ret["successful"]:
            reason = ("budget of {} runs spent".format(settings.budget)
                      if settings.budget is not None and sampler.max_runs is not None
                      and gen_runs >= sampler.max_runs * per_call
                      else f"acceptance below {settings.min_acceptance:.0%} "
                           "(generation not completed)")
            state["runs"] = runs_done()
            break
        acc = float(ret["acceptance_rate"])
        particles = sampler.last_sample.accepted_particles  # weights normalised by pyabc
        w = np.array([p.weight for p in particles], float)
        ess = float(w.sum() ** 2 / np.sum(w ** 2))
        fit_eps = fixed_scale_epsilon(particles, distance, settings.alpha)
        state["scales"] = {str(k): v for k, v in distance.scales.items()}
        state["epsilons"][str(t)] = current_eps
        state["epsilons"][f"next{t + 1}"] = float(eps(t + 1))
        state["acceptance"][str(t)] = acc
        state.setdefault("fit_epsilons", {})[str(t)] = fit_eps
        state["ess"][str(t)] = ess
        state["runs"] = runs_done()
        state["wall_seconds"] = wall0 + time.monotonic() - started
        state["last_t"] = t
        _write_atomic(folder / STATE_NAME, state)
        rate = gen_runs / max(time.monotonic() - gen_start, 1e-9)
        echo(f"generation {t}: epsilon {current_eps:.4g} (in tolerances {fit_eps:.4g}), "
             f"acceptance {acc:.1%}, ESS {ess:.0f}, {gen_runs} runs, {rate:.1f} runs/s"
             + budget_left(settings.budget, state["runs"], rate))
        marker = os.environ.get(GENERATION_FILE_ENV)
        if marker:
            Path(marker).write_text(str(t), encoding="utf-8")
        epsilons = [state["fit_epsilons"][str(k)] for k in range(t + 1)
                    if str(k) in state["fit_epsilons"]]
        reason = stop_reason(epsilons, acc, state["runs"], settings, t + 1, current_eps)
        t += 1
    state["wall_seconds"] = wall0 + time.monotonic() - started
    state["stop_reason"] = reason
    _write_atomic(folder / STATE_NAME, state)
    try:
        sampler.stop()
    finally:
        pass
    return {"stop_reason": reason, "generations": int(state.get("last_t", -1)) + 1,
            "runs": int(state["runs"]), "wall_seconds": float(state["wall_seconds"]),
            "epsilons": {k: v for k, v in state["epsilons"].items() if k.isdigit()},
            "fit_epsilons": state.get("fit_epsilons", {}),
            "acceptance": state["acceptance"], "ess": state["ess"], "resumed": resumed,
            "settings": asdict(settings)}
