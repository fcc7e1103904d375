"""Do the results depend on the model's numerical choices? (issue 9, TRACE section 5).

For each numerical choice (time step, student and teacher super-individual factors, the
enterprise scale and the oversampling of rare firm size classes) the status quo is run at the
default and at alternative values on the same seeds; for every year-end output the script
prints the mean difference (alternative minus default) with its 95% t interval across seeds,
and flags an output whose interval lies wholly outside the invariance band of the time-step
test (+-10% of the default's mean or +-0.02, whichever is wider).

The choices and the pairs of values compared:

* ``steps``: ``run.steps_per_year`` 12 against 2 (the model's own time-step test);
* ``students``: ``world.students_per_college`` x ``world.student_scale`` held at 10,800 real
  students: 270 x 40 and 1,080 x 10 against 540 x 20;
* ``teachers``: ``world.teachers_per_college`` x ``world.teacher_scale`` held at 400 real
  teachers: 20 x 20 and 80 x 5 against 40 x 10;
* ``enterprises``: ``world.n_enterprises`` x ``world.enterprise_scale`` held at the default
  region's 121,500 real firms: 600 x 202.5 and 150 x 810 against 300 x 405 (the firm
  super-individual factor);
* ``tilt``: ``world.firm_sample_tilt`` 0.5 and 0.9 against 0.7 (a sampling choice: each
  class's members per agent change with it).

(``world.enterprise_scale`` alone is not a numerical choice: at a given number of agents it
sets how many real firms the region holds.)

Usage::

    PYTHONPATH=. python calibration/numerics.py [--seeds 8] [--years 10] [--choices tilt,...]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from sim.analysis.intervals import mean_interval
from sim.metrics import OUTPUTS
from sim.params import load_scenario
from sim.run import simulate

CHOICES: dict[str, list[dict[str, float]]] = {
    "steps": [{"run.steps_per_year": 12}],
    "students": [{"world.students_per_college": 270, "world.student_scale": 40.0},
                 {"world.students_per_college": 1080, "world.student_scale": 10.0}],
    "teachers": [{"world.teachers_per_college": 20, "world.teacher_scale": 20.0},
                 {"world.teachers_per_college": 80, "world.teacher_scale": 5.0}],
    "enterprises": [{"world.n_enterprises": 600, "world.enterprise_scale": 202.5},
                    {"world.n_enterprises": 150, "world.enterprise_scale": 810.0}],
    "tilt": [{"world.firm_sample_tilt": 0.5}, {"world.firm_sample_tilt": 0.9}],
}
"""Numerical choice -> the alternative settings compared with the default."""

BASE: dict[str, dict[str, float]] = {
    "steps": {"run.steps_per_year": 2},
    "enterprises": {"world.n_enterprises": 300, "world.enterprise_scale": 405.0},
}
"""Reference settings where the default is not the reference (steps: 2 a year)."""

TOTALS = ("public_cost", "cumulative_public_cost")
"""Outputs that are totals over real firms: compared per real firm of the region."""


def finals(overrides: dict[str, float], seeds: range, years: int) -> pd.DataFrame:
    """Year-end outputs of the status quo with ``overrides``, one row per seed."""
    scn = load_scenario("status_quo").with_overrides({**overrides, "run.years": years})
    return pd.DataFrame([simulate(scn, seed=s).iloc[-1][list(OUTPUTS)] for s in seeds])


def real_firms(overrides: dict[str, float]) -> float:
    """Real enterprises of the status-quo region with ``overrides`` (agents x scale factor)."""
    world = load_scenario("status_quo").with_overrides(overrides).world
    return world.n_enterprises * world.enterprise_scale


def compare(ref: pd.DataFrame, alt: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """Mean paired difference ``alt / scale - ref`` per output, 95% t interval, and a flag."""
    rows = []
    for col in OUTPUTS:
        a = alt[col].to_numpy(float) / (scale if col in TOTALS else 1.0)
        base = float(np.nanmean(ref[col]))
        mean, lo, hi, n = mean_interval(a - ref[col].to_numpy(float))
        if n < 2:
            rows.append((col, base, np.nan, np.nan, np.nan, ""))
            continue
        band = max(0.10 * abs(base), 0.02)
        flag = "OUTSIDE" if (lo > band or hi < -band) else ""
        rows.append((col, base, mean, lo, hi, flag))
    return pd.DataFrame(rows, columns=["output", "default", "diff", "lo", "hi", "flag"])


def markdown(table: pd.DataFrame) -> str:
    """A Markdown table of :func:`compare`'s result (three decimals)."""
    lines = ["| output | default | alternative - default | 95% interval | |",
             "|---|---:|---:|---|---|"]
    for r in table.itertuples(index=False):
        lines.append(f"| {r.output} | {r.default:.3f} | {r.diff:+.3f} | "
                     f"[{r.lo:+.3f}, {r.hi:+.3f}] | {r.flag} |")
    return "\n".join(lines)


def main() -> None:
    """Print one table per numerical choice and alternative."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--choices", default=",".join(CHOICES))
    args = ap.parse_args()
    seeds = range(args.seeds)
    for choice in args.choices.split(","):
        ref = finals(BASE.get(choice, {}), seeds, args.years)
        for alt_over in CHOICES[choice]:
            alt = finals(alt_over, seeds, args.years)
            scale = real_firms(alt_over) / real_firms(BASE.get(choice, {}))
            table = compare(ref, alt, scale)
            label = ", ".join(f"{k.split('.')[-1]}={v:g}" for k, v in alt_over.items())
            print(f"\n### {choice}: {label} against the reference ({args.seeds} seeds, "
                  f"year {args.years}); outside the band: {int((table.flag != '').sum())}")
            print(markdown(table))


if __name__ == "__main__":
    main()
