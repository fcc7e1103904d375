"""The calibration report: summaries, the predictive check, and a poor fit said plainly."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.calibration.posterior import strong_pairs, summarise_parameters, weighted_quantile
from sim.calibration.priors import prior_for
from sim.calibration.run import calibrate
from sim.errors import UsageError

TARGETS = """name = "normal_mean_check"
model = "normal_mean"
[[targets]]
name = "mean"
statistic = "sample_mean"
value = {value}
tolerance = 0.32
source = "synthetic"
[[targets]]
name = "spread"
statistic = "sample_sd"
interval = [0.5, 1.5]
use = "holdout"
source = "synthetic: the known sd of the observations"
"""


def test_weighted_quantile_and_width_ratio():
    x = np.arange(1.0, 101.0)
    assert weighted_quantile(x, np.ones(100), 0.5) == pytest.approx(50.5)
    w = np.where(x > 50, 1.0, 0.0)
    assert weighted_quantile(x, w, 0.5) == pytest.approx(75.5)
    p = prior_for("a", 0.0, 10.0)
    post = pd.DataFrame({"a": np.linspace(4.0, 6.0, 101), "weight": 1 / 101})
    s = summarise_parameters(post, (p,))[0]
    assert s.median == pytest.approx(5.0) and s.constrained
    assert s.width_ratio == pytest.approx((5.9 - 4.1) / 9.0, rel=0.02)


def test_log_uniform_priors_where_the_range_spans_an_order_of_magnitude():
    assert prior_for("x", 0.05, 0.6).log and not prior_for("x", 0.0, 30.0).log
    assert not prior_for("x", 0.2, 1.0).log
    assert prior_for("x", 10.0, 150.0).natural(np.log10(20.0)) == pytest.approx(20.0)


def test_strong_pairs_find_a_trade_off():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, 500)
    post = pd.DataFrame({"a": a, "b": 1 - a + rng.normal(0, 0.05, 500),
                         "c": rng.uniform(0, 1, 500), "weight": 1 / 500})
    pairs = strong_pairs(post, tuple(prior_for(n, 0.0, 1.0) for n in "abc"))
    assert [(x, y) for x, y, _ in pairs] == [("a", "b")] and pairs[0][2] < -0.9


@pytest.mark.parametrize("value, poor", [(50.0, True), (1.0, False)])
def test_an_impossible_target_makes_the_report_say_the_fit_is_poor(tmp_path, value, poor):
    f = tmp_path / "t.toml"
    f.write_text(TARGETS.format(value=value))  # theta's prior is [-5, 5]: 50 is unreachable
    out = calibrate(str(f), out=tmp_path / "out", workers=1, population=30,
                    max_generations=3, screening=2, seed=3, echo=lambda s: None)
    report = (out / "report.md").read_text()
    info = json.loads((out / "calibration.json").read_text())
    assert ("**The fit is poor:**" in report) is poor
    assert info["fit_poor"] is poor
    assert "## Held-out targets" in report and "| spread | sample_sd |" in report
    assert "| theta | uniform | [-5, 5] |" in report
    assert (out / "screening.csv").exists() and "Recommended data" in report
    post = pd.read_parquet(out / "posterior.parquet")
    assert list(post.columns) == ["theta", "weight"]
    if poor:
        assert post["theta"].median() > 4.0  # pushed against the prior's edge
        return
    from sim.calibration.figures import make_calibration_figures

    names = [r.name for r in make_calibration_figures(out)]
    assert names == ["posterior_marginals", "posterior_pairs", "predictive_checks"]
    checks = pd.read_csv(out / "figures" / "predictive_checks.csv")
    assert list(checks["target"]) == ["mean", "spread"] and checks["met"].all()
    (out / "figures" / "mine.txt").write_text("x")  # never replaced: refused
    with pytest.raises(UsageError, match="did not write"):
        make_calibration_figures(out)
