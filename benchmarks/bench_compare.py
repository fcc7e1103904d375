"""One revision's run time against another's, side by side: paired ratios with an interval.

    python benchmarks/bench_compare.py [BASE] [NEW] [--pairs 12] [--seeds 15]
                                       [--scenario status_quo] [--years 10]

``BASE`` and ``NEW`` are git revisions of this repository; ``BASE`` defaults to ``HEAD`` and
``NEW`` to the working tree as it is (uncommitted changes included), so that ``make bench``
shows what the changes not yet committed do. A revision other than the working tree is
checked out in a temporary git worktree, removed afterwards. Each pair runs one process per
revision, in alternating order, with this interpreter and its libraries: a warm-up run, then
seeds 1..``--seeds`` of the scenario as a sweep runs them (reporters at the final step only,
``sim.run.final_record``); a process's time is its median CPU seconds per run. Prints each
revision's median, the paired ratio NEW / BASE with a distribution-free interval
(``paired.median_interval``; an interval holding 1 is no difference beyond the noise) and
whether both revisions gave exactly the same final outputs for every seed, as a
byte-identical refactoring must. Exit code 0, or 2 for a revision git does not know.

Why paired: on this shared machine the same run took 0.095 s of CPU one hour and 0.116 s
two hours later; processes of the two revisions taken in turn drift together.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from paired import median_interval  # noqa: E402 - after the path is set

WORKING_TREE = "working tree"
CHILD = """
import hashlib, json, sys, time
from sim.run import final_record
scenario, years, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
final_record(scenario, seed=0, years=years)  # warm-up: caches, first-call costs
cpu, outputs = [], []
for seed in range(1, seeds + 1):
    c = time.process_time()
    record = final_record(scenario, seed=seed, years=years)
    cpu.append(time.process_time() - c)
    text = json.dumps({k: repr(v) for k, v in record.items()}, sort_keys=True)
    outputs.append(hashlib.sha256(text.encode()).hexdigest())
print(json.dumps({"cpu": cpu, "outputs": outputs}))
"""


class UsageError(Exception):
    """Bad input: printed as one line, exit code 2."""


def resolve(revision: str) -> str:
    """The commit a revision names (``UsageError`` if git does not know it)."""
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet",
                          f"{revision}^{{commit}}"], capture_output=True, text=True)
    if out.returncode != 0:
        raise UsageError(f"revision {revision!r}: not a commit of {ROOT}")
    return out.stdout.strip()


def measure(tree: Path, scenario: str, years: int, seeds: int) -> dict:
    """One process of the revision checked out at ``tree``: CPU per run and output hashes."""
    env = {**os.environ, "PYTHONPATH": str(tree)}  # that tree's sim, not the installed one
    out = subprocess.run([sys.executable, "-c", CHILD, scenario, str(years), str(seeds)],
                         cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarize(base: list[dict], new: list[dict]) -> dict:
    """Medians, the paired ratio with its interval, and whether the outputs agree."""
    base_s = [statistics.median(r["cpu"]) for r in base]
    new_s = [statistics.median(r["cpu"]) for r in new]
    ratios = [n / b for b, n in zip(base_s, new_s, strict=True)]
    low, high, coverage = median_interval(ratios)
    return {"base_cpu_s": statistics.median(base_s), "new_cpu_s": statistics.median(new_s),
            "ratio": statistics.median(ratios), "interval": [low, high],
            "coverage": coverage, "pairs": len(ratios),
            "same_outputs": all(r["outputs"] == base[0]["outputs"] for r in base + new)}


def main(argv: list[str] | None = None) -> int:
    """Compare two revisions; print the table line and a JSON record."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", nargs="?", default="HEAD",
                    help="git revision to compare against (default: HEAD)")
    ap.add_argument("new", nargs="?", default=None, help="git revision (default: the "
                    "working tree as it is)")
    ap.add_argument("--pairs", type=int, default=12)
    ap.add_argument("--seeds", type=int, default=15)
    ap.add_argument("--scenario", default="status_quo")
    ap.add_argument("--years", type=int, default=10)
    args = ap.parse_args(argv)
    try:
        for name in ("pairs", "seeds", "years"):
            if getattr(args, name) < 1:
                raise UsageError(f"--{name} {getattr(args, name)}: expected a whole number >= 1")
        revisions = {"base": resolve(args.base),
                     "new": WORKING_TREE if args.new is None else resolve(args.new)}
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ieisim-compare-") as tmp:
        trees, added = {}, []
        try:
            for role, rev in revisions.items():
                if rev == WORKING_TREE:
                    trees[role] = ROOT
                    continue
                path = Path(tmp) / role
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach",
                                "--quiet", str(path), rev], check=True)
                added.append(path)
                trees[role] = path
            runs: dict[str, list[dict]] = {"base": [], "new": []}
            for i in range(args.pairs):
                order = ("base", "new") if i % 2 == 0 else ("new", "base")
                for role in order:
                    runs[role].append(measure(trees[role], args.scenario, args.years,
                                              args.seeds))
        finally:
            for path in added:  # only the worktrees made here
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(path)], check=False)
    res = summarize(runs["base"], runs["new"])
    res.update({"base": revisions["base"], "new": revisions["new"], "scenario": args.scenario,
                "years": args.years, "seeds": args.seeds,
                "loadavg_after": list(os.getloadavg())})
    print(f"{args.scenario}, {args.years} years, seeds 1-{args.seeds}, {args.pairs} pairs: "
          f"base {res['base_cpu_s'] * 1e3:.1f} ms, new {res['new_cpu_s'] * 1e3:.1f} ms of CPU "
          f"a run; new / base {res['ratio']:.3f} [{res['interval'][0]:.3f}, "
          f"{res['interval'][1]:.3f}] ({res['coverage']:.1%}); same outputs: "
          f"{res['same_outputs']}")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
