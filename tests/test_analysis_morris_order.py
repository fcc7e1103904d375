"""Issue 11: the Morris Summary states an order between levers only where mu* differs beyond
noise (paired bootstrap over whole trajectories, Holm over the pairs, tiers), on synthetic
Morris sweeps of models with known effects (sim.testmodels)."""

from __future__ import annotations

import numpy as np
from analysis_sweeps import write_model_sweep
from SALib.sample import morris as morris_sample

from sim.analysis import analyze
from sim.analysis import elementary as el
from sim.analysis.report import render
from sim.testmodels import SYNTHETIC_FACTORS, SyntheticPolicyModel

NAMES = list(SYNTHETIC_FACTORS)
PROBLEM = {"num_vars": 4, "names": NAMES, "bounds": [[0.0, 1.0]] * 4}
TRAJ = 10
REPS = 10
SWEEPS = 200
OUTCOME = "joint_rd_per_100_firms"
EQUAL = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 1.5, "lever2": 1.5},
                             cost_effects={})
"""Two levers with the same effect (1.5 ties per 100 firms over the range, run noise sd 1)."""
LARGER = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 4.5, "lever2": 1.5},
                              cost_effects={})
"""``lever1`` moves the outcome three times as much as ``lever2``."""


def _orders(model, compare_all_detectable: bool) -> list[dict]:
    """``mu_star_order`` on SWEEPS synthetic Morris sweeps (replicate means, CRN seeds)."""
    out = []
    for s in range(SWEEPS):
        x = morris_sample.sample(PROBLEM, TRAJ, num_levels=4, seed=s + 1)
        y = model.replicates(x, [1000 * s + r for r in range(REPS)])[OUTCOME]
        ee = el.elementary_effects(x, y.mean(axis=0), PROBLEM["bounds"], 5)
        if compare_all_detectable:  # as the pipeline does: the levers beyond the noise floor
            ee_r = el.elementary_effects(x, y, PROBLEM["bounds"], 5)
            beyond = el.holm(el.noise_test(ee_r)["p_noise"]) <= 0.05
            compared = [n for n, b in zip(NAMES, beyond, strict=True) if b]
        else:  # the two equal levers only: one pair, no help from a larger Holm family
            compared = ["lever1", "lever2"]
        out.append(el.mu_star_order(ee, NAMES, compared, 0.95, 1000,
                                    np.random.default_rng(s)))
    return out


def _tier_of(order: dict) -> dict[str, int]:
    return {lever: k for k, tier in enumerate(order["tiers"]) for lever in tier}


def test_tiers_split_only_where_every_pair_across_the_boundary_is_established():
    items = ["a", "b", "c", "d"]
    # a > c, a > d, b > c, b > d established; a vs b and c vs d not: two tiers
    larger = {(0, 2): True, (0, 3): True, (1, 2): True, (1, 3): True}
    assert el.tiers(items, larger) == [["a", "b"], ["c", "d"]]
    # b vs c not established: no boundary after b, only after a if a beats all
    larger = {(0, 1): True, (0, 2): True, (0, 3): True, (1, 3): True, (2, 3): True}
    assert el.tiers(items, larger) == [["a"], ["b", "c"], ["d"]]
    assert el.tiers(items, {}) == [items]


def test_equal_levers_are_put_in_different_tiers_in_at_most_10_percent_of_200_sweeps():
    orders = _orders(EQUAL, compare_all_detectable=False)
    split = np.mean([_tier_of(o)["lever1"] != _tier_of(o)["lever2"] for o in orders])
    assert split <= 0.10, split
    assert all(o["pairs"] == 1 for o in orders)


def test_a_clearly_larger_lever_is_alone_in_first_place_in_80_percent_of_200_sweeps():
    orders = _orders(LARGER, compare_all_detectable=True)
    alone = np.mean([bool(o["tiers"]) and o["tiers"][0] == ["lever1"] for o in orders])
    assert alone >= 0.8, alone
    # the noise levers rarely pass the floor, so they are rarely ordered at all
    compared = np.mean([sum(len(t) for t in o["tiers"]) for o in orders])
    assert compared < 2.3, compared


def test_the_same_resample_serves_every_lever_so_identical_levers_never_differ():
    # two identical columns of elementary effects: a paired bootstrap sees a difference of 0
    rng = np.random.default_rng(4)
    ee = rng.normal(1.0, 1.0, (TRAJ, 3))
    ee[:, 1] = ee[:, 0]
    order = el.mu_star_order(ee, ["a", "b", "c"], ["a", "b"], 0.95, 1000, rng)
    assert order["tiers"] == [["a", "b"]] and order["p_holm"]["a|b"] == 1.0


def _summary_line(tmp_path, model) -> tuple[str, str]:
    folder = write_model_sweep(tmp_path / "m", "morris", model, n=TRAJ, replicates=REPS)
    text = render(analyze(folder, outputs=[OUTCOME]))
    summary = text.split("## Summary")[1].split("\n## ")[0]
    line = next(ln for ln in summary.splitlines() if ln.startswith(f"- `{OUTCOME}`"))
    return line, text


def test_report_names_equal_levers_as_not_distinguishable_and_lists_not_ranks(tmp_path):
    line, text = _summary_line(tmp_path, EQUAL)
    assert line.startswith(f"- `{OUTCOME}`: moved most by ")
    assert "(not distinguishable from one another)" in line
    assert "no order among them exceeds replicate noise" in line
    assert "then, by less" not in line
    assert "Levers listed by mu*, largest first: a listing, not a ranking" in text
    assert "| # | lever | mu* [95% CI] |" in text and "| rank | lever | mu*" not in text


def test_report_puts_a_clearly_larger_lever_first_and_the_other_after_it(tmp_path):
    line, _ = _summary_line(tmp_path, LARGER)
    first, _, rest = line.partition("; then, by less, ")
    assert "`lever1`" in first and "`lever2`" not in first
    assert "`lever2`" in rest
    assert "an order is stated only where it exceeds replicate noise" in line
