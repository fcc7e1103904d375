"""Issue 11, claims 4 and 9: PRIM refused on Morris designs, limits on sampled levels, base
rate and quasi-p per restriction, conditional boxes, --box on the trade-off, and combined
targets with policy meaning (also those shipped in the experiments' [analysis] tables)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import write_model_sweep

from sim.analysis import analyze, write_analysis
from sim.analysis import discovery as disc
from sim.analysis.report import render
from sim.cli import main
from sim.errors import UsageError
from sim.experiment.spec import ANALYSIS_KEYS
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT

OUTCOME = "joint_rd_per_100_firms"
LEVELS = np.linspace(0.0, 1.0, 5)
GRID = np.array([[a, b, c, 0.0] for a in LEVELS for b in LEVELS for c in (0.0, 1.0)])
EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


def test_morris_design_is_refused_with_a_reason(tmp_path):
    folder = write_model_sweep(tmp_path / "m", "morris", KNOWN_EFFECT, n=10, replicates=2)
    res = analyze(folder, outputs=[OUTCOME]).info["outputs"][OUTCOME]["target"]
    assert res["status"] == "refused" and "Morris" in res["reason"] and res["boxes"] == []
    assert res["base_rate"] == pytest.approx(res["n_target"] / res["n_points"])


def test_limits_are_sampled_levels_and_later_boxes_are_conditional(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", KNOWN_EFFECT, replicates=10, x=GRID)
    result = analyze(folder, outputs=[OUTCOME], target=[f"{OUTCOME} >= 3"])
    res = result.info["outputs"][OUTCOME]["target"]
    assert res["status"] == "ok" and res["boxes"]
    for box in res["boxes"]:
        assert box["conditional"] == (box["box"] > 1)
        assert box["trajectory"] and 0 <= box["chosen"] < len(box["trajectory"])
        for lever, (lo, hi) in box["limits"].items():
            assert np.isclose(LEVELS, lo).any() and np.isclose(LEVELS, hi).any(), lever
    first = res["boxes"][0]
    assert "lever1" in first["limits"] and first["significant"]["lever1"]
    table = result.discovery
    assert {"base_rate", "significant", "conditional"} <= set(table.columns)
    text = render(result)
    assert "base rate" in text and "quasi-p" in text and "conditional" in text


def test_box_option_picks_a_point_on_the_trade_off(tmp_path, capsys):
    folder = write_model_sweep(tmp_path / "g", "grid", KNOWN_EFFECT, replicates=10, x=GRID)
    auto = analyze(folder, outputs=[OUTCOME], target=[f"{OUTCOME} >= 3"])
    traj = auto.info["outputs"][OUTCOME]["target"]["boxes"][0]["trajectory"]
    picked = analyze(folder, outputs=[OUTCOME], target=[f"{OUTCOME} >= 3"], box=1)
    box = picked.info["outputs"][OUTCOME]["target"]["boxes"][0]
    assert box["chosen"] == 1 and box["user_choice"]
    assert box["coverage"] == pytest.approx(traj[1]["coverage"])
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(folder), "-o", OUTCOME, "-t", f"{OUTCOME} >= 3", "--box", "999"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --box 999") and err.count("\n") == 1
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.slow
def test_prim_on_no_effect_finds_significant_limits_rarely_and_a_real_one_often(tmp_path):
    null_hits = real_hits = 0
    x = GRID
    for s in range(200):  # ~400 PRIM searches: a few minutes
        for model, is_null in ((NO_EFFECT, True), (KNOWN_EFFECT, False)):
            out = model.replicates(x, [1000 * s + r for r in range(10)])
            means = out[OUTCOME].mean(axis=0)

            target = disc.make_target(OUTCOME, means, None)
            res = disc.discover(target, pd.DataFrame(x, columns=model.names), means)
            sig = {k for b in res["boxes"][:1] for k, v in b["significant"].items() if v}
            if is_null:
                null_hits += bool(sig)
            else:
                real_hits += "lever1" in sig
    assert null_hits / 200 <= 0.05, null_hits
    assert real_hits / 200 >= 0.8, real_hits


def test_combined_target_counts_points_meeting_every_condition(tmp_path):
    folder = write_model_sweep(tmp_path / "g", "grid", KNOWN_EFFECT, replicates=10, x=GRID)
    expr = f"{OUTCOME} >= 2.5 and public_cost <= 53"
    result = analyze(folder, outputs=[OUTCOME], target=[expr])
    res = result.info["outputs"][OUTCOME]["target"]
    pts = result.points
    expected = int(((pts[OUTCOME] >= 2.5) & (pts["public_cost"] <= 53)).sum())
    assert res["n_target"] == expected and res["target"] == "joint_rd_per_100_firms >= 2.5 " \
        "and public_cost <= 53"
    paths = write_analysis(result)
    assert json.loads(paths[2].read_text())["outputs"][OUTCOME]["target"]["n_target"] == expected


@pytest.mark.parametrize("expr, message", [
    (f"{OUTCOME} >= 3 and nonsense <= 1", "'nonsense' is not an output"),
    (f"{OUTCOME} >= 3 and <= 1", "name the output"),
    (f"{OUTCOME} >= 3 or public_cost <= 1", "expected OUTPUT >= NUMBER"),
])
def test_bad_combined_targets_are_refused(tmp_path, expr, message):
    folder = write_model_sweep(tmp_path / "g", "grid", KNOWN_EFFECT, replicates=2, x=GRID)
    with pytest.raises(UsageError, match=message):
        analyze(folder, outputs=[OUTCOME], target=[expr])


@pytest.mark.parametrize("path", sorted(EXPERIMENTS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_analysis_tables_use_declared_keys_and_parse(path):
    table = tomllib.loads(path.read_text()).get("analysis") or {}
    assert set(table) <= set(ANALYSIS_KEYS)
    for output, expr in (table.get("targets") or {}).items():
        name, rest = disc.split_target(f"{output} {expr}")
        assert name == output and rest


POLICY_TARGET_OUTPUT = "rd_ties_per_100_partner_firms"
"""The output of the shipped policy target: joint R&D per 100 firms that cooperate at all
(model version 3 counts ``joint_rd_per_100_firms`` over all of a region's real firms, where no
setting reaches the old target's 3)."""


@pytest.mark.parametrize("name", ["demo", "subsidy_retention_grid", "morris_screening",
                                  "scenarios", "policy_sobol", "policy_sobol_study",
                                  "policy_sobol_groups"])
def test_cooperation_experiments_ship_policy_targets(name):
    table = tomllib.loads((EXPERIMENTS / f"{name}.toml").read_text())["analysis"]
    assert " and public_cost <= " in table["targets"][POLICY_TARGET_OUTPUT]
