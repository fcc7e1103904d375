"""Search the declared parameter ranges for a set that meets every known pattern at once.

Issue 9, item 10 (a start). Each pattern is a statistic of the model at year 10, computed over
10 seeds the way its source measured it (as far as the model allows; see ``PATTERNS``), with
the tolerance the issue gives. The search draws points by Latin hypercube inside the declared
ranges of ``FACTORS`` (status-quo levers fixed) and reports how many patterns each point meets.

Usage::

    PYTHONPATH=. python calibration/search.py --points 16 --seeds 10 --out results/calibration

Writes ``points.csv`` (one row per point and pattern statistic) to ``--out`` (a new folder;
an existing one is refused) and prints the best point. Nothing is changed in the model: making
the best set the shipped defaults is a separate, reviewed step.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.statistics import firm_statistics
from sim.model import CooperationModel
from sim.params import BY_NAME, load_scenario

FACTORS = ("intern_net_cost", "partner_hire_intern", "recruit_value", "apprentice_gross_cost",
           "productive_recovery", "research_grant_per_capacity", "college_capacity_sigma",
           "contact_size_elasticity", "contacts_per_college", "firm_heterogeneity")
"""Parameters searched (levers stay at the status quo): those the defaults' misses depend on
(host firms' losses on interns and apprentices, colleges' funding, who partners with whom)."""


@dataclass(frozen=True)
class Pattern:
    """A known pattern: a statistic's name, its accepted range and its source."""

    name: str
    low: float
    high: float
    source: str


PATTERNS = (
    Pattern("share_internship", 0.5, 1.0, "majority of ties at internship level"),
    Pattern("rd_ties_per_100_firms", 0.5, 5.0, "joint R&D rare but present"),
    Pattern("intern_mean_net", 0.0, np.inf, "Ran & Shi 2020: internships profitable on average"),
    Pattern("intern_loss_share", 0.40, 0.60, "Ran & Shi 2020: 40-60% of 109 host firms lose"),
    Pattern("apprentice_mean_net", -np.inf, 0.0, "Ran 2022: apprenticeship loss-making on avg"),
    Pattern("apprentice_profit_share", 0.24, 0.44, "Ran 2022: ~1/3 of 89 pilot firms profit"),
    Pattern("willingness_gap_low", 0.0, np.inf, "gap's 95% interval excludes 0"),
    Pattern("willingness_gap", 0.2, 1.0, "college-minus-enterprise willingness gap >= 0.2"),
    Pattern("dual_qualified_share", 0.50, 0.60, "MOE 2022: > 55% dual-qualified"),
    Pattern("service_funding_10m_share", 0.09, 0.19, "206 of ~1,486 colleges (2021)"),
    Pattern("partner_order", 1.0, 1.0, "2025 survey: medium >= large > small and micro"),
    Pattern("costly_by_size", 1.0, 1.0, "Yang & Yue 2018: costly cooperation among larger"),
)


def point_statistics(scn, seeds, years: int = 10) -> dict[str, float]:
    """Pattern statistics of a scenario over seeds (means; gap with its interval)."""
    rows = []
    for seed in seeds:
        m = CooperationModel(scn.with_overrides({"run.years": years}), seed=seed)
        m.run()
        last = m.records[-1]
        stats = firm_statistics(m)
        for k in ("share_internship", "willingness_gap", "dual_qualified_share",
                  "service_funding_10m_share"):
            stats[k] = last[k]
        rows.append(stats)
    df = pd.DataFrame(rows)
    mean = df.mean(numeric_only=True).to_dict()
    gap = df["willingness_gap"].dropna()
    half = 1.96 * gap.std(ddof=1) / np.sqrt(gap.size) if gap.size > 1 else np.inf
    mean["willingness_gap_low"] = float(gap.mean() - half)
    mean["partner_order"] = float(mean["partner_medium"] >= mean["partner_large"]
                                  > mean["partner_small_micro"])
    mean["costly_by_size"] = float(mean["costly_3"] > mean["costly_0"]
                                   and mean["costly_2"] >= mean["costly_1"])
    return mean


def met(stats: dict[str, float]) -> dict[str, bool]:
    """Which patterns a point's statistics meet."""
    return {p.name: bool(p.low <= stats.get(p.name, np.nan) <= p.high) for p in PATTERNS}


def latin_hypercube(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points in the unit cube of dimension ``k``, one per stratum in each dimension."""
    u = (rng.random((n, k)) + np.arange(n)[:, None]) / n
    for j in range(k):
        u[:, j] = u[rng.permutation(n), j]
    return u


def main(argv: list[str] | None = None) -> int:
    """Command line: run the search and write ``points.csv``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=16)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--include-defaults", action="store_true",
                    help="evaluate the shipped defaults as point 0")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.out.exists():
        print(f"error: --out {args.out} exists; choose a new folder", file=sys.stderr)
        return 2
    if args.points < 0 or args.seeds < 2:
        print("error: --points must be >= 0 and --seeds >= 2", file=sys.stderr)
        return 2
    base = load_scenario("status_quo")
    rng = np.random.default_rng(args.seed)
    unit = latin_hypercube(args.points, len(FACTORS), rng)
    points = [{}] if args.include_defaults else []
    for row in unit:
        point = {}
        for f, x in zip(FACTORS, row, strict=True):
            d = BY_NAME[f]
            value = d.low + x * (d.high - d.low)
            point[f] = int(round(value)) if d.dtype is int else value
        points.append(point)
    records = []
    for i, over in enumerate(points):
        stats = point_statistics(base.with_overrides(over), range(args.seeds), args.years)
        ok = met(stats)
        records.append({"point": i, **{f: over.get(f, BY_NAME[f].default) for f in FACTORS},
                        **stats, "patterns_met": sum(ok.values()),
                        "missed": ",".join(k for k, v in ok.items() if not v)})
        print(f"point {i}: {sum(ok.values())}/{len(PATTERNS)} met; missed "
              f"{records[-1]['missed'] or '-'}", flush=True)
    args.out.mkdir(parents=True)
    df = pd.DataFrame(records)
    df.to_csv(args.out / "points.csv", index=False)
    best = df.sort_values("patterns_met", ascending=False).iloc[0]
    print(f"best point {int(best['point'])}: {int(best['patterns_met'])}/{len(PATTERNS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
