"""Run counts are checked before a design is built (issue 12, item 7)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.errors import UsageError
from sim.experiment import run_sweep
from sim.experiment.design import DEFAULT_MAX_RUNS, check_run_count, n_points
from sim.experiment.spec import load_experiment

ROOT = Path(__file__).resolve().parent.parent
ISH = {"model": "ishigami", "seed": 1}
HUGE = {
    "lhs": ({**ISH, "name": "h", "design": "lhs", "lhs": {"samples": 10**9},
             "factors": {"x1": {}, "x2": {}}}, 10**9, "1,000,000,000 runs"),
    "grid": ({**ISH, "name": "h", "design": "grid",
              "factors": {x: {"values": [i / 1000 for i in range(1000)]}
                          for x in ("x1", "x2", "x3")}}, 10**9, "1,000,000,000 runs"),
    "morris": ({**ISH, "name": "h", "design": "morris", "morris": {"trajectories": 10**9},
                "factors": {"x1": {}, "x2": {}, "x3": {}}}, 4 * 10**9, "4,000,000,000 runs"),
    "replicates": ({**ISH, "name": "h", "design": "lhs", "lhs": {"samples": 10**5},
                    "replicates": 10**4, "factors": {"x1": {}}}, 10**9,
                   "100,000 points x 10000 replicates"),
}


@pytest.mark.parametrize("kind", list(HUGE))
def test_huge_designs_are_refused_before_they_are_built(tmp_path, kind):
    exp, runs, text = HUGE[kind]
    assert n_points(load_experiment(exp)) * load_experiment(exp).replicates == runs
    with pytest.raises(UsageError, match=f"{text}.*more than --max-runs 1,000,000"):
        run_sweep(exp, tmp_path / "x", quiet=True)
    with pytest.raises(UsageError, match="more than --max-runs"):
        run_sweep(exp, tmp_path / "x", quiet=True, dry_run=True, echo=lambda s: None)
    assert not (tmp_path / "x").exists()


def test_grid_count_is_exact_beyond_int64():
    exp = load_experiment({**ISH, "name": "g", "design": "grid",
                           "factors": {f"x{i}": {"values": [0.0, 0.5, 1.0]}
                                       for i in (1, 2, 3)}})
    assert n_points(exp) == 27
    big = type(exp.factors[0])("x", "input", "", 0, 1, tuple(range(10**4)), "float")
    many = exp.__class__(**{**exp.__dict__, "factors": (big,) * 6})
    assert n_points(many) == 10**24  # np.prod would overflow int64


def test_max_runs_is_settable(tmp_path):
    exp = {**ISH, "name": "m", "design": "lhs", "lhs": {"samples": 30}, "replicates": 2,
           "factors": {"x1": {}, "x2": {}, "x3": {}}}
    with pytest.raises(UsageError, match="has 60 runs .* more than --max-runs 59"):
        run_sweep(exp, tmp_path / "m", quiet=True, max_runs=59)
    assert run_sweep(exp, tmp_path / "m", workers=1, quiet=True, max_runs=60).done == 60
    assert check_run_count(load_experiment(exp)) == 60 <= DEFAULT_MAX_RUNS
    for bad in (0, -1, True, 2.5):
        with pytest.raises(UsageError, match="--max-runs"):
            check_run_count(load_experiment(exp), bad)


def test_cli_refuses_in_one_line_and_dry_run_shows_the_count(tmp_path):
    exp = tmp_path / "huge.toml"
    exp.write_text('name = "huge"\nmodel = "ishigami"\ndesign = "lhs"\nreplicates = 2\n'
                   "[lhs]\nsamples = 1000000000\n[factors]\nx1 = {}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "sim", "sweep", str(exp), "--out",
                               str(tmp_path / "o"), *args], capture_output=True, text=True,
                              env=env)

    res = cli()
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert res.stderr.startswith("error: the lhs design of 'huge' has 2,000,000,000 runs")
    dry = cli("--dry-run")
    assert dry.returncode == 2
    assert "1,000,000,000 points x 2 replicates = 2,000,000,000 runs" in dry.stdout
    small = cli("--dry-run", "--max-runs", "1")
    assert small.returncode == 2 and "more than --max-runs 1;" in small.stderr
    assert not (tmp_path / "o").exists()
