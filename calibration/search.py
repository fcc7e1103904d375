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

from sim.calibration.statistics import firm_statistics, pool_final
from sim.errors import ConfigError
from sim.model import CooperationModel
from sim.params import BY_NAME, load_scenario

FACTORS = ("intern_gross_cost", "intern_recovery", "trainee_productivity_spread",
           "partner_hire_intern", "recruit_value", "apprentice_gross_cost",
           "productive_recovery", "research_grant_per_capacity", "college_capacity_sigma",
           "contact_size_elasticity", "contacts_per_college", "firm_heterogeneity",
           "supervision_capacity", "supervision_cost", "partner_hire_apprentice",
           "firm_specific_premium", "dual_qualified_skill", "governance_cost",
           "choice_intensity", "rd_trust_needed", "service_trust_needed",
           "service_capability_threshold", "distance_penalty", "apprentice_uptake_base")
"""Parameters searched (levers stay at the status quo): those the patterns depend on (host
firms' gains and losses on interns and apprentices and how many they take, colleges'
funding, who partners with whom, teachers' practice, how rare joint R&D and technical
service are)."""


@dataclass(frozen=True)
class Pattern:
    """A known pattern: a statistic's name, its accepted range and its source."""

    name: str
    low: float
    high: float
    source: str


PATTERNS = (
    Pattern("share_internship", 0.5, 1.0, "majority of ties at internship level"),
    Pattern("deep_ties_per_100_partner_firms", 0.5, 5.0,
            "joint R&D and technical service rare but present among cooperating firms"),
    Pattern("intern_mean_net", 0.0, np.inf, "Ran & Shi 2020: internships profitable on average"),
    Pattern("intern_loss_share", 0.40, 0.60, "Ran & Shi 2020: 40-60% of 109 host firms lose"),
    Pattern("apprentice_mean_net", -np.inf, 0.0, "Ran 2022: apprenticeship loss-making on avg"),
    Pattern("apprentice_profit_share", 0.24, 0.44, "Ran 2022: ~1/3 of 89 pilot firms profit"),
    Pattern("willingness_gap_low", 0.0, np.inf, "gap's 95% interval excludes 0"),
    Pattern("willingness_gap", 0.2, 1.0, "college-minus-enterprise willingness gap >= 0.2"),
    Pattern("dual_qualified_share", 0.50, 0.60, "MOE 2022: > 55% dual-qualified"),
    Pattern("service_funding_10m_share", 0.09, 0.19, "206 of ~1,486 colleges (2021)"),
    Pattern("main_partner_order", 1.0, 1.0,
            "2025 survey, main partners: medium >= large > small and micro"),
    Pattern("costly_by_size", 1.0, 1.0, "Yang & Yue 2018: costly cooperation among larger"),
)


def point_statistics(scn, seeds, years: int = 10) -> dict[str, float]:
    """Pattern statistics of a scenario over seeds (means; gap with its interval)."""
    rows = []
    for seed in seeds:
        m = CooperationModel(scn.with_overrides({"run.years": years}), seed=seed)
        m.run()
        rows.append(run_statistics(m))
    return summarise(pd.DataFrame(rows))


def run_statistics(m: CooperationModel) -> dict[str, float]:
    """:func:`firm_statistics` plus the reporters the patterns use, at the end of a run."""
    stats = firm_statistics(m)
    last = m.records[-1]
    for k in ("share_internship", "willingness_gap", "dual_qualified_share",
              "service_funding_10m_share"):
        stats[k] = last[k]
    return stats


def summarise(df: pd.DataFrame) -> dict[str, float]:
    """Pattern statistics over seeds from one row of :func:`firm_statistics` per seed.

    Means across seeds; host firms pooled over seeds (as one survey of many firms); the
    willingness gap with the lower end of its 95% interval; the order patterns.
    """
    # Means across seeds; host firms pooled over seeds, as one survey of many firms.
    mean = pool_final(df.to_dict("records"))
    gap = df["willingness_gap"].dropna()
    half = 1.96 * gap.std(ddof=1) / np.sqrt(gap.size) if gap.size > 1 else np.inf
    mean["willingness_gap_low"] = float(gap.mean() - half)
    return mean


def met(stats: dict[str, float]) -> dict[str, bool]:
    """Which patterns a point's statistics meet."""
    return {p.name: bool(p.low <= stats.get(p.name, np.nan) <= p.high) for p in PATTERNS}


MISS_SCALE = {"intern_mean_net": 10.0, "apprentice_mean_net": 10.0, "willingness_gap_low": 0.1}
"""Scale of a miss for the patterns with an open interval (CNY thousand, or share)."""


ORDER_SCALE = 0.1
"""A 0.1 gap in the wrong direction of an order pattern counts as one interval width."""
ORDER_MARGINS = {
    "main_partner_order": lambda st: max(_num(st, "main_partner_large")
                                         - _num(st, "main_partner_medium"), 0.0)
    + max(_num(st, "main_partner_small_micro") - _num(st, "main_partner_large"), 0.0) + 0.01,
    "costly_by_size": lambda st: max(_num(st, "costly_0") - _num(st, "costly_3"), 0.0)
    + max(_num(st, "costly_1") - _num(st, "costly_2"), 0.0) + 0.01,
}
"""How far each order pattern is from holding (0.01 for a tie that a strict order forbids; a
class without firms counts as a share of 0)."""


def _num(stats: dict[str, float], name: str) -> float:
    """A statistic, 0 where it is undefined (NaN: no firm of the class qualifies)."""
    x = stats.get(name, np.nan)
    return float(x) if np.isfinite(x) else 0.0


def miss_distance(stats: dict[str, float]) -> float:
    """Total distance of the statistics outside their accepted ranges (0 when all are met).

    Each pattern's miss is measured in units of its interval's width (or of ``MISS_SCALE``
    for open intervals; 1 for the order patterns); a missing statistic counts 1.
    """
    total = 0.0
    for p in PATTERNS:
        x = stats.get(p.name, np.nan)
        if p.name in ORDER_MARGINS and np.isfinite(x) and x < p.low:
            total += ORDER_MARGINS[p.name](stats) / ORDER_SCALE  # how far the order is off
            continue
        if not np.isfinite(x):
            total += 1.0
            continue
        width = p.high - p.low if np.isfinite(p.high - p.low) and p.high > p.low else \
            MISS_SCALE.get(p.name, 1.0)
        total += max(p.low - x, x - p.high, 0.0) / width
    return float(total)


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
    ap.add_argument("--first-seed", type=int, default=0,
                    help="first seed of the runs (default 0: the selection seeds); e.g. 20 "
                         "with --seeds 20 to check points on held-out seeds 20-39")
    ap.add_argument("--include-defaults", action="store_true",
                    help="evaluate the shipped defaults as point 0")
    ap.add_argument("--refine", type=Path, default=None,
                    help="a points.csv of an earlier search: draw the points around its best "
                         "--top points instead of over the whole ranges")
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--centre", nargs="*", default=None, metavar="NAME=VALUE",
                    help="refine around this one point (factors not named stay at their "
                         "defaults) instead of a --refine file")
    ap.add_argument("--radius", type=float, default=0.15,
                    help="half-width of the box around each refined point, as a share of "
                         "the point's value (of the range at 0), clipped to the range")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.out.exists():
        print(f"error: --out {args.out} exists; choose a new folder", file=sys.stderr)
        return 2
    if args.points < 0 or args.seeds < 2 or args.first_seed < 0:
        print("error: --points must be >= 0, --seeds >= 2 and --first-seed >= 0",
              file=sys.stderr)
        return 2
    base = load_scenario("status_quo")
    rng = np.random.default_rng(args.seed)
    unit = latin_hypercube(args.points, len(FACTORS), rng)
    low = np.array([BY_NAME[f].low for f in FACTORS], dtype=float)
    high = np.array([BY_NAME[f].high for f in FACTORS], dtype=float)
    centres = None
    if args.centre is not None:
        given = {}
        for item in args.centre:
            name, _, value = item.partition("=")
            if name not in FACTORS:
                print(f"error: --centre {name!r} is not a searched factor", file=sys.stderr)
                return 2
            try:
                given[name] = BY_NAME[name].check(float(value))
            except (ValueError, ConfigError) as exc:
                print(f"error: --centre {item}: {exc}", file=sys.stderr)
                return 2
        centres = np.array([[given.get(f, BY_NAME[f].default) for f in FACTORS]], dtype=float)
    elif args.refine is not None:
        if not args.refine.is_file():
            print(f"error: --refine {args.refine} is not a file", file=sys.stderr)
            return 2
        prev = pd.read_csv(args.refine).sort_values(["patterns_met", "distance"],
                                                    ascending=[False, True])
        centres = prev[list(FACTORS)].to_numpy(float)[:max(1, args.top)]
    if centres is not None:
        centre = centres[np.arange(args.points) % len(centres)]
        # A box of +-radius around each centre, relative to the centre's value (declared
        # ranges span orders of magnitude), or to the range for a centre at 0; clipped.
        span = np.where(centre != 0, np.abs(centre), high - low)
        value = centre + args.radius * span * (2.0 * unit - 1.0)
        unit = np.clip((value - low) / (high - low), 0.0, 1.0)
    points = [{}] if args.include_defaults else []
    if centres is not None:  # the centres themselves first, then the points around them
        unit = np.vstack([(centres - low) / (high - low), unit])
    for row in unit:
        point = {}
        for f, x in zip(FACTORS, row, strict=True):
            d = BY_NAME[f]
            value = d.low + x * (d.high - d.low)  # inside the declared range only
            point[f] = int(round(value)) if d.dtype is int else float(value)
        points.append(point)
    records = []
    args.out.mkdir(parents=True)
    for i, over in enumerate(points):
        stats = point_statistics(base.with_overrides(over),
                                 range(args.first_seed, args.first_seed + args.seeds),
                                 args.years)
        ok = met(stats)
        records.append({"point": i, **{f: over.get(f, BY_NAME[f].default) for f in FACTORS},
                        **stats, "patterns_met": sum(ok.values()),
                        "distance": miss_distance(stats),
                        "missed": ",".join(k for k, v in ok.items() if not v)})
        pd.DataFrame(records).to_csv(args.out / "points.csv", index=False)  # so far
        print(f"point {i}: {sum(ok.values())}/{len(PATTERNS)} met (distance "
              f"{records[-1]['distance']:.3f}); missed {records[-1]['missed'] or '-'}",
              flush=True)
    df = pd.DataFrame(records)
    best = df.sort_values(["patterns_met", "distance"], ascending=[False, True]).iloc[0]
    print(f"best point {int(best['point'])}: {int(best['patterns_met'])}/{len(PATTERNS)} "
          f"(distance {best['distance']:.3f})")
    for f in FACTORS:
        print(f"  {f} = {best[f]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
