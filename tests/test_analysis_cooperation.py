"""End to end on the cooperation model: a tiny Morris sweep with a behavioural factor, run by
the experiments engine, analysed and written (slow: it runs the agent-based model)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.analysis import COLUMNS, analyze, write_analysis
from sim.experiment import run_sweep

pytestmark = pytest.mark.slow

EXPERIMENT = {"name": "tiny_cooperation", "model": "cooperation", "scenario": "status_quo",
              "design": "morris", "replicates": 2, "years": 3, "seed": 5,
              "morris": {"trajectories": 4, "levels": 4},
              "fixed": {"n_enterprises": 60, "n_colleges": 3},
              "factors": {"tax_credit": {}, "rd_cofunding": {}, "intern_subsidy": {},
                          "trust_gain": {}}}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    out = tmp_path_factory.mktemp("coop") / "sweep"
    run_sweep(EXPERIMENT, out, workers=1, quiet=True)
    result = analyze(out, resamples=20)
    write_analysis(result)
    return out, result


def test_default_outputs_and_files(analysed):
    out, result = analysed
    assert result.outputs == ["joint_rd_per_100_firms", "rd_ties_per_100_partner_firms",
                              "share_joint_rd", "mean_rung", "enterprise_participation",
                              "n_ties", "public_cost"]
    sens = pd.read_csv(out / "sensitivity.csv", keep_default_na=False)
    assert tuple(sens.columns) == COLUMNS and len(sens) > 0
    info = json.loads((out / "analysis.json").read_text())
    assert info["summaries"]["public_cost"] == "mean"
    for name, oi in info["outputs"].items():
        if oi["constant"]:
            assert name not in set(sens["output"])
            continue
        assert oi["methods"] == ["morris"]
        assert oi["target"]["default_threshold"] is True
        # the behavioural factor is an uncertainty, not a lever
        assert oi["robustness"]["levers"] == ["tax_credit", "rd_cofunding", "intern_subsidy"]
        if name != "public_cost":
            assert oi["frontier"]["n_frontier"] >= 1
    report = (out / "report.md").read_text()
    assert report.startswith("# Sensitivity analysis: tiny_cooperation")
    assert "## Summary" in report


def test_reanalysis_is_identical(analysed):
    out, result = analysed
    again = analyze(out, resamples=20)
    pd.testing.assert_frame_equal(result.sensitivity, again.sensitivity)
    pd.testing.assert_frame_equal(result.discovery, again.discovery)
