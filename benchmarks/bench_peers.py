"""The same runs through ``ieisim sweep`` and its Python peers: wall and CPU time, same outputs.

Contenders (each a fresh process per repeat, 2 worker processes, the same runs and seeds):

- ``ieisim``: ``ieisim sweep`` on a TOML experiment (CLI start-up included);
- ``dask``: ``ieisim sweep --scheduler local`` (a Dask LocalCluster of 2 processes);
- ``batch_run``: ``mesa.batch_run`` with the cooperation model;
- ``ema``: EMA Workbench's ``MultiprocessingEvaluator`` with the model as a function;
- ``bare``: a bare ``concurrent.futures.ProcessPoolExecutor`` mapping one run per task.

Every contender runs a run the same way (``sim.run.final_record``: reporters at the final step
only, or the model's own step loop for ``batch_run``), so the difference is each tool's
overhead. Repeats are interleaved (the order rotates) and the medians reported; CPU time is
the contender's process tree (user + system, ``RUSAGE_CHILDREN``). The final outputs of every
run are compared across contenders, exactly.

Each contender's time is also set against the first contender's of the same repeat (they ran
minutes apart, under the same load): the median of these paired ratios with a
distribution-free interval (order statistics of the ratios, ``paired.median_interval``; at
least 95% coverage from 6 repeats, 97.9% with 10, 93.8% with 5). A ratio whose interval
holds 1 is no difference beyond the machine's noise.

    python benchmarks/bench_peers.py [--repeats 5] [--replicates 8] [--years 10]
                                     [--contenders ieisim,dask,batch_run,ema,bare]

Needs the ``bench`` extra (``pip install -e ".[bench]"``: EMA Workbench).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's sim, in the contenders' processes too
sys.path.insert(0, str(ROOT / "benchmarks"))
from paired import median_interval, paired_ratios  # noqa: E402 - after the path is set

TAX_CREDIT = (0.0, 0.25, 0.5)
INTERN_SUBSIDY = (0.0, 4.0)
MASTER_SEED = 4242
WORKERS = 2
CONTENDERS = ("ieisim", "dask", "batch_run", "ema", "bare")
COMPARED = ("mean_rung", "n_ties", "enterprise_participation", "public_cost",
            "graduate_match_rate", "dual_qualified_share")
"""Final outputs compared across contenders (exact equality; NaN equals NaN)."""


def runs(replicates: int) -> list[tuple[float, float, int]]:
    """The runs: (tax_credit, intern_subsidy, seed), as ``ieisim sweep`` seeds its grid."""
    from sim.experiment.seeds import replicate_seeds

    seeds = replicate_seeds(MASTER_SEED, replicates)
    return [(tc, sub, int(s)) for tc in TAX_CREDIT for sub in INTERN_SUBSIDY for s in seeds]


def experiment_toml(years: int, replicates: int) -> str:
    """The grid as an ``ieisim sweep`` experiment."""
    return (f'name = "peers"\nscenario = "status_quo"\ndesign = "grid"\n'
            f"replicates = {replicates}\nyears = {years}\nseed = {MASTER_SEED}\n\n[factors]\n"
            f"tax_credit = {{ values = {list(TAX_CREDIT)} }}\n"
            f"intern_subsidy = {{ values = {list(INTERN_SUBSIDY)} }}\n")


def one_run(tax_credit: float, intern_subsidy: float, seed: int, years: int) -> dict:
    """One run as a bare loop or EMA would call it: the final step's outputs."""
    from sim.params import load_scenario
    from sim.run import final_record

    scn = load_scenario("status_quo").with_overrides(
        {"tax_credit": tax_credit, "intern_subsidy": intern_subsidy})
    last = final_record(scn, seed=seed, years=years)
    return {k: float(last[k]) for k in COMPARED}


def _bare_task(args: tuple) -> tuple:
    return args[:3], one_run(*args)


def _ema_model(tax_credit: float = 0.0, intern_subsidy: float = 0.0, seed: int = 0,
               years: int = 10) -> dict:
    return one_run(tax_credit, intern_subsidy, int(seed), int(years))


def contender(name: str, years: int, replicates: int, out: Path) -> None:
    """Run the contender ``name`` (in this process and its workers); write its outputs."""
    todo = runs(replicates)
    results: dict[str, dict] = {}
    if name == "bare":
        import concurrent.futures as cf

        with cf.ProcessPoolExecutor(WORKERS) as pool:
            for key, res in pool.map(_bare_task, [(*r, years) for r in todo]):
                results[json.dumps(list(key))] = res
    elif name == "batch_run":
        import mesa

        from sim.params import load_scenario

        steps = years * load_scenario("status_quo").run.steps_per_year
        got = mesa.batch_run(BatchRunModel, parameters={"tax_credit": list(TAX_CREDIT),
                                                        "intern_subsidy": list(INTERN_SUBSIDY),
                                                        "years": years},
                             number_processes=WORKERS, max_steps=steps,
                             data_collection_period=-1, display_progress=False,
                             rng=sorted({r[2] for r in todo}, key=[r[2] for r in todo].index))
        for row in got:
            key = [row["tax_credit"], row["intern_subsidy"], int(row["seed"])]
            results[json.dumps(key)] = {k: float(row[k]) for k in COMPARED}
    elif name == "ema":
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        from ema_workbench import (
            Constant,
            IntegerParameter,
            Model,
            MultiprocessingEvaluator,
            RealParameter,
            Sample,
            ScalarOutcome,
        )
        from ema_workbench.util import ema_logging

        ema_logging.log_to_stderr(logging.ERROR)
        model = Model("ieisim", function=_ema_model)
        model.uncertainties = [RealParameter("tax_credit", 0.0, 0.5),
                               RealParameter("intern_subsidy", 0.0, 4.0),
                               IntegerParameter("seed", 0, 2**31 - 1)]
        model.constants = [Constant("years", years)]
        model.outcomes = [ScalarOutcome(k) for k in COMPARED]
        samples = [Sample(tax_credit=tc, intern_subsidy=sub, seed=s) for tc, sub, s in todo]
        with MultiprocessingEvaluator(model, n_processes=WORKERS) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(scenarios=samples)
        for i, row in enumerate(experiments.itertuples()):
            key = [float(row.tax_credit), float(row.intern_subsidy), int(row.seed)]
            results[json.dumps(key)] = {k: float(outcomes[k][i]) for k in COMPARED}
    else:
        raise SystemExit(f"error: unknown contender {name!r}")
    out.write_text(json.dumps(results))


def _batch_run_model():
    import mesa

    from sim.metrics import OUTPUTS
    from sim.model import CooperationModel
    from sim.params import load_scenario

    class _BatchRunModel(CooperationModel):
        """The model as ``mesa.batch_run`` wants it: keyword parameters, a DataCollector
        filled at the last step (as ``ieisim sweep`` keeps only the final step)."""

        def __init__(self, tax_credit: float = 0.0, intern_subsidy: float = 0.0,
                     years: int = 10, seed: int | None = None):
            scn = load_scenario("status_quo").with_overrides(
                {"tax_credit": tax_credit, "intern_subsidy": intern_subsidy,
                 "run.years": years})
            last = years * scn.run.steps_per_year
            super().__init__(scn, seed=seed, record_steps=lambda step: step == last)
            self.last_step = last
            self.datacollector = mesa.DataCollector(
                model_reporters={n: (lambda m, n=n: m.records[-1][n]) for n in OUTPUTS})

        def step(self) -> None:
            super().step()
            if self.steps_done == self.last_step:
                self.datacollector.collect(self)

    return _BatchRunModel


def _is_contender(name: str) -> bool:
    argv = sys.argv
    return "--contender" in argv and argv[argv.index("--contender") + 1:][:1] == [name]


# A module global so that batch_run's worker processes find it by name (also when they
# re-import this script); imported only in the batch_run contender's process.
BatchRunModel = _batch_run_model() if _is_contender("batch_run") else None
if BatchRunModel is not None:
    BatchRunModel.__qualname__ = BatchRunModel.__name__ = "BatchRunModel"


def sweep_outputs(folder: Path) -> dict[str, dict]:
    """Final outputs of an ``ieisim sweep`` results folder, keyed like the others."""
    from sim.experiment import load_results

    df = load_results(folder, final_only=True)
    return {json.dumps([float(r.tax_credit), float(r.intern_subsidy), int(r.seed)]):
            {k: float(getattr(r, k)) for k in COMPARED} for r in df.itertuples()}


def same(a: dict, b: dict) -> bool:
    """Exactly the same final outputs for exactly the same runs."""
    if set(a) != set(b):
        return False
    for key, va in a.items():
        for k in COMPARED:
            x, y = va[k], b[key][k]
            if not (x == y or (math.isnan(x) and math.isnan(y))):
                return False
    return True


PR_SET_CHILD_SUBREAPER = 36
"""Linux ``prctl`` option: orphaned descendants are re-parented to this process."""


def become_subreaper() -> bool:
    """Adopt the contenders' orphaned descendants, so that their CPU time is counted.

    A Dask LocalCluster's workers are forked by a fork server that outlives the sweep's own
    process by a moment; without this their CPU time would be nobody's ``RUSAGE_CHILDREN``.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: CPU of orphans is not counted
        return False


def reap_orphans() -> None:
    """Wait for every adopted descendant to exit (they exit once their parent has)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def timed_contender(name: str, years: int, replicates: int, tmp: Path, rep: int) -> dict:
    """Run one contender in a fresh process: wall and CPU seconds (its process tree)."""
    out = tmp / f"{name}-{rep}.json"
    if name in ("ieisim", "dask"):  # the CLI itself, as a user types it
        toml = out.with_suffix(".toml")
        toml.write_text(experiment_toml(years, replicates))
        cmd = [sys.executable, "-m", "sim", "sweep", str(toml), "--out",
               str(out.with_suffix(".sweep")), "--workers", str(WORKERS), "--quiet"]
        cmd += ["--scheduler", "local"] if name == "dask" else []
    else:
        cmd = [sys.executable, __file__, "--contender", name, "--years", str(years),
               "--replicates", str(replicates), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   env={**os.environ, "TQDM_DISABLE": "1"})  # no progress bars
    wall = time.perf_counter() - t0
    reap_orphans()  # e.g. Dask's fork server and its workers, left when the sweep exited
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    outputs = (sweep_outputs(out.with_suffix(".sweep")) if name in ("ieisim", "dask")
               else json.loads(out.read_text()))
    return {"wall": wall, "cpu": cpu, "outputs": outputs}


def main() -> int:
    """Run the contenders interleaved and print the medians and ratios to ``ieisim sweep``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--replicates", type=int, default=8)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--contenders", default=",".join(CONTENDERS))
    ap.add_argument("--contender", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.contender:
        contender(args.contender, args.years, args.replicates, Path(args.out))
        return 0
    become_subreaper()
    names = [c for c in args.contenders.split(",") if c]
    unknown = sorted(set(names) - set(CONTENDERS))
    if unknown:
        print(f"error: unknown contender {unknown[0]!r}", file=sys.stderr)
        return 2
    n = len(runs(args.replicates))
    print(f"{n} status-quo runs of {args.years} years, {WORKERS} workers, {args.repeats} "
          f"interleaved repeats; load average before: {os.getloadavg()[0]:.2f}", flush=True)
    res: dict[str, list[dict]] = {c: [] for c in names}
    with tempfile.TemporaryDirectory() as d:
        for rep in range(args.repeats):
            order = names[rep % len(names):] + names[:rep % len(names)]
            for c in order:
                res[c].append(timed_contender(c, args.years, args.replicates, Path(d), rep))
                print(f"  repeat {rep + 1} {c:10s} wall {res[c][-1]['wall']:6.2f} s, "
                      f"CPU {res[c][-1]['cpu']:6.2f} s", flush=True)
    load = os.getloadavg()
    ref = names[0]
    identical = all(same(r["outputs"], res[ref][0]["outputs"]) for c in names for r in res[c])
    wall = {c: statistics.median(r["wall"] for r in res[c]) for c in names}
    cpu = {c: statistics.median(r["cpu"] for r in res[c]) for c in names}
    print(f"\n{'contender':10s} {'wall s':>8s} {'CPU s':>8s} {'wall / ' + ref:>14s} "
          f"{'CPU / ' + ref:>13s}")
    for c in names:
        print(f"{c:10s} {wall[c]:8.2f} {cpu[c]:8.2f} {wall[c] / wall[ref]:14.2f} "
              f"{cpu[c] / cpu[ref]:13.2f}")
    paired = {k: paired_ratios(res, ref, k) for k in ("wall", "cpu")}
    intervals = {k: {c: (statistics.median(v), *median_interval(v)) for c, v in p.items()
                     if c != ref}
                 for k, p in paired.items()}
    print(f"\npaired by repeat, median ratio to {ref} [interval, its coverage]:")
    for c in names[1:]:
        w, cp = intervals["wall"][c], intervals["cpu"][c]
        print(f"{c:10s} wall {w[0]:.3f} [{w[1]:.3f}, {w[2]:.3f}], CPU {cp[0]:.3f} "
              f"[{cp[1]:.3f}, {cp[2]:.3f}] ({w[3]:.1%})")
    print(f"outputs identical across all contenders and repeats: {identical}")
    print(f"load average after (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(json.dumps({"runs": n, "wall_median_s": wall, "cpu_median_s": cpu,
                      "paired_ratio": intervals, "identical": identical,
                      "loadavg_after": load}))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
