"""Issue 11, claims 1 and 8: the Morris noise floor and interval quality, on synthetic
sweeps of models with known effects (sim.testmodels), so the checks survive model changes."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_sweeps import write_model_sweep
from SALib.analyze import morris as salib_morris
from SALib.sample import morris as morris_sample

from sim.analysis import analyze
from sim.analysis import elementary as el
from sim.analysis.report import render
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT

PROBLEM = {"num_vars": 4, "names": NO_EFFECT.names, "bounds": [[0.0, 1.0]] * 4}
TRAJ = 10
REPS = 10
OUTCOME = "joint_rd_per_100_firms"


def _detections(model, sweeps: int, reps: int = REPS) -> np.ndarray:
    """Share of synthetic Morris sweeps in which each lever is called detectable."""
    hits = np.zeros(4)
    for s in range(sweeps):
        x = morris_sample.sample(PROBLEM, TRAJ, num_levels=4, seed=s + 1)
        y = model.replicates(x, [1000 * s + r for r in range(reps)])[OUTCOME]
        ee = el.elementary_effects(x, y, PROBLEM["bounds"], 5)
        hits += el.holm(el.noise_test(ee)["p_noise"]) <= 0.05
    return hits / sweeps


def test_elementary_effects_match_salib():
    x = morris_sample.sample(PROBLEM, TRAJ, num_levels=4, seed=3)
    y = KNOWN_EFFECT.replicates(x, [1, 2, 3])[OUTCOME].mean(axis=0)
    si = salib_morris.analyze(dict(PROBLEM), x, y, num_levels=4, seed=1)
    ours = el.summary_for(el.elementary_effects(x, y, PROBLEM["bounds"], 5))
    for key in ("mu_star", "mu", "sigma"):
        np.testing.assert_allclose(ours[key], si[key], rtol=1e-10)


def test_holm_matches_the_definition():
    np.testing.assert_allclose(el.holm(np.array([0.01, 0.04, 0.03, np.nan])),
                               [0.03, 0.06, 0.06, np.nan])


def test_noise_floor_is_the_mu_star_of_pure_noise():
    # pure noise: mu* of the replicate means sits at its noise-only level on average
    ratios = []
    for s in range(40):
        x = morris_sample.sample(PROBLEM, TRAJ, num_levels=4, seed=s + 1)
        y = NO_EFFECT.replicates(x, [100 * s + r for r in range(REPS)])[OUTCOME]
        ee = el.elementary_effects(x, y, PROBLEM["bounds"], 5)
        mu_star = el.mu_star_stat(ee.mean(axis=0), axis=0)
        ratios.append(mu_star / el.noise_test(ee)["noise_floor"])
    assert 0.85 < float(np.mean(ratios)) < 1.15


@pytest.mark.slow
def test_no_effect_is_called_detectable_at_most_5_percent_of_200_sweeps():
    rate = _detections(NO_EFFECT, 200)
    assert rate.max() <= 0.05, rate


@pytest.mark.slow
def test_a_known_effect_of_realistic_size_is_found_in_80_percent_of_200_sweeps():
    rate = _detections(KNOWN_EFFECT, 200)
    assert rate[0] >= 0.8, rate
    assert rate[1:].max() <= 0.05, rate


def test_report_calls_only_the_real_lever_detectable_and_no_noise_lever_mixed(tmp_path):
    folder = write_model_sweep(tmp_path / "m", "morris", KNOWN_EFFECT, n=TRAJ, replicates=REPS)
    result = analyze(folder, outputs=[OUTCOME])
    effects = result.info["outputs"][OUTCOME]["morris"]["effects"]
    assert effects["lever1"]["detectable"] and effects["lever1"]["direction"] == "raises"
    for lever in ("lever2", "lever3", "lever4"):
        assert effects[lever]["detectable"] is False
        assert effects[lever]["direction"] == "none"
        # mu* is positive under pure noise, and of the size of the noise-only level
        assert effects[lever]["mu_star"] > 0
        assert effects[lever]["mu_star"] < 2.5 * effects[lever]["noise_floor"]
    floor = result.sensitivity.query("index == 'mu_star_noise_floor'")
    assert set(floor["lever"]) == set(KNOWN_EFFECT.names)
    text = render(result)
    assert "no effect beyond replicate noise" in text and "mixed" not in text
    summary = text.split("## Summary")[1].split("##")[0]
    assert "`lever1`" in summary and "`lever2`" not in summary


def test_one_replicate_is_not_checked_against_noise(tmp_path):
    folder = write_model_sweep(tmp_path / "one", "morris", KNOWN_EFFECT, n=TRAJ, replicates=1)
    result = analyze(folder, outputs=[OUTCOME])
    mo = result.info["outputs"][OUTCOME]["morris"]
    assert mo["noise_checked"] is False
    assert {e["direction"] for e in mo["effects"].values()} == {"not_checked"}
    assert "not checked against noise" in render(result)


def test_bca_intervals_use_1000_resamples_and_cover_sigma():
    # sigma of 12 draws from N(0, 1): BCa intervals (>= 1,000 resamples) cover the truth in
    # most of 100 samples and always contain the point estimate
    rng = np.random.default_rng(5)
    covered = 0
    for _ in range(100):
        e = rng.normal(0, 1, 12)
        lo, hi = el.bca_interval(e, el.sigma_stat, 0.95, 10, np.random.default_rng(1))
        est = float(el.sigma_stat(e))
        assert lo <= est <= hi
        covered += lo <= 1.0 <= hi
    assert covered >= 80
    assert el.MIN_BCA_RESAMPLES >= 1000


def test_sigma_estimates_sit_inside_their_intervals(tmp_path):
    folder = write_model_sweep(tmp_path / "m", "morris", KNOWN_EFFECT, n=TRAJ, replicates=3)
    rows = analyze(folder, outputs=[OUTCOME]).sensitivity
    for index in ("mu_star", "mu", "sigma"):
        part = rows[rows["index"] == index]
        assert ((part["conf_low"] <= part["value"]) & (part["value"] <= part["conf_high"])).all()


def test_stability_compares_two_disjoint_halves(tmp_path):
    folder = write_model_sweep(tmp_path / "m", "morris", KNOWN_EFFECT, n=TRAJ, replicates=3)
    result = analyze(folder, outputs=[OUTCOME])
    x = result.points[KNOWN_EFFECT.names].to_numpy()
    y = result.points[OUTCOME].to_numpy()
    ee = el.elementary_effects(x, y, PROBLEM["bounds"], 5)
    from scipy.stats import kendalltau
    tau = kendalltau(el.mu_star_stat(ee[:5], axis=0), el.mu_star_stat(ee[5:], axis=0)).statistic
    assert result.info["outputs"][OUTCOME]["morris"]["kendall_tau_halves"] == pytest.approx(tau)
    assert "two disjoint halves" in render(result)


def test_a_lever_that_only_raises_the_outcome_is_never_said_to_lower_it(tmp_path):
    """``mixed`` means "detectable, but mu/mu* < 0.8 or mu's interval includes 0": noise can
    give it to a lever whose every true effect is positive (2 of 40 sweeps at this size), so
    the report must not word it as a reversal ("lowers it in others", as it once did)."""
    from sim.testmodels import SYNTHETIC_FACTORS, SyntheticPolicyModel

    model = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 0.8}, cost_effects={},
                                 base=10.0)
    folder = write_model_sweep(tmp_path / "m", "morris", model, n=TRAJ, replicates=REPS,
                               seed0=300)  # a sweep in which noise makes lever1 "mixed"
    result = analyze(folder, outputs=[OUTCOME], methods=["morris"])
    assert result.info["outputs"][OUTCOME]["morris"]["effects"]["lever1"]["direction"] == "mixed"
    text = render(result)
    row = next(x for x in text.splitlines() if x.startswith("| 1 | `lever1` |"))
    assert "direction not established" in row and "lowers" not in row
    summary = text.split("## Summary")[1].split("##")[0]
    assert "`lever1` (direction not established)" in summary and "lowers" not in summary
