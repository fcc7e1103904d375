import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.ladder import RUNGS
from sim.params import load_scenario
from sim.run import RunResult, run_scenario, simulate, write_run

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


def test_cli_lists_scenarios_and_parameters():
    proc = ieisim("scenarios")
    assert proc.returncode == 0 and "reform_package" in proc.stdout
    proc = ieisim("params", "--kind", "lever")
    assert proc.returncode == 0 and len(proc.stdout.strip().splitlines()) == 12
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


def test_ctrl_c_stops_a_run_with_one_line_exit_130_and_nothing_written(tmp_path):
    import signal
    import time

    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", "national", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.strip() == "error: interrupted"
    assert not out.exists() and not list(tmp_path.iterdir())
