"""Worlds too large for the machine are refused with an estimate (issue 12, item 7)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim import memory
from sim.errors import UsageError
from sim.experiment import run_sweep
from sim.params import load_scenario

ROOT = Path(__file__).resolve().parent.parent
HUGE = ["--set", "world.n_colleges=5000", "--set", "world.students_per_college=100000",
        "--set", "world.n_enterprises=500000"]
TOLERANCE = 0.30
"""The estimate must lie within 30% of the measured peak."""
PEAK = """
import json, resource, sys
from pathlib import Path
from sim.params import load_scenario
from sim.run import simulate
scn = load_scenario("status_quo").with_overrides(json.loads(sys.argv[1]))
simulate(scn, years=1)
# VmHWM: this process image's peak; ru_maxrss carries over exec the peak of the process that
# forked it (here pytest), so it is only a fallback
status = Path("/proc/self/status")
hwm = [l for l in status.read_text().splitlines() if l.startswith("VmHWM:")] \\
    if status.exists() else []
kib = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(kib * 1024)
"""


def test_an_impossible_world_is_refused_in_one_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "sim", "run", "status_quo", *HUGE, "--out",
                          str(tmp_path / "o")], capture_output=True, text=True, env=env)
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    big = {**load_scenario("status_quo").values, "world.n_colleges": 5000,
           "world.students_per_college": 100_000, "world.n_enterprises": 500_000}
    need = f"{memory.estimate_run_bytes(big) / 1e9:,.0f} GB"
    assert res.stderr.startswith("error: a run of status_quo (5,000 colleges x 100,000 "
                                 f"students, 500,000 enterprises) needs about {need}")
    assert "this machine has" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_estimate_is_linear_in_the_agents():
    values = dict(load_scenario("status_quo").values)
    base = memory.estimate_run_bytes(values)
    more = memory.estimate_run_bytes({**values, "world.n_enterprises":
                                      values["world.n_enterprises"] + 1000})
    assert more - base == 1000 * memory.BYTES_PER_ENTERPRISE
    big = {**values, "world.n_colleges": 5000, "world.students_per_college": 100_000,
           "world.n_enterprises": 500_000}
    students, teachers = 5000 * 100_000, 5000 * values["world.teachers_per_college"]
    assert memory.estimate_run_bytes(big) == (
        memory.BASE_BYTES + students * memory.BYTES_PER_STUDENT
        + teachers * memory.BYTES_PER_TEACHER + 500_000 * memory.BYTES_PER_ENTERPRISE
        + 5000 * memory.BYTES_PER_COLLEGE)
    assert memory.estimate_run_bytes(big) > 1e11  # far beyond any workstation


def test_a_sweep_counts_its_workers_and_its_largest_world(tmp_path, monkeypatch):
    monkeypatch.setattr(memory, "machine_bytes", lambda: 1_200_000_000)
    exp = {"name": "w", "scenario": "classroom", "design": "lhs", "lhs": {"samples": 4},
           "years": 1, "fixed": {"n_colleges": 100},
           "factors": {"students_per_college": {"low": 100, "high": 20_000}}}
    # the largest world (100 colleges x 20,000 students) needs about 0.7 GB: one worker fits
    # into 90% of a 1.2 GB machine, two do not
    need = memory.check_memory({**load_scenario("classroom").values, "world.n_colleges": 100,
                                "world.students_per_college": 20_000})
    assert 0.6e9 < need < 0.9 * 1.2e9 < 2 * need
    with pytest.raises(UsageError, match=rf"needs about {need / 1e9:.1f} GB of memory x 2 "
                                         r"workers; this machine has 1\.2 GB: use fewer "
                                         r"workers"):
        run_sweep(exp, tmp_path / "o", workers=2, quiet=True)
    with pytest.raises(UsageError, match="use a smaller world with larger scale factors"):
        run_sweep({**exp, "factors": {"students_per_college": {"low": 100,
                                                               "high": 100_000}}},
                  tmp_path / "o", workers=1, quiet=True)
    assert not (tmp_path / "o").exists()


TINY = {"n_colleges": 1, "students_per_college": 3, "teachers_per_college": 2,
        "n_enterprises": 4}


def _measured_and_estimated(world):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", PEAK, json.dumps(world)], capture_output=True,
                         text=True, env=env, check=True)
    values = dict(load_scenario("status_quo").with_overrides(world).values)
    return int(res.stdout.split()[-1]), memory.estimate_run_bytes(values)


@pytest.fixture(scope="module")
def tiny():
    return _measured_and_estimated(TINY)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB (Linux)")
@pytest.mark.parametrize("world", [
    {"students_per_college": 40_000},                       # 400,000 students
    {"n_enterprises": 400_000},                             # 400,000 enterprises
    {"n_colleges": 300, "n_enterprises": 20_000},           # 162,000 students, 12,000 teachers
])
def test_estimate_matches_measured_peak_memory(world, tiny):
    measured, estimate = _measured_and_estimated(world)
    assert abs(estimate - measured) <= TOLERANCE * measured, (world, estimate, measured)
    # the part that grows with the world, not only the interpreter's share
    grown, predicted = measured - tiny[0], estimate - tiny[1]
    assert grown > 0.15 * measured
    assert abs(predicted - grown) <= TOLERANCE * grown, (world, predicted, grown)
