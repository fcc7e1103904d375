"""Projected wall time of an experiment on this machine, from the measured CPU cost of its runs.

Times ``--sample`` runs spread evenly over the experiment's design (in this process, the
model imported first) and projects ``runs x median CPU per run / workers``. Prints the load
average, because CPU times grow when other jobs share the cores.

    python benchmarks/bench_study.py [policy_sobol_study] [--sample 24] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Time a sample of the experiment's runs and print the projection."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("experiment", nargs="?", default="policy_sobol_study")
    ap.add_argument("--sample", type=int, default=24)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import numpy as np

    import sim.model  # noqa: F401 - imports are not part of a run
    from sim.experiment.spec import load_experiment
    from sim.experiment.sweep import make_plan
    from sim.experiment.worker import run_one

    plan = make_plan(load_experiment(args.experiment))
    n = plan.n_runs
    ids = np.unique(np.linspace(0, n - 1, min(args.sample, n)).astype(int))
    load_before = os.getloadavg()[0]
    cpu = []
    for run_id in ids:
        c0 = time.process_time()
        run_one(plan.ctx, plan.task(int(run_id)))
        cpu.append(time.process_time() - c0)
    per_run = statistics.median(cpu)
    wall = n * per_run / args.workers
    print(f"{args.experiment}: {n:,} runs; {len(ids)} timed: {per_run:.3f} s CPU per run "
          f"(median); projected {wall / 60:.1f} min with {args.workers} free cores; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
