"""The README's ``make demo``: the demo study, or a status-quo run while the study is not built."""

from __future__ import annotations

from pathlib import Path

import typer


def run_demo(out: Path, workers: int | None = None) -> Path:
    """Run the demo and return the folder holding its results."""
    from sim.params import load_scenario
    from sim.run import print_summary, run_scenario, write_run

    scn = load_scenario("status_quo")
    folder = Path(out) / "demo-status_quo"
    result = run_scenario(scn)
    write_run(result, folder)
    print_summary(result)
    typer.echo(f"demo results written to {folder}")
    return folder
