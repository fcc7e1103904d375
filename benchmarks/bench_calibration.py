"""Speed of ``ieisim calibrate``: particles per second and wall time per generation.

Two measurements (one process unless ``--workers``): the sampler's own overhead on the
normal-mean test model (model time ~0, so this is pyabc plus ieisim's sampler), and a short
calibration of the cooperation model to the shipped status-quo targets (``--population``,
``--generations``; the issue's goal for the full default calibration is <= 30 minutes on a
2-core machine once the model's speed work has landed). Prints one JSON line per case, then
the shipped status-quo calibration's own record (runs, generations, wall time and rate, from
``posteriors/status_quo/calibration.json``) and how long its runs would take at the short
case's measured rate on this machine.

    PYTHONPATH=. python benchmarks/bench_calibration.py [--population 20] [--generations 1]
        [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

NORMAL_MEAN = """name = "bench"
model = "normal_mean"
[[targets]]
name = "mean"
statistic = "sample_mean"
value = 1.0
tolerance = 0.05
source = "synthetic"
"""


def _case(name: str, targets: str, tmp: Path, **kw) -> dict:
    from sim.calibration.run import calibrate

    start = time.perf_counter()
    out = calibrate(targets, out=tmp / name, screening=0, echo=lambda s: None, **kw)
    wall = time.perf_counter() - start
    res = json.loads((out / "calibration.json").read_text())["result"]
    return {"case": name, "runs": res["runs"], "generations": res["generations"],
            "wall_seconds": round(wall, 1), "runs_per_second": round(res["runs"] / wall, 2),
            "stop_reason": res["stop_reason"]}


SHIPPED = Path(__file__).resolve().parent.parent / "posteriors" / "status_quo" / "calibration.json"
"""The shipped posterior's record: the full default calibration as it was run."""


def shipped_record(path: Path = SHIPPED, runs_per_second: float | None = None) -> dict:
    """The shipped calibration's runs, generations and wall time (seconds), as recorded.

    With ``runs_per_second`` (a rate measured here), also the minutes its runs would take at
    that rate (``projected_minutes_here``), against the issue's 30-minute goal.
    """
    rec = json.loads(path.read_text())
    res = rec["result"]
    out = {"case": "shipped_status_quo_record", "runs": res["runs"],
           "generations": res["generations"], "wall_seconds": round(res["wall_seconds"], 1),
           "runs_per_second": round(res["runs"] / res["wall_seconds"], 2),
           "workers": rec.get("workers"), "commit": rec.get("commit"),
           "final_ess": round(res["final_ess"], 1), "stop_reason": res["stop_reason"],
           "resumed": bool(res.get("resumed"))}
    if runs_per_second:
        out["projected_minutes_here"] = round(res["runs"] / runs_per_second / 60.0, 1)
    return out


def main() -> None:
    """Run both cases and print their measurements."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", type=int, default=20)
    ap.add_argument("--generations", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        f = tmp / "nm.toml"
        f.write_text(NORMAL_MEAN)
        print(json.dumps(_case("normal_mean", str(f), tmp, population=200, max_generations=4,
                               workers=1)), flush=True)
        short = _case("status_quo_targets", "status_quo_targets", tmp,
                      population=args.population, max_generations=args.generations,
                      workers=args.workers)
        print(json.dumps(short), flush=True)
        print(json.dumps(shipped_record(runs_per_second=short["runs_per_second"])), flush=True)


if __name__ == "__main__":
    main()
