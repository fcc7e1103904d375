"""A sweep's start-up: the garbage collector paused until the workers fork, objects frozen for
the fork only, BLAS on one thread (sim.startup), and what the process pool does with them."""

import gc
import json
import os
import subprocess
import sys

import pytest

from sim import startup
from sim.experiment import executors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def collector_restored():
    """Every test leaves the collector enabled and nothing frozen."""
    assert gc.isenabled()
    yield
    startup.end_start_up()
    gc.unfreeze()
    gc.enable()


def test_collector_paused_restores_the_collector_even_after_an_error():
    with startup.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), startup.collector_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused():
    gc.disable()
    with startup.collector_paused():
        pass
    assert not gc.isenabled()
    startup.begin_start_up()
    startup.end_start_up()
    assert not gc.isenabled()


def test_start_up_pauses_until_its_end_and_the_end_may_come_twice():
    startup.begin_start_up()
    startup.begin_start_up()  # a second begin changes nothing
    assert not gc.isenabled()
    startup.end_start_up()
    assert gc.isenabled()
    gc.disable()  # the caller's own pause after the start-up is not undone by a late end
    startup.end_start_up()
    assert not gc.isenabled()


def test_objects_are_frozen_inside_the_block_only():
    # (the interpreter freezes a few hundred objects of its own at start-up; unfrozen too)
    with startup.frozen_for_fork():
        assert gc.get_freeze_count() > 1000  # the modules this test process has imported
    assert gc.get_freeze_count() == 0


def _blas_env(code: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=env)
    return json.loads(out.stdout)


SHOW = ("import json, os; from sim.startup import ONE_BLAS_THREAD, one_blas_thread; {pre}"
        "one_blas_thread(); print(json.dumps({{k: os.environ.get(k) for k in ONE_BLAS_THREAD}}))")


def test_one_blas_thread_before_numpy_keeps_what_the_user_set():
    env = {k: v for k, v in os.environ.items() if k not in startup.ONE_BLAS_THREAD}
    got = _blas_env(SHOW.format(pre=""), {**env, "MKL_NUM_THREADS": "4"})
    assert got == {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1"}


def test_one_blas_thread_after_numpy_sets_nothing():
    env = {k: v for k, v in os.environ.items() if k not in startup.ONE_BLAS_THREAD}
    got = _blas_env(SHOW.format(pre="import numpy; "), env)
    assert got == dict.fromkeys(startup.ONE_BLAS_THREAD)


FORKED = """
import gc, json
from sim import startup
from sim.experiment import executors

def collector_state(_batch):
    return gc.isenabled(), gc.get_freeze_count()

assert executors.start_method() == "fork"  # a fresh interpreter runs one thread
startup.begin_start_up()  # as `ieisim sweep` does first thing
executor = executors.make_executor(workers=2, preload=("json",))
parent = [gc.isenabled(), gc.get_freeze_count()]
states = [res for _, res in executor.imap_unordered(collector_state, iter(range(6)))]
executor.close()
print(json.dumps({"parent": parent, "workers": states}))
"""
"""A sweep's start-up and fork in a fresh interpreter (one thread, so the pool forks)."""


@pytest.mark.skipif("fork" not in executors.multiprocessing.get_all_start_methods(),
                    reason="needs the fork start method")
def test_forked_workers_collect_skip_what_they_inherit_and_the_sweep_collects_again(tmp_path):
    script = tmp_path / "forked.py"  # a file, so that the workers can unpickle its function
    script.write_text(FORKED)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    got = json.loads(out.stdout)
    # the start-up ended once the workers had forked, and this process's objects were unfrozen
    assert got["parent"] == [True, 0]
    assert len(got["workers"]) == 6
    assert all(enabled for enabled, _ in got["workers"])  # each worker resumed collecting
    assert all(frozen > 1000 for _, frozen in got["workers"])  # skipping what it inherited


def test_serial_executor_ends_the_start_up_too():
    startup.begin_start_up()
    executors.make_executor(workers=1)
    assert gc.isenabled()
