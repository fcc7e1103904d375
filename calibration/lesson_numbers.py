"""The numbers the classroom lesson plan quotes (docs/classroom.md), measured.

Each line is a mean over years 13-15 of the classroom scenario (recorded every step) and over
eight seeds, with the seed-to-seed 95% t interval: the status quo; city consortia at 0.7 from
year 5; and the presets *Subsidies only*, *Retention only*, *Evaluation reform only* and
*Full reform package* from year 0. Participation is that of large firms, as the app's chart
shows it (the share of all the region's real firms is about 0.001).

Usage::

    PYTHONPATH=. python calibration/lesson_numbers.py [--seeds 8]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy import stats

from sim.app.charts import joint_rd_ties
from sim.model import CooperationModel
from sim.params import load_scenario
from sim.policies import package_levers

COLUMNS = ("share_internship", "enterprise_participation_large", "college_willingness",
           "enterprise_willingness", "public_cost", "joint_rd_ties")
"""What the lesson plan quotes (joint R&D as a count of ties)."""


def run(levers: dict, seed: int, switch_year: float = 0.0) -> pd.DataFrame:
    """One classroom run to year 15 with ``levers`` set at ``switch_year``."""
    scn = load_scenario("classroom")
    m = CooperationModel(scn, seed=seed)
    per_year = scn.run.steps_per_year
    if switch_year == 0:
        m.set_levers(levers)
    for step in range(15 * per_year):
        if switch_year and step == int(switch_year * per_year):
            m.set_levers(levers)
        m.step()
    df = pd.DataFrame(m.records)
    df["joint_rd_ties"] = joint_rd_ties(df, m.firms.n_real)  # the count the app's chart shows
    return df[(df["year"] >= 13) & (df["year"] <= 15)]


def summary(cases: dict[str, tuple[dict, float]], seeds: range) -> pd.DataFrame:
    """Mean over years 13-15 per seed, then mean and 95% t half-width over seeds."""
    rows = []
    for name, (levers, year) in cases.items():
        per_seed = np.array([run(levers, s, year)[list(COLUMNS)].mean().to_numpy()
                             for s in seeds])
        half = stats.t.ppf(0.975, len(seeds) - 1) * per_seed.std(axis=0, ddof=1) / np.sqrt(
            len(seeds))
        rows.append({"case": name, **{f"{c}": f"{m:.3g} ± {h:.2g}" for c, m, h in
                                      zip(COLUMNS, per_seed.mean(axis=0), half, strict=True)}})
    return pd.DataFrame(rows)


def main() -> None:
    """Print the lesson plan's numbers as a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    seeds = range(1, ap.parse_args().seeds + 1)
    base = package_levers("status_quo")
    cases = {
        "status quo": (base, 0.0),
        "consortia 0.7 from year 5": ({**base, "consortium_strength": 0.7}, 5.0),
        "subsidies only": (package_levers("subsidies_only"), 0.0),
        "retention only": (package_levers("retention_only"), 0.0),
        "evaluation reform only": (package_levers("evaluation_reform"), 0.0),
        "full reform package": (package_levers("reform_package"), 0.0),
    }
    table = summary(cases, seeds)
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
