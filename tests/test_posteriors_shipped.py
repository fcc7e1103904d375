"""The shipped status-quo posterior: what the scenarios' defaults and the experiments use."""

import json
import math

import pandas as pd
import pytest

from sim.calibration.posterior import point_estimate, weighted_quantile
from sim.experiment import load_experiment
from sim.experiment.posterior import find_posterior, list_posteriors, load_posterior
from sim.params import BY_NAME, list_scenarios, load_scenario
from sim.version import MODEL_VERSION

FOLDER = find_posterior("status_quo")


def test_the_status_quo_posterior_is_shipped_for_this_model_version():
    assert "status_quo" in list_posteriors()
    info = json.loads((FOLDER / "calibration.json").read_text())
    assert info["model_version"] == MODEL_VERSION and info["status"] == "finished"
    assert info["targets"]["name"] == "status_quo_targets" and info["scenario"] == "status_quo"
    post = load_posterior(FOLDER)
    assert len(post.rows) >= 500 and math.isclose(sum(post.weights), 1.0, abs_tol=1e-6)
    for name in ("report.md", "predictive.parquet", "screening.csv"):
        assert (FOLDER / name).is_file(), name


def test_scenario_defaults_are_the_posteriors_point_estimate():
    """Every calibrated parameter's default is its weighted posterior median (3 digits).

    ``calibration/apply_defaults.py --posterior posteriors/status_quo`` wrote them; the
    shipped scenarios do not override them, so every scenario starts from the point estimate.
    """
    post = pd.read_parquet(FOLDER / "posterior.parquet")
    info = json.loads((FOLDER / "calibration.json").read_text())
    params = [c for c in post.columns if c != "weight"]
    assert len(params) == 10 and params == info["params"]
    w = post["weight"].to_numpy(float)
    estimate = point_estimate(FOLDER)
    for name in params:
        decl = BY_NAME[name]
        median = float(weighted_quantile(post[name].to_numpy(float), w, 0.5))
        assert estimate[name] == pytest.approx(median, rel=5e-3, abs=0.5 * (decl.dtype is int))
        assert decl.default == estimate[name], name
        assert "posteriors/status_quo" in decl.source, name
        for scenario in list_scenarios():
            assert load_scenario(scenario).get(name) == decl.default, (scenario, name)
    assert info["fit_poor"] == any(not c["met"] for c in info["target_checks"]
                                   if c.get("use", "fit") == "fit")


@pytest.mark.parametrize("name", ["demo", "morris_screening", "policy_sobol"])
def test_policy_experiments_draw_from_the_shipped_posterior(name):
    exp = load_experiment(name)
    unc = exp.uncertainty
    assert unc is not None and unc["draws"] >= 20 and unc["seeds_per_draw"] >= 2
    assert unc["posterior"] == "status_quo" and unc["digest"] == load_posterior(FOLDER).digest
