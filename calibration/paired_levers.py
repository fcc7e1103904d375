"""Paired effect of each lever at its reform value against the status quo (10 seeds, year 10).

Usage::

    PYTHONPATH=. python calibration/paired_levers.py tax_credit consortium_strength ...

Prints, per lever, the mean paired difference (lever at its ``reform_package`` value minus
status quo, same seeds: common random numbers) of a few year-10 outputs with a 95% t interval.
"""

from __future__ import annotations

import sys

import numpy as np

from sim import load_scenario
from sim.packages import PACKAGES
from sim.run import simulate

OUTPUTS = ("mean_rung", "rd_ties_per_100_partner_firms", "n_ties", "public_cost")
T_975_DF9 = 2.262
"""Student t quantile (0.975, 9 degrees of freedom) for the 10-seed interval."""


def main(levers: list[str]) -> int:
    """Print the paired effects of ``levers`` over seeds 0-9."""
    reform = PACKAGES["reform_package"]
    base = load_scenario("status_quo")
    seeds = range(10)
    sq = {s: simulate(base, seed=s).iloc[-1] for s in seeds}
    for lever in levers:
        diffs = {o: [] for o in OUTPUTS}
        for s in seeds:
            row = simulate(base.with_overrides({lever: reform[lever]}), seed=s).iloc[-1]
            for o in OUTPUTS:
                diffs[o].append(row[o] - sq[s][o])
        parts = []
        for o in OUTPUTS:
            x = np.array(diffs[o])
            m, h = x.mean(), T_975_DF9 * x.std(ddof=1) / np.sqrt(x.size)
            parts.append(f"{o} {m:+.3f} [{m - h:+.3f}, {m + h:+.3f}]")
        print(f"{lever}={reform[lever]}: " + "; ".join(parts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
