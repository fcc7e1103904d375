"""Speed and memory of single runs at the shipped scale factors.

Reports CPU seconds and the median seconds of each phase of a step (``sim.model.PHASES``).
Targets (2-core machine, one process): status quo 10 years <= 0.08 s of CPU (issue 14; as a
sweep runs it, reporters at the final step only: ``status_quo_final``) and <= 300 MB peak;
Guangdong <= 30 s; national <= 3 minutes and <= 12 GB. Also reports seconds per million
agent-steps so that no target is met by coarsening the population.

    python benchmarks/bench_model.py [--repeats 7] [--national] [--status-quo-only]
"""

from __future__ import annotations

import argparse
import json
import os
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
final_only = sys.argv[3] == "final"
last = scn.run.years * scn.run.steps_per_year
times, cpu, phases = [], [], []
for i in range(int(sys.argv[2])):
    t0, c0 = time.perf_counter(), time.process_time()
    # as a sweep keeping the final step runs it: reporters at that step only
    m = CooperationModel(scn, seed=scn.run.seed + i,
                         record_steps=(lambda step: step == last) if final_only else None)
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


def measure(scenario: str, repeats: int, final_only: bool = False) -> dict:
    """Run ``scenario`` ``repeats`` times in a fresh process (imports done first)."""
    out = subprocess.run([sys.executable, "-c", "import sim.run; " + CHILD, scenario,
                          str(repeats), "final" if final_only else "all"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(name: str, r: dict, target_s: float, target_mb: float,
           target_cpu: float | None = None) -> dict:
    """Print one line and return the summary."""
    med = statistics.median(r["times"])
    cpu = statistics.median(r["cpu"])
    per_m = med / (r["agents"] * r["steps"] / 1e6)
    cpu_target = "" if target_cpu is None else f", {target_cpu} s CPU"
    print(f"{name:16s} median {med:8.3f} s ({cpu:.3f} s CPU) over {len(r['times'])} run(s) "
          f"(target {target_s} s{cpu_target}), peak {r['peak_mb']:7.0f} MB "
          f"(target {target_mb} MB), "
          f"{r['agents']:,} agents x {r['steps']} steps, {per_m:.3f} s per million "
          f"agent-steps, scales {r['scales']}")
    phases = {k: statistics.median(run[k] for run in r["phases"]) for k in r["phases"][0]}
    print("    median seconds per phase: " + ", ".join(f"{k} {v:.4f}" for k, v in phases.items()))
    return {"scenario": name, "median_s": med, "median_cpu_s": cpu, "phase_median_s": phases,
            "peak_mb": r["peak_mb"], "agents": r["agents"],
            "steps": r["steps"], "s_per_million_agent_steps": per_m, "scales": r["scales"],
            "ok": (med <= target_s and r["peak_mb"] <= target_mb
                   and (target_cpu is None or cpu <= target_cpu))}


def main() -> int:
    """Run the benchmarks and print a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--national", action="store_true", help="also the national scenario "
                    "(about 5 minutes)")
    ap.add_argument("--status-quo-only", action="store_true", help="skip Guangdong")
    args = ap.parse_args()
    started = time.perf_counter()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = [report("status_quo", measure("status_quo", args.repeats), 0.5, 300),
            report("status_quo_final", measure("status_quo", args.repeats, final_only=True),
                   0.5, 300, target_cpu=0.08)]
    if not args.status_quo_only:
        rows.append(report("guangdong", measure("guangdong", 1), 30, 12_000))
    if args.national:
        rows.append(report("national", measure("national", 1), 180, 12_000))
    print(json.dumps(rows, indent=1))
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s; load average after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
