"""What a worker executes: a batch of runs, each isolated so that one failure spares the rest.

Everything here is plain, picklable data, so the same :func:`run_batch` serves the serial
loop, the process pool and Dask workers. A *runner* is a function
``runner(ctx, scenario, values, seed) -> {"step", "year", <outputs>: array}`` named by a
``"module:function"`` string (imported in the worker): the cooperation model and the Ishigami
function are in :mod:`sim.experiment.models`.
"""

from __future__ import annotations

import importlib
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import numpy as np

KEY_COLUMNS = ("run_id", "point", "replicate", "seed", "step", "year")
"""Columns every result row starts with (then ``scenario``, factors, outputs)."""


@dataclass(frozen=True)
class RunContext:
    """What every run of a sweep shares (plain data; sent once per batch).

    Attributes:
        model: ``"cooperation"`` or ``"ishigami"``.
        runner: ``"module:function"`` executing one run.
        bases: scenario name -> resolved flat values (dotted keys), ``[fixed]`` applied.
        years: horizon in years (``None`` for test models).
        keep_final: keep only the last step of each run.
        every: with the full time series, keep every k-th step (and the last).
        outputs: output columns kept.
        factors: factor names (result columns), in design order.
        with_scenario: add a ``scenario`` column (scenarios design).
        with_draw: add a ``draw`` column, the posterior draw of the run (``[uncertainty]``).

    """

    model: str
    runner: str
    bases: Mapping[str, Mapping[str, Any]]
    years: int | None
    keep_final: bool
    every: int
    outputs: tuple[str, ...]
    factors: tuple[str, ...]
    with_scenario: bool
    with_draw: bool = False


@dataclass(frozen=True)
class RunTask:
    """One run: its identity, seed, scenario and factor values (Python scalars).

    With a calibrated posterior, ``values`` also hold the draw's parameters and ``draw`` its
    index (:func:`sim.experiment.posterior.with_draw`).
    """

    run_id: int
    point: int
    replicate: int
    seed: int
    scenario: str
    values: Mapping[str, Any]
    draw: int | None = None


@dataclass(frozen=True)
class Batch:
    """Runs sent to a worker as one task (amortises scheduling and transfer overhead)."""

    ctx: RunContext
    tasks: tuple[RunTask, ...]


@dataclass
class BatchResult:
    """A batch's rows as columns (``None`` if every run failed), failures and timing (s)."""

    columns: dict[str, np.ndarray] | None
    failures: list[dict[str, Any]] = field(default_factory=list)
    n_done: int = 0
    seconds: float = 0.0


def resolve_runner(spec: str) -> Callable:
    """Import ``"module:function"``."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def failure_record(task: RunTask, error: str, tb: str) -> dict[str, Any]:
    """The ``failures.jsonl`` entry of a failed run."""
    return {"run_id": task.run_id, "point": task.point, "replicate": task.replicate,
            "seed": task.seed, "scenario": task.scenario, "params": dict(task.values),
            "error": error, "traceback": tb,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def run_one(ctx: RunContext, task: RunTask) -> dict[str, np.ndarray]:
    """Execute one run and return its columns (keys and factor values included)."""
    out = resolve_runner(ctx.runner)(ctx, task.scenario, task.values, task.seed)
    step = np.asarray(out["step"], dtype=np.int64)
    n = len(step)
    cols: dict[str, np.ndarray] = {
        "run_id": np.full(n, task.run_id, dtype=np.int64),
        "point": np.full(n, task.point, dtype=np.int64),
        "replicate": np.full(n, task.replicate, dtype=np.int64),
        "seed": np.full(n, task.seed, dtype=np.int64),
        "step": step,
        "year": np.asarray(out["year"], dtype=np.float64),
    }
    if ctx.with_scenario:
        cols["scenario"] = np.full(n, task.scenario, dtype=object)
    if ctx.with_draw:
        cols["draw"] = np.full(n, task.draw, dtype=np.int64)
    for name in ctx.factors:
        cols[name] = np.full(n, task.values[name])
    for name in ctx.outputs:
        col = np.asarray(out[name], dtype=np.float64)
        if len(col) != n:
            raise ValueError(f"output {name!r} has {len(col)} rows, step has {n}")
        cols[name] = col
    return cols


def run_batch(batch: Batch) -> BatchResult:
    """Run every task of ``batch``; a run that raises becomes a failure record."""
    start = time.perf_counter()
    parts: list[dict[str, np.ndarray]] = []
    failures: list[dict[str, Any]] = []
    for task in batch.tasks:
        try:
            parts.append(run_one(batch.ctx, task))
        except Exception as exc:  # noqa: BLE001 - recorded, the sweep goes on
            failures.append(failure_record(task, f"{type(exc).__name__}: {exc}",
                                           traceback.format_exc()))
    columns = None
    if parts:
        columns = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return BatchResult(columns, failures, len(parts), time.perf_counter() - start)
