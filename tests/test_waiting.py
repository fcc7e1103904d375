"""No test sleeps for a fixed time or reads the clock: tests wait for conditions (waiting.py)."""

import ast
from pathlib import Path

import pytest
from waiting import compute_for, observe_for, wait_until

TESTS = Path(__file__).resolve().parent
HELPER = TESTS / "waiting.py"
SLEEPS = {"sleep", "wait_for_timeout"}
"""Calls that pause for a fixed time (time.sleep, asyncio.sleep, playwright's page method)."""
CLOCKS = {"time", "monotonic", "perf_counter", "monotonic_ns", "perf_counter_ns", "time_ns"}
"""``time`` functions whose reading makes a test depend on the wall clock."""


def timing_calls(source: str, filename: str = "<test>") -> list[str]:
    """``file:line name`` of every fixed sleep or clock reading in ``source``."""
    tree = ast.parse(source, filename)
    time_names = {"time"}  # names bound to the time module
    from_time = set()  # names imported from it (from time import sleep)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            time_names |= {a.asname or a.name for a in node.names if a.name == "time"}
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "asyncio"):
            from_time |= {a.asname or a.name for a in node.names
                          if a.name in SLEEPS | CLOCKS}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            clock = (func.attr in CLOCKS and isinstance(func.value, ast.Name)
                     and func.value.id in time_names)
            if func.attr in SLEEPS or clock:
                found.append(f"{filename}:{node.lineno} {func.attr}")
        elif isinstance(func, ast.Name) and func.id in from_time:
            found.append(f"{filename}:{node.lineno} {func.id}")
    return found


def test_no_test_sleeps_or_reads_the_clock():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path != HELPER:
            offenders += timing_calls(path.read_text(), str(path.relative_to(TESTS)))
    assert not offenders, ("wait for a condition with tests/waiting.py instead of sleeping or "
                           "timing: " + ", ".join(offenders))


@pytest.mark.parametrize("source", [
    "import time\ntime.sleep(4)\n",
    "from time import sleep\nsleep(0.5)\n",
    "import time as t\nt.sleep(1)\n",
    "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n",
    "def t(page):\n    page.wait_for_timeout(500)\n",
    "import time\nwhile time.monotonic() < 5:\n    pass\n",
    "from time import perf_counter\nstart = perf_counter()\n",
])
def test_the_scan_finds_fixed_sleeps_and_clock_readings(source):
    assert len(timing_calls(source)) == 1


def test_the_scan_leaves_polling_helpers_and_other_calls_alone():
    source = ("from waiting import wait_until\nimport datetime\n"
              "wait_until(lambda: True, 'x')\ndatetime.datetime.now()\nlen([])\n")
    assert timing_calls(source) == []


def test_wait_until_returns_the_value_and_names_what_it_waited_for():
    calls = iter([None, 0, "ready"])
    assert wait_until(lambda: next(calls), "the third look") == "ready"
    with pytest.raises(AssertionError, match="gave up after 0 s waiting for a miracle"):
        wait_until(lambda: False, "a miracle", timeout=0)


def test_wait_until_stops_when_the_watched_process_dies():
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(AssertionError, match="exited with 3 before the file"):
        wait_until(lambda: False, "the file", proc=proc)


def test_observe_for_and_compute_for():
    seen = observe_for(0, lambda: 7)
    assert seen and set(seen) == {7}
    assert compute_for(0) is None


def test_hypothesis_has_no_per_example_deadline():
    from hypothesis import HealthCheck, settings

    assert settings().deadline is None
    assert HealthCheck.too_slow in settings().suppress_health_check
