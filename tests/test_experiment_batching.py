"""Batches: one run each until timed, then ~TARGET_BATCH_SECONDS of work, smaller at the end."""

import numpy as np
import pytest

from sim.experiment import sweep
from sim.experiment.executors import SerialExecutor
from sim.experiment.seeds import replicate_seed, replicate_seeds
from sim.experiment.spec import parse_experiment
from sim.experiment.worker import BatchResult, run_batch

EXP = {"name": "b", "model": "ishigami", "design": "lhs", "lhs": {"samples": 500},
       "replicates": 2, "seed": 3, "factors": {"x1": {}, "x2": {}}}


def test_batch_sizes_follow_measured_run_time():
    plan = sweep.make_plan(parse_experiment(EXP))
    b = sweep.Batcher(plan, plan.run_ids, slots=4)
    assert b.size(1000) == 1  # nothing timed yet
    b.observe(BatchResult(None, n_done=2, seconds=0.2))  # 0.1 s per run
    assert b.size(1000) == round(sweep.TARGET_BATCH_SECONDS / 0.1)
    assert b.size(12) == 3  # the tail is shared among the 4 slots
    b.observe(BatchResult(None, n_done=10 ** 6, seconds=1e-3))
    assert b.size(10 ** 7) == sweep.MAX_BATCH_RUNS


def test_batches_cover_every_pending_run_once():
    plan = sweep.make_plan(parse_experiment(EXP))
    pending = plan.run_ids[plan.run_ids % 7 != 0]
    b = sweep.Batcher(plan, pending, slots=2)
    seen = []
    for batch, res in SerialExecutor().imap_unordered(run_batch, b):
        b.observe(res)
        seen.extend(t.run_id for t in batch.tasks)
    assert seen == pending.tolist()


def test_task_identity_and_shards():
    plan = sweep.make_plan(parse_experiment(EXP), shard=(2, 3))
    assert (plan.run_ids % 3 == 1).all() and plan.n_runs == 1000
    t = plan.task(7)
    assert (t.point, t.replicate, t.seed) == (3, 1, replicate_seed(3, 1))
    assert t.values == {"x1": plan.design["x1"].iat[3], "x2": plan.design["x2"].iat[3]}
    assert all(isinstance(v, float) for v in t.values.values())


def test_replicate_seeds_are_spawned_children():
    kids = np.random.SeedSequence(3).spawn(4)
    expected = [int(k.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for k in kids]
    assert replicate_seeds(3, 4) == expected
    assert len(set(replicate_seeds(3, 1000))) == 1000
    assert all(0 <= s < 2 ** 63 for s in replicate_seeds(3, 100))


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1/0", "a/b", "1-3"])
def test_bad_shards(shard):
    with pytest.raises(Exception, match="--shard"):
        sweep.parse_shard(shard)


def test_many_workers_get_longer_batches():
    plan = sweep.make_plan(parse_experiment(EXP))
    b = sweep.Batcher(plan, plan.run_ids, slots=400, workers=200)
    assert b.target_seconds == 200 / sweep.MAX_PARTS_PER_SECOND
    b.observe(BatchResult(None, n_done=10, seconds=1.0))  # 0.1 s per run
    assert b.size(10 ** 6) == int(b.target_seconds / 0.1)
