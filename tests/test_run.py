import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from waiting import SAFETY_TIMEOUT_S, wait_until

from sim.errors import DiskFull, UsageError
from sim.ladder import RUNGS
from sim.model import CooperationModel
from sim.params import load_scenario
from sim.run import RunResult, final_record, run_scenario, simulate, write_run

ROOT = Path(__file__).resolve().parent.parent


def ieisim(*args, cwd=None):
    env = {**os.environ, "IEISIM_DEBUG": ""}
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run_scenario("classroom", seed=3, years=3)


def test_tables_have_the_documented_columns(result):
    assert {"unique_id", "sector", "employees", "size_class", "city", "rung"} <= set(
        result.enterprises.columns)
    assert set(result.enterprises["rung"]) <= {"none", *RUNGS}
    assert {"unique_id", "tier", "majors", "graduate_match_rate"} <= set(result.colleges.columns)
    assert {"college", "enterprise", "rung", "trust", "age"} <= set(result.ties.columns)
    assert len(result.ties) == result.timeseries["n_ties"].iloc[-1]
    assert result.manifest["kind"] == "run" and result.manifest["schema_version"] == 2


def test_breakdowns_by_sector_and_size(result):
    by_sector = result.breakdown("sector")
    assert list(by_sector.columns) == ["none", *RUNGS]
    assert by_sector.sum(axis=1).round(9).eq(1.0).all()
    assert set(result.breakdown("size_class").index) <= {"micro", "small", "medium", "large"}
    by_tier = result.breakdown("tier")
    assert set(by_tier.index) <= {"ordinary", "double_high"}
    assert by_tier.sum(axis=1).round(9).eq(1.0).all()
    with pytest.raises(ValueError):
        result.breakdown("colour")


def test_simulate_every_keeps_last_step():
    ts = simulate("classroom", seed=1, years=3, every=4)
    assert ts["step"].tolist() == [0, 4, 6]  # the initial state, every 4th step, the last


def test_final_record_is_the_last_row_of_simulate():
    """What a sweep keeping the final step stores: the last row of the time series, exactly."""
    last = simulate("status_quo", seed=11, years=3).iloc[-1]
    rec = final_record("status_quo", seed=11, years=3)
    assert rec["step"] == last["step"] == 6
    for k, v in rec.items():
        assert v == last[k] or (pd.isna(v) and pd.isna(last[k])), k


def test_record_steps_given_to_the_model_decides_step_zero():
    kept = CooperationModel("status_quo", seed=2, record_steps=lambda step: step in (0, 2))
    skipped = CooperationModel("status_quo", seed=2, record_steps=lambda step: step == 2)
    kept.run(years=1)
    skipped.run(years=1)
    assert [r["step"] for r in kept.records] == [0, 2]
    assert [r["step"] for r in skipped.records] == [2]
    assert kept.records[-1] == skipped.records[-1]


def test_write_run_is_complete_and_replaces_atomically(result, tmp_path):
    out = write_run(result, tmp_path / "run")
    names = {p.name for p in out.iterdir()}
    assert names == {"timeseries.csv", "enterprises.csv", "colleges.csv", "ties.csv",
                     "manifest.json"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["run"]["seed"] == 3
    assert {"ieisim", "mesa", "numpy"} <= set(manifest["versions"])
    pd.testing.assert_frame_equal(pd.read_csv(out / "timeseries.csv"), result.timeseries,
                                  check_dtype=False)
    write_run(result, out)  # replacing an existing folder leaves no temporary folders
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_cli_run_writes_the_run_folder(tmp_path):
    out = tmp_path / "r"
    proc = ieisim("run", "classroom", "--seed", "5", "--years", "2", "--set",
                  "policy.tax_credit=0.3", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Share of ties at internship" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["policy"]["tax_credit"] == 0.3
    assert manifest["seed"] == 5 and manifest["years"] == 2
    again = run_scenario(load_scenario("classroom", ["policy.tax_credit=0.3"]), seed=5, years=2)
    pd.testing.assert_frame_equal(pd.read_csv(out / "timeseries.csv"), again.timeseries,
                                  check_dtype=False)


@pytest.mark.parametrize("args, fragment", [
    (["run", "--set", "policy.tax_credit=2"], "policy.tax_credit = 2 is out of range"),
    (["run", "--set", "policy.nope=1"], "unknown parameter 'policy.nope'"),
    (["run", "--set", "policy.tax_credit=os.system"], "not a TOML"),
    (["run", "reform_pakage"], "unknown scenario 'reform_pakage'"),
    (["run", "missing.toml"], "scenario file 'missing.toml' not found"),
    (["run", "--years", "0"], "run.years = 0 is out of range"),
])
def test_cli_bad_input_is_one_line_exit_2_nothing_written(args, fragment, tmp_path):
    proc = ieisim(*args, "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def _snapshot(folder: Path) -> dict:
    """Every entry under ``folder`` (itself included) with its mode and bytes."""
    out = {".": oct(folder.stat().st_mode)}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = (oct(p.stat().st_mode),
                                           p.read_bytes() if p.is_file() else None)
    return out


def _one_line_exit_2(proc, fragment):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_cli_run_never_empties_a_users_folder(tmp_path, overwrite):
    user = tmp_path / "mine"
    (user / "thesis").mkdir(parents=True)
    (user / "notes.txt").write_text("notes")
    (user / "thesis" / "ch1.tex").write_text("\\chapter{One}")
    before = _snapshot(user)
    proc = ieisim("run", "classroom", "--years", "1", "--quiet", "--out", str(user), *overwrite)
    _one_line_exit_2(proc, "files ieisim did not write")
    assert _snapshot(user) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_cli_run_never_renames_a_users_file(tmp_path):
    file = tmp_path / "results.csv"
    file.write_text("a,b\n1,2\n")
    proc = ieisim("run", "classroom", "--years", "1", "--quiet", "--out", str(file))
    _one_line_exit_2(proc, "is not a folder")
    assert file.read_text() == "a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]  # no .results.csv.old


def test_write_run_replaces_only_an_earlier_run(result, tmp_path):
    out = write_run(result, tmp_path / "run")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match=r"\(notes.txt\).*--overwrite"):
        write_run(result, out)
    assert (out / "notes.txt").read_text() == "mine"
    write_run(result, out, overwrite=True)  # asked for exactly that
    assert not (out / "notes.txt").exists() and (out / "manifest.json").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (write_run(result, empty) / "ties.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "run"]


def test_write_run_disk_full_names_the_folder_and_keeps_the_earlier_run(result, tmp_path,
                                                                       monkeypatch):
    out = write_run(result, tmp_path / "run")
    before = _snapshot(out)
    real = pd.DataFrame.to_csv
    calls = []

    def full(self, path=None, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(DiskFull, match=f"disk full: no space left to write into {tmp_path}"):
        write_run(result, out)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_scenario_name_cannot_write_outside_results(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "evil.toml").write_text('name = "../../sandbox2/data"\n[run]\nyears = 1\n')
    proc = ieisim("run", "evil.toml", "--quiet", cwd=work)
    _one_line_exit_2(proc, "evil.toml: name = '../../sandbox2/data': use letters")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]
    assert sorted(p.name for p in work.iterdir()) == ["evil.toml"]


def test_default_run_folder_is_inside_results(tmp_path):
    proc = ieisim("run", "classroom", "--years", "1", "--seed", "4", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "results" / "run-classroom-4" / "manifest.json").is_file()
    umask = os.umask(0)
    os.umask(umask)
    mode = (tmp_path / "results" / "run-classroom-4").stat().st_mode & 0o777
    assert mode == 0o777 & ~umask  # an ordinary folder, not a private temporary one (0700)
    again = ieisim("run", "classroom", "--years", "1", "--seed", "4", "--quiet", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # an earlier run is replaced
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["run-classroom-4"]


def test_cli_lists_scenarios_and_parameters():
    proc = ieisim("scenarios")
    assert proc.returncode == 0 and "reform_package" in proc.stdout
    proc = ieisim("params", "--kind", "lever")
    header, *rows = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and len(rows) == 12
    assert header.split()[:2] == ["parameter", "default"] and "unit" in header
    proc = ieisim("params", "--kind", "levers")
    assert proc.returncode == 2 and "--kind 'levers'" in proc.stderr


@pytest.mark.slow
def test_wheel_ships_scenarios_and_experiments_as_package_data(tmp_path):
    """Shipped scenarios work after a plain pip install: they are in the wheel, once."""
    import zipfile

    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(tmp_path), str(ROOT)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("ieisim-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for cfg in ROOT.glob("configs/*.toml"):
        assert f"sim/configs/{cfg.name}" in names
    for exp in ROOT.glob("experiments/*.toml"):
        assert f"sim/experiments_data/{exp.name}" in names
    assert not any(n.startswith("configs/") for n in names)


def _restore_sigint():
    """Child processes get Python's Ctrl-C handling even when pytest's parent ignores SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_a_run_with_one_line_exit_130_and_nothing_written(tmp_path):
    out = tmp_path / "run"
    ready = tmp_path / "started"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", "national", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "IEISIM_READY_FILE": str(ready)},
                            preexec_fn=_restore_sigint)
    wait_until(ready.exists, "the run to start", proc=proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=SAFETY_TIMEOUT_S)
    assert proc.returncode == 130
    assert err.strip() == "error: interrupted"
    assert sorted(tmp_path.iterdir()) == [ready]


INTERRUPT_WHILE_IMPORTING = """
import builtins, os, signal, sys
real_import = builtins.__import__
target = sys.argv[1]
def interrupting_import(name, *args, **kwargs):
    if name == target and not getattr(builtins, "_interrupted", False):
        builtins._interrupted = True
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered while this import runs
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupting_import
sys.argv = ["ieisim", *sys.argv[2:]]
import runpy
runpy.run_module("sim", run_name="__main__", alter_sys=True)
"""
"""``python -m sim ARGS`` with a Ctrl-C arriving while the CLI imports module ``argv[1]``."""


@pytest.mark.parametrize("module", ["typer", "sim.errors", "sim.params"])
def test_ctrl_c_during_start_up_is_one_line_exit_130(module):
    proc = subprocess.run([sys.executable, "-c", INTERRUPT_WHILE_IMPORTING, module, "scenarios"],
                          capture_output=True, text=True, timeout=SAFETY_TIMEOUT_S,
                          preexec_fn=_restore_sigint, cwd=ROOT)
    assert (proc.returncode, proc.stderr, proc.stdout) == (130, "error: interrupted\n", "")


@pytest.mark.parametrize("sig, code, message", [
    ("SIGTERM", 143, "error: terminated (SIGTERM)"), ("SIGINT", 130, "error: interrupted")])
def test_a_signal_during_a_run_exits_with_its_code_and_writes_nothing(tmp_path, monkeypatch,
                                                                      capsys, sig, code,
                                                                      message):
    import signal

    import sim.run
    from sim.cli import main

    def stopped(scenario, *args, **kwargs):  # the signal arrives while the model runs
        os.kill(os.getpid(), getattr(signal, sig))
        signal.sigtimedwait([], 0)  # the handler runs here
        raise AssertionError("the signal did not stop the run")

    monkeypatch.setattr(sim.run, "run_scenario", stopped)
    with pytest.raises(SystemExit) as exc:
        main(["run", "classroom", "--quiet", "--out", str(tmp_path / "r")])
    assert exc.value.code == code
    assert capsys.readouterr().err.strip() == message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the lost one
def test_a_ctrl_c_lost_in_a_finalizer_still_stops_the_run(tmp_path, monkeypatch, capsys):
    # Python drops an exception raised in __del__; the CLI's record of Ctrl-C stops the run
    import gc
    import signal

    import sim.run
    from sim.cli import main

    class Finalizer:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            signal.sigtimedwait([], 0)  # the handler runs here, inside the finalizer

    def run_with_a_lost_ctrl_c(scenario, *args, **kwargs):
        Finalizer()
        gc.collect()
        return None  # the run "finished": only the record knows about the Ctrl-C

    monkeypatch.setattr(sim.run, "run_scenario", run_with_a_lost_ctrl_c)
    with pytest.raises(SystemExit) as exc:
        main(["run", "classroom", "--quiet", "--out", str(tmp_path / "r")])
    assert exc.value.code == 130
    assert capsys.readouterr().err.strip().endswith("error: interrupted")
    assert list(tmp_path.iterdir()) == []
