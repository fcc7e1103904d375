"""Re-run one row of a sweep alone, from the folder's manifest and design, to the same numbers.

Everything a run needs is in the folder: the resolved base scenarios, the design matrix, the
master seed (hence the replicate's seed), the horizon and outputs. So a run can be repeated
later, on another machine, without the experiment file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from sim.errors import IeisimError, UsageError, excerpt
from sim.experiment import store
from sim.experiment.models import RUNNERS
from sim.experiment.posterior import with_draw
from sim.experiment.seeds import replicate_seed
from sim.experiment.worker import RunContext, RunTask, run_one
from sim.version import check_same_version


class RunFailed(IeisimError):
    """The re-run raised; ``traceback`` holds the model's traceback text."""

    def __init__(self, message: str, traceback_text: str):
        super().__init__(message)
        self.traceback = traceback_text


@dataclass
class RerunResult:
    """A re-run's rows, the stored rows and whether every value is identical.

    ``stored`` is ``None`` if the run is not on disk.
    """

    task: RunTask
    rows: pd.DataFrame
    stored: pd.DataFrame | None

    @property
    def identical(self) -> bool | None:
        """``True`` if the re-run equals the stored rows exactly (``None``: nothing stored)."""
        if self.stored is None:
            return None
        return self.rows.reset_index(drop=True).equals(self.stored.reset_index(drop=True))


def context_from_manifest(manifest: dict, folder: Path | str = "") -> RunContext:
    """The worker context of a sweep, rebuilt from its manifest.

    The runner comes from the fixed registry :data:`sim.experiment.models.RUNNERS`, looked up
    by the manifest's ``model``: a manifest is data and never names code to execute.

    Raises:
        UsageError: the manifest names a model outside the registry, a runner other than
            that model's, or lacks a field.

    """
    where = f"{Path(folder) / store.MANIFEST}" if folder else store.MANIFEST
    model = manifest.get("model")
    if not isinstance(model, str) or model not in RUNNERS:
        raise UsageError(f"{where}: model {excerpt(model)} is not one of ieisim's models "
                         f"({', '.join(RUNNERS)}): refusing to run it")
    runner = RUNNERS[model]
    stored = manifest.get("runner", runner)
    if stored != runner:
        raise UsageError(f"{where}: runner {excerpt(stored)} is not the runner of model "
                         f"{model!r} ({runner}): refusing to run it")
    try:
        return RunContext(model=model, runner=runner,
                          bases={str(k): dict(v) for k, v in manifest["bases"].items()},
                          years=manifest["years"], keep_final=manifest["keep"] == "final",
                          every=int(manifest["every"]), outputs=tuple(manifest["outputs"]),
                          factors=tuple(f["name"] for f in manifest["factors"]),
                          with_scenario=manifest["design"] == "scenarios",
                          with_draw=bool(_uncertainty(manifest)))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"{where}: damaged ({type(exc).__name__}: {excerpt(str(exc))})") \
            from None


def task_of(folder: Path, manifest: dict, run_id: int) -> RunTask:
    """The task (point, replicate, seed, values) of ``run_id``."""
    n_runs = manifest["n_runs"]
    if not 0 <= run_id < n_runs:
        raise UsageError(f"--run {run_id}: the sweep has runs 0 to {n_runs - 1}")
    point, replicate = divmod(run_id, manifest["replicates"])
    row = store.design_matrix(folder).iloc[point]
    if manifest["design"] == "scenarios":
        scenario, values = str(row["scenario"]), {}
    else:
        scenario = manifest["experiment"]["scenario"]
        values = {f["name"]: row[f["name"]].item() for f in manifest["factors"]}
    draw, values = with_draw(_uncertainty(manifest), replicate, values)
    return RunTask(run_id, point, replicate, replicate_seed(manifest["seed"], replicate),
                   scenario, values, draw)


def _uncertainty(manifest: dict) -> dict:
    """The sweep's resolved ``[uncertainty]`` block (empty without a posterior)."""
    return dict((manifest.get("experiment") or {}).get("uncertainty") or {})


def stored_rows(folder: Path, run_id: int) -> pd.DataFrame | None:
    """The rows of ``run_id`` on disk (``None`` if it never finished)."""
    parts = store.part_files(folder)
    if not parts:
        return None
    table = ds.dataset([str(p) for p in parts], format="parquet").to_table(
        filter=ds.field("run_id") == run_id)
    if table.num_rows == 0:
        return None
    return table.to_pandas().sort_values("step", kind="stable").reset_index(drop=True)


def rerun(folder: str | Path, run_id: int) -> RerunResult:
    """Re-run ``run_id`` of the sweep in ``folder`` in this process.

    Raises:
        RunFailed: the run raised (its traceback is attached, to debug a failed run).

    """
    import traceback

    folder = Path(folder)
    manifest = store.load_manifest(folder)
    check_same_version(manifest, f"rerun a run of the sweep in {folder}")
    ctx = context_from_manifest(manifest, folder)  # refuses a model outside the registry
    task = task_of(folder, manifest, int(run_id))
    try:
        cols = run_one(ctx, task)
    except Exception as exc:  # noqa: BLE001 - reported with its traceback
        raise RunFailed(f"run {task.run_id} failed: {type(exc).__name__}: {exc}",
                        traceback.format_exc()) from exc
    stored = stored_rows(folder, task.run_id)
    order = list(stored.columns) if stored is not None else list(cols)
    rows = pd.DataFrame({k: cols[k] for k in order})
    if stored is not None:
        rows = rows.astype(stored.dtypes.to_dict())
    return RerunResult(task, rows, stored)
