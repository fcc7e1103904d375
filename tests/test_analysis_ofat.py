"""One-factor-at-a-time analysis: trends over each lever's range, beyond replicate noise."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import write_model_sweep

from sim.analysis import analyze
from sim.analysis.ofat import range_effects, trend_per_replicate
from sim.analysis.report import render
from sim.experiment.design import ofat_layout
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT

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


def test_analyze_an_ofat_sweep_reports_trends_and_refuses_prim(tmp_path):
    layout, x = _design(KNOWN_EFFECT)
    folder = write_model_sweep(tmp_path / "o", "ofat", KNOWN_EFFECT, replicates=10, x=x)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["experiment"]["options"] = {"centres": ["status_quo"], "levels": len(LEVELS)}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = analyze(folder, outputs=[OUTCOME])
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
