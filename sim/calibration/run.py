"""``ieisim calibrate``: validate, screen, fit, and write the calibration folder.

The folder (``--out``, default ``results/calibration-<targets name>``) follows the output
rules of :mod:`sim.outputs`: a new or empty folder, or an earlier calibration folder, which
is *resumed* (same targets, parameters, scenario, seed and population; anything else is
refused in one line). A finished calibration is never overwritten. Files:

* ``abc.db`` (pyabc's SQLite history), ``state.json`` (scales and epsilons per generation);
* ``screening.csv`` (identifiability screening, :mod:`sim.calibration.screening`);
* ``posterior.parquet`` (one column per parameter by short name, plus ``weight``) and
  ``predictive.parquet`` (statistics of the runs behind the particles);
* ``calibration.json``: ``params`` (short names), ``scenario``, ``model_version``,
  ``targets``, ``settings``, ``versions``, ``seed``, ``commit``, ``status``, the result and
  ``target_checks`` (:meth:`sim.calibration.report.TargetCheck.to_dict`: with
  ``share_near``, the share of runs within tolerance that decides ``met``);
* ``report.md`` and ``manifest.json`` (``kind = "calibration"``).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from sim.calibration.fit import (
    DB_NAME,
    PYABC_PROPOSAL,
    STATE_NAME,
    Settings,
    read_state,
    target_keys,
)
from sim.errors import ConfigError, IeisimError, UsageError
from sim.outputs import MANIFEST, FolderKind

CALIBRATION = FolderKind(
    "calibration", "ieisim calibrate",
    frozenset({MANIFEST, DB_NAME, STATE_NAME, f".{STATE_NAME}.tmp", "calibration.json",
               "posterior.parquet", "predictive.parquet", "screening.csv", "report.md",
               ".calibration.json.tmp",
               ".lock", ".lock-guard"}),
    frozenset({"figures"}))
"""A calibration folder (``ieisim calibrate``; resumed, never replaced)."""
RESUME_KEYS = ("params", "scenario", "model_version", "targets_digest", "seed", "population",
               "model")
"""Settings a resumed calibration must share with the folder's."""
VERSIONED = ("pyabc", "numpy", "pandas", "scipy", "SALib", "mesa", "dask", "distributed")


def _versions() -> dict[str, str]:
    import sim
    from sim.version import package_versions

    return {**package_versions(VERSIONED), "ieisim": sim.__version__}


def check_settings(population: int, budget: int | None, workers: int | None,
                   trajectories: int, kernel_scaling: float, prior_share: float) -> None:
    """Refuse impossible settings (one line, exit code 2)."""
    if not (isinstance(kernel_scaling, (int, float)) and math.isfinite(kernel_scaling)
            and kernel_scaling > 0):
        raise ConfigError(f"--kernel-scaling {kernel_scaling}: expected a positive number "
                          "(1 is pyabc's own bandwidth)")
    if not (isinstance(prior_share, (int, float)) and math.isfinite(prior_share)
            and 0 <= prior_share < 1):
        raise ConfigError(f"--prior-share {prior_share}: expected a share in [0, 1) (0: "
                          "every proposal from the kernel)")
    if population < 2:
        raise ConfigError(f"--population {population}: expected at least 2 particles")
    if budget is not None and budget < population:
        raise ConfigError(f"--budget {budget}: expected at least one generation's worth of "
                          f"runs (--population {population})")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers {workers}: expected at least 1")
    if trajectories < 0:
        raise ConfigError(f"--screening {trajectories}: expected 0 (skip) or more "
                          "trajectories")


def calibrate(targets_name: str, *, scenario: str | None = None, params: str | None = None,
              workers: int | None = None, scheduler: str | None = None,
              out: Path | None = None, budget: int | None = None, population: int = 500,
              seed: int = 1, screening: int | None = None, max_generations: int = 30,
              kernel_scaling: float | None = None, prior_share: float | None = None,
              echo: Callable[[str], None] = print) -> Path:
    """Run ``ieisim calibrate``; return the folder. See the module docstring.

    ``kernel_scaling`` and ``prior_share`` default to :class:`Settings`' (twice pyabc's
    kernel covariance, a tenth of the proposals from the prior).
    """
    import pandas as pd

    from sim.calibration.priors import select_priors
    from sim.calibration.screening import DEFAULT_TRAJECTORIES
    from sim.calibration.targets import load_targets
    from sim.experiment.executors import check_scheduler, make_executor
    from sim.experiment.lock import writer_lock
    from sim.experiment.sweep import git_commit
    from sim.out_path import check_out_path
    from sim.outputs import check_output, results_path
    from sim.params import load_scenario
    from sim.version import MODEL_VERSION

    if kernel_scaling is None:
        kernel_scaling = Settings.kernel_scaling
    if prior_share is None:
        prior_share = Settings.prior_share
    targets = load_targets(targets_name)
    trajectories = DEFAULT_TRAJECTORIES if screening is None else screening
    check_settings(population, budget, workers, trajectories, kernel_scaling, prior_share)
    check_scheduler(scheduler)
    priors = select_priors(params, targets.model)
    scn_name = scenario or targets.scenario
    scn = load_scenario(scn_name) if targets.model == "ieisim" else None
    if out is None:
        out = results_path(f"calibration-{targets.name}")
    check_out_path(out)
    check_output(out, CALIBRATION, resume=True)
    settings = Settings(population=population, budget=budget, seed=seed,
                        max_generations=max_generations, kernel_scaling=kernel_scaling,
                        prior_share=prior_share)
    info = {
        "kind": "calibration", "status": "running",
        "params": [p.name for p in priors], "scenario": scn_name,
        "model_version": MODEL_VERSION, "model": targets.model,
        "targets": targets.to_dict(), "targets_digest": targets.digest(),
        "targets_source": targets.source_path,
        "priors": [{**asdict(p), "kind": p.kind} for p in priors],
        "settings": asdict(settings), "seed": seed, "population": population,
        "screening_trajectories": trajectories, "workers": workers, "scheduler": scheduler,
        "versions": _versions(), "commit": git_commit(),
    }
    out = Path(out)
    old = _read_json(out / "calibration.json")
    if old is not None:
        for k in RESUME_KEYS:
            if old.get(k) != info[k]:
                raise UsageError(f"--out {out}: holds a calibration with another {k} "
                                 f"({_short(old.get(k))}); choose another --out (nothing was "
                                 "written)")
        for key, now in (("kernel_scaling", kernel_scaling), ("prior_share", prior_share)):
            then = (old.get("settings") or {}).get(key, PYABC_PROPOSAL[key])
            if float(then) != float(now):
                flag = "--" + key.replace("_", "-")
                raise UsageError(f"--out {out}: holds a calibration with another {flag} "
                                 f"({then}); choose another --out (nothing was written)")
        if old.get("status") == "finished" and not extends_budget(old, budget):
            raise UsageError(f"--out {out}: holds a finished calibration; choose another "
                             "--out (nothing was written; one stopped by its budget goes on "
                             "with a larger --budget)")
    out.mkdir(parents=True, exist_ok=True)
    with writer_lock(out):
        (out / MANIFEST).write_text(json.dumps({"kind": "calibration"}) + "\n",
                                    encoding="utf-8")
        _write_json(out / "calibration.json", info)
        executor = make_executor(workers, scheduler, preload=("sim.model",))
        try:
            return _fit_and_write(out, targets, priors, scn, settings, trajectories, info,
                                  executor, echo, pd, old is not None)
        finally:
            executor.close()


def _fit_and_write(out, targets, priors, scn, settings, trajectories, info, executor, echo,
                   pd, resumed: bool) -> Path:
    from sim.calibration.distance import IntervalDistance
    from sim.calibration.fit import build_model, distance_targets, run_abc
    from sim.calibration.screening import screen

    screening = None
    if (out / "screening.csv").exists():
        screening = pd.read_csv(out / "screening.csv")
    elif trajectories > 0 and read_state(out) is None:
        echo(f"screening: Morris, {trajectories} trajectories x {len(priors) + 1} runs")
        keys = {t.name: (k, t.tolerance) for t, (k, _) in
                zip(targets.targets, target_keys(targets).values(), strict=True)}
        screening = screen(build_model(targets, priors, scn),
                           IntervalDistance(distance_targets(targets), adaptive=False),
                           keys, priors, executor, trajectories, settings.seed)
        screening.to_csv(out / "screening.csv", index=False)
        names = ", ".join(screening.loc[~screening["informative"], "parameter"])
        echo(f"screening: not informed by the targets: {names or 'none'}")
    if resumed:
        echo(f"resuming the calibration in {out}")
    result = run_abc(out, targets, priors, scn, settings, executor, echo)
    if result["generations"] == 0:
        raise IeisimError(f"no generation finished ({result['stop_reason']}); nothing to "
                          f"report yet: run again with a larger --budget to resume in {out}")
    write_results(out, targets, priors, info, result, screening)
    echo(f"stopped: {result['stop_reason']}; {result['runs']} runs in "
         f"{result['wall_seconds']:.0f} s; results written to {out}")
    return out


def write_results(out: Path, targets, priors, info: dict, result: dict,
                  screening) -> None:
    """Posterior, predictive runs, ``calibration.json`` and ``report.md`` of a finished fit."""
    from sim.calibration.posterior import (
        posterior_frame,
        predictive_frame,
        read_history,
        strong_pairs,
        summarise_parameters,
    )
    from sim.calibration.report import check_targets, render

    state = read_state(out) or {}
    history = read_history(out / DB_NAME, int(state.get("abc_id", 1)))
    post = posterior_frame(history, priors)
    pred = predictive_frame(history)
    post.to_parquet(out / "posterior.parquet", index=False)
    pred.to_parquet(out / "predictive.parquet", index=False)
    eps = result["epsilons"]
    last = str(max(int(k) for k in eps)) if eps else None
    result = {**result, "final_epsilon": eps.get(last, math.nan) if last else math.nan,
              "final_ess": result["ess"].get(last, math.nan) if last else math.nan}
    keys = {name: k for name, (k, _) in target_keys(targets).items()}
    params = summarise_parameters(post, priors)
    fit = check_targets(targets.fit, keys, pred)
    hold = check_targets(targets.holdout, keys, pred)
    info = {**info, "status": "finished", "result": result,
            "fit_poor": any(not c.met for c in fit),
            "posterior_summary": [asdict(p) for p in params],
            "target_checks": [c.to_dict() for c in fit + hold]}
    (out / "report.md").write_text(render(info, params, fit, hold,
                                          strong_pairs(post, priors), screening),
                                   encoding="utf-8")
    _write_json(out / "calibration.json", info)


def extends_budget(old: dict, budget: int | None) -> bool:
    """Whether ``budget`` continues a calibration that stopped only because its budget ran out.

    Such a calibration has not converged by its own rules; a larger budget (or none) resumes
    it from its last stored generation, and its results are rewritten when it stops again.
    """
    result = old.get("result") or {}
    if not str(result.get("stop_reason", "")).startswith("budget of"):
        return False
    return budget is None or budget > int(result.get("runs", 0))


def _short(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=_jsonable, allow_nan=True) + "\n",
                   encoding="utf-8")
    tmp.replace(path)


def _jsonable(x):
    if isinstance(x, float):
        return str(x)
    if hasattr(x, "item"):
        return x.item()
    return str(x)
