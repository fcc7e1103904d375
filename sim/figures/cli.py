"""``ieisim figures DIR``: publication figures of a run or sweep folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def figures(
    folder: Path = typer.Argument(..., help="A run folder ('ieisim run') or a sweep folder "
                                  "('ieisim sweep', optionally analysed)."),
    lang: str = typer.Option("en", "--lang", help="Label language: en or zh (needs a "
                             "Chinese TrueType font, e.g. Debian's fonts-wqy-microhei); "
                             "zh figures go to FOLDER/figures_zh/."),
    compare: Optional[Path] = typer.Option(None, "--compare", help="A second run folder drawn "
                                           "beside FOLDER (e.g. the reform package next to "
                                           "the status quo)."),
) -> None:
    """Write every figure the folder supports to FOLDER/figures/ (PDF, PNG, CSV, README.md)."""
    from sim.outputs import read_kind

    if read_kind(Path(folder)) == "calibration":  # posterior marginals, pairs, predictive
        from sim.calibration.figures import make_calibration_figures

        for r in make_calibration_figures(folder):
            typer.echo(f"{r.name:28s} {r.title}")
        typer.echo(f"figures written to {Path(folder) / 'figures'}")
        return
    from sim.figures.build import figures_dir, make_figures, partial_note

    records = make_figures(folder, lang=lang, compare=compare)
    for r in records:
        typer.echo(f"{r.name:28s} {r.title}")
    typer.echo(f"{len(records)} figures written to {Path(folder) / figures_dir(lang)}")
    note = partial_note(folder)
    if note:
        typer.echo(f"warning: the figures show partial data: {note}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``figures`` command to the ``ieisim`` app."""
    app.command("figures")(figures)
