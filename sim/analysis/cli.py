"""``ieisim analyze DIR``: thin wrapper over :func:`sim.analysis.analyze`."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def analyze_command(
    directory: Path = typer.Argument(..., help="Sweep folder (manifest.json and runs/)."),
    output: List[str] = typer.Option([], "--output", "-o", help="Output to analyse "
                                     "(repeatable; default: the cooperation outcomes, or all "
                                     "outputs of the sweep)."),
    target: List[str] = typer.Option([], "--target", "-t", help="Target for scenario "
                                     "discovery, e.g. 'rd_ties_per_100_partner_firms >= 5' "
                                     "(repeatable; conditions on other outputs joined by "
                                     "'and', e.g. 'rd_ties_per_100_partner_firms >= 1 and "
                                     "public_cost <= 150'; "
                                     "default: 75th percentile)."),
    method: List[str] = typer.Option([], "--method", "-m", help="Method to run (repeatable; "
                                     "default: all the design supports): sobol, morris, pawn, "
                                     "spearman, paired."),
    groups: Optional[bool] = typer.Option(None, "--groups/--no-groups", help="Indices for "
                                          "lever groups (needs a grouped sample)."),
    seed: Optional[int] = typer.Option(None, help="Analysis seed (default: the sweep's)."),
    resamples: Optional[int] = typer.Option(None, help="Bootstrap resamples (default 100)."),
    baseline: Optional[str] = typer.Option(None, help="Baseline scenario of a scenarios "
                                           "design (default: status_quo)."),
    box: Optional[int] = typer.Option(None, "--box", help="Point N on the first PRIM box's "
                                      "coverage-density trade-off (peeling trajectory index, "
                                      "listed in analysis.json) instead of the automatic "
                                      "choice."),
    quiet: bool = typer.Option(False, "--quiet", help="Do not print the report's summary."),
) -> None:
    """Sensitivity analysis of a sweep.

    Writes sensitivity.csv, discovery.csv, analysis.json and report.md into DIR.
    """
    from sim.analysis import analyze, summary, write_analysis

    result = analyze(directory, outputs=output or None, target=target or None,
                     methods=method or None, seed=seed, resamples=resamples, groups=groups,
                     baseline=baseline, box=box)
    paths = write_analysis(result)
    if result.info.get("skipped_outputs"):  # an older model version's sweep
        typer.echo(f"note: {result.info['notes'][-1]}", err=True)
    if not quiet:
        typer.echo(summary(result) + "\n")
    typer.echo(f"analysis written to {directory}: " + ", ".join(p.name for p in paths))
    partial = result.info.get("partial")
    if partial:  # said plainly, also with --quiet (the report says it too)
        typer.echo(f"warning: {partial['description']}; the analysis uses the runs present",
                   err=True)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the ``ieisim`` command line."""
    app.command("analyze")(analyze_command)
