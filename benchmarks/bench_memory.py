"""Peak memory of one run against world size: checks and refits ``sim/memory.py``.

Runs one-year status-quo simulations of several world sizes, each in a fresh process (peak =
VmHWM of that process), fits peak = base + bytes per student, teacher, enterprise and college
by least squares, and prints the fit beside the coefficients declared in ``sim.memory``, with
the ratio estimate / measured for each world. Paste the fitted numbers into ``sim/memory.py``
when the model's state changes (e.g. a new model version).

    python benchmarks/bench_memory.py [--quick]

``--quick`` measures six small worlds only: a check of the declared estimate (the ratios), too
few worlds for a reliable fit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHILD = """
import json, sys
from pathlib import Path
from sim.params import load_scenario
from sim.run import simulate
simulate(load_scenario("status_quo").with_overrides(json.loads(sys.argv[1])), years=1)
hwm = [l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM")]
print(int(hwm[0].split()[1]) * 1024)
"""
WORLDS = [{}, {"students_per_college": 5400}, {"n_enterprises": 3000}, {"n_colleges": 100},
          {"teachers_per_college": 400}, {"students_per_college": 27000},
          {"n_enterprises": 100000}, {"teachers_per_college": 5000},
          {"n_colleges": 300, "n_enterprises": 30000, "students_per_college": 2000}]
QUICK = WORLDS[:6]


def main() -> None:
    """Measure, fit and print."""
    from sim import memory
    from sim.params import load_scenario

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="six small worlds only")
    args = ap.parse_args()
    rows, peaks = [], []
    for world in QUICK if args.quick else WORLDS:
        out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(world)], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout
        values = dict(load_scenario("status_quo").with_overrides(world).values)
        n = memory.world_counts(values)
        rows.append([1, n["students"], n["teachers"], n["enterprises"], n["colleges"]])
        peaks.append(int(out.split()[-1]))
        est = memory.estimate_run_bytes(values)
        print(f"{json.dumps(world):70s} measured {peaks[-1] / 1e6:7.1f} MB  estimate "
              f"{est / 1e6:7.1f} MB  ratio {est / peaks[-1]:.3f}", flush=True)
    coef, *_ = np.linalg.lstsq(np.array(rows, float), np.array(peaks, float), rcond=None)
    names = ("BASE_BYTES", "BYTES_PER_STUDENT", "BYTES_PER_TEACHER", "BYTES_PER_ENTERPRISE",
             "BYTES_PER_COLLEGE")
    for name, value in zip(names, coef, strict=True):
        print(f"{name:22s} fitted {value:14,.0f}   declared {getattr(memory, name):14,}")


if __name__ == "__main__":
    main()
