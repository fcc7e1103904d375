"""``ieisim sweep`` and ``ieisim rerun``: thin wrappers over :mod:`sim.experiment`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sim.errors import IeisimError, Interrupted, Terminated

FAILURES_SHOWN = 5
"""Failed runs listed in the summary (the rest are in failures.jsonl)."""


def sweep(
    experiment: str = typer.Argument(..., help="Experiment name (experiments/<name>.toml) or "
                                     "path to a TOML file."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Worker processes "
                                          "(default: all cores; 1 = serial in this process)."),
    scheduler: Optional[str] = typer.Option(None, help="Dask: 'local' starts a LocalCluster; "
                                            "tcp://host:8786 uses a running scheduler."),
    out: Optional[Path] = typer.Option(None, help="Results folder (default: "
                                       "results/<experiment name>)."),
    shard: Optional[str] = typer.Option(None, help="i/n: run only the i-th of n disjoint "
                                        "slices (1-based), e.g. for SLURM array jobs."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate, time a few runs, print "
                                 "the run count and estimated wall time; write nothing."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar (batch jobs, CI)."),
    max_runs: Optional[int] = typer.Option(None, "--max-runs", help="Refuse an experiment of "
                                           "more runs than this (default 1,000,000; counted "
                                           "before the design is built)."),
) -> None:
    """Run an experiment (resumes if its results folder exists)."""
    from sim.startup import begin_start_up, end_start_up, one_blas_thread

    one_blas_thread()  # one model per core already: before numpy loads (sim.startup)
    begin_start_up()  # no garbage collection until the workers fork (sim.startup)
    try:
        summary = _sweep(experiment, workers, scheduler, out, shard, dry_run, quiet, max_runs)
    finally:
        end_start_up()
    import sim.cli

    sim.cli.QUICK_EXIT = True  # every file of the sweep is closed: the program may leave at once
    if dry_run:
        return
    typer.echo(summary.line())
    if summary.failed:
        for f in summary.failures[:FAILURES_SHOWN]:
            typer.echo(f"  run {f['run_id']} (point {f['point']}, replicate {f['replicate']}, "
                       f"seed {f['seed']}): {f['error']}", err=True)
        more = summary.failed - FAILURES_SHOWN
        if more > 0:
            typer.echo(f"  ... and {more} more", err=True)
        raise IeisimError(f"{summary.failed} of {summary.done + summary.failed} runs failed; "
                          f"details in {summary.folder / 'failures.jsonl'}; run the same "
                          "command again to retry them")


def _sweep(experiment: str, workers: Optional[int], scheduler: Optional[str],
           out: Optional[Path], shard: Optional[str], dry_run: bool, quiet: bool,
           max_runs: Optional[int]):
    """:func:`sim.experiment.sweep.run_sweep` as the command runs it.

    Dask's fork server is started first; Ctrl-C and SIGTERM become
    :class:`sim.errors.Interrupted`.
    """
    if scheduler == "local" and not dry_run:
        # the workers' fork server loads Dask and the model now, on another core, while this
        # process reads the experiment and plans (sim.experiment.executors.start_forkserver)
        from sim.experiment.executors import COOPERATION_MODULES, start_forkserver

        start_forkserver(COOPERATION_MODULES)
    from sim.experiment.sweep import run_sweep

    try:
        return run_sweep(experiment, out, workers=workers, scheduler=scheduler, shard=shard,
                         quiet=quiet, dry_run=dry_run, echo=typer.echo, max_runs=max_runs)
    except KeyboardInterrupt as exc:  # Ctrl-C (exit 130) or SIGTERM (143): runs are on disk
        raise Interrupted("interrupted: finished runs are saved; run the same command again "
                          "to resume", terminated=isinstance(exc, Terminated)) from None


def rerun(
    folder: Path = typer.Argument(..., help="A sweep folder."),
    run: int = typer.Option(..., "--run", help="The run_id to re-run."),
    out: Optional[Path] = typer.Option(None, help="Also write the re-run's rows as CSV (a new "
                                       "file)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace the --out file if it "
                                   "exists."),
) -> None:
    """Re-run one run of a sweep alone and compare it with the stored rows."""
    from sim.experiment.rerun import RunFailed
    from sim.experiment.rerun import rerun as do_rerun
    from sim.outputs import check_new_file

    if out is not None:
        check_new_file(out, overwrite)  # before the run: a refusal costs nothing

    try:
        res = do_rerun(folder, run)
    except RunFailed as exc:
        typer.echo(exc.traceback, err=True)
        raise
    t = res.task
    typer.echo(f"run {t.run_id}: point {t.point}, replicate {t.replicate}, seed {t.seed}"
               + (f", scenario {t.scenario}" if t.scenario else ""))
    for k, v in t.values.items():
        typer.echo(f"  {k} = {v}")
    last = res.rows.iloc[-1]
    outputs = [c for c in res.rows.columns if c not in t.values and c not in (
        "run_id", "point", "replicate", "seed", "step", "year", "scenario")]
    for c in outputs:
        stored = "" if res.stored is None else f"   (stored {float(res.stored.iloc[-1][c])!r})"
        typer.echo(f"  {c:28s} {float(last[c])!r}{stored}")
    if out is not None:
        from sim.outputs import write_new_file

        write_new_file(out, res.rows.to_csv(index=False).encode("utf-8"), overwrite)
        typer.echo(f"rows written to {out}")
    if res.identical is None:
        typer.echo("the run is not on disk (failed or pending): nothing to compare")
    elif res.identical:
        typer.echo(f"identical to the stored rows ({len(res.rows)} rows)")
    else:
        raise IeisimError(f"run {t.run_id} differs from the stored rows")


def register(app: typer.Typer) -> None:
    """Add ``sweep`` and ``rerun`` to the ``ieisim`` command line."""
    app.command("sweep")(sweep)
    app.command("rerun")(rerun)
