"""Speed and memory of single runs at the shipped scale factors.

Reports CPU seconds and the median seconds of each phase of a step (``sim.model.PHASES``).
Targets (2-core machine, one process): status quo 10 years <= 0.2 s of CPU (issue 9) and
<= 300 MB peak; Guangdong <= 30 s; national <= 10 minutes and <= 12 GB. Also reports seconds per
million agent-steps so that no target is met by coarsening the population.

    python benchmarks/bench_model.py [--repeats 7] [--national] [--status-quo-only]
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
times, cpu, phases = [], [], []
for i in range(int(sys.argv[2])):
    t0, c0 = time.perf_counter(), time.process_time()
    m = CooperationModel(scn, seed=scn.run.seed + i)
    m.run()
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    phases.append(m.phase_seconds)
w = scn.world
agents = (w.n_colleges + w.n_enterprises + m.teachers.n
          + w.n_colleges * w.students_per_college)
print(json.dumps({"times": times, "cpu": cpu, "phases": phases, "agents": agents,
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
    cpu = statistics.median(r["cpu"])
    per_m = med / (r["agents"] * r["steps"] / 1e6)
    print(f"{name:15s} median {med:8.3f} s ({cpu:.3f} s CPU) over {len(r['times'])} run(s) "
          f"(target {target_s} s), peak {r['peak_mb']:7.0f} MB (target {target_mb} MB), "
          f"{r['agents']:,} agents x {r['steps']} steps, {per_m:.3f} s per million "
          f"agent-steps, scales {r['scales']}")
    phases = {k: statistics.median(run[k] for run in r["phases"]) for k in r["phases"][0]}
    print("    median seconds per phase: " + ", ".join(f"{k} {v:.4f}" for k, v in phases.items()))
    return {"scenario": name, "median_s": med, "median_cpu_s": cpu, "phase_median_s": phases,
            "peak_mb": r["peak_mb"], "agents": r["agents"],
            "steps": r["steps"], "s_per_million_agent_steps": per_m, "scales": r["scales"],
            "ok": med <= target_s and r["peak_mb"] <= target_mb}


def main() -> int:
    """Run the benchmarks and print a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--national", action="store_true", help="also the national scenario "
                    "(about 5 minutes)")
    ap.add_argument("--status-quo-only", action="store_true", help="skip Guangdong")
    args = ap.parse_args()
    started = time.perf_counter()
    rows = [report("status_quo", measure("status_quo", args.repeats), 0.5, 300)]
    if not args.status_quo_only:
        rows.append(report("guangdong", measure("guangdong", 1), 30, 12_000))
    if args.national:
        rows.append(report("national", measure("national", 1), 600, 12_000))
    print(json.dumps(rows, indent=1))
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
