"""A newcomer is never stuck: README, Makefile and demo say how to run ieisim (sim.demo, docs)."""

import re
from pathlib import Path

import pytest

from sim.demo import how_to_run_ieisim

ROOT = Path(__file__).resolve().parent.parent


def _recipe(target: str) -> str:
    """The recipe lines of a Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"^{re.escape(target)}:", line))
    body = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        body.append(line.strip())
    return "\n".join(body)


def test_install_shows_progress_instead_of_minutes_of_silence():
    recipe = _recipe("$(STAMP)")
    pip = [line for line in recipe.splitlines() if "pip install" in line]
    assert pip and not any(re.search(r"(^|\s)(--quiet|-q+)(\s|$)", line) for line in pip)
    assert recipe.splitlines()[0].startswith("@echo")  # says what is happening first


def test_make_test_runs_ruff_on_the_whole_tree():
    assert "lint" in (ROOT / "Makefile").read_text().split("\ntest:")[1].splitlines()[0]
    assert "ruff check sim tests benchmarks" in _recipe("lint")
    pyproject = (ROOT / "pyproject.toml").read_text()
    test_extra = pyproject.split("test = [", 1)[1].split("]", 1)[0]
    assert '"ruff' in test_extra


def test_readme_says_how_to_run_ieisim_after_make():
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/ieisim" in readme and "source .venv/bin/activate" in readme


def test_every_name_the_readme_imports_from_sim_exists():
    import sim

    readme = (ROOT / "README.md").read_text()
    imported = [n.strip() for line in re.findall(r"from sim import ([\w, ]+)", readme)
                for n in line.split(",")]
    assert "load_results" in imported
    for name in imported:
        assert callable(getattr(sim, name)), name


def test_sim_load_results_is_the_sweep_reader():
    from sim import load_results
    from sim.experiment import store

    assert load_results is store.load_results


@pytest.mark.parametrize("venv_on_path", [False, True])
def test_demo_ends_saying_how_to_run_ieisim(tmp_path, venv_on_path):
    bindir = tmp_path / ".venv" / "bin"
    bindir.mkdir(parents=True)
    script = bindir / "ieisim"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    path = f"{bindir}:/usr/bin" if venv_on_path else "/usr/bin"
    text = how_to_run_ieisim(str(bindir / "python"), path=path, cwd=tmp_path)
    if venv_on_path:
        assert text.startswith("Next: ieisim --help")
    else:
        assert "not on your PATH" in text
        assert ".venv/bin/ieisim --help" in text and "source .venv/bin/activate" in text


def test_demo_gives_an_absolute_path_outside_the_working_folder(tmp_path):
    text = how_to_run_ieisim(str(tmp_path / "env" / "bin" / "python"), path="",
                             cwd=tmp_path / "elsewhere")
    assert f"{tmp_path / 'env' / 'bin' / 'ieisim'} --help" in text


def test_demo_run_prints_the_hint_last(tmp_path, monkeypatch, capsys):
    """The demo's last line says how to run ieisim (the study itself is faked: minutes)."""
    import types

    import sim.analysis
    import sim.experiment
    import sim.figures
    import sim.run
    from sim.demo import run_demo

    def fake_run_sweep(name, out, workers=None):
        return types.SimpleNamespace(folder=out)

    monkeypatch.setattr(sim.experiment, "run_sweep", fake_run_sweep)
    monkeypatch.setattr(sim.analysis, "analyze", lambda folder: "result")
    monkeypatch.setattr(sim.analysis, "write_analysis", lambda result: None)
    monkeypatch.setattr(sim.analysis, "summary", lambda result: "## Summary")
    monkeypatch.setattr(sim.figures, "make_figures", lambda *a, **k: [])
    monkeypatch.setattr(sim.run, "run_scenario", lambda name: name)
    monkeypatch.setattr(sim.run, "write_run", lambda result, out: Path(out))
    run_demo(tmp_path)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == how_to_run_ieisim()
