"""The sweep folder's lock: workers die with their sweep, and orphans never block a resume."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from waiting import SAFETY_TIMEOUT_S, wait_until

from sim.errors import UsageError
from sim.experiment import load_manifest, load_results, run_sweep, store
from sim.experiment.lock import holders_alive, writer_lock
from sim.experiment.models import run_ishigami

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the sweep's worker processes")
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXP = {"name": "ish", "model": "ishigami", "design": "lhs", "lhs": {"samples": 20},
       "replicates": 2, "seed": 7, "factors": {"x1": {}, "x2": {}, "x3": {}}}
GATE = "IEISIM_TEST_GATE"


def gated_ishigami(ctx, scenario, values, seed):
    """The Ishigami runner, held until the file named by $IEISIM_TEST_GATE exists."""
    wait_until(Path(os.environ[GATE]).exists, "the test to open the gate")
    return run_ishigami(ctx, scenario, values, seed)


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _sweep_cmd(exp_file: Path, out: Path) -> list[str]:
    script = ("import sys; from sim.experiment import models; "
              "models.RUNNERS['ishigami'] = 'test_experiment_lock:gated_ishigami'; "
              "from sim.cli import main; main(sys.argv[1:])")
    return [sys.executable, "-c", script, "sweep", str(exp_file), "--out", str(out),
            "--workers", "2", "--quiet"]


def test_kill_9_of_the_sweep_kills_its_workers_and_the_same_command_resumes(tmp_path):
    exp_file = tmp_path / "ish.toml"
    exp_file.write_text('name = "ish"\nmodel = "ishigami"\ndesign = "lhs"\nseed = 7\n'
                        "replicates = 2\n[lhs]\nsamples = 20\n[factors]\nx1 = {}\nx2 = {}\n"
                        "x3 = {}\n")
    out, gate = tmp_path / "out", tmp_path / "gate"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]),
           GATE: str(gate)}
    proc = subprocess.Popen(_sweep_cmd(exp_file, out), env=env, stderr=subprocess.PIPE,
                            text=True)
    orphans: set[int] = set()
    try:
        wait_until(lambda: (out / store.MANIFEST).is_file(), "the sweep to start writing",
                   proc=proc)
        wait_until(lambda: len(_children(proc.pid)) >= 2, "two workers", proc=proc)
        first = _children(proc.pid)
        os.kill(min(first), signal.SIGKILL)  # a worker dies: the pool is replaced
        wait_until(lambda: _children(proc.pid) - first, "a replacement worker", proc=proc)
        orphans = _children(proc.pid)
        proc.kill()  # kill -9 of the sweep while its (replacement) workers run
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        gate.touch()
        again = subprocess.run(_sweep_cmd(exp_file, out), env=env, capture_output=True,
                               text=True, timeout=SAFETY_TIMEOUT_S)
        assert again.returncode == 0, again.stderr  # the same command resumes
        assert load_manifest(out)["counts"] == {"runs": 40, "done": 40, "failed": 0,
                                                "pending": 0}
        assert sorted(load_results(out)["run_id"]) == list(range(40))
        # and the workers died with their parent
        wait_until(lambda: not any(_alive(p) for p in orphans), "the orphaned workers to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in orphans:  # only if the test failed: the workers it started
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


ORPHAN = """
import os, sys, time
from sim.experiment.lock import writer_lock
with writer_lock(sys.argv[1], None):
    if os.fork() == 0:  # a worker forked while the lock is held: it holds the lock too
        print(os.getpid(), flush=True)
        time.sleep(3600)
        os._exit(0)
    os._exit(0)  # the sweep dies (as by kill -9: no clean-up)
"""


def test_a_lock_held_only_by_orphans_does_not_block_a_resume(tmp_path):
    import fcntl

    out = tmp_path / "o"
    run_sweep(EXP, out, workers=1, quiet=True, shard="1/2")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", ORPHAN, str(out)], env=env,
                            stdout=subprocess.PIPE, text=True)
    orphan = int(proc.stdout.readline())  # printed once the orphan holds the lock
    proc.wait()
    try:
        with open(out / store.LOCK) as fh:  # the orphan's lock is really there
            with pytest.raises(BlockingIOError):
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert _alive(orphan) and not holders_alive(out / store.LOCK)
        s = run_sweep(EXP, out, workers=1, quiet=True)
        assert s.done == 20 and load_manifest(out)["counts"]["pending"] == 0
        with pytest.raises(UsageError, match="another sweep is writing"):  # the new lock works
            with writer_lock(out, None):
                with writer_lock(out, None):
                    pass
    finally:
        os.kill(orphan, signal.SIGKILL)


def test_a_live_sweep_still_blocks_a_second_writer(tmp_path):
    out = tmp_path / "l"
    out.mkdir()
    with writer_lock(out, None):
        assert holders_alive(out / store.LOCK)
        with pytest.raises(UsageError, match="another sweep is writing into this folder"):
            with writer_lock(out, None):
                pass
        with pytest.raises(UsageError, match="another sweep is writing into this folder"):
            with writer_lock(out, "s1of2"):
                pass
    with writer_lock(out, "s1of2"), writer_lock(out, "s2of2"):  # shards share the folder
        with pytest.raises(UsageError, match="shard s1of2 is already running"):
            with writer_lock(out, "s1of2"):
                pass
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]  # nothing visible
