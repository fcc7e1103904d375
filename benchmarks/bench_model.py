"""Speed and memory of single runs at the shipped scale factors.

Targets (2-core machine, one process): status quo 10 years <= 0.5 s median and <= 300 MB
peak; Guangdong <= 30 s; national <= 10 minutes and <= 12 GB. Also reports seconds per
million agent-steps so that no target is met by coarsening the population.

    python benchmarks/bench_model.py [--repeats 7] [--national]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
from sim.model import CooperationModel
from sim.params import load_scenario
scn = load_scenario(sys.argv[1])
times = []
for i in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    m = CooperationModel(scn, seed=scn.run.seed + i)
    m.run()
    times.append(time.perf_counter() - t0)
w = scn.world
agents = (w.n_colleges + w.n_enterprises + m.teachers.n
          + w.n_colleges * w.students_per_college)
print(json.dumps({"times": times, "agents": agents,
                  "steps": scn.run.years * scn.run.steps_per_year,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "scales": {"student_scale": w.student_scale, "teacher_scale": w.teacher_scale,
                             "enterprise_scale": w.enterprise_scale}}))
"""


def measure(scenario: str, repeats: int) -> dict:
    """Run ``scenario`` ``repeats`` times in a fresh process (after one warm-up run)."""
    out = subprocess.run([sys.executable, "-c", "import sim.run; " + CHILD, scenario,
                          str(repeats)], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(name: str, r: dict, target_s: float, target_mb: float) -> dict:
    """Print one line and return the summary."""
    med = statistics.median(r["times"])
    per_m = med / (r["agents"] * r["steps"] / 1e6)
    print(f"{name:15s} median {med:8.3f} s over {len(r['times'])} run(s) (target {target_s} s), "
          f"peak {r['peak_mb']:7.0f} MB (target {target_mb} MB), {r['agents']:,} agents x "
          f"{r['steps']} steps, {per_m:.3f} s per million agent-steps, scales {r['scales']}")
    return {"scenario": name, "median_s": med, "peak_mb": r["peak_mb"], "agents": r["agents"],
            "steps": r["steps"], "s_per_million_agent_steps": per_m, "scales": r["scales"],
            "ok": med <= target_s and r["peak_mb"] <= target_mb}


def main() -> int:
    """Run the benchmarks and print a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--national", action="store_true", help="also the national scenario "
                    "(about 5 minutes)")
    args = ap.parse_args()
    started = time.perf_counter()
    rows = [report("status_quo", measure("status_quo", args.repeats), 0.5, 300),
            report("guangdong", measure("guangdong", 1), 30, 12_000)]
    if args.national:
        rows.append(report("national", measure("national", 1), 600, 12_000))
    print(json.dumps(rows, indent=1))
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
