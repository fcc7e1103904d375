"""Benchmarks of the sweep engine (not timed tests): prints medians and ratios.

1. Throughput of 2 worker processes against 1 (serial) on the status-quo scenario.
2. Engine overhead per run against a bare loop calling ``sim.run.simulate`` on the same runs.
3. ``ieisim sweep`` against Mesa's ``batch_run`` on the same runs, same number of processes.
4. Parent peak memory (VmHWM) of a 1,000-run and a 10,000-run Ishigami sweep.

The runs: a grid of tax_credit x intern_subsidy on the status-quo region (``--years`` years)
with ``--replicates`` replicates, identical in every contender (same parameters, same seeds:
the benchmark checks that Mesa's batch_run returns the same final outputs).

Usage: ``.venv/bin/python benchmarks/bench_sweep.py [--repeats 3] [--years 10]``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import tqdm

from sim.experiment import load_results, run_sweep
from sim.experiment.seeds import replicate_seeds
from sim.metrics import OUTPUTS
from sim.model import CooperationModel
from sim.params import load_scenario
from sim.run import simulate

TAX_CREDIT = [0.0, 0.25, 0.5]
INTERN_SUBSIDY = [0.0, 4.0]
MASTER_SEED = 4242
MEMORY_SIZES = (1_000, 10_000)


def experiment(years: int, replicates: int) -> dict:
    return {"name": "bench", "scenario": "status_quo", "design": "grid",
            "replicates": replicates, "years": years, "seed": MASTER_SEED,
            "factors": {"tax_credit": {"values": TAX_CREDIT},
                        "intern_subsidy": {"values": INTERN_SUBSIDY}}}


class BatchRunModel(CooperationModel):
    """The cooperation model as Mesa's batch_run wants it: keyword parameters and a
    DataCollector (reporters read the model's own per-step records)."""

    def __init__(self, tax_credit: float = 0.05, intern_subsidy: float = 1.0, years: int = 10,
                 seed: int | None = None):
        scn = load_scenario("status_quo").with_overrides(
            {"tax_credit": tax_credit, "intern_subsidy": intern_subsidy, "run.years": years})
        super().__init__(scn, seed=seed)
        self.datacollector = mesa.DataCollector(
            model_reporters={n: (lambda m, n=n: m.records[-1][n]) for n in OUTPUTS})

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bare_loop(years: int, replicates: int) -> list:
    base = load_scenario("status_quo")
    seeds = replicate_seeds(MASTER_SEED, replicates)
    rows = []
    for tc in TAX_CREDIT:
        for sub in INTERN_SUBSIDY:
            scn = base.with_overrides({"tax_credit": tc, "intern_subsidy": sub})
            for seed in seeds:
                rows.append(simulate(scn, seed=seed, years=years).iloc[-1])
    return rows


def engine(years: int, replicates: int, workers: int, tmp: Path, compute: list) -> Path:
    out = tmp / f"engine-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    summary = run_sweep(experiment(years, replicates), out, workers=workers, quiet=True)
    compute.append(summary.compute_seconds)
    return out


def mesa_batch(years: int, replicates: int, processes: int) -> list:
    tqdm.tqdm.monitor_interval = 0  # no tqdm monitor thread left behind in this process
    steps = years * load_scenario("status_quo").run.steps_per_year
    return mesa.batch_run(BatchRunModel, parameters={"tax_credit": TAX_CREDIT,
                                                     "intern_subsidy": INTERN_SUBSIDY,
                                                     "years": years},
                          number_processes=processes, max_steps=steps,
                          data_collection_period=-1, display_progress=False,
                          rng=replicate_seeds(MASTER_SEED, replicates))


SLEEP_SECONDS = 0.1
SLEEP_RUNS = 40


def sleepy(ctx, scenario, values, seed):
    """A run that waits instead of computing: measures the engine's own scaling with workers,
    whatever else is using the cores (the workers fork from this script, so they find it)."""
    from sim.experiment.models import run_ishigami

    time.sleep(SLEEP_SECONDS)
    return run_ishigami(ctx, scenario, values, seed)


def sleepy_sweep(workers: int, tmp: Path) -> float:
    out = tmp / f"sleepy-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    exp = {"name": "sleepy", "model": "ishigami", "design": "lhs",
           "lhs": {"samples": SLEEP_RUNS}, "factors": {"x1": {}}}
    return timed(lambda: run_sweep(exp, out, workers=workers, quiet=True,
                                   runner="__main__:sleepy"))


BUSY_LOOP = 6_000_000


def busy(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def parallel_capacity() -> float:
    """Speed-up of 2 processes over 1 on a pure busy loop: what the machine offers right now
    (below 2 when other jobs share the cores; read the sweep's speed-up against it)."""
    import multiprocessing as mp

    t1 = timed(lambda: [busy(BUSY_LOOP) for _ in range(2)])
    with mp.get_context("fork").Pool(2) as pool:
        t2 = timed(lambda: pool.map(busy, [BUSY_LOOP, BUSY_LOOP]))
    return t1 / t2


MEMORY_SCRIPT = """
import resource, sys
from sim.experiment import run_sweep
n, workers, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
exp = {"name": "mem", "model": "ishigami", "design": "lhs", "lhs": {"samples": n},
       "factors": {"x1": {}, "x2": {}, "x3": {}}}
run_sweep(exp, out, workers=workers, quiet=True)
try:  # VmHWM: this process image's peak (ru_maxrss would carry the forking parent's over exec)
    with open("/proc/self/status") as fh:
        print(next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory_mb(n: int, workers: int, tmp: Path) -> float:
    out = tmp / f"mem-{n}-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    res = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(n), str(workers), str(out)],
                         capture_output=True, text=True, check=True)
    return int(res.stdout.strip().splitlines()[-1]) / 1024.0  # KiB -> MiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--replicates", type=int, default=8)
    args = ap.parse_args()
    n_runs = len(TAX_CREDIT) * len(INTERN_SUBSIDY) * args.replicates
    print(f"{n_runs} runs of the status-quo region, {args.years} years; "
          f"median of {args.repeats} repeats")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        times: dict[str, list[float]] = {k: [] for k in
                                         ("bare", "serial", "workers2", "mesa1", "mesa2")}
        capacity, inside = [], []
        for _ in range(args.repeats):
            capacity.append(parallel_capacity())
            times["bare"].append(timed(lambda: bare_loop(args.years, args.replicates)))
            compute: list[float] = []
            times["serial"].append(timed(lambda c=compute: engine(args.years, args.replicates, 1,
                                                                  tmp, c)))
            inside.append((times["serial"][-1] - compute[-1]) / compute[-1])
            times["workers2"].append(timed(lambda c=compute: engine(args.years, args.replicates,
                                                                    2, tmp, c)))
            times["mesa1"].append(timed(lambda: mesa_batch(args.years, args.replicates, 1)))
            times["mesa2"].append(timed(lambda: mesa_batch(args.years, args.replicates, 2)))
        med = {k: statistics.median(v) for k, v in times.items()}
        best = {k: min(v) for k, v in times.items()}  # least disturbed by other jobs

        # same runs, same numbers?
        ours = load_results(tmp / "engine-2", final_only=True)
        theirs = mesa_batch(args.years, args.replicates, 1)
        key = {(r["tax_credit"], r["intern_subsidy"], r["seed"]): r["mean_rung"] for r in theirs}
        same = all(math.isclose(key[(row.tax_credit, row.intern_subsidy, row.seed)],
                                row.mean_rung, rel_tol=0, abs_tol=0)
                   for row in ours.itertuples())

        mem = {(n, w): peak_memory_mb(n, w, tmp) for n in MEMORY_SIZES for w in (1, 2)}
        sleep1 = statistics.median(sleepy_sweep(1, tmp) for _ in range(args.repeats))
        sleep2 = statistics.median(sleepy_sweep(2, tmp) for _ in range(args.repeats))

    print(f"{'contender':34s} {'median s':>9s} {'runs/s':>8s} {'best s':>8s}")
    labels = {"bare": "bare loop over simulate()", "serial": "ieisim sweep --workers 1",
              "workers2": "ieisim sweep --workers 2", "mesa1": "mesa.batch_run, 1 process",
              "mesa2": "mesa.batch_run, 2 processes"}
    for k, label in labels.items():
        print(f"{label:34s} {med[k]:9.2f} {n_runs / med[k]:8.2f} {best[k]:8.2f}")
    cap = statistics.median(capacity)
    print(f"throughput, 2 workers / 1:            {med['serial'] / med['workers2']:.2f}x median, "
          f"{best['serial'] / best['workers2']:.2f}x best-of (target >= 1.7; a busy loop "
          f"gets {cap:.2f}x on this machine right now)")
    print(f"engine scaling, {SLEEP_RUNS} runs that sleep {SLEEP_SECONDS} s: 2 workers / 1 = "
          f"{sleep1 / sleep2:.2f}x ({sleep1:.2f} s vs {sleep2:.2f} s; ideal 2)")
    overhead = (med["serial"] - med["bare"]) / med["bare"]
    print(f"engine overhead vs bare loop:          {overhead * 100:+.1f}% (target <= 10%)")
    print(f"engine overhead, serial sweep's wall time outside runs / time inside runs: "
          f"{statistics.median(inside) * 100:+.1f}% (load-independent measure)")
    print(f"ieisim vs mesa.batch_run, 2 processes: {med['mesa2'] / med['workers2']:.2f}x faster "
          f"(median), {best['mesa2'] / best['workers2']:.2f}x (best-of)")
    print(f"ieisim vs mesa.batch_run, 1 process:   {med['mesa1'] / med['serial']:.2f}x faster "
          f"(median), {best['mesa1'] / best['serial']:.2f}x (best-of)")
    print(f"same final outputs as batch_run:       {same}")
    for w in (1, 2):
        a, b = mem[(MEMORY_SIZES[0], w)], mem[(MEMORY_SIZES[1], w)]
        print(f"parent peak memory, workers={w}: {a:.0f} MB at {MEMORY_SIZES[0]:,} runs, "
              f"{b:.0f} MB at {MEMORY_SIZES[1]:,} runs: {b - a:+.1f} MB (target <= 50)")
    print(json.dumps({"median_seconds": med, "best_seconds": best, "runs": n_runs,
                      "capacity": cap,
                      "sleepy_seconds": [sleep1, sleep2],
                      "memory_mb": {f"{n}-{w}": v for (n, w), v in mem.items()}}))


if __name__ == "__main__":
    main()
