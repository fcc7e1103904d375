"""The README's ``make demo``: the demo study, end to end, in a few minutes.

1. Sweep ``experiments/demo.toml`` (Morris screening of the twelve levers on the status quo).
2. Analyse it: which levers move cooperation up to joint R&D (``report.md``).
3. Draw its figures, plus single runs of the status quo and the reform package side by side.

Every step is an ordinary public function, so the demo is also a worked example of the API.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer


def run_demo(out: Path, workers: int | None = None) -> Path:
    """Run the demo study into ``out/demo`` and return that folder."""
    from sim.analysis import analyze, summary, write_analysis
    from sim.experiment import run_sweep
    from sim.figures import make_figures
    from sim.run import run_scenario, write_run

    out = Path(out)
    started = time.perf_counter()
    typer.echo("== 1/3 sweep: experiments/demo.toml (Morris screening of the 12 levers)")
    sweep = run_sweep("demo", out=out / "demo", workers=workers)
    folder = Path(sweep.folder)
    typer.echo("== 2/3 analysis")
    result = analyze(folder)
    write_analysis(result)
    typer.echo("== 3/3 figures")
    runs = {}
    for name in ("status_quo", "reform_package"):
        runs[name] = write_run(run_scenario(name), out / "demo-runs" / name)
    make_figures(folder)
    make_figures(runs["status_quo"], compare=runs["reform_package"])
    minutes = (time.perf_counter() - started) / 60
    typer.echo("\n" + summary(result))
    typer.echo(f"\ndemo finished in {minutes:.1f} min. Results:")
    typer.echo(f"  sweep, analysis and figures: {folder}")
    typer.echo(f"  the report (which levers move cooperation to joint R&D): {folder / 'report.md'}")
    typer.echo(f"  figures: {folder / 'figures'} and {runs['status_quo'] / 'figures'}")
    typer.echo("\n" + how_to_run_ieisim())
    return folder


def how_to_run_ieisim(executable: str | None = None, path: str | None = None,
                      cwd: str | Path | None = None) -> str:
    """Tell the user how to type ``ieisim`` next: it is on PATH only inside an active venv.

    Args:
        executable: the running Python (default ``sys.executable``); the ``ieisim`` script
            sits beside it.
        path: the ``PATH`` to look in (default the environment's).
        cwd: shown paths are relative to this folder when inside it (default the current one).

    """
    import os
    import shutil
    import sys

    script = Path(executable or sys.executable).parent / "ieisim"
    found = shutil.which("ieisim", path=path if path is not None else os.environ.get("PATH"))
    if found and Path(found).resolve() == script.resolve():
        return "Next: ieisim --help (e.g. ieisim run reform_package, ieisim sweep policy_sobol)"
    base = Path(cwd or Path.cwd()).resolve()
    try:
        shown = Path(os.path.relpath(script.absolute(), base))
        if shown.parts and shown.parts[0] == "..":
            raise ValueError
    except ValueError:
        shown = script.absolute()
    activate = shown.parent / "activate"
    return (f"Next: ieisim is not on your PATH; run it as {shown} --help, or first "
            f"'source {activate}' and then type ieisim --help")
