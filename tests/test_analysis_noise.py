"""Issue 11, claim 2: noise decomposition that respects common random numbers (whole
replicates resampled across all points), suppressed claims when noise dominates the means,
zero-inflation flags, and claims that could not be checked with fewer than 10 replicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import write_model_sweep

from sim.analysis import analyze, noise
from sim.analysis.report import render, summary
from sim.metrics import OUTPUT_INFO
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT, SYNTHETIC_FACTORS, SyntheticPolicyModel

OUTCOME = "joint_rd_per_100_firms"
GRID = np.array([[a, b, 0.0, 0.0] for a in np.linspace(0, 1, 5) for b in np.linspace(0, 1, 5)])


def _claim_made(model, seed: int, reps: int = 10) -> bool:
    """A directional claim about lever1 survives the noise check in one synthetic grid."""
    y = model.replicates(GRID, [seed * 100 + r for r in range(reps)])[OUTCOME]
    check = noise.replicate_bootstrap(y, 200, np.random.default_rng(seed))
    return check["noise_share_of_means"] <= noise.SUPPRESS_SHARE


def test_shared_replicate_noise_cancels_but_a_pattern_in_one_replicate_does_not():
    rng = np.random.default_rng(0)
    signal = np.linspace(0, 1, 20)
    shared = signal + rng.normal(0, 5, (10, 1))  # big shock, the same at every point
    boot = noise.replicate_bootstrap(shared, 500, np.random.default_rng(1))
    assert boot["noise_share_of_means"] < 1e-9
    # one replicate carries the whole pattern (as in subsidy_retention_grid)
    one = np.zeros((10, 20))
    one[3] = 10 * signal
    boot = noise.replicate_bootstrap(one, 500, np.random.default_rng(1))
    assert boot["noise_share_of_means"] > 0.5


@pytest.mark.slow
def test_no_effect_survives_the_noise_check_at_most_5_percent_of_200_sweeps():
    made = [_claim_made(NO_EFFECT, s) for s in range(200)]
    assert np.mean(made) <= 0.05


@pytest.mark.slow
def test_a_known_effect_survives_the_noise_check_in_80_percent_of_200_sweeps():
    made = [_claim_made(KNOWN_EFFECT, s) for s in range(200)]
    assert np.mean(made) >= 0.8


def test_zero_inflated_grid_with_few_replicates_makes_no_directional_claim(tmp_path):
    rare = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 0.6},
                                cost_effects={"lever1": 5.0}, base=-1.5)
    folder = write_model_sweep(tmp_path / "g", "grid", rare, replicates=3, x=GRID)
    result = analyze(folder, outputs=[OUTCOME])
    nc = result.info["outputs"][OUTCOME]["noise_check"]
    assert nc["zero_inflated"] and nc["zero_share"] > 0.5
    assert nc["checked"] is False and nc["replicates"] == 3
    text = render(result)
    assert "Zero-inflated" in text
    block = summary(result).split(f"`{OUTCOME}`")[1].split("\n")[0]
    if nc["suppress_claims"]:
        assert "no ranking or direction is claimed" in block
        section = text.split(f"## {OUTPUT_INFO[OUTCOME][0]}")[1].split("##")[0]
        assert "raises it" not in section.replace("withheld", "")
    else:
        assert "Could not be checked against noise" in block


def test_noise_dominated_means_withhold_directions(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", NO_EFFECT, replicates=10, x=GRID)
    result = analyze(folder, outputs=[OUTCOME])
    nc = result.info["outputs"][OUTCOME]["noise_check"]
    assert nc["checked"] and nc["suppress_claims"]
    section = render(result).split(f"## {OUTPUT_INFO[OUTCOME][0]}")[1].split("\n## ")[0]
    assert "withheld: noise dominates the means" in section
    assert "raises it" not in section and "lowers it" not in section
    assert "no ranking or direction is claimed" in summary(result)


def test_replicate_matrix_keeps_replicates_as_rows():
    runs = pd.DataFrame({"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1],
                         "y": [1.0, 2.0, 3.0, np.nan]})
    m, cols = noise.replicate_matrix(runs, "y")
    assert cols == [0, 1] and m.shape == (2, 2) and m[1, 0] == 2.0
    assert noise.complete_replicates(m).tolist() == [[1.0, 3.0]]


def test_grid_main_effect_counts_only_above_its_noise_floor(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", KNOWN_EFFECT, replicates=10, x=GRID)
    result = analyze(folder, outputs=[OUTCOME])
    floors = result.info["outputs"][OUTCOME]["anova"]["noise_floor"]
    s1 = result.sensitivity.query("method == 'anova' and index == 'S1'").set_index("lever")
    assert s1.loc["lever1", "conf_low"] > floors["lever1"]
    block = summary(result).split(f"`{OUTCOME}`")[1].split("\n")[0]
    assert "`lever1`" in block and "`lever2`" not in block
