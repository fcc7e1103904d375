"""The built-in Ishigami model and the pipeline's agreement with its analytic Sobol' indices."""

import math

import numpy as np
import pytest
from SALib.analyze import sobol as sobol_analyze

from sim.experiment import load_manifest, load_results, run_sweep
from sim.experiment.design import salib_problem
from sim.experiment.spec import load_experiment
from sim.testmodels import ISHIGAMI_FACTORS, ishigami, ishigami_indices, simulate_ishigami


def test_function_values():
    assert ishigami(0.0, 0.0, 0.0) == 0.0
    # sin(pi/2) + 7 sin(pi/2)^2 + 0.1 * 1^4 * sin(pi/2) = 1 + 7 + 0.1
    assert ishigami(math.pi / 2, math.pi / 2, 1.0) == pytest.approx(8.1)
    out = simulate_ishigami({"x1": math.pi / 2, "x2": 0.0, "x3": 2.0}, seed=5)
    assert out["y"][0] == pytest.approx(1 + 0.1 * 16)
    assert list(out) == ["step", "year", "y"]


def test_analytic_indices_match_literature():
    idx = ishigami_indices()
    assert idx["S1"] == pytest.approx((0.3139, 0.4424, 0.0), abs=1e-4)
    assert idx["ST"] == pytest.approx((0.5576, 0.4424, 0.2437), abs=1e-4)
    assert idx["variance"] == pytest.approx(13.8446, abs=1e-3)


def test_analytic_variance_matches_monte_carlo():
    rng = np.random.default_rng(11)
    x = rng.uniform(-math.pi, math.pi, size=(400_000, 3))
    var = ishigami(x[:, 0], x[:, 1], x[:, 2]).var()
    assert var == pytest.approx(ishigami_indices()["variance"], rel=0.02)


def test_factors_span_minus_pi_to_pi():
    assert set(ISHIGAMI_FACTORS) == {"x1", "x2", "x3"}
    assert all(f.low == -math.pi and f.high == math.pi for f in ISHIGAMI_FACTORS.values())


def test_shipped_check_recovers_analytic_indices(tmp_path):
    exp = load_experiment("ishigami_check")
    summary = run_sweep(exp, tmp_path / "ish", workers=1, quiet=True)
    assert summary.done == 1024 * 5 and summary.failed == 0
    df = load_results(tmp_path / "ish", columns=["point", "y"])
    # rows sorted by run_id == point (one replicate): SALib's sample order
    assert (df["point"].to_numpy() == np.arange(len(df))).all()
    si = sobol_analyze.analyze(salib_problem(exp), df["y"].to_numpy(), calc_second_order=False,
                               seed=3)
    idx = ishigami_indices()
    assert si["S1"] == pytest.approx(idx["S1"], abs=0.05)
    assert si["ST"] == pytest.approx(idx["ST"], abs=0.05)
    manifest = load_manifest(tmp_path / "ish")
    assert manifest["model"] == "ishigami" and manifest["sobol_n"] == 1024
    assert [f["name"] for f in manifest["factors"]] == ["x1", "x2", "x3"]
