"""The README's validation table: status quo vs the reform package, with intervals.

Each cell is the mean over seeds 1-10 at year 10 and its 95% t interval across seeds; the last
column is the paired difference (reform minus status quo, same seeds) with its interval, so a
reader sees which differences exceed replicate noise.

Usage::

    PYTHONPATH=. python calibration/validation_table.py [--seeds 10]

Prints a Markdown table (paste into README.md, section "Validation in one table").
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

from sim.run import simulate

ROWS = (
    ("share of ties at internship", "share_internship", 2, 1.0),
    ("share of ties at joint R&D", "share_joint_rd", 3, 1.0),
    ("active ties (college and real firm)", "n_ties", 0, 1.0),
    ("joint R&D ties per 100 partner firms", "rd_ties_per_100_partner_firms", 2, 1.0),
    ("joint R&D ties per 10,000 firms of the region", "joint_rd_per_100_firms", 2, 100.0),
    ("mean rung", "mean_rung", 2, 1.0),
    ("firms with a tie, per 1,000 firms of the region", "enterprise_participation", 2, 1000.0),
    ("college willingness", "college_willingness", 2, 1.0),
    ("enterprise willingness", "enterprise_willingness", 2, 1.0),
    ("dual-qualified teachers", "dual_qualified_share", 2, 1.0),
    ("colleges above CNY 10 M research and service funding", "service_funding_10m_share", 3, 1.0),
    ("public spending, CNY million a year", "public_cost", 1, 1.0),
)
"""(label, reporter, decimals, factor) of each row: the reporter times ``factor`` (shares of
the region's 121,500 real firms are small, so they are shown per 1,000 or 10,000 firms)."""


def interval(x: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two ends of its t interval across seeds."""
    m = float(np.mean(x))
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * np.std(x, ddof=1) / np.sqrt(x.size))
    return m, m - half, m + half


def main() -> None:
    """Run both scenarios over the seeds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    seeds = range(1, parser.parse_args().seeds + 1)
    factor = np.array([f for *_, f in ROWS])
    final = {s: np.array([simulate(s, seed=k).iloc[-1][[r for _, r, _, _ in ROWS]]
                          .to_numpy(float) * factor for k in seeds])
             for s in ("status_quo", "reform_package")}
    print("| output | status quo | reform package | reform minus status quo |")
    print("|---|---|---|---|")
    for i, (label, _, d, _) in enumerate(ROWS):
        sq, rp = final["status_quo"][:, i], final["reform_package"][:, i]
        cells = []
        for x in (sq, rp, rp - sq):
            m, lo, hi = interval(x)
            cells.append(f"{m:.{d}f} [{lo:.{d}f}, {hi:.{d}f}]")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
