"""Results do not depend on the time step (issue 9, item 1: rates, not steps).

Every event has an annual rate and a per-step probability ``1 - exp(-rate * dt)``; learning
is the exact solution over a step. So the year-end outputs of 12 and 2 steps a year agree:
for each output, the 90% interval of the paired difference (same seeds, >= 30 of them) lies
within +-10% of the 2-step value or +-0.02 (2 for counts per 100 firms), whichever is wider.

R&D ties by size class are rare events (a few ties per class in a run): the replicate noise
of their counts per 100 firms of a class can be wider than that tolerance, so for them the
test can only show that no difference exceeds the tolerance beyond replicate noise (the
interval reaches into the tolerance band). They are listed in ``UNDERPOWERED`` with the
breakdowns; the strict equivalence holds for every other output, the pooled
``joint_rd_per_100_firms`` and ``rd_ties_per_100_partner_firms`` included.

``subsidy_deadweight_share`` is listed there too: a tie counts as deadweight when its payoff
without policy is non-negative, at the chosen intake ``v >= 2 x subsidy x payout``, a knife
edge on which a few ties carry most of the payments. Its replicate standard deviation is about
0.10 at 2 steps and that of the paired difference about 0.13 (the two step lengths share no
noise), so at 30 seeds the 90% half-width alone (0.034-0.042, measured) is as wide as the
tolerance (0.033-0.037): the strict test would fail about half the time with no difference at
all. Showing equivalence would take about 160 seeds. Measured 12 - 2: +0.020 +- 0.040 (seeds
100-129) and +0.020 +- 0.034 (seeds 200-239), no difference beyond noise.
"""

import math

import numpy as np
import pytest

from sim.decisions import event_probability, relax
from sim.metrics import BREAKDOWN_OUTPUTS, OUTPUTS
from sim.params import load_scenario
from sim.run import simulate

SEEDS = range(100, 220)
"""120 paired seeds (the criterion asks for at least 30). With fewer, and no difference at
all, the strict test fails by chance too often. In model version 3 the status quo's mean rung
is about 0.19, so its tolerance is the 0.02 floor, and the paired standard deviation of its
12 - 2 difference is about 0.055 (measured: +0.009 +- 0.011 on seeds 100-159, -0.006 +- 0.012
on seeds 200-259, 90% half-widths): at 60 seeds the mean has only about 0.008 of room, a false
failure about one time in four; at 120 seeds (half-width about 0.008) about 1 in 70."""
EXCLUDED: dict[str, str] = {}  # output -> why it may depend on the step (none today)
UNDERPOWERED = {f"rd_ties_per_100_firms_{c}" for c in ("micro", "small", "medium", "large")} | {
    "subsidy_deadweight_share"} | set(BREAKDOWN_OUTPUTS)  # a few firms or colleges each
PER_100_FLOOR = 2.0
"""The +-0.02 floor of a share, expressed for outputs counted per 100 firms (of the region,
of a class or with a tie)."""
Z90 = 1.6449


def test_event_probability_gives_the_same_yearly_chance_at_any_step():
    rate = 0.7
    for steps in (1, 2, 4, 12):
        p = event_probability(rate, 1.0 / steps)
        assert 1.0 - (1.0 - p) ** steps == pytest.approx(1.0 - math.exp(-rate))


def test_relax_is_exact_whatever_the_step():
    x0, target, rate, decay = np.array([0.2]), np.array([0.9]), 0.8, 0.05
    one = relax(x0, target, rate, decay, 1.0)
    twelve = x0
    for _ in range(12):
        twelve = relax(twelve, target, rate, decay, 1.0 / 12)
    np.testing.assert_allclose(one, twelve, rtol=1e-12)
    steady = rate * target / (rate + decay)
    assert abs(one - steady) < abs(x0 - steady)


@pytest.mark.slow
def test_year_end_outputs_agree_at_12_and_2_steps_a_year():
    def year_end(steps):
        scn = load_scenario("status_quo", {"run.steps_per_year": steps})
        return {s: simulate(scn, seed=s).iloc[-1] for s in SEEDS}

    two, twelve = year_end(2), year_end(12)
    failures = []
    for out in OUTPUTS:
        if out in EXCLUDED:
            continue
        pairs = [(two[s][out], twelve[s][out]) for s in SEEDS]
        pairs = np.array([p for p in pairs if not (math.isnan(p[0]) or math.isnan(p[1]))])
        assert len(pairs) >= 25, f"{out}: too few defined pairs"
        d = pairs[:, 1] - pairs[:, 0]
        half = Z90 * d.std(ddof=1) / math.sqrt(d.size)
        floor = PER_100_FLOOR if "_per_100_" in out else 0.02
        tol = max(0.1 * abs(pairs[:, 0].mean()), floor)
        strict = out not in UNDERPOWERED
        if strict and (d.mean() - half < -tol or d.mean() + half > tol):
            failures.append(f"{out}: 12-2 = {d.mean():+.3f} +- {half:.3f}, tolerance {tol:.3f}")
        elif not strict and abs(d.mean()) - half > tol:  # a difference beyond noise
            failures.append(f"{out}: 12-2 = {d.mean():+.3f} +- {half:.3f}, tolerance {tol:.3f}")
    assert not failures, "; ".join(failures)
