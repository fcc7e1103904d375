"""Synthetic sweep folders for the analysis tests, in the documented sweep-folder layout.

Written with the experiments engine's own store (``result_schema``, ``write_part``,
``write_json``), so the analysis reads them exactly as it reads ``ieisim sweep`` output. The
"model" is a plain function of the factor values plus seeded replicate noise, so tests know
the answer (which factor matters, in which direction, how noisy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.experiment.store import result_schema, write_json, write_part

SAMPLER_SEED = 11


def factor(name, low=0.0, high=1.0, kind="lever", group=""):
    return {"name": name, "kind": kind, "group": group or name, "low": low, "high": high,
            "values": None, "dtype": "float", "unit": ""}


def design(kind, factors, n, second_order=False, levels=4, groups=False):
    problem = {"num_vars": len(factors), "names": [f["name"] for f in factors],
               "bounds": [[f["low"], f["high"]] for f in factors]}
    if groups:
        problem["groups"] = [f["group"] for f in factors]
    if kind == "sobol":
        return sobol_sample.sample(problem, n, calc_second_order=second_order,
                                   seed=SAMPLER_SEED)
    if kind == "lhs":
        return latin.sample(problem, n, seed=SAMPLER_SEED)
    if kind == "morris":
        return morris_sample.sample(problem, n, num_levels=levels, seed=SAMPLER_SEED)
    raise ValueError(kind)


def _append_ids(rows, run_id, point, replicate, step, year):
    """Append one row's identifying columns (seed 1000 + replicate, as the engine would)."""
    for key, value in (("run_id", run_id), ("point", point), ("replicate", replicate),
                       ("seed", 1000 + replicate), ("step", step), ("year", year)):
        rows[key].append(value)


def write_sweep(folder: Path, kind: str, factors: list[dict], outputs: dict[str, Callable],
                n: int, replicates: int = 1, noise: float = 0.0, second_order: bool = False,
                levels: int = 4, groups: bool = False, years: tuple[float, ...] = (10.0,),
                analysis: dict | None = None, x: np.ndarray | None = None,
                noisy: set[str] | None = None) -> Path:
    """Write a sweep: ``outputs[name](X dict of values, year) -> value``; noise is N(0, noise)
    on the outputs in ``noisy`` (default: all), independent between points and replicates."""
    folder = Path(folder)
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    x = design(kind, factors, n, second_order, levels, groups) if x is None else x
    n_points = len(x)
    cols = {f["name"]: x[:, i] for i, f in enumerate(factors)}
    rows = {k: [] for k in ["run_id", "point", "replicate", "seed", "step", "year"]
            + list(cols) + list(outputs)}
    run_id = 0
    for r in range(replicates):
        rng = np.random.default_rng([SAMPLER_SEED, r])
        eps = {name: rng.normal(0, noise if noisy is None or name in noisy else 0.0,
                                n_points) for name in outputs}
        for p in range(n_points):
            for s, year in enumerate(years):
                _append_ids(rows, run_id, p, r, s, year)
                for name, v in cols.items():
                    rows[name].append(v[p])
                for name, fn in outputs.items():
                    val = fn({k: v[p] for k, v in cols.items()}, year)
                    rows[name].append(float(val) + (eps[name][p] * year / years[-1]
                                                     if year else 0.0))
            run_id += 1
    schema = result_schema(factors, list(outputs), with_scenario=False)
    write_part(folder, {k: np.asarray(v) for k, v in rows.items()}, schema, "000000")
    experiment = {"name": folder.name, "design": kind, "options": {}}
    if analysis:
        experiment["analysis"] = analysis
    manifest = {"kind": "sweep", "schema_version": 1, "name": folder.name,
                "experiment": experiment, "model": "synthetic", "design": kind,
                "factors": factors, "outputs": list(outputs), "n_points": n_points,
                "replicates": replicates, "n_runs": n_points * replicates, "seed": 20251125,
                "sobol_n": n if kind == "sobol" else None,
                "second_order": second_order if kind == "sobol" else None,
                "morris_levels": levels if kind == "morris" else None,
                "morris_trajectories": n if kind == "morris" else None, "scenarios": []}
    write_json(folder / "manifest.json", manifest)
    pd.DataFrame(x, columns=[f["name"] for f in factors]).to_parquet(folder / "design.parquet")
    return folder


def write_scenarios(folder: Path, effects: dict[str, float], replicates: int,
                    years: tuple[float, ...], noise: float, base_level: float = 10.0,
                    cost: dict[str, float] | None = None) -> Path:
    """A scenarios sweep: scenario s adds ``effects[s] * year / years[-1]`` to
    ``joint_rd_per_100_firms``; replicate r shares its noise across scenarios (CRN) plus a
    small independent part."""
    folder = Path(folder)
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    names = list(effects)
    outputs = ["joint_rd_per_100_firms", "public_cost"]
    rows = {k: [] for k in ["run_id", "point", "replicate", "seed", "step", "year", "scenario"]
            + outputs}
    run_id = 0
    for p, scn in enumerate(names):
        for r in range(replicates):
            shared = np.random.default_rng([SAMPLER_SEED, r])
            own = np.random.default_rng([SAMPLER_SEED, r, p + 1])
            for s, year in enumerate(years):
                level = base_level + shared.normal(0, noise) + own.normal(0, noise / 10)
                _append_ids(rows, run_id, p, r, s, year)
                rows["scenario"].append(scn)
                rows["joint_rd_per_100_firms"].append(level + effects[scn] * year / years[-1])
                rows["public_cost"].append((cost or {}).get(scn, 1.0))
            run_id += 1
    schema = result_schema([], outputs, with_scenario=True)
    write_part(folder, {k: np.asarray(v) for k, v in rows.items()}, schema, "000000")
    manifest = {"kind": "sweep", "schema_version": 1, "name": folder.name,
                "experiment": {"name": folder.name, "design": "scenarios", "options": {}},
                "model": "synthetic", "design": "scenarios", "factors": [],
                "outputs": outputs, "n_points": len(names), "replicates": replicates,
                "n_runs": len(names) * replicates, "seed": 20251125, "scenarios": names}
    write_json(folder / "manifest.json", manifest)
    return folder


def model_factors(model) -> list[dict]:
    """Manifest factor dicts for a :class:`sim.testmodels.SyntheticPolicyModel`."""
    return [factor(n, f.low, f.high) for n, f in model.factors.items()]


def write_model_sweep(folder: Path, kind: str, model, n: int = 10, replicates: int = 10,
                      x: np.ndarray | None = None, analysis: dict | None = None,
                      seed0: int = 0) -> Path:
    """A sweep of a synthetic policy model (sim.testmodels) with common random numbers:
    replicate ``r`` of every point runs with seed ``seed0 + r``. ``kind`` may be ``grid``
    when ``x`` is given.
    """
    folder = Path(folder)
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    factors = model_factors(model)
    x = design(kind, factors, n) if x is None else np.asarray(x, dtype=float)
    seeds = [seed0 + r for r in range(replicates)]
    out = model.replicates(x, seeds)
    names = [f["name"] for f in factors]
    rows = {k: [] for k in ["run_id", "point", "replicate", "seed", "step", "year"]
            + names + list(out)}
    run_id = 0
    for p in range(len(x)):
        for r in range(replicates):
            for key, value in (("run_id", run_id), ("point", p), ("replicate", r),
                               ("seed", seeds[r]), ("step", 0), ("year", 10.0)):
                rows[key].append(value)
            for i, name in enumerate(names):
                rows[name].append(x[p, i])
            for name, values in out.items():
                rows[name].append(values[r, p])
            run_id += 1
    schema = result_schema(factors, list(out), with_scenario=False)
    write_part(folder, {k: np.asarray(v) for k, v in rows.items()}, schema, "000000")
    experiment = {"name": folder.name, "design": kind, "options": {}, "scenario": "status_quo"}
    if analysis:
        experiment["analysis"] = analysis
    manifest = {"kind": "sweep", "schema_version": 1, "name": folder.name,
                "experiment": experiment, "model": "synthetic", "design": kind,
                "factors": factors, "outputs": list(out), "n_points": len(x),
                "replicates": replicates, "n_runs": len(x) * replicates, "seed": 20251125,
                "years": 10, "morris_levels": 4 if kind == "morris" else None,
                "morris_trajectories": n if kind == "morris" else None, "scenarios": []}
    write_json(folder / "manifest.json", manifest)
    pd.DataFrame(x, columns=names).to_parquet(folder / "design.parquet")
    return folder
