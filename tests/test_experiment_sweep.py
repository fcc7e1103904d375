"""Sweeps: same numbers whatever the executor, resume after SIGKILL, shards, failures, rerun."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from waiting import SAFETY_TIMEOUT_S, compute_for, wait_until

from sim.cli import main
from sim.experiment import load_failures, load_manifest, load_results, run_sweep, store
from sim.experiment.models import RUNNERS, run_ishigami
from sim.experiment.rerun import rerun
from sim.experiment.seeds import replicate_seed

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXP = {"name": "ish", "model": "ishigami", "design": "lhs", "lhs": {"samples": 60},
       "replicates": 3, "seed": 7, "factors": {"x1": {}, "x2": {}, "x3": {}}}
SLOW_SECONDS = 0.01
"""Sleep of the slow runner: long enough to kill a sweep mid-way."""
FAIL_ABOVE = 2.0
"""The flaky runner raises when x1 exceeds this."""


def slow_ishigami(ctx, scenario, values, seed):
    """The Ishigami runner, slowed down so that a sweep can be killed while it runs."""
    compute_for(SLOW_SECONDS)
    return run_ishigami(ctx, scenario, values, seed)


def flaky_ishigami(ctx, scenario, values, seed):
    """The Ishigami runner, raising for x1 > FAIL_ABOVE (a model bug in part of the space)."""
    if values["x1"] > FAIL_ABOVE:
        raise ValueError(f"x1 = {values['x1']:.3f} too large")
    return run_ishigami(ctx, scenario, values, seed)


def seeded_noise(ctx, scenario, values, seed):
    """A stochastic model: y plus noise drawn from the run's seed, time series of 3 steps."""
    rng = np.random.default_rng(seed)
    y = run_ishigami(ctx, scenario, values, seed)["y"][0]
    return {"step": np.arange(3), "year": np.arange(3) / 2.0,
            "y": y + rng.normal(size=3)}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "ish"
    s = run_sweep(EXP, out, workers=1, quiet=True)
    assert s.done == 180 and s.failed == 0
    return out


def test_table_layout_and_seeds(serial):
    df = load_results(serial)
    assert list(df.columns) == ["run_id", "point", "replicate", "seed", "step", "year", "x1",
                                "x2", "x3", "y"]
    assert (df["run_id"] == np.arange(180)).all()
    assert (df["run_id"] == df["point"] * 3 + df["replicate"]).all()
    # common random numbers: the seed depends on the replicate only
    seeds = df.groupby("replicate")["seed"].unique()
    assert all(len(s) == 1 for s in seeds)
    assert [s[0] for s in seeds] == [replicate_seed(7, r) for r in range(3)]
    m = load_manifest(serial)
    assert m["kind"] == "sweep" and m["schema_version"] == 2 and m["design"] == "lhs"
    assert m["n_points"] == 60 and m["n_runs"] == 180 and m["counts"]["done"] == 180
    assert m["finished"] is not None and m["hash"]
    assert load_failures(serial) == []


def test_load_results_reads_only_requested_columns(serial):
    df = load_results(serial, columns=["y"])
    assert list(df.columns) == ["run_id", "y"]
    with pytest.raises(Exception, match="column 'z' is not in the results"):
        load_results(serial, columns=["z"])


def test_process_pool_gives_serial_numbers(serial, tmp_path):
    s = run_sweep(EXP, tmp_path / "p", workers=2, quiet=True)
    assert s.executor == "2 worker processes"
    pd.testing.assert_frame_equal(load_results(tmp_path / "p"), load_results(serial))


def test_forkserver_pool_gives_serial_numbers(serial, tmp_path, monkeypatch):
    """The start method used when the caller runs threads (e.g. a notebook)."""
    from sim.experiment import executors

    monkeypatch.setattr(executors, "start_method", lambda: "forkserver")
    out = tmp_path / "fs"
    s = run_sweep(EXP, out, workers=2, quiet=True, runner=f"{__name__}:seeded_noise")
    assert s.done == 180 and s.failed == 0
    ref = run_sweep(EXP, tmp_path / "ref", workers=1, quiet=True,
                    runner=f"{__name__}:seeded_noise")
    assert ref.done == 180
    pd.testing.assert_frame_equal(load_results(out), load_results(tmp_path / "ref"))


def test_dask_local_cluster_gives_serial_numbers(serial, tmp_path):
    s = run_sweep(EXP, tmp_path / "d", workers=2, scheduler="local", quiet=True,
                  dask_processes=False)
    assert s.executor.startswith("Dask LocalCluster") and s.done == 180
    pd.testing.assert_frame_equal(load_results(tmp_path / "d"), load_results(serial))


def test_dask_scheduler_address_gives_serial_numbers(serial, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        s = run_sweep(EXP, tmp_path / "t", scheduler=address, quiet=True)
    assert s.executor == f"Dask scheduler {address}" and s.done == 180
    pd.testing.assert_frame_equal(load_results(tmp_path / "t"), load_results(serial))


@pytest.mark.slow
def test_dask_local_cluster_processes_give_serial_numbers(serial, tmp_path):
    s = run_sweep(EXP, tmp_path / "dp", workers=2, scheduler="local", quiet=True)
    assert s.executor == "Dask LocalCluster, 2 processes"
    pd.testing.assert_frame_equal(load_results(tmp_path / "dp"), load_results(serial))


@pytest.mark.slow
def test_local_cluster_workers_fork_from_a_loaded_server_without_profiler():
    """LocalCluster workers get LOCAL_CLUSTER_CONFIG (the profiler cost 6%) and are forked
    from the fork server that imported the model, not spawned by this process."""
    from sim.experiment.executors import COOPERATION_MODULES, DaskExecutor

    ex = DaskExecutor("local", 2, preload=COOPERATION_MODULES)
    try:
        got = ex._client.run(_worker_state)
    finally:
        ex.close()
    assert len(got) == 2
    for profiling, parent, loaded in got.values():
        assert not profiling and loaded
        assert parent != os.getpid()  # the fork server's child, not spawned by a nanny here


def _worker_state() -> tuple[bool, int, bool]:
    import sys

    import dask

    return (bool(dask.config.get("distributed.worker.profile.enabled")), os.getppid(),
            "sim.model" in sys.modules)


def test_unreachable_scheduler_is_one_line_error_and_writes_nothing(tmp_path, monkeypatch):
    from sim.errors import IeisimError
    from sim.experiment import executors

    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", "2s")
    with pytest.raises(IeisimError, match="cannot connect to the Dask scheduler at "
                                          "tcp://127.0.0.1:9"):
        run_sweep(EXP, tmp_path / "u", scheduler="tcp://127.0.0.1:9", quiet=True)
    assert not (tmp_path / "u").exists()


def test_stochastic_runs_independent_of_executor_and_common_random_numbers(tmp_path):
    exp = {**EXP, "name": "noise"}
    a = run_sweep(exp, tmp_path / "a", workers=1, quiet=True, runner=f"{__name__}:seeded_noise")
    b = run_sweep(exp, tmp_path / "b", workers=2, quiet=True, runner=f"{__name__}:seeded_noise")
    assert a.done == b.done == 180
    da, db = load_results(tmp_path / "a"), load_results(tmp_path / "b")
    pd.testing.assert_frame_equal(da, db)
    assert len(da) == 180 * 3
    # same replicate at two points: same noise (y - f(x) equal); other replicates differ
    f = da.groupby("run_id").first()
    from sim.testmodels import ishigami
    noise = (f["y"] - ishigami(f["x1"], f["x2"], f["x3"])).round(9)
    by_rep = noise.groupby(f["replicate"]).nunique()
    assert (by_rep == 1).all() and noise.nunique() == 3
    final = load_results(tmp_path / "a", final_only=True)
    assert len(final) == 180 and (final["step"] == 2).all()


def test_shards_merge_to_the_unsharded_table(serial, tmp_path):
    out = tmp_path / "sharded"
    sizes = [run_sweep(EXP, out, workers=1, quiet=True, shard=f"{i}/3").done for i in (1, 2, 3)]
    assert sizes == [60, 60, 60]
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))
    s = run_sweep(EXP, out, workers=1, quiet=True)  # merge/finish step: nothing left to run
    assert s.done == 0 and s.skipped == 180
    assert load_manifest(out)["counts"] == {"runs": 180, "done": 180, "failed": 0, "pending": 0}


def test_resume_refuses_a_changed_experiment(serial, capsys):
    before = sorted(p.name for p in (serial / "runs").iterdir())
    changed = {**EXP, "replicates": 4}
    with pytest.raises(Exception, match="holds a sweep of a different experiment "
                                        r"\(changed: replicates;"):
        run_sweep(changed, serial, workers=1, quiet=True)
    assert sorted(p.name for p in (serial / "runs").iterdir()) == before


def test_resume_after_sigkill_equals_uninterrupted(serial, tmp_path):
    out = tmp_path / "killed"
    script = ("import json, sys; from sim.experiment import run_sweep; "
              "run_sweep(json.loads(sys.argv[1]), sys.argv[2], workers=int(sys.argv[3]), "
              "quiet=True, runner='test_experiment_sweep:slow_ishigami')")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-c", script, json.dumps(EXP), str(out), "2"],
                            env=env, start_new_session=True)
    try:
        wait_until(lambda: len(store.part_files(out)) >= 3, "3 result parts", proc=proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_before = len(store.finished_run_ids(out))
    assert 0 < done_before < 180, done_before  # killed mid-way
    s = run_sweep(EXP, out, workers=2, quiet=True, runner=f"{__name__}:slow_ishigami")
    assert s.skipped == done_before and s.done == 180 - done_before
    df = load_results(out)
    assert not df["run_id"].duplicated().any()
    pd.testing.assert_frame_equal(df, load_results(serial))
    assert not list(out.glob("**/.tmp-*"))


def test_failures_recorded_sweep_continues(tmp_path):
    out = tmp_path / "flaky"
    s = run_sweep(EXP, out, workers=2, quiet=True, runner=f"{__name__}:flaky_ishigami")
    design = pd.read_parquet(out / "design.parquet")
    bad_points = set(np.flatnonzero(design["x1"].to_numpy() > FAIL_ABOVE).tolist())
    assert bad_points, "the design must hit the failing region"
    assert s.failed == 3 * len(bad_points) and s.done == 180 - s.failed
    fails = load_failures(out)
    assert {f["point"] for f in fails} == bad_points
    f = fails[0]
    assert f["error"].startswith("ValueError: x1 =") and "Traceback" in f["traceback"]
    assert f["seed"] == replicate_seed(7, f["replicate"]) and "x1" in f["params"]
    df = load_results(out)
    assert set(df["point"]) == set(range(60)) - bad_points
    assert load_manifest(out)["counts"]["failed"] == s.failed
    # a resume retries only the failed runs (here they fail again)
    again = run_sweep(EXP, out, workers=1, quiet=True, runner=f"{__name__}:flaky_ishigami")
    assert again.done == 0 and again.failed == s.failed and again.skipped == s.done


def test_cli_exit_1_and_summary_on_failures(tmp_path, capsys, monkeypatch):
    from sim.experiment import models

    monkeypatch.setitem(models.RUNNERS, "ishigami", f"{__name__}:flaky_ishigami")
    path = tmp_path / "ish.toml"
    path.write_text('name = "ish"\nmodel = "ishigami"\ndesign = "lhs"\nseed = 7\n'
                    "replicates = 3\n[lhs]\nsamples = 60\n[factors]\nx1 = {}\nx2 = {}\n"
                    "x3 = {}\n")
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(path), "--workers", "1", "--quiet", "--out", str(tmp_path / "o")])
    assert exc.value.code == 1
    captured = capsys.readouterr()
    assert "failed" in captured.out and "ValueError: x1 =" in captured.err
    assert captured.err.rstrip().splitlines()[-1].startswith("error: ")
    assert "runs failed; details in" in captured.err


def test_dry_run_counts_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ish.toml"
    path.write_text('name = "ish"\nmodel = "ishigami"\ndesign = "sobol"\nreplicates = 2\n'
                    "[sobol]\nn = 16\n[factors]\nx1 = {}\nx2 = {}\n")
    main(["sweep", str(path), "--dry-run", "--workers", "2"])
    out = capsys.readouterr().out
    assert "64 points x 2 replicates = 128 runs" in out  # 16 * (2 + 2) points
    assert "estimated wall time with 2 workers" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ish.toml"]


def test_rerun_reproduces_a_stored_row(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(RUNNERS, "ishigami", f"{__name__}:seeded_noise")  # a registered model
    out = tmp_path / "n"
    run_sweep({**EXP, "name": "n"}, out, workers=2, quiet=True,
              runner=f"{__name__}:seeded_noise")
    res = rerun(out, 100)
    assert res.task.point == 33 and res.task.replicate == 1
    assert res.identical is True and len(res.rows) == 3
    main(["rerun", str(out), "--run", "100", "--out", str(tmp_path / "r.csv")])
    assert "identical to the stored rows (3 rows)" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "r.csv")) == 3
    (tmp_path / "mine.csv").write_text("mine\n")  # a user's file is not overwritten unasked
    with pytest.raises(SystemExit) as exc:
        main(["rerun", str(out), "--run", "100", "--out", str(tmp_path / "mine.csv")])
    assert exc.value.code == 2 and (tmp_path / "mine.csv").read_text() == "mine\n"
    main(["rerun", str(out), "--run", "100", "--out", str(tmp_path / "mine.csv"),
          "--overwrite"])
    assert len(pd.read_csv(tmp_path / "mine.csv")) == 3


def test_killed_part_writer_leaves_no_partial_file(tmp_path):
    out = tmp_path / "x"
    (out / store.RUNS).mkdir(parents=True)
    (out / store.RUNS / ".tmp-123-abc-part-x.parquet").write_bytes(b"PAR1 truncated")
    (out / store.FAILURES).write_text('{"run_id": 1}\n{"run_id": 2, "err')
    assert store.part_files(out) == []
    assert [r["run_id"] for r in store.load_failures(out, unresolved_only=False)] == [1]


def test_second_writer_on_the_same_runs_is_refused(tmp_path):
    from sim.errors import UsageError

    out = tmp_path / "lock"
    run_sweep(EXP, out, workers=1, quiet=True, shard="1/2")
    with store.writer_lock(out, None):  # an unsharded sweep holds the folder
        with pytest.raises(UsageError, match="another sweep is writing into this folder"):
            run_sweep(EXP, out, workers=1, quiet=True, shard="2/2")
    with store.writer_lock(out, "s2of2"):  # shard 2/2 is running elsewhere
        with pytest.raises(UsageError, match="shard s2of2 is already running"):
            run_sweep(EXP, out, workers=1, quiet=True, shard="2/2")
        assert run_sweep(EXP, out, workers=1, quiet=True, shard="1/2").done == 0
    assert run_sweep(EXP, out, workers=1, quiet=True, shard="2/2").done == 90


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_cleanly_with_one_line_error_and_its_own_exit_code(tmp_path, sig, code):
    path = tmp_path / "ish.toml"
    path.write_text('name = "ish"\nmodel = "ishigami"\ndesign = "lhs"\nseed = 7\n'
                    "replicates = 3\n[lhs]\nsamples = 60\n[factors]\nx1 = {}\nx2 = {}\n"
                    "x3 = {}\n")
    out = tmp_path / "term"
    script = ("import sys; from sim.experiment import models; "
              "models.RUNNERS['ishigami'] = 'test_experiment_sweep:slow_ishigami'; "
              "from sim.cli import main; main(sys.argv[1:])")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-c", script, "sweep", str(path), "--out", str(out),
                             "--workers", "2", "--quiet"], env=env, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                        signal.SIG_DFL))
    wait_until(lambda: len(store.part_files(out)) >= 3, "3 result parts", proc=proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=SAFETY_TIMEOUT_S)
    assert proc.returncode == code  # not 1, the code of failed runs
    assert err.strip().splitlines()[-1] == ("error: interrupted: finished runs are saved; run "
                                            "the same command again to resume")
    m = load_manifest(out)
    done = len(store.finished_run_ids(out))
    assert 0 < done < 180 and m["counts"]["done"] == done and m["finished"] is None
    assert m["invocations"][-1]["done"] == done


def test_disk_full_names_the_folder_keeps_finished_runs_and_resumes(serial, tmp_path, capsys,
                                                                     monkeypatch):
    import errno

    import pyarrow.parquet as pq

    path = tmp_path / "ish.toml"
    path.write_text('name = "ish"\nmodel = "ishigami"\ndesign = "lhs"\nseed = 7\n'
                    "replicates = 3\n[lhs]\nsamples = 60\n[factors]\nx1 = {}\nx2 = {}\n"
                    "x3 = {}\n")
    out = tmp_path / "full"
    real = pq.write_table
    parts = []

    def full(table, where, *args, **kwargs):
        if "part-" in str(where):
            parts.append(where)
            if len(parts) > 1:  # the device fills up while the second part is written
                Path(where).write_bytes(b"PAR1")
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(where))
        return real(table, where, *args, **kwargs)

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(path), "--workers", "1", "--quiet", "--out", str(out)])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: disk full: no space left to write into {out} (No space left on "
                   "device); free some space; finished runs are saved; run the same command "
                   "again to resume"]
    assert [p.name for p in (out / store.RUNS).iterdir()] == [p.name for p in
                                                              store.part_files(out)]
    assert len(store.part_files(out)) == 1 and len(store.finished_run_ids(out)) >= 1
    monkeypatch.setattr(pq, "write_table", real)  # space freed: the same command resumes
    main(["sweep", str(path), "--workers", "1", "--quiet", "--out", str(out)])
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))


def test_rerun_of_a_failed_run_shows_its_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(RUNNERS, "ishigami", f"{__name__}:flaky_ishigami")
    out = tmp_path / "f"
    run_sweep(EXP, out, workers=1, quiet=True, runner=f"{__name__}:flaky_ishigami")
    failed = load_failures(out)[0]["run_id"]
    with pytest.raises(SystemExit) as exc:
        main(["rerun", str(out), "--run", str(failed)])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "in flaky_ishigami" in err
    assert err.rstrip().splitlines()[-1].startswith(f"error: run {failed} failed: ValueError")
    with pytest.raises(SystemExit) as exc:
        main(["rerun", str(out), "--run", "180"])
    assert exc.value.code == 2
    assert "--run 180: the sweep has runs 0 to 179" in capsys.readouterr().err


def test_load_results_drops_rows_written_twice(serial, tmp_path):
    import shutil

    out = tmp_path / "dup"
    shutil.copytree(serial, out)
    first = store.part_files(out)[0]
    shutil.copy(first, first.with_name("part-zz-copy.parquet"))
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))


def test_shards_in_separate_folders_merge_to_the_unsharded_table(serial, tmp_path):
    from sim.errors import UsageError
    from sim.experiment import merge_sweeps

    shards = [tmp_path / f"shard{i}" for i in (1, 2)]
    for i, folder in enumerate(shards, start=1):
        run_sweep(EXP, folder, workers=1, quiet=True, shard=f"{i}/2")
    merged = merge_sweeps(shards, tmp_path / "merged")
    pd.testing.assert_frame_equal(load_results(merged), load_results(serial))
    m = load_manifest(merged)
    assert m["counts"] == {"runs": 180, "done": 180, "failed": 0, "pending": 0}
    assert m["finished"] is not None and len(m["invocations"]) == 2
    merge_sweeps(shards, merged)  # again: nothing duplicated
    assert len(load_results(merged)) == 180
    other = tmp_path / "other"
    run_sweep({**EXP, "seed": 8}, other, workers=1, quiet=True, shard="1/2")
    with pytest.raises(UsageError, match="sweeps of different experiments"):
        merge_sweeps([shards[0], other], tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


def test_many_parts_are_compacted_without_changing_the_table(serial, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "COMPACT_ABOVE_PARTS", 2)
    monkeypatch.setattr(store, "ROWS_PER_COMPACT_FILE", 100)
    out = tmp_path / "c"
    for i in (1, 2, 3):  # shards write parts but never compact (others may be writing)
        run_sweep(EXP, out, workers=1, quiet=True, shard=f"{i}/3")
    n_before = len(store.part_files(out))
    assert n_before > 2
    run_sweep(EXP, out, workers=1, quiet=True)  # unsharded: holds the folder alone
    parts = store.part_files(out)
    assert [p.name.startswith("part-c") for p in parts] == [True, True]  # 180 rows / 100
    pd.testing.assert_frame_equal(load_results(out), load_results(serial))


@pytest.mark.parametrize("edit, what", [
    ({"model": "this"}, "model 'this' is not one of ieisim's models"),
    ({"model": "builtins"}, "model 'builtins' is not one of ieisim's models"),
    ({"runner": "builtins:print"}, "runner 'builtins:print' is not the runner of model"),
    ({"runner": "venv.__main__:main"}, "runner 'venv.__main__:main' is not the runner"),
    ({"model": ["x"] * 100_000}, "model \\['x', 'x', 'x', 'x', ...\\] is not"),
])
def test_rerun_refuses_a_manifest_naming_code_outside_the_registry(tmp_path, edit, what):
    out = tmp_path / "r"
    run_sweep({**EXP, "replicates": 1}, out, workers=1, quiet=True)
    manifest = json.loads((out / store.MANIFEST).read_text())
    manifest.update(edit)
    (out / store.MANIFEST).write_text(json.dumps(manifest))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-m", "sim", "rerun", str(out), "--run", "0"],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and len(res.stderr) < 300
    assert re.search(what, res.stderr), res.stderr
    assert "refusing to run it" in res.stderr


def test_rerun_refuses_a_damaged_manifest(tmp_path):
    from sim.errors import UsageError

    out = tmp_path / "d"
    run_sweep({**EXP, "replicates": 1}, out, workers=1, quiet=True)
    manifest = json.loads((out / store.MANIFEST).read_text())
    del manifest["bases"]
    (out / store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(UsageError, match="manifest.json: damaged"):
        rerun(out, 0)
    (out / store.MANIFEST).write_bytes(b"\x00\xff" * 100)
    with pytest.raises(UsageError, match="manifest.json: not valid JSON"):
        rerun(out, 0)


def test_sweep_never_writes_into_a_users_folder_or_file(tmp_path, capsys):
    user = tmp_path / "mine"
    user.mkdir()
    (user / "notes.txt").write_text("notes")
    file = tmp_path / "file.csv"
    file.write_text("a\n")
    for out, fragment in ((user, "files ieisim did not write"), (file, "is not a folder")):
        with pytest.raises(SystemExit) as exc:
            main(["sweep", str(ROOT / "experiments" / "ishigami_check.toml"), "--out", str(out),
                  "--workers", "1", "--quiet"])
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and fragment in err[0]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["file.csv", "mine", "notes.txt"]


def test_default_sweep_folder_is_inside_results_and_resumes_through_a_link(tmp_path,
                                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = run_sweep({**EXP, "lhs": {"samples": 4}, "replicates": 1}, workers=1, quiet=True)
    assert s.folder == Path("results") / "ish" and s.done == 4
    (tmp_path / "link").symlink_to(tmp_path / "results" / "ish")  # e.g. onto scratch space
    again = run_sweep({**EXP, "lhs": {"samples": 4}, "replicates": 1}, tmp_path / "link",
                      workers=1, quiet=True)
    assert again.done == 0 and again.skipped == 4


def test_a_sweep_killed_before_its_manifest_starts_afresh(tmp_path):
    out = tmp_path / "x"
    (out / store.RUNS).mkdir(parents=True)
    (out / store.LOCK).write_text("")
    (out / store.DESIGN).write_bytes(b"PAR1 cut short")
    s = run_sweep({**EXP, "lhs": {"samples": 4}, "replicates": 1}, out, workers=1, quiet=True)
    assert s.done == 4 and load_manifest(out)["counts"]["done"] == 4
