"""ABC-SMC runs: bit-for-bit reproducible from a seed, resumable after a kill, stop rules."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from waiting import wait_until

from sim.calibration.fit import (
    GENERATION_FILE_ENV,
    PYABC_PROPOSAL,
    Settings,
    budget_left,
    stop_reason,
)
from sim.calibration.run import calibrate
from sim.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
NORMAL_MEAN = """name = "normal_mean_check"
model = "normal_mean"
[[targets]]
name = "mean"
statistic = "sample_mean"
value = {value}
tolerance = 0.05
source = "synthetic: one dataset of the normal-mean test model"
[[targets]]
name = "sd"
statistic = "sample_sd"
interval = [0.9, 1.1]
tolerance = 0.01
source = "synthetic: a second statistic, so the distance's scales matter"
"""
ARGS = ("--population", "30", "--max-generations", "3", "--screening", "0", "--seed", "7")


@pytest.fixture
def targets(tmp_path):
    f = tmp_path / "nm.toml"
    f.write_text(NORMAL_MEAN.format(value=1.3))
    return f


def _run(targets, out, workers, **kw):
    return calibrate(str(targets), out=out, workers=workers, population=30,
                     max_generations=3, screening=0, seed=7, echo=lambda s: None, **kw)


def test_same_seed_same_posterior_whatever_the_workers(targets, tmp_path):
    a = pd.read_parquet(_run(targets, tmp_path / "a", 1) / "posterior.parquet")
    b = pd.read_parquet(_run(targets, tmp_path / "b", 2) / "posterior.parquet")
    assert list(a.columns) == ["theta", "weight"] and len(a) == 30
    assert a["weight"].sum() == pytest.approx(1.0)
    pd.testing.assert_frame_equal(a, b)  # bit for bit: serial and 2 worker processes
    info = json.loads((tmp_path / "a" / "calibration.json").read_text())
    assert info["params"] == ["theta"] and info["model_version"] and info["scenario"]
    assert info["status"] == "finished" and info["seed"] == 7 and "pyabc" in info["versions"]
    c = pd.read_parquet(calibrate(str(targets), out=tmp_path / "c", workers=1, population=30,
                                  max_generations=3, screening=0, seed=8,
                                  echo=lambda s: None) / "posterior.parquet")
    assert not a.equals(c)  # another seed, other particles


def test_finished_or_different_calibration_is_not_touched(targets, tmp_path):
    out = _run(targets, tmp_path / "a", 1)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    with pytest.raises(UsageError, match="finished calibration"):
        _run(targets, out, 1)
    with pytest.raises(UsageError, match="another seed"):
        calibrate(str(targets), out=out, workers=1, population=30, screening=0, seed=9,
                  echo=lambda s: None)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match="did not write"):
        _run(targets, other, 1)


def _cli(targets, out, env=None):
    env = {**os.environ, "IEISIM_DEBUG": "", "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "sim", "calibrate", str(targets), "--out",
                             str(out), "--workers", "1", *ARGS], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kill_between_generations_then_resume_gives_the_uninterrupted_posterior(targets,
                                                                                tmp_path):
    whole = pd.read_parquet(_run(targets, tmp_path / "whole", 1) / "posterior.parquet")
    marker = tmp_path / "generation"
    out = tmp_path / "killed"
    proc = _cli(targets, out, {GENERATION_FILE_ENV: str(marker)})
    wait_until(lambda: marker.exists() and marker.read_text() != "", "a stored generation",
               proc=proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    state = json.loads((out / "state.json").read_text())
    assert "stop_reason" not in state and state["last_t"] < 2  # killed mid-calibration
    assert not (out / "posterior.parquet").exists()
    naive = tmp_path / "naive"  # what pyabc's load() alone does: scales and epsilon recomputed
    shutil.copytree(out, naive)
    st = json.loads((naive / "state.json").read_text())
    st["scales"] = {k: v for k, v in st["scales"].items() if int(k) <= st["last_t"]}
    st["epsilons"] = {k: v for k, v in st["epsilons"].items() if not k.startswith("next")}
    (naive / "state.json").write_text(json.dumps(st))
    lines = []
    calibrate(str(targets), out=out, workers=1, population=30, max_generations=3, screening=0,
              seed=7, echo=lines.append)  # the same command again, in this process
    assert any("resuming" in s for s in lines)
    assert any(s.startswith("generation 2: epsilon") for s in lines)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"), whole)
    naive_post = pd.read_parquet(_run(targets, naive, 1) / "posterior.parquet")
    assert not naive_post.equals(whole)


@pytest.mark.parametrize("eps, acc, runs, budget, gens, says", [
    ([10, 5, 4.9, 4.8], 0.5, 100, None, 4, "less than 5%"),
    ([10, 5, 4.9, 4.0], 0.5, 100, None, 4, None),
    ([10, 2.5, 3.7, 6.9], 0.3, 100, None, 4, "rose in each of the last two generations"),
    ([10, 5, 5.5, 5.4], 0.3, 100, None, 4, "less than 5%"),
    ([10, 5], 0.005, 100, None, 2, "acceptance"),
    ([10, 5], 0.5, 1000, 1000, 2, "budget"),
    ([10, 5], 0.5, 100, None, 30, "most generations (30)"),
])
def test_stop_rule(eps, acc, runs, budget, gens, says):
    reason = stop_reason(eps, acc, runs, Settings(budget=budget), gens)
    assert (reason is None) if says is None else (says in reason)


def test_budget_stops_the_calibration(targets, tmp_path):
    lines = []
    out = calibrate(str(targets), out=tmp_path / "b", workers=1, population=30, budget=150,
                    screening=0, seed=7, echo=lines.append)
    info = json.loads((out / "calibration.json").read_text())
    assert "budget of 150 runs spent" in info["result"]["stop_reason"]
    # each generation's line says how much of the budget is left and how long it takes
    gens = [s for s in lines if s.startswith("generation ")]
    assert gens and all("runs of the budget left (about " in s for s in gens)
    assert budget_left(None, 10, 1.0) == ""
    assert budget_left(1000, 400, 2.0) == "; 600 runs of the budget left (about 5 min at this rate)"
    assert budget_left(100, 400, 0.0).startswith("; 0 runs of the budget left")
    assert info["result"]["runs"] <= 150 + 4 * 2  # at most the batches already in flight


def test_a_calibration_stopped_by_its_budget_goes_on_with_a_larger_one(targets, tmp_path):
    out = calibrate(str(targets), out=tmp_path / "b", workers=1, population=30, budget=150,
                    screening=0, seed=7, echo=lambda s: None)
    first = json.loads((out / "calibration.json").read_text())["result"]
    with pytest.raises(UsageError, match="finished calibration"):  # not a larger budget
        calibrate(str(targets), out=out, workers=1, population=30, budget=150, screening=0,
                  seed=7, echo=lambda s: None)
    calibrate(str(targets), out=out, workers=1, population=30, budget=400, screening=0,
              seed=7, echo=lambda s: None)
    again = json.loads((out / "calibration.json").read_text())["result"]
    assert again["generations"] > first["generations"] and again["runs"] > first["runs"]
    assert "budget of 400 runs spent" in again["stop_reason"]
    assert len(pd.read_parquet(out / "posterior.parquet")) == 30


@pytest.mark.parametrize("key, value", [("kernel_scaling", 1.0), ("prior_share", 0.0),
                                        ("kernel_scaling", 4.0), ("prior_share", 0.2)])
def test_proposal_settings_are_recorded_and_a_resume_must_share_them(targets, tmp_path, key,
                                                                     value):
    """The kernel's scaling and the prior's share of proposals: the default (twice pyabc's
    covariance, a tenth from the prior) given explicitly reproduces the plain run bit for bit,
    another value (pyabc's own among them) changes the posterior, is recorded, and a resume
    with the default is refused."""
    a = _run(targets, tmp_path / "a", 1)
    same = _run(targets, tmp_path / "same", 1, **{key: getattr(Settings(), key)})
    pd.testing.assert_frame_equal(pd.read_parquet(a / "posterior.parquet"),
                                  pd.read_parquet(same / "posterior.parquet"))
    other = _run(targets, tmp_path / "other", 1, **{key: value})
    assert not pd.read_parquet(other / "posterior.parquet").equals(
        pd.read_parquet(a / "posterior.parquet"))
    again = _run(targets, tmp_path / "again", 1, **{key: value})  # bit for bit from the seed
    pd.testing.assert_frame_equal(pd.read_parquet(other / "posterior.parquet"),
                                  pd.read_parquet(again / "posterior.parquet"))
    info = json.loads((other / "calibration.json").read_text())
    assert info["settings"][key] == value
    out = calibrate(str(targets), out=tmp_path / "b", workers=1, population=30, budget=150,
                    screening=0, seed=7, echo=lambda s: None, **{key: value})
    with pytest.raises(UsageError, match="another --" + key.replace("_", "-")):
        calibrate(str(targets), out=out, workers=1, population=30, budget=400, screening=0,
                  seed=7, echo=lambda s: None)


@pytest.mark.parametrize("flag, bad", [("--kernel-scaling", "0"), ("--kernel-scaling", "-1"),
                                       ("--kernel-scaling", "nan"), ("--prior-share", "1"),
                                       ("--prior-share", "-0.1"), ("--prior-share", "nan")])
def test_bad_proposal_settings_are_refused_before_anything_is_written(targets, tmp_path, flag,
                                                                      bad):
    out = tmp_path / "o"
    res = subprocess.run([sys.executable, "-m", "sim", "calibrate", str(targets), "--out",
                          str(out), flag, bad, "--screening", "0"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert res.returncode == 2 and not out.exists()
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{flag} {float(bad)}" in lines[0]


def test_a_calibration_without_recorded_proposal_settings_used_pyabcs_own(targets, tmp_path):
    """Folders written before the proposal settings were recorded used pyabc's kernel alone:
    a resume at today's defaults is refused, one with pyabc's own settings is accepted."""
    out = calibrate(str(targets), out=tmp_path / "b", workers=1, population=30, budget=150,
                    screening=0, seed=7, echo=lambda s: None, **PYABC_PROPOSAL)
    info = json.loads((out / "calibration.json").read_text())
    for key in PYABC_PROPOSAL:
        del info["settings"][key]
    (out / "calibration.json").write_text(json.dumps(info))
    with pytest.raises(UsageError, match=r"another --kernel-scaling \(1.0\)"):
        calibrate(str(targets), out=out, workers=1, population=30, budget=400, screening=0,
                  seed=7, echo=lambda s: None)
    calibrate(str(targets), out=out, workers=1, population=30, budget=400, screening=0,
              seed=7, echo=lambda s: None, **PYABC_PROPOSAL)
    assert json.loads((out / "calibration.json").read_text())["result"]["runs"] > 150
