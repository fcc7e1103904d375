"""One-factor-at-a-time analysis: trends over each lever's range, beyond replicate noise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import write_model_sweep

from sim.analysis import analyze
from sim.analysis.ofat import lever_order, range_effects, trend_per_replicate
from sim.analysis.report import render
from sim.experiment.design import ofat_layout
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT, SYNTHETIC_FACTORS, SyntheticPolicyModel

LEVELS = np.linspace(0.0, 1.0, 9)
OUTCOME = "joint_rd_per_100_firms"


def _design(model):
    layout = ofat_layout(model.names, ["status_quo"], len(LEVELS))
    x = np.zeros((len(layout), len(model.names)))
    for p in layout.itertuples():
        x[p.point, model.names.index(p.lever)] = LEVELS[p.level]
    return layout, x


def _runs(model, seeds):
    layout, x = _design(model)
    out = model.replicates(x, seeds)
    reps, points = len(seeds), len(layout)
    runs = pd.DataFrame(np.tile(x, (reps, 1)), columns=model.names)
    runs.insert(0, "replicate", np.repeat(np.arange(reps), points))
    runs.insert(0, "point", np.tile(np.arange(points), reps))
    runs[OUTCOME] = out[OUTCOME].ravel()  # (replicates x points), row by row
    return runs, layout


def test_trend_is_the_fitted_change_over_the_range():
    x = np.array([0.0, 1.0, 2.0, 4.0])
    reps = np.vstack([3.0 * x + 1.0, -0.5 * x])
    assert trend_per_replicate(x, reps) == pytest.approx([12.0, -2.0])


@pytest.mark.slow
def test_no_effect_gives_a_trend_beyond_noise_in_at_most_5_percent_of_200_sweeps():
    false = 0
    for sweep in range(200):
        runs, layout = _runs(NO_EFFECT, [20 * sweep + r for r in range(10)])
        _, info = range_effects(runs, layout, OUTCOME, 0.95)
        false += any(e["detectable"] for e in info["effects"]["status_quo"].values())
    assert false <= 10


@pytest.mark.slow
def test_a_known_effect_is_found_with_its_direction_in_80_percent_of_sweeps():
    found = 0
    for sweep in range(50):
        runs, layout = _runs(KNOWN_EFFECT, [5000 + 20 * sweep + r for r in range(10)])
        _, info = range_effects(runs, layout, OUTCOME, 0.95)
        e = info["effects"]["status_quo"]["lever1"]
        found += bool(e["detectable"] and e["direction"] == "raises")
    assert found >= 40


def _analyzed_sweep(tmp_path, model):
    """Analysis of a 10-replicate one-factor-at-a-time sweep of ``model`` around the status quo."""
    _, x = _design(model)
    folder = write_model_sweep(tmp_path / "o", "ofat", model, replicates=10, x=x)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["experiment"]["options"] = {"centres": ["status_quo"], "levels": len(LEVELS)}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return analyze(folder, outputs=[OUTCOME])


def test_analyze_an_ofat_sweep_reports_trends_and_refuses_prim(tmp_path):
    result = _analyzed_sweep(tmp_path, KNOWN_EFFECT)
    rows = result.sensitivity[(result.sensitivity["method"] == "ofat")
                              & (result.sensitivity["index"] == "range_effect")]
    assert set(rows["lever"]) == set(KNOWN_EFFECT.names)
    assert set(rows["lever2"]) == {"status_quo"}
    lever1 = rows[rows["lever"] == "lever1"].iloc[0]
    assert lever1["conf_low"] < 1.5 < lever1["conf_high"]  # the true change over the range
    info = result.info["outputs"][OUTCOME]
    assert info["target"]["status"] == "refused"
    text = render(result)
    assert "one-factor-at-a-time (ofat) design" in text
    assert "indices are computed on the replicate means" not in text
    assert "No scenario discovery" in text and "Holm-adjusted over levers x centres" in text
    summary = text.split("## Summary")[1].split("\n## ")[0]
    assert "(`lever1`)" in summary or "lever1" in summary
    assert "lever2" not in summary  # no effect: not named among the findings


TIERED = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 1.5, "lever2": 1.5,
                                                          "lever3": 4.0}, cost_effects={},
                              base=10.0)
"""lever1 and lever2 move the outcome by the same 1.5 over their range, lever3 by 4.0."""


def _tiers(seed: int) -> list[list[str]]:
    runs, layout = _runs(TIERED, [20 * seed + r for r in range(10)])
    _, info = range_effects(runs, layout, OUTCOME, 0.95)
    order = lever_order(info["effects"], 0.95)
    return [[e["lever"] for e in t] for t in order["tiers"]]


def test_lever_order_puts_levers_of_equal_size_in_one_tier():
    effects = {"c": {
        "big": {"effect": 4.0, "detectable": True, "direction": "raises",
                "replicate_ids": [0, 1, 2, 3], "per_replicate": [3.9, 4.1, 4.0, 4.0]},
        "mid": {"effect": 2.0, "detectable": True, "direction": "raises",
                "replicate_ids": [0, 1, 2, 3], "per_replicate": [1.9, 2.1, 2.0, 2.0]},
        # the same size as "mid" in the direction of its effect (it lowers the output)
        "neg": {"effect": -2.0, "detectable": True, "direction": "lowers",
                "replicate_ids": [0, 1, 2, 3], "per_replicate": [-2.2, -1.8, -2.1, -1.9]},
        "none": {"effect": 0.1, "detectable": False, "direction": "none",
                 "replicate_ids": [0, 1, 2, 3], "per_replicate": [0.0, 0.2, 0.1, 0.1]}}}
    order = lever_order(effects, 0.95)
    assert [[e["lever"] for e in t] for t in order["tiers"]] in (
        [["big"], ["mid", "neg"]], [["big"], ["neg", "mid"]])
    assert order["pairs"] == 3  # only the detectable levers are compared


@pytest.mark.slow
def test_equal_levers_are_ordered_at_most_5_percent_and_a_larger_one_first_in_80_percent():
    false_order = found = 0
    for sweep in range(200):
        tiers = _tiers(sweep)
        where = {lv: i for i, t in enumerate(tiers) for lv in t}
        if "lever1" in where and "lever2" in where:
            false_order += where["lever1"] != where["lever2"]
        found += tiers[0] == ["lever3"]
    assert false_order <= 10
    assert found >= 160


def test_summary_names_tied_levers_as_such(tmp_path):
    result = _analyzed_sweep(tmp_path, TIERED)
    order = result.info["outputs"][OUTCOME]["ofat"]["order"]
    tiers = [[e["lever"] for e in t] for t in order["tiers"]]
    assert tiers[0] == ["lever3"] and sorted(tiers[1]) == ["lever1", "lever2"]
    summary = render(result).split("## Summary")[1].split("\n## ")[0]
    line = next(x for x in summary.splitlines() if x.startswith(f"- `{OUTCOME}`"))
    assert line.startswith(f"- `{OUTCOME}`: moved most by ")
    assert "`lever3`" in line.split("; then, by less, ")[0]
    assert "(not distinguishable from one another)" in line.split("; then, by less, ")[1]
    assert "Holm-adjusted over 3 pair(s) of levers" in line
