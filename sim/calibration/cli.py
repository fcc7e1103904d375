"""``ieisim calibrate``: a thin wrapper over :func:`sim.calibration.run.calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def calibrate(
    targets: Optional[str] = typer.Argument(None, help="Targets name (configs/targets/, e.g. "
                                            "status_quo_targets) or a TOML path."),
    scenario: Optional[str] = typer.Option(None, help="Scenario (default: the targets "
                                           "file's)."),
    params: Optional[str] = typer.Option(None, "--params", help="Parameters to fit: a group "
                                         "(status_quo, behaviour, economy) or names separated "
                                         "by commas (default: status_quo)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Worker processes "
                                          "(default: all cores; 1 = serial)."),
    scheduler: Optional[str] = typer.Option(None, help="Dask: 'local' or tcp://host:8786."),
    out: Optional[Path] = typer.Option(None, help="Output folder (default: "
                                       "results/calibration-<targets name>); an earlier "
                                       "unfinished calibration there is resumed."),
    budget: Optional[int] = typer.Option(None, help="Most model runs in all."),
    population: int = typer.Option(500, help="Accepted particles per generation."),
    seed: int = typer.Option(1, help="Master seed (particles and their runs)."),
    screening: Optional[int] = typer.Option(None, "--screening", help="Morris trajectories "
                                            "of the identifiability screening (0: skip; "
                                            "default 10)."),
    max_generations: int = typer.Option(30, "--max-generations", help="Most generations."),
    kernel_scaling: Optional[float] = typer.Option(
        None, "--kernel-scaling", help="Factor on the perturbation kernel's covariance "
        "(default 2; 1: pyabc's own; wider keeps the effective sample size up)."),
    prior_share: Optional[float] = typer.Option(
        None, "--prior-share", help="Share of proposals drawn from the prior (default 0.1; "
        "0: pyabc's kernel alone; a defensive mixture that bounds every importance weight)."),
    list_statistics: bool = typer.Option(False, "--list-statistics", help="List the "
                                         "statistics a target may name and exit."),
) -> None:
    """Fit parameters to published patterns with ABC-SMC (pyabc); see docs/calibration.md."""
    from sim.errors import ConfigError, Interrupted, Terminated

    if list_statistics:
        from sim.calibration.statistics import registry

        for s in registry().values():
            typer.echo(f"{s.name:32s} {s.kind:9s} {s.description} ({s.unit})")
        return
    if targets is None:
        raise ConfigError("missing TARGETS: a targets name (e.g. status_quo_targets) or path")
    from sim.calibration.run import calibrate as run
    from sim.cli import mark_started

    def echo(line: str) -> None:
        mark_started()
        typer.echo(line)

    try:
        run(targets, scenario=scenario, params=params, workers=workers, scheduler=scheduler,
            out=out, budget=budget, population=population, seed=seed, screening=screening,
            max_generations=max_generations, kernel_scaling=kernel_scaling,
            prior_share=prior_share, echo=echo)
    except KeyboardInterrupt as exc:
        raise Interrupted("interrupted: finished generations are saved; run the same "
                          "command again to resume",
                          terminated=isinstance(exc, Terminated)) from None


def register(app: typer.Typer) -> None:
    """Add the ``calibrate`` command to the ``ieisim`` app."""
    app.command("calibrate")(calibrate)
