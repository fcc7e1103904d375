"""The ``ieisim`` command line: thin wrappers over the Python API.

Each area registers its own sub-commands (``sim.experiment.cli``, ``sim.analysis.cli``,
``sim.figures.cli``, ``sim.app.cli``) through a ``register(app)`` function. Named errors
become one-line messages: bad input and usage errors exit with code 2, a failed job with
code 1, Ctrl-C with 130 and SIGTERM with 143 (:mod:`sim.errors`), and no traceback is shown
unless ``IEISIM_DEBUG=1``.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, NoReturn, Optional

import typer

from sim.errors import (
    EXIT_INTERRUPTED,
    ConfigError,
    IeisimError,
    SignalRecord,
    exit_code,
    sigterm_as_interrupt,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="ieisim: simulate school-enterprise cooperation under policy incentives.")

_PLUGINS = ("sim.experiment.cli", "sim.analysis.cli", "sim.figures.cli", "sim.app.cli",
            "sim.calibration.cli")


ERROR_CHARS = 1000
"""Longest error line printed (a message never repeats a huge offending value whole)."""


def exit_interrupted(code: int) -> NoReturn:
    """Exit with ``code`` (130 or 143) after a Ctrl-C or SIGTERM that was handled.

    After a handled Ctrl-C, ``sys.exit(130)`` could still end the process by SIGINT (exit
    status -2: 4 of 10 Ctrl-Cs landing 0.02-0.08 s into ``ieisim run national``, where the
    run is still importing; CPython re-raises SIGINT at exit once it has seen a
    KeyboardInterrupt end code it ran itself). So the ``atexit`` handlers (pools, Dask
    clusters) run here, the streams are flushed and the process leaves with the documented
    code: 10 of 10 exit 130 in the same check. Called by the program's entry point
    (``sim.__main__``), never by :func:`main`, which tests call in-process.
    """
    exit_now(code)


QUICK_EXIT = False
"""Set by a command whose work is done and whose files are closed (``ieisim sweep``): the
program's entry point then leaves with :func:`exit_now` instead of tearing the interpreter
down module by module (0.14 s of a 3.3 s sweep of 48 runs with pandas, pyarrow and Mesa
loaded, measured by ``benchmarks/bench_peers.py``'s contenders)."""


def exit_now(code: int) -> NoReturn:
    """Run the ``atexit`` handlers, flush the streams and leave with ``code`` at once."""
    import atexit

    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _err(message: str) -> None:
    from sim.excerpt import shorten

    one_line = " ".join(str(message).split("\n"))
    typer.echo(f"error: {shorten(one_line, ERROR_CHARS)}", err=True)


def _show_version(value: bool) -> None:
    if value:
        import sim

        typer.echo(f"ieisim {sim.__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", is_eager=True,
                                          callback=_show_version,
                                          help="Print the version and exit.")) -> None:
    """ieisim: simulate school-enterprise cooperation under policy incentives."""


def mark_started() -> None:
    """Tell a watching process that the command is past start-up and working.

    When ``IEISIM_READY_FILE`` names a path, that file is created (empty) once imports and
    input validation are done and the work begins; tests wait for it instead of sleeping
    before they send a signal. Without the variable this does nothing.
    """
    path = os.environ.get("IEISIM_READY_FILE")
    if path:
        Path(path).touch()


@contextmanager
def ctrl_c_recorded() -> Iterator[list[int]]:
    """Ctrl-C raises KeyboardInterrupt in the block and is also recorded in the yielded list.

    Python drops an exception raised inside a finalizer (``__del__``, a weakref callback), so
    a Ctrl-C that lands there would be lost and the run would go on; the record lets the
    caller stop all the same. The handler is set explicitly, whatever an import changed.
    Python would also print that dropped KeyboardInterrupt with a traceback ("Exception
    ignored in ..."); the user asked to stop, which is recorded, so it is not printed (other
    dropped exceptions still are).
    """
    seen: list[int] = []

    def handler(signum, frame):
        seen.append(signum)
        raise KeyboardInterrupt

    previous_hook = sys.unraisablehook

    def quiet_ctrl_c(unraisable):
        if unraisable.exc_type is KeyboardInterrupt and seen:
            return
        previous_hook(unraisable)

    previous = signal.signal(signal.SIGINT, handler)
    sys.unraisablehook = quiet_ctrl_c
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


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
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an earlier run folder "
                                   "even if it also holds other files (never anything else)."),
) -> None:
    """Run one scenario and write timeseries, enterprises, colleges, ties and a manifest."""
    from sim.out_path import check_out_path
    from sim.outputs import RUN, check_name, check_output, results_path
    from sim.params import load_scenario
    from sim.run import print_summary, run_scenario, write_run

    scn = load_scenario(scenario, set_)
    if seed is not None:
        scn = scn.with_overrides({"run.seed": seed})
    if years is not None:
        scn = scn.with_overrides({"run.years": years})
    if out is None:
        check_name(scn.name, "scenario name (it names the default --out folder)")
        out = results_path(f"run-{scn.name}-{scn.run.seed}")
    check_out_path(out)  # system folders (/proc, /sys, /dev), read-only folders
    check_output(out, RUN, overwrite)  # before the run: a refusal costs nothing
    with ctrl_c_recorded() as ctrl_c:
        mark_started()
        result = run_scenario(scn, stop=lambda: bool(ctrl_c))
    if ctrl_c:  # a Ctrl-C that a finalizer swallowed during the run still stops it
        raise KeyboardInterrupt
    write_run(result, out, overwrite=overwrite)
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
    typer.echo(f"{'parameter':38s} {'default':>10} {'[low, high]'} unit")
    for row in parameter_table(kind):
        typer.echo(f"{row['key']:38s} {row['default']!s:>10} [{row['low']}, {row['high']}] "
                   f"{row['unit']}")


@app.command()
def demo(out: Path = typer.Option(Path("results"), help="Parent folder for the results."),
         workers: Optional[int] = typer.Option(None, help="Worker processes (default: all "
                                               "cores).")) -> None:
    """The README's demo: sweep, analyse and draw the demo study (experiments/demo.toml)."""
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


def _usage_error_classes() -> tuple[type, type]:
    """Click's ``UsageError`` and ``ClickException`` as typer raises them.

    typer >= 0.20 vendors its own copy of click, so ``import click`` would name other classes.
    """
    mro = typer.BadParameter.__mro__
    return (next(c for c in mro if c.__name__ == "UsageError"),
            next(c for c in mro if c.__name__ == "ClickException"))


_USAGE_ERROR, _CLICK_EXCEPTION = _usage_error_classes()


def _one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _usage_message(exc: Exception) -> str:
    """A click usage error as one line that says where to find the command's options."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "ieisim"
    return f"{_one_line(exc.format_message()).rstrip('.')}; see '{command} --help'"


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ieisim`` console script.

    Exit codes: 0 done, 1 a job failed, 2 bad input or usage, 130 interrupted (Ctrl-C), 143
    terminated (SIGTERM).
    """
    debug = os.environ.get("IEISIM_DEBUG") == "1"
    usage_error, click_exception = _USAGE_ERROR, _CLICK_EXCEPTION
    signals = SignalRecord()
    try:
        with sigterm_as_interrupt() as signals:  # SIGTERM cleans up like Ctrl-C, exits 143
            rc = app(args=argv, prog_name="ieisim", standalone_mode=False)
    except (ConfigError, IeisimError) as exc:  # codes: sim.errors
        if debug:
            raise
        _err(str(exc))
        sys.exit(exit_code(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `ieisim`: the help, not an error
            typer.echo(exc.ctx.get_help())
            sys.exit(0)
        _err(_usage_message(exc))
        sys.exit(2)
    except click_exception as exc:
        _err(_one_line(exc.format_message()))
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err("interrupted")
        sys.exit(130)
    except KeyboardInterrupt as exc:
        code = exit_code(exc)
        _err("interrupted" if code == EXIT_INTERRUPTED else "terminated (SIGTERM)")
        sys.exit(code)
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
        if debug:
            raise
        from sim.outputs import is_disk_full, os_error

        if is_disk_full(exc):  # where no writer named the folder
            named = os_error(exc, Path(exc.filename).parent if exc.filename else "the output "
                             "folder")
            _err(str(named))
            sys.exit(exit_code(named))
        _err(f"internal error: {type(exc).__name__}: {_one_line(exc)} (set IEISIM_DEBUG=1 "
             "for the traceback)")
        sys.exit(1)
    if isinstance(rc, int) and rc != 0:  # typer returns 130 after Ctrl-C in non-standalone mode
        if rc == EXIT_INTERRUPTED:
            rc = signals.exit_code
            _err("interrupted" if rc == EXIT_INTERRUPTED else "terminated (SIGTERM)")
        sys.exit(rc)
