"""The status quo against every known pattern, with intervals (issue 9, item 10).

Runs the shipped ``status_quo`` over seeds 0-9 to year 10, computes each pattern statistic of
``calibration/search.py`` the way the search does (host firms pooled over seeds from their
realised ledgers) and prints a Markdown table: statistic, its 95% interval, the target range
and whether it is met. Intervals: a t interval across seeds for per-seed statistics; a Wilson
interval for the shares of host firms (pooled firms, as one survey); for the order patterns
the per-class shares with their t intervals.

Usage::

    PYTHONPATH=. python calibration/status_quo_table.py [--seeds 10] [--years 10] [--first-seed 0]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model import CooperationModel
from sim.params import load_scenario

_SPEC = importlib.util.spec_from_file_location(
    "calibration_search", Path(__file__).resolve().parent / "search.py")
search = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("calibration_search", search)
_SPEC.loader.exec_module(search)

PER_SEED = ("share_internship", "deep_ties_per_100_partner_firms", "willingness_gap",
            "dual_qualified_share", "service_funding_10m_share", "main_partner_small_micro",
            "main_partner_medium", "main_partner_large", "costly_0", "costly_1", "costly_2",
            "costly_3")
"""Statistics with one value per seed (t interval across seeds)."""


def t_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval across seeds."""
    from scipy import stats as st

    x = np.asarray(x, dtype=float)
    m = float(x.mean())
    if x.size < 2:
        return m, np.nan, np.nan
    half = float(st.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return m, m - half, m + half


def wilson(k: float, n: float) -> tuple[float, float, float]:
    """Share ``k / n`` and its 95% Wilson interval."""
    if n <= 0:
        return np.nan, np.nan, np.nan
    p, z = k / n, 1.959964
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, centre - half, centre + half


def per_student_interval(net: np.ndarray, students: np.ndarray, draws: int = 2000,
                         seed: int = 0) -> tuple[float, float, float]:
    """Net per student hosted (total net / total students) and its 95% bootstrap interval.

    Host firms are resampled (the survey's unit); NaN for fewer than two firms.
    """
    if net.size < 2 or students.sum() <= 0:
        return np.nan, np.nan, np.nan
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, net.size, size=(draws, net.size))
    ratio = net[pick].sum(axis=1) / students[pick].sum(axis=1)
    lo, hi = np.percentile(ratio, [2.5, 97.5])
    return float(net.sum() / students.sum()), float(lo), float(hi)


def main(argv: list[str] | None = None) -> int:
    """Run the status quo over the seeds and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0,
                    help="first seed (default 0: the search's seeds); e.g. 10 for held-out seeds")
    args = ap.parse_args(argv)
    if args.seeds < 2 or args.years < 1 or args.first_seed < 0:
        print("error: --seeds must be >= 2, --years >= 1 and --first-seed >= 0",
              file=sys.stderr)
        return 2
    scn = load_scenario("status_quo").with_overrides({"run.years": args.years})
    rows, nets = [], {"intern": [], "apprentice": []}
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    for seed in seeds:
        m = CooperationModel(scn, seed=seed)
        m.run()
        rows.append(search.run_statistics(m))
        for name, app in (("intern", False), ("apprentice", True)):
            nets[name].append(np.stack(m.host_ledger.per_firm(app)[1:]))
    df = pd.DataFrame(rows)
    summary = search.summarise(df)
    ok = search.met(summary)
    print("| pattern | status quo [95% interval] | target | met |")
    print("|---|---|---|---|")
    for p in search.PATTERNS:
        target = f"[{p.low:g}, {p.high:g}]"
        if p.name in PER_SEED:
            m_, lo, hi = t_interval(df[p.name].to_numpy(float))
            cell = f"{m_:.3f} [{lo:.3f}, {hi:.3f}]"
        elif p.name.endswith("_mean_net"):
            name = p.name.split("_")[0]
            x = np.concatenate(nets[name], axis=1) if nets[name] else np.zeros((2, 0))
            m_, lo, hi = per_student_interval(x[0], x[1])
            cell = (f"{m_:.2f} [{lo:.2f}, {hi:.2f}] CNY k per student "
                    f"({x[1].sum():.0f} students, {x.shape[1]} firms)")
        elif p.name in ("intern_loss_share", "apprentice_profit_share"):
            name = p.name.split("_")[0]
            key = "losing" if "loss" in p.name else "profiting"
            k, n = df[f"{name}_{key}"].sum(), df[f"{name}_firms"].sum()
            m_, lo, hi = wilson(k, n)
            cell = f"{m_:.3f} [{lo:.3f}, {hi:.3f}] ({int(k)} of {int(n)} firms)"
        elif p.name == "willingness_gap_low":
            cell = f"{summary[p.name]:.3f} (lower end of the gap's 95% interval)"
        elif p.name == "main_partner_order":
            parts = []
            for c in ("medium", "large", "small_micro"):
                m_, lo, hi = t_interval(df[f"main_partner_{c}"].to_numpy(float))
                parts.append(f"{c} {m_:.2f} [{lo:.2f}, {hi:.2f}]")
            cell = "; ".join(parts)
            target = "medium >= large > small & micro"
        else:  # costly_by_size
            parts = [f"{c} {df[f'costly_{i}'].mean():.3f}"
                     for i, c in enumerate(("micro", "small", "medium", "large"))]
            cell = "; ".join(parts)
            target = "large > micro, medium >= small"
        print(f"| {p.name} ({p.source}) | {cell} | {target} | "
              f"{'yes' if ok[p.name] else '**no**'} |")
    print(f"\n{sum(ok.values())} of {len(ok)} patterns met (seeds {seeds[0]}-{seeds[-1]}, "
          f"year {args.years}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
