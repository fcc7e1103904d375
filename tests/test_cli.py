"""The command line: usage errors are one line with exit 2, --version, light start-up."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from sim.cli import app, main

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"mesa", "pandas", "numpy", "scipy", "SALib", "matplotlib", "networkx", "pyarrow",
         "dask", "distributed", "solara", "ema_workbench"}
"""Libraries a light command must not import (each costs 0.1-0.8 s of start-up)."""


def ieisim(*args):
    env = {**os.environ, "IEISIM_DEBUG": ""}
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("args, says", [
    (["--sed", "3"], "No such option: --sed"),
    (["run", "--sed", "3"], "No such option: --sed"),
    (["scenarios", "extra"], "unexpected extra argument"),
    (["run", "status_quo", "extra"], "unexpected extra argument"),
    (["rerun"], "Missing argument"),
    (["params", "--kind"], "'--kind' requires an argument"),
    (["run", "--seed", "abc"], "Invalid value for '--seed'"),
    (["nosuch"], "No such command 'nosuch'"),
])
def test_usage_errors_are_one_line_with_exit_2(args, says):
    proc = ieisim(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], lines
    assert "internal error" not in lines[0] and "--help'" in lines[0]


def test_version_prints_the_installed_version(capsys):
    import sim

    main(["--version"])
    assert capsys.readouterr().out == f"ieisim {sim.__version__}\n"


def test_bare_ieisim_prints_the_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    out = capsys.readouterr().out
    assert exc.value.code == 0 and "Usage: ieisim" in out and "scenarios" in out


def _commands():
    group = typer.main.get_command(app)
    return group, sorted(group.commands)


@pytest.mark.parametrize("name", _commands()[1])
def test_help_mentions_only_options_that_exist(name, capsys):
    group, _ = _commands()
    options = {o for p in group.commands[name].params for o in (*p.opts, *p.secondary_opts)}
    main([name, "--help"])
    mentioned = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", capsys.readouterr().out))
    assert mentioned - {"--help"} <= options, (name, mentioned - options)


def test_demo_help_describes_what_it_does(capsys):
    main(["demo", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "status-quo run" not in out and "demo" in out


SHOW_IMPORTS = """
import json, runpy, sys
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["ieisim", *args]
code = 0
try:
    runpy.run_module("sim", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""
"""``python -m sim ARGS`` that writes its exit code and every module it imported to ``out``."""


def show_imports(args: list[str], tmp_path) -> dict:
    """Exit code and imported modules of ``python -m sim ARGS`` (:data:`SHOW_IMPORTS`)."""
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", SHOW_IMPORTS, str(out), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text())


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["scenarios"], ["params"],
                                  ["params", "--kind", "lever"], ["run", "--help"],
                                  ["sweep", "--help"], ["analyze", "--help"]])
def test_light_commands_import_no_heavy_library(args, tmp_path):
    """Start-up time is import time: a light command loads the CLI and sim.params only."""
    seen = show_imports(args, tmp_path)
    assert seen["code"] in (0, None)
    top = {m.split(".")[0] for m in seen["modules"]}
    assert not top & HEAVY, sorted(top & HEAVY)
    assert not {"sim.model", "sim.run", "sim.experiment.sweep", "sim.analysis.pipeline"} & set(
        seen["modules"])


@pytest.mark.parametrize("args, code", [(["params", "--kind", "lever"], 0),
                                        (["run", "--seed", "abc"], 2),
                                        (["sweep", "no_such_experiment", "--workers", "2"], 2)])
def test_no_command_coerces_its_options_through_pydantic(args, code, tmp_path):
    """typer 0.29 coerces every option through pydantic (0.1 s a command; pyproject caps it).

    No ieisim module uses pydantic, so a command that parses options, the sweep's included,
    must not import it.
    """
    seen = show_imports(args, tmp_path)
    assert seen["code"] in ((code, None) if code == 0 else (code,))
    assert "pydantic" not in {m.split(".")[0] for m in seen["modules"]}


def test_console_script_enters_through_the_interrupt_guard():
    """`ieisim` starts in sim.__main__.main, which catches Ctrl-C while sim.cli is imported."""
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["ieisim"] == "sim.__main__:main"
