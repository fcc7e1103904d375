"""The ``ieisim`` command line: thin wrappers over the Python API.

Each area registers its own sub-commands (``sim.experiment.cli``, ``sim.analysis.cli``,
``sim.figures.cli``, ``sim.app.cli``) through a ``register(app)`` function. Named errors
become one-line messages: bad input exits with code 2, a failed job with code 1, and no
traceback is shown unless ``IEISIM_DEBUG=1``.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from sim.errors import ConfigError, IeisimError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="ieisim: simulate school-enterprise cooperation under policy incentives.")

_PLUGINS = ("sim.experiment.cli", "sim.analysis.cli", "sim.figures.cli", "sim.app.cli")


ERROR_CHARS = 1000
"""Longest error line printed (a message never repeats a huge offending value whole)."""


def _err(message: str) -> None:
    from sim.excerpt import shorten

    one_line = " ".join(str(message).split("\n"))
    typer.echo(f"error: {shorten(one_line, ERROR_CHARS)}", err=True)


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help="Scenario name or TOML path "
                                             "(default: status_quo)."),
    seed: Optional[int] = typer.Option(None, help="Seed (default: the scenario's run.seed)."),
    years: Optional[int] = typer.Option(None, help="Years to simulate (default: run.years)."),
    set_: List[str] = typer.Option([], "--set", help="Override, e.g. policy.tax_credit=0.3 "
                                   "(repeatable; TOML values)."),
    out: Optional[Path] = typer.Option(None, help="Output folder (default: "
                                       "results/run-<scenario>-<seed>)."),
    quiet: bool = typer.Option(False, "--quiet", help="No summary table."),
) -> None:
    """Run one scenario and write timeseries, enterprises, colleges, ties and a manifest."""
    from sim.out_path import check_out_path
    from sim.params import load_scenario
    from sim.run import print_summary, run_scenario, write_run

    scn = load_scenario(scenario, set_)
    if seed is not None:
        scn = scn.with_overrides({"run.seed": seed})
    if years is not None:
        scn = scn.with_overrides({"run.years": years})
    out = out or Path("results") / f"run-{scn.name}-{scn.run.seed}"
    check_out_path(out)  # before the run: /proc, '.', read-only folders are refused
    result = run_scenario(scn)
    write_run(result, out)
    if not quiet:
        print_summary(result)
    typer.echo(f"results written to {out}")


@app.command()
def scenarios() -> None:
    """List the shipped scenarios."""
    from sim.params import find_scenario, list_scenarios, read_toml

    for name in list_scenarios():
        desc = read_toml(find_scenario(name)).get("description", "")
        typer.echo(f"{name:20s} {desc}")


@app.command()
def params(kind: Optional[str] = typer.Option(None, help="world, economy, behaviour, lever "
                                               "or run")) -> None:
    """List every declared parameter with default, bounds and unit."""
    from sim.params import parameter_table

    kinds = {"world", "economy", "behaviour", "lever", "run"}
    if kind is not None and kind not in kinds:
        raise ConfigError(f"--kind {kind!r}: expected one of {', '.join(sorted(kinds))}")
    for row in parameter_table(kind):
        typer.echo(f"{row['key']:38s} {row['default']!s:>10} [{row['low']}, {row['high']}] "
                   f"{row['unit']}")


@app.command()
def demo(out: Path = typer.Option(Path("results"), help="Parent folder for the results."),
         workers: Optional[int] = typer.Option(None, help="Worker processes (default: all "
                                               "cores).")) -> None:
    """The README's demo: the demo study (sweep, analysis, figures) or a status-quo run."""
    from sim.demo import run_demo

    run_demo(out, workers=workers)


def _register_plugins() -> None:
    for name in _PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that area is not built yet
            raise
        module.register(app)


_register_plugins()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ieisim`` console script."""
    import click

    debug = os.environ.get("IEISIM_DEBUG") == "1"
    try:
        rc = app(args=argv, standalone_mode=False)
    except ConfigError as exc:
        if debug:
            raise
        _err(str(exc))
        sys.exit(2)
    except IeisimError as exc:
        if debug:
            raise
        _err(str(exc))
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _err("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
        if debug:
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set IEISIM_DEBUG=1 for the "
             "traceback)")
        sys.exit(1)
    if isinstance(rc, int) and rc != 0:  # click returns 130 after Ctrl-C in non-standalone mode
        if rc == 130:
            _err("interrupted")
        sys.exit(rc)
