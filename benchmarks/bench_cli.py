"""Start-up time of the light ``ieisim`` commands.

Target: ``ieisim --help``, ``--version``, ``scenarios`` and ``params`` finish in <= 0.5 s
(median wall time of a fresh process, on an otherwise idle machine). Also reports a bare
``python -c pass`` (what no command can beat) and the import time of ``sim.cli`` from
``python -X importtime``. Which modules a light command may import is a test
(``tests/test_cli.py``); the seconds are measured here, since a loaded machine slows them.

    python benchmarks/bench_cli.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5
"""Median wall time allowed for a light command, seconds."""
COMMANDS = (["--help"], ["--version"], ["scenarios"], ["params"], ["params", "--kind", "lever"])
"""The light commands: they read declarations only, never run the model."""


def times(args: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``repeats`` fresh processes ``python args``.

    One warm-up run first (file cache, bytecode). CPU time is what the command costs; wall
    time adds the waiting a loaded machine imposes.
    """
    wall, cpu = [], []
    for i in range(repeats + 1):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)
        t1 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i:
            wall.append(t1 - t0)
            cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return wall, cpu


def import_seconds(module: str) -> float:
    """Cumulative import time of ``module`` reported by ``python -X importtime``, seconds."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    for line in reversed(proc.stderr.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    raise RuntimeError(f"no import time reported for {module}")


def main() -> int:
    """Measure, print one line per command and a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=9)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores (wall times need an idle machine)")
    bare_wall, bare_cpu = (statistics.median(t) for t in times(["-c", "pass"], args.repeats))
    print(f"{'python -c pass':28s} median wall {bare_wall:6.3f} s, cpu {bare_cpu:6.3f} s "
          "(interpreter start-up)")
    rows = []
    for command in COMMANDS:
        wall, cpu = (statistics.median(t) for t in times(["-m", "sim", *command], args.repeats))
        line = "ieisim " + " ".join(command)
        print(f"{line:28s} median wall {wall:6.3f} s, cpu {cpu:6.3f} s over {args.repeats} "
              f"runs (target {TARGET_S} s)")
        rows.append({"command": line, "median_wall_s": wall, "median_cpu_s": cpu,
                     "ok": wall <= TARGET_S})
    imports = min(import_seconds("sim.cli") for _ in range(3))
    print(f"{'import sim.cli':28s} {imports:6.3f} s (python -X importtime, best of 3)")
    print(json.dumps({"load_average": load, "python_start_wall_s": bare_wall,
                      "python_start_cpu_s": bare_cpu, "import_sim_cli_s": imports,
                      "commands": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
