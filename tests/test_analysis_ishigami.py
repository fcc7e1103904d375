"""End to end on a function with known answers: ``ieisim sweep`` of the Ishigami function,
then the analysis (Sobol' against the analytic indices, Morris ranking, determinism)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis import COLUMNS, analyze, write_analysis
from sim.experiment import run_sweep
from sim.testmodels import ishigami_indices


def _experiment(design: str, **opts) -> dict:
    exp = {"name": f"ishigami_{design}", "model": "ishigami", "design": design,
           "replicates": 1, "seed": 20251125, "factors": {"x1": {}, "x2": {}, "x3": {}}}
    exp.update(opts)
    return exp


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    """The shipped experiments/ishigami_check.toml (N = 1024, first and total order)."""
    out = tmp_path_factory.mktemp("ish") / "sweep"
    run_sweep("ishigami_check", out, workers=1, quiet=True)
    return out


@pytest.fixture(scope="module")
def sobol_result(sobol_sweep):
    return analyze(sobol_sweep, methods=["sobol"])


def test_sobol_indices_contain_the_analytic_values(sobol_result):
    table = sobol_result.sensitivity
    exact = ishigami_indices()
    for key in ("S1", "ST"):
        rows = table[(table["index"] == key)].set_index("lever").loc[["x1", "x2", "x3"]]
        for (lever, r), truth in zip(rows.iterrows(), exact[key], strict=False):
            assert r["conf_low"] <= truth <= r["conf_high"], (key, lever, r.to_dict())
            # and the intervals are informative, not trivially wide
            assert r["conf_high"] - r["conf_low"] < 0.2


def test_sobol_ranking_and_convergence(sobol_result):
    st = sobol_result.sensitivity.query("index == 'ST'").set_index("lever")["value"]
    assert list(st.sort_values(ascending=False).index) == ["x1", "x2", "x3"]
    conv = sobol_result.info["outputs"]["y"]["convergence"]
    assert conv["n_base"] == 1024 and conv["n_half"] == 512
    assert conv["converged"] is True and conv["max_change_ST"] < 0.05


def test_same_sweep_analysed_twice_gives_identical_numbers(sobol_sweep, sobol_result):
    again = analyze(sobol_sweep, methods=["sobol"])
    pd.testing.assert_frame_equal(sobol_result.sensitivity, again.sensitivity)
    # a different analysis seed changes the bootstrap intervals but not the indices
    other = analyze(sobol_sweep, methods=["sobol"], seed=7)
    np.testing.assert_allclose(other.sensitivity["value"], sobol_result.sensitivity["value"])
    assert not np.allclose(other.sensitivity["conf_low"], sobol_result.sensitivity["conf_low"])


def test_analysis_leaves_global_numpy_state_alone(sobol_sweep):
    np.random.seed(123)  # noqa: NPY002 - checks the global state is untouched
    expected = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002 - checks the global state is untouched
    analyze(sobol_sweep, methods=["pawn"], resamples=10)
    assert np.random.random() == expected  # noqa: NPY002


def test_morris_ranks_x3_last(tmp_path):
    out = tmp_path / "morris"
    run_sweep(_experiment("morris", morris={"trajectories": 40, "levels": 4}), out,
              workers=1, quiet=True)
    result = analyze(out)
    assert result.methods == ["morris"]
    mu_star = result.sensitivity.query("index == 'mu_star'").set_index("lever")["value"]
    assert mu_star.idxmin() == "x3"
    assert set(result.sensitivity["index"]) == {"mu_star", "mu", "sigma", "direction"}
    sigma = result.sensitivity.query("index == 'sigma'").set_index("lever")
    assert (sigma["conf_low"] <= sigma["value"]).all()
    assert (sigma["value"] <= sigma["conf_high"]).all()
    # x3 acts only through its interaction with x1: its sigma exceeds its |mu|
    mu = result.sensitivity.query("index == 'mu'").set_index("lever")["value"]
    assert sigma.loc["x3", "value"] > abs(mu.loc["x3"])


def test_written_files_follow_the_contract(tmp_path):
    out = tmp_path / "lhs"
    run_sweep(_experiment("lhs", lhs={"samples": 300}), out, workers=1, quiet=True)
    result = analyze(out, target=["y >= 5"], resamples=20)
    paths = write_analysis(result)
    assert [p.name for p in paths] == ["sensitivity.csv", "discovery.csv", "analysis.json",
                                       "report.md"]
    sens = pd.read_csv(out / "sensitivity.csv", keep_default_na=False)
    assert tuple(sens.columns) == COLUMNS
    assert set(sens["method"]) == {"pawn", "spearman"}
    info = json.loads((out / "analysis.json").read_text())
    assert info["outputs"]["y"]["target"]["target"] == "y >= 5"
    assert info["outputs"]["y"]["target"]["default_threshold"] is False
    assert info["outputs"]["y"]["methods"] == ["pawn", "spearman"]
    disc = pd.read_csv(out / "discovery.csv")
    assert (disc["target"] == "y >= 5").all() and len(disc) >= 1
    report = (out / "report.md").read_text()
    assert "y >= 5" in report and "PAWN" in report
