"""Issue 11, claim 5: cost-effectiveness with paired (common-random-number) bootstrap
intervals; a policy is on the frontier only when distinguishable from its cheaper neighbour."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import write_model_sweep

from sim.analysis import analyze
from sim.analysis.cost import frontier, frontier_uncertainty
from sim.analysis.report import render
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT, SYNTHETIC_FACTORS, SyntheticPolicyModel

OUTCOME = "joint_rd_per_100_firms"
# three policies: nothing, lever1 at its top, lever2 at its top (lever2 does nothing)
POLICIES = np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])


def _distinguishable(model, seed: int, reps: int = 10) -> pd.DataFrame:
    out = model.replicates(POLICIES, [seed * 100 + r for r in range(reps)])
    points = pd.DataFrame({"point": range(3), OUTCOME: out[OUTCOME].mean(axis=0),
                           "public_cost": out["public_cost"].mean(axis=0)})
    front = frontier(points, OUTCOME, [])
    return frontier_uncertainty(front, out[OUTCOME], out["public_cost"], [0, 1, 2], True,
                                0.95, 1000, np.random.default_rng(seed))


@pytest.mark.slow
def test_no_effect_puts_a_second_policy_on_the_frontier_at_most_5_percent_of_200_sweeps():
    extra = [int(_distinguishable(NO_EFFECT, s)["distinguishable"].sum()) - 1
             for s in range(200)]
    assert np.mean(np.array(extra) > 0) <= 0.05


@pytest.mark.slow
def test_a_known_effect_is_on_the_frontier_in_80_percent_of_200_sweeps():
    """With 12 replicates. The all-pairs interval that holds its family level at 10
    replicates (:func:`sim.analysis.cost.small_sample_factor`) finds this effect in 77.5%
    of 200 sweeps at 10 replicates, 86% at 12 and 91.5% at 15 (measured 2026-12-02)."""
    found = 0
    for s in range(200):
        front = _distinguishable(KNOWN_EFFECT, s, reps=12)
        found += bool(front.loc[front["point"] == 1, "distinguishable"].any())
    assert found / 200 >= 0.8


def test_incremental_intervals_are_paired_and_ratio_needs_a_cost_difference():
    front = _distinguishable(KNOWN_EFFECT, 3, reps=20)
    step = front[front["point"] == 1].iloc[0]
    assert step["incremental_effect_low"] < 1.5 < step["incremental_effect_high"]
    assert step["incremental_cost_low"] < 6.0 < step["incremental_cost_high"]
    assert step["incremental_ratio_low"] < step["incremental_ratio"] < step[
        "incremental_ratio_high"]
    assert front.attrs["simultaneous_conf"] == pytest.approx(0.95)
    # one half-width for every pair: the interval is symmetric and the same for every step
    half = step["incremental_effect_high"] - step["incremental_effect"]
    assert step["incremental_effect"] - step["incremental_effect_low"] == pytest.approx(half)
    # equal cost: no ratio interval
    same = np.zeros((10, 2))
    effect = np.column_stack([np.zeros(10), np.ones(10) + np.random.default_rng(0).normal(
        0, 0.1, 10)])
    pts = pd.DataFrame({"point": [0, 1], OUTCOME: effect.mean(0), "public_cost": [1.0, 1.0]})
    f = frontier_uncertainty(frontier(pts, OUTCOME, []), effect, same + 1.0, [0, 1], True,
                             0.95, 1000, np.random.default_rng(0))
    assert len(f) == 1 or (np.isnan(f["incremental_ratio_low"].iloc[1])
                           and np.isnan(f["incremental_ratio"].iloc[1]))  # no ratio either


def test_report_labels_the_column_and_marks_indistinguishable_points(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", NO_EFFECT, replicates=10,
                               x=POLICIES)
    result = analyze(folder, outputs=[OUTCOME])
    text = render(result)
    assert f"incremental {OUTCOME} per CNY million a year" in text
    front = result.frontier[OUTCOME]
    for col in ("incremental_cost_low", "incremental_effect_high", "incremental_ratio",
                "distinguishable", "compared_with"):
        assert col in front
    assert result.info["outputs"][OUTCOME]["frontier"]["n_distinguishable"] == int(
        front["distinguishable"].sum())
    # every increment names the point it is measured from (the last point kept, which the
    # table may not show when it is long)
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "| compared with |" in line)
    head = [c.strip() for c in lines[start].strip("|").split("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")]
             for line in lines[start + 2:start + 2 + len(front)]]
    at, ref = head.index("point"), head.index("compared with")
    assert cells[0][ref] == "—"
    for row, (_, r) in zip(cells[1:], front.iloc[1:].iterrows(), strict=True):
        assert row[at] == str(int(r["point"]))
        assert row[ref] == str(int(r["compared_with"]))


def test_net_benefit_at_a_willingness_to_pay_has_a_simultaneous_interval():
    front = _distinguishable(KNOWN_EFFECT, 3, reps=20)
    out = KNOWN_EFFECT.replicates(POLICIES, [300 + r for r in range(20)])
    f = frontier_uncertainty(frontier(pd.DataFrame({
        "point": range(3), OUTCOME: out[OUTCOME].mean(axis=0),
        "public_cost": out["public_cost"].mean(axis=0)}), OUTCOME, []),
        out[OUTCOME], out["public_cost"], [0, 1, 2], True, 0.95, 1000,
        np.random.default_rng(3), willingness_to_pay=10.0)
    step = f[f["point"] == 1].iloc[0]
    assert step["incremental_net_benefit"] == pytest.approx(
        10.0 * step["incremental_effect"] - step["incremental_cost"])
    assert step["incremental_net_benefit_low"] < step["incremental_net_benefit"] < step[
        "incremental_net_benefit_high"]
    assert f.attrs["willingness_to_pay"] == 10.0
    assert "incremental_net_benefit" not in front  # only with a willingness to pay


def test_report_shows_net_benefit_when_the_experiment_states_a_willingness_to_pay(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", KNOWN_EFFECT, replicates=10,
                               x=POLICIES)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.setdefault("experiment", {}).setdefault("analysis", {})[
        "willingness_to_pay"] = {OUTCOME: 10}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = analyze(folder, outputs=[OUTCOME])
    assert "incremental net benefit at 10 CNY million a year" in render(result)
    assert result.info["outputs"][OUTCOME]["frontier"]["willingness_to_pay"] == 10.0


EQUAL_COST = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever2": 1.5}, cost_effects={},
                                  base=10.0)
"""Two policies of the same cost (lever2 is free) and different outcomes."""
TWO = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])


def test_a_ratio_is_given_only_when_the_cost_difference_exceeds_noise_over_200_sweeps():
    withheld = 0
    for s in range(200):
        out = EQUAL_COST.replicates(TWO, [s * 100 + r for r in range(10)])
        pts = pd.DataFrame({"point": [0, 1], OUTCOME: out[OUTCOME].mean(axis=0),
                            "public_cost": out["public_cost"].mean(axis=0)})
        f = frontier_uncertainty(frontier(pts, OUTCOME, []), out[OUTCOME], out["public_cost"],
                                 [0, 1], True, 0.95, 1000, np.random.default_rng(s))
        for _, r in f.iloc[1:].iterrows():
            straddles = r["incremental_cost_low"] <= 0 <= r["incremental_cost_high"]
            # a ratio is given only when its denominator's interval excludes 0
            assert np.isnan(r["incremental_ratio"]) == straddles
            assert np.isnan(r["incremental_ratio_low"]) == straddles
            withheld += straddles
    assert withheld >= 50  # the case occurs: equal costs put both policies on the frontier


def test_report_prints_a_dash_not_a_ratio_when_the_cost_difference_is_noise(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", EQUAL_COST, replicates=10, x=TWO)
    result = analyze(folder, outputs=[OUTCOME])
    front = result.frontier[OUTCOME]
    step = front.iloc[1]  # this seed puts both on the frontier (found by running it)
    assert step["incremental_cost_low"] < 0 < step["incremental_cost_high"]
    assert np.isnan(step["incremental_ratio"])
    text = render(result)
    line = next(x for x in text.splitlines() if x.startswith(f"| {int(step['point'])} | ")
                and "reference" not in x and "`lever" not in x)
    assert "— (no ratio: the cost difference's interval contains 0)" in line
    ratio = step["incremental_effect"] / step["incremental_cost"]
    assert f"{ratio:.3g}" not in text


COVERAGE_MODEL = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 1.5},
                                      cost_effects={"lever1": 6.0}, base=10.0)
"""``KNOWN_EFFECT`` off the outcome's floor at 0 (base 10), so the true differences between
POLICIES are exact: outcome 1.5 and cost 6.0 for lever1 at its top, 0 for lever2."""


def coverage(sweeps: int, reps: int = 10) -> dict[str, tuple[int, int]]:
    """(covered, total) of the frontier's intervals over synthetic sweeps of POLICIES.

    ``step_cost`` / ``step_effect``: each reported step's incremental interval against the
    true difference; ``family_cost`` / ``family_effect``: all three pairs of policies at once
    within the simultaneous half-width (the level the report states for the family).
    Run for the numbers in docs/analysis.md:
    ``PYTHONPATH=.:tests python -c "import test_analysis_cost as t; print(t.coverage(2000))"``.
    """
    from sim.analysis.cost import simultaneous_halfwidth

    true = {"public_cost": POLICIES[:, 0] * 6.0, OUTCOME: POLICIES[:, 0] * 1.5}
    col = {"public_cost": "incremental_cost", OUTCOME: "incremental_effect"}
    counts = {f"{kind}_{what}": [0, 0] for kind in ("step", "family")
              for what in ("cost", "effect")}
    for s in range(sweeps):
        out = COVERAGE_MODEL.replicates(POLICIES, [s * 100 + r for r in range(reps)])
        points = pd.DataFrame({"point": range(3), OUTCOME: out[OUTCOME].mean(axis=0),
                               "public_cost": out["public_cost"].mean(axis=0)})
        front = frontier_uncertainty(frontier(points, OUTCOME, []), out[OUTCOME],
                                     out["public_cost"], [0, 1, 2], True, 0.95, 1000,
                                     np.random.default_rng(s))
        draws = np.random.default_rng(s).integers(0, reps, size=(1000, reps))  # the same
        for key, what in (("public_cost", "cost"), (OUTCOME, "effect")):
            for _, r in front.iloc[1:].iterrows():
                diff = true[key][int(r["point"])] - true[key][int(r["compared_with"])]
                counts[f"step_{what}"][0] += bool(
                    r[f"{col[key]}_low"] <= diff <= r[f"{col[key]}_high"])
                counts[f"step_{what}"][1] += 1
            y = out[key]
            err = y.mean(axis=0) - true[key]
            half = simultaneous_halfwidth(y, y[draws].mean(axis=1), 0.95)
            counts[f"family_{what}"][0] += bool(err.max() - err.min() <= half)
            counts[f"family_{what}"][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


@pytest.mark.slow
def test_each_incremental_interval_covers_the_true_difference_at_least_95_percent():
    """Over 1,000 sweeps (about 1,500 reported steps) each step's 95% interval covers.

    Measured (``coverage(2000)``, 2026-12-02, with the small-sample factor): cost 2951 of
    3001 steps (98.3%, exact binomial 95% interval [97.8%, 98.8%]); outcome 2955 of 3001
    (98.5% [98.0%, 98.9%]); the family 1914 and 1921 of 2000 (95.7% [94.7%, 96.5%], 96.0%
    [95.1%, 96.9%]). A true coverage of 95% over ~1,500 steps passes the step bound about
    half the time, a true 93% almost never.
    """
    got = coverage(1000)
    for key in ("step_cost", "step_effect"):
        covered, total = got[key]
        assert total > 1000 and covered / total >= 0.95, (key, got[key])
    # The family (all three pairs at once) at its stated 95%: measured 95.7% and 96.0% of
    # 2,000 sweeps; without the small-sample factor 91.7% and 91.9%. Over 1,000 sweeps a
    # true 95% falls below 93.5% with probability about 1.5% (2.2 sd), a true 91.7% passes
    # with about 2%. The sweeps are seeded, so the outcome is fixed, not flaky.
    for key in ("family_cost", "family_effect"):
        covered, total = got[key]
        assert covered / total >= 0.935, (key, got[key])
