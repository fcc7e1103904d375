"""Run an experiment: plan the runs, skip finished ones, execute batches, stream rows to disk.

Lifecycle of :func:`run_sweep`: validate (experiment, options, output folder) -> plan
(design matrix, seeds, run ids of this shard minus those already on disk) -> start the
executor -> write the manifest and design (new folders only) -> execute batches, writing
each finished batch as a Parquet part and each failed run to ``failures.jsonl`` -> update
the manifest's counts. Nothing is written before every check has passed. The parent keeps
only the design, the ids still to run and the batches in flight, never the results.

Run ``run_id = point * replicates + replicate``; its seed is
``sim.experiment.seeds.replicate_seed(master, replicate)``. Shard ``i/n`` (1-based) owns the
run ids with ``run_id % n == i - 1``.
"""

from __future__ import annotations

import importlib
import math
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.errors import IeisimError, UsageError, sigterm_as_interrupt
from sim.experiment import store
from sim.experiment.design import DEFAULT_MAX_RUNS, build_design, check_run_count, n_points
from sim.experiment.executors import (
    COOPERATION_MODULES,
    check_scheduler,
    default_workers,
    make_executor,
)
from sim.experiment.models import RUNNERS
from sim.experiment.posterior import with_draw
from sim.experiment.progress import SweepProgress
from sim.experiment.seeds import replicate_seeds
from sim.experiment.spec import Experiment, load_experiment
from sim.experiment.worker import (
    Batch,
    BatchResult,
    RunContext,
    RunTask,
    failure_record,
    run_batch,
    run_one,
)
from sim.out_path import check_out_path
from sim.outputs import (
    REPLACE,
    SWEEP,
    check_output,
    is_write_error,
    os_error,
    results_path,
)
from sim.version import MODEL_VERSION, check_same_version, package_versions

TARGET_BATCH_SECONDS = 1.0
"""Aim for batches of about this much compute (s): long enough to amortise scheduling,
short enough that a kill loses little work."""
MAX_PARTS_PER_SECOND = 20.0
"""The parent writes at most about this many parts per second: with many workers (a
cluster), batches grow to ``workers / MAX_PARTS_PER_SECOND`` seconds."""
MAX_BATCH_RUNS = 2000
"""Upper bound on runs per batch (bounds the memory of one batch's rows)."""
FAILURES_KEPT = 100
"""Failed runs listed in the summary object (all of them are in failures.jsonl)."""
SAVED = "finished runs are saved; run the same command again to resume"
"""What a stopped sweep keeps, for its error messages."""
DRY_RUN_SAMPLES = 3
"""Runs timed by ``--dry-run`` to estimate the wall time."""
_VERSIONED = ("ieisim", "mesa", "numpy", "pandas", "pyarrow", "SALib", "dask", "distributed")


@dataclass
class Plan:
    """Everything needed to execute (part of) an experiment."""

    experiment: Experiment
    design: pd.DataFrame
    seeds: list[int]
    ctx: RunContext
    schema: pa.Schema
    run_ids: np.ndarray  # of this shard, ascending

    @property
    def n_runs(self) -> int:
        """Runs of the whole experiment (all shards)."""
        return len(self.design) * self.experiment.replicates

    def task(self, run_id: int) -> RunTask:
        """The task of run ``run_id``."""
        r = self.experiment.replicates
        point, replicate = divmod(int(run_id), r)
        if self.ctx.with_scenario:
            scenario, values = str(self.design["scenario"].iat[point]), {}
        else:
            scenario = self.experiment.scenario
            values = {k: self.design[k].iat[point].item() for k in self.ctx.factors}
        draw, values = with_draw(self.experiment.uncertainty, replicate, values)
        return RunTask(int(run_id), point, replicate, self.seeds[replicate], scenario, values,
                       draw)


@dataclass
class SweepSummary:
    """What a sweep invocation did.

    ``seconds``: wall time of the run loop; ``compute_seconds``: time spent inside runs,
    summed over workers.
    """

    folder: Path
    name: str
    n_runs: int
    in_shard: int
    skipped: int
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    compute_seconds: float = 0.0
    executor: str = ""
    failures: list[dict] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Runs per second of this invocation."""
        return (self.done + self.failed) / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """A one-line summary."""
        return (f"sweep {self.name}: {self.done} runs done, {self.skipped} already on disk, "
                f"{self.failed} failed, of {self.in_shard} in this shard ({self.n_runs} in "
                f"all), {self.seconds:.1f} s, {self.rate:.1f} runs/s, {self.executor} -> "
                f"{self.folder}")


def parse_shard(shard: str | tuple[int, int] | None) -> tuple[int, int] | None:
    """``"i/n"`` (1-based, ``1 <= i <= n``) -> ``(i, n)``."""
    if shard is None:
        return None
    if isinstance(shard, tuple):
        i, n = shard
    else:
        try:
            i_s, n_s = str(shard).split("/")
            i, n = int(i_s), int(n_s)
        except ValueError:
            raise UsageError(f"--shard {shard!r}: expected i/n, e.g. 2/8") from None
    if not (n >= 1 and 1 <= i <= n):
        raise UsageError(f"--shard {i}/{n}: need 1 <= i <= n")
    return i, n


def make_plan(exp: Experiment, shard: tuple[int, int] | None = None,
              runner: str | None = None, max_runs: int = DEFAULT_MAX_RUNS) -> Plan:
    """Design, seeds, worker context, result schema and the run ids of ``shard``.

    The runs are counted first: a design of more than ``max_runs`` runs is refused before it
    is built.
    """
    check_run_count(exp, max_runs)
    design = build_design(exp)
    ctx = RunContext(model=exp.model, runner=runner or RUNNERS[exp.model],
                     bases={k: dict(v) for k, v in exp.bases.items()}, years=exp.years,
                     keep_final=exp.keep == "final", every=exp.every, outputs=exp.outputs,
                     factors=exp.factor_names, with_scenario=exp.design == "scenarios",
                     with_draw=bool(exp.uncertainty))
    schema = store.result_schema([f.to_dict() for f in exp.factors], exp.outputs,
                                 ctx.with_scenario, ctx.with_draw)
    ids = np.arange(len(design) * exp.replicates, dtype=np.int64)
    if shard is not None:
        i, n = shard
        ids = ids[ids % n == i - 1]
    return Plan(exp, design, replicate_seeds(exp.seed, exp.replicates), ctx, schema, ids)


class Batcher:
    """Cuts the pending runs into batches of about :data:`TARGET_BATCH_SECONDS` of work.

    The first batches hold one run each; later sizes follow the measured time per run, and
    shrink near the end so that all workers finish together. With many workers batches are
    longer, so that the parent's writing of parts never becomes the bottleneck.
    """

    def __init__(self, plan: Plan, pending: np.ndarray, slots: int, workers: int = 1):
        self.plan = plan
        self.pending = pending
        self.slots = max(1, slots)
        self.target_seconds = max(TARGET_BATCH_SECONDS, workers / MAX_PARTS_PER_SECOND)
        self._seconds = 0.0
        self._runs = 0

    def observe(self, result: BatchResult) -> None:
        """Record a finished batch's compute time."""
        self._seconds += result.seconds
        self._runs += result.n_done + len(result.failures)

    def size(self, remaining: int) -> int:
        """Runs in the next batch."""
        if self._runs == 0:
            return 1
        per_run = max(self._seconds / self._runs, 1e-9)
        target = min(MAX_BATCH_RUNS, max(1, int(self.target_seconds / per_run)))
        return max(1, min(target, math.ceil(remaining / self.slots)))

    def __iter__(self) -> Iterator[Batch]:
        i, n = 0, len(self.pending)
        while i < n:
            k = self.size(n - i)
            tasks = tuple(self.plan.task(r) for r in self.pending[i:i + k])
            i += k
            yield Batch(self.plan.ctx, tasks)


def _versions() -> dict[str, str]:
    return package_versions(_VERSIONED)


def git_commit() -> str | None:
    """The source tree's git commit (``None`` outside a git checkout)."""
    root = Path(__file__).resolve().parent.parent.parent
    try:
        res = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_manifest(plan: Plan) -> dict[str, Any]:
    """The manifest of a new sweep folder (counts all pending)."""
    exp = plan.experiment
    opts = exp.options
    return {
        "kind": "sweep", "schema_version": store.SCHEMA_VERSION,
        "model_version": MODEL_VERSION,
        "name": exp.name, "experiment": exp.to_dict(), "hash": exp.digest(),
        "source": exp.source_path, "model": exp.model, "runner": plan.ctx.runner,
        "design": exp.design, "factors": [f.to_dict() for f in exp.factors],
        "outputs": list(exp.outputs), "n_points": len(plan.design),
        "replicates": exp.replicates, "n_runs": plan.n_runs, "seed": exp.seed,
        "replicate_seeds": plan.seeds, "years": exp.years, "keep": exp.keep,
        "every": exp.every,
        "sobol_n": opts.get("n") if exp.design == "sobol" else None,
        "second_order": opts.get("second_order") if exp.design == "sobol" else None,
        "morris_levels": opts.get("levels") if exp.design == "morris" else None,
        "morris_trajectories": opts.get("trajectories") if exp.design == "morris" else None,
        "lhs_samples": opts.get("samples") if exp.design == "lhs" else None,
        "groups": list(exp.groups) if exp.groups is not None else None,
        "scenarios": list(exp.scenarios), "bases": {k: dict(v) for k, v in exp.bases.items()},
        "versions": _versions(), "git_commit": git_commit(),
        "started": _now(), "finished": None,
        "counts": {"runs": plan.n_runs, "done": 0, "failed": 0, "pending": plan.n_runs},
        "invocations": [],
    }


def _changed_keys(old: Mapping, new: Mapping) -> list[str]:
    keys = sorted(set(old) | set(new))
    return [k for k in keys if old.get(k) != new.get(k) and k != "description"]


def _unfinished_start(folder: Path) -> bool:
    """Whether ``folder`` was left by a sweep killed before it wrote its manifest.

    Such a folder holds only the lock, an empty ``runs/`` and maybe the design; the sweep
    starts afresh in it.
    """
    if not folder.is_dir() or folder.is_symlink() or (folder / store.MANIFEST).exists():
        return False
    names = {p.name for p in folder.iterdir()}
    runs = folder / store.RUNS
    if store.RUNS not in names or not runs.is_dir() or any(runs.iterdir()):
        return False
    return all(n in (store.RUNS, store.DESIGN) or n.startswith((store.LOCK, store.TMP_PREFIX))
               for n in names)


def check_folder(folder: Path, plan: Plan) -> dict[str, Any] | None:
    """Return the existing manifest (resume) or ``None`` (new folder); refuse a mismatch."""
    folder = Path(folder)
    if _unfinished_start(folder):
        return None
    if check_output(folder, SWEEP, resume=True) != REPLACE:  # refuses what is not a sweep
        return None
    old = store.load_manifest(folder)
    check_same_version(old, f"resume the sweep in {folder}",
                       "; use --out for a new folder")
    new_hash = plan.experiment.digest()
    if old.get("hash") != new_hash:
        changed = _changed_keys(old.get("experiment", {}), plan.experiment.to_dict())
        if old.get("bases") != {k: dict(v) for k, v in plan.experiment.bases.items()}:
            changed.append("base scenario values")
        what = ", ".join(changed) or "the experiment"
        raise UsageError(f"{folder} holds a sweep of a different experiment (changed: {what}; "
                         f"hash {old.get('hash')} != {new_hash}): refusing to resume; use "
                         "--out for a new folder or delete the old one")
    return old


def _counts(folder: Path, n_runs: int) -> dict[str, int]:
    done = len(store.finished_run_ids(folder))
    failed = len(store.load_failures(folder))
    return {"runs": n_runs, "done": done, "failed": failed, "pending": n_runs - done}


def finalize_manifest(folder: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Recount the runs on disk, log this invocation and rewrite the manifest."""
    manifest = store.load_manifest(folder)
    counts = _counts(folder, manifest["n_runs"])
    manifest["counts"] = counts
    manifest["finished"] = _now() if counts["pending"] == 0 else None
    manifest.setdefault("invocations", []).append(record)
    store.write_json(Path(folder) / store.MANIFEST, manifest)
    return manifest


def _preload(model: str) -> tuple[str, ...]:
    if model == "cooperation":  # sim.run imports the model lazily: preload it too (Mesa)
        return COOPERATION_MODULES
    return ("sim.experiment.worker", "sim.experiment.models")


def estimate(plan: Plan, pending: np.ndarray, workers: int) -> dict[str, Any]:
    """Time a few runs in this process and extrapolate the wall time of ``pending``."""
    if len(pending) == 0:
        return {"sampled": 0, "per_run": 0.0, "wall": 0.0}
    picks = np.unique(pending[np.linspace(0, len(pending) - 1,
                                          min(DRY_RUN_SAMPLES, len(pending))).astype(int)])
    for module in _preload(plan.experiment.model):  # imports are not part of a run's time
        importlib.import_module(module)
    times = []
    for run_id in picks:
        task = plan.task(run_id)
        start = time.perf_counter()
        try:
            run_one(plan.ctx, task)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            raise IeisimError(f"dry run: run {task.run_id} failed: {type(exc).__name__}: "
                              f"{exc}") from None
        times.append(time.perf_counter() - start)
    per_run = float(np.mean(times))
    waves = len(pending) / max(1, workers)
    return {"sampled": len(picks), "per_run": per_run, "wall": per_run * waves}


def check_sweep_memory(exp: Experiment, workers: int) -> None:
    """Refuse a sweep whose largest world, run by ``workers`` processes at once, cannot fit.

    The largest world of each base scenario sets every varied world parameter to its upper
    bound (:func:`sim.memory.check_memory`).
    """
    from sim.memory import check_memory
    from sim.params import BY_NAME

    for name, base in exp.bases.items():
        values = dict(base)
        for f in exp.factors:
            if f.kind == "world":
                values[BY_NAME[f.name].key] = max(f.values) if f.values else f.high
        check_memory(values, workers, what=f"the largest run of {exp.name!r} ({name})")


def _fmt_seconds(s: float) -> str:
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def run_sweep(experiment: str | Path | Mapping | Experiment, out: str | Path | None = None, *,
              workers: int | None = None, scheduler: str | None = None,
              shard: str | tuple[int, int] | None = None, quiet: bool = False,
              dry_run: bool = False, runner: str | None = None, dask_processes: bool = True,
              echo: Callable[[str], Any] = print,
              max_runs: int | None = None) -> SweepSummary:
    """Run (or resume) an experiment into a sweep folder.

    Args:
        experiment: name of a shipped experiment, a TOML path, a mapping or an Experiment.
        out: results folder (default ``results/<name>``).
        workers: worker processes (default: all cores; 1 = serial in this process), or
            LocalCluster workers with ``scheduler="local"``.
        scheduler: ``"local"`` (start a Dask LocalCluster) or a scheduler address.
        shard: ``"i/n"``: run only the i-th of n disjoint slices of the runs.
        quiet: no progress bar.
        dry_run: validate, time a few runs, print the count and estimate; write nothing.
        runner: ``"module:function"`` replacing the model's runner (same inputs and outputs).
        dask_processes: LocalCluster workers as processes (``False``: threads).
        echo: where the dry-run report and notes go.
        max_runs: refuse an experiment of more runs than this (default
            :data:`~sim.experiment.design.DEFAULT_MAX_RUNS`; counted before the design is
            built; the dry run shows the count).

    Returns:
        A :class:`SweepSummary`; failed runs are in ``summary.failures`` and
        ``failures.jsonl`` (the CLI turns them into exit code 1).

    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise UsageError(f"--workers {workers}: expected a whole number >= 1")
    check_scheduler(scheduler)
    shard_t = parse_shard(shard)
    folder = Path(out) if out is not None else results_path(exp.name)
    max_runs = DEFAULT_MAX_RUNS if max_runs is None else max_runs
    check_out_path(folder)
    if dry_run:
        points = n_points(exp)
        unc = exp.uncertainty
        crossed = (f" ({unc['draws']} posterior draws x {unc['seeds_per_draw']} seeds)"
                   if unc else "")
        echo(f"experiment {exp.name}: {exp.model} model, {exp.design} design, "
             f"{points:,} points x {exp.replicates} replicates{crossed} = "
             f"{points * exp.replicates:,} runs (--max-runs {max_runs:,})")
    plan = make_plan(exp, shard_t, runner, max_runs)
    if exp.model == "cooperation" and scheduler is None:
        check_sweep_memory(exp, min(workers or default_workers(), max(1, len(plan.run_ids))))
    existing = check_folder(folder, plan)
    done_ids = store.finished_run_ids(folder) if existing else set()
    pending = plan.run_ids[~np.isin(plan.run_ids, np.fromiter(done_ids, dtype=np.int64,
                                                               count=len(done_ids)))]
    summary = SweepSummary(folder, exp.name, plan.n_runs, len(plan.run_ids),
                           len(plan.run_ids) - len(pending))
    if dry_run:
        n_workers = workers or default_workers()
        est = estimate(plan, pending, n_workers)
        shard_txt = f" (shard {shard_t[0]}/{shard_t[1]})" if shard_t else ""
        echo(f"this invocation{shard_txt}: {len(plan.run_ids)} runs, {summary.skipped} "
             f"already on disk, {len(pending)} to run")
        if est["sampled"]:
            echo(f"timed {est['sampled']} runs: {est['per_run']:.3g} s per run; estimated "
                 f"wall time with {n_workers} workers: {_fmt_seconds(est['wall'])}")
        echo(f"results would go to {folder} (dry run: nothing written)")
        return summary

    executor = make_executor(workers, scheduler, _preload(exp.model), dask_processes)
    summary.executor = executor.description
    started = _now()
    shard_tag = f"s{shard_t[0]}of{shard_t[1]}" if shard_t else None
    lock = None
    try:
        (folder / store.RUNS).mkdir(parents=True, exist_ok=True)
        held = store.writer_lock(folder, shard_tag)
        held.__enter__()
        lock = held
        if existing is None:
            store.write_table(folder / store.DESIGN,
                              pa.Table.from_pandas(plan.design, preserve_index=False))
            store.write_json(folder / store.MANIFEST, new_manifest(plan))
        else:  # another writer may have finished runs since we looked
            if shard_t is None:
                store.remove_stale_tmp(folder)
            done_ids = store.finished_run_ids(folder)
            pending = pending[~np.isin(pending, np.fromiter(done_ids, dtype=np.int64,
                                                            count=len(done_ids)))]
            summary.skipped = len(plan.run_ids) - len(pending)
        tag = (f"{shard_tag}-" if shard_tag else "") + uuid.uuid4().hex[:8]
        batcher = Batcher(plan, pending, executor.slots, executor.workers)
        t0 = time.perf_counter()
        seq = 0
        with sigterm_as_interrupt(), SweepProgress(len(pending), exp.name, quiet) as bar:
            for batch, res in executor.imap_unordered(run_batch, batcher):
                if isinstance(res, BaseException):
                    res = BatchResult(None, [failure_record(t, f"{type(res).__name__}: {res}",
                                                            "") for t in batch.tasks])
                else:
                    batcher.observe(res)
                    summary.compute_seconds += res.seconds
                if res.columns is not None:
                    store.write_part(folder, res.columns, plan.schema, f"{tag}-{seq:06d}")
                    seq += 1
                store.append_failures(folder, res.failures)
                summary.failures.extend(
                    {k: f[k] for k in ("run_id", "point", "replicate", "seed", "error")}
                    for f in res.failures[:max(0, FAILURES_KEPT - len(summary.failures))])
                summary.done += res.n_done
                summary.failed += len(res.failures)
                bar.advance(res.n_done, len(res.failures))
        summary.seconds = time.perf_counter() - t0
        if shard_t is None:  # exclusive lock: no other writer in the folder
            store.compact_parts(folder, plan.schema)
    except OSError as exc:  # disk full, permissions: name the folder and what is kept
        if not is_write_error(exc):
            raise  # e.g. a lost connection to a Dask scheduler
        raise os_error(exc, folder, SAVED) from None
    finally:
        failing = sys.exc_info()[1]
        executor.close()
        if lock is not None:
            try:
                if (folder / store.MANIFEST).is_file():
                    finalize_manifest(folder, {
                        "started": started, "ended": _now(), "executor": summary.executor,
                        "shard": None if shard_t is None else f"{shard_t[0]}/{shard_t[1]}",
                        "done": summary.done, "failed": summary.failed})
            except OSError as exc:  # e.g. the disk is still full: a resume recounts anyway
                if failing is None:
                    raise os_error(exc, folder, SAVED) from None
            finally:
                lock.__exit__(None, None, None)
    return summary


