"""Colleges' main partners by firm size at the shipped status quo, for 1-10 main partners.

The 2025 survey of 1,207 college leaders found colleges with medium partners (86%) at least
as often as with large ones (76%) and more often than with small or micro ones (67%). Every
college of the model has partners of every size class (34 partner firms each), so the
order of "colleges with any partner of the class" fails by saturation. This script runs the
shipped ``status_quo`` over seeds and prints, for each number ``k`` of main partners
(:func:`sim.calibration.statistics.main_partner_mask`: deepest ties first, then oldest), the
share of colleges with a small or micro, medium and large firm among them (mean over seeds
[95% t interval]) and how often the survey's order holds: in one region (a seed) and in a
survey of 4 regions pooled, as a calibration particle of the status-quo targets sees it.

Usage::

    PYTHONPATH=. python calibration/main_partners.py [--seeds 40] [--first-seed 0]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from scipy.stats import t as student_t

from sim.calibration.statistics import main_partner_mask, partner_class_shares
from sim.model import CooperationModel
from sim.params import load_scenario

KS = (1, 2, 3, 4, 5, 7, 10)
"""Numbers of main partners per college tabulated."""
POOL = 4
"""Regions pooled into one survey (``replicates`` of the status-quo targets)."""
CLASSES = ("small_micro", "medium", "large")


def shares(m: CooperationModel, k: int) -> np.ndarray:
    """Share of colleges with a small/micro, medium, large firm among their ``k`` main partners."""
    rows = m.ties.active_rows()
    t = m.ties
    return partner_class_shares(m, rows[main_partner_mask(t.college[rows], t.rung[rows],
                                                         t.age[rows], k)])


def holds(s: np.ndarray) -> bool:
    """The survey's order: medium >= large > small and micro."""
    return bool(s[1] >= s[2] > s[0])


def main(argv: list[str] | None = None) -> int:
    """Run the status quo over the seeds and print the table (Markdown)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--first-seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.seeds < POOL or args.first_seed < 0:
        print(f"error: --seeds must be >= {POOL} and --first-seed >= 0", file=sys.stderr)
        return 2
    scn = load_scenario("status_quo")
    per_k: dict[int, list[np.ndarray]] = {k: [] for k in KS}
    partners = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        m = CooperationModel(scn, seed=seed)
        m.run()
        rows = m.ties.active_rows()
        partners.append(np.bincount(m.ties.college[rows], minlength=m.colleges.n))
        for k in KS:
            per_k[k].append(shares(m, k))
    n = args.seeds
    print(f"partner firms per college: median {np.median(np.concatenate(partners)):g} "
          f"({n} seeds)")
    print("| main partners | small and micro | medium | large | order, one region | "
          f"order, {POOL} regions pooled |")
    print("|---|---|---|---|---|---|")
    q = student_t.ppf(0.975, n - 1)
    for k in KS:
        a = np.array(per_k[k])
        mean, half = a.mean(axis=0), q * a.std(axis=0, ddof=1) / np.sqrt(n)
        cells = [f"{mu:.2f} [{mu - h:.2f}, {mu + h:.2f}]" for mu, h in zip(mean, half,
                                                                            strict=True)]
        one = np.mean([holds(s) for s in a])
        pools = [a[i:i + POOL].mean(axis=0) for i in range(0, n - POOL + 1, POOL)]
        pooled = np.mean([holds(s) for s in pools])
        print(f"| {k} | " + " | ".join(cells) + f" | {one:.2f} | {pooled:.2f} "
              f"({len(pools)} surveys) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
