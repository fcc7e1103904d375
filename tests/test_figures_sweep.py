"""Figures of sweep folders: small real sweeps of the cooperation model, analysed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from figure_checks import check_figure_files

from sim.analysis import analyze, write_analysis
from sim.analysis.cost import frontier as cost_frontier
from sim.analysis.loading import load_sweep
from sim.errors import UsageError
from sim.experiment import load_results, run_sweep
from sim.figures.build import make_figures
from sim.ladder import RUNGS

SMALL = {"n_enterprises": 40, "n_colleges": 3, "students_per_college": 60}
EXPERIMENTS = {
    "scenarios": {"design": "scenarios", "scenarios": ["status_quo", "subsidies_only",
                                                       "reform_package"],
                  "replicates": 3, "years": 2, "keep": "timeseries"},
    "grid": {"design": "grid", "scenario": "status_quo", "replicates": 2, "years": 2,
             "factors": {"intern_subsidy": {"values": [0.0, 4.0, 8.0]},
                         "retention_support": {"values": [0.0, 0.8]}}},
    "sobol": {"design": "sobol", "scenario": "status_quo", "replicates": 1, "years": 2,
              "sobol": {"n": 4, "second_order": True},
              "factors": {"intern_subsidy": {}, "consortium_strength": {}}},
    "morris": {"design": "morris", "scenario": "status_quo", "replicates": 1, "years": 2,
               "morris": {"trajectories": 4, "levels": 4},
               "factors": {"intern_subsidy": {}, "tax_credit": {},
                           "consortium_strength": {}}},
}


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    """Each design swept (and analysed) once; figures drawn once per folder."""
    root = tmp_path_factory.mktemp("sweeps")
    out = {}
    for i, (name, spec) in enumerate(EXPERIMENTS.items()):
        exp = {"name": f"fig_{name}", "model": "cooperation", "seed": 31 + i,
               "fixed": SMALL, **spec}
        folder = root / name
        run_sweep(exp, folder, workers=1, quiet=True, echo=lambda *_: None)
        write_analysis(analyze(folder))
        out[name] = (folder, [r.name for r in make_figures(folder)])
    return out


@pytest.mark.parametrize("design, expected", [
    ("scenarios", ["rung_shares_by_scenario", "frontier", "paired_differences"]),
    ("grid", ["frontier", "phase"]),
    ("sobol", ["frontier", "sobol_indices", "sobol_s2_"]),
    ("morris", ["frontier", "morris"]),
])
def test_each_design_gets_its_figures(sweeps, design, expected):
    folder, names = sweeps[design]
    for stem in expected:
        assert any(n.startswith(stem) for n in names), (stem, names)
    for name in names:
        check_figure_files(folder / "figures", name)
    index = (folder / "figures" / "README.md").read_text(encoding="utf-8")
    assert f"{design} design" in index and all(f"`{n}`" in index for n in names)


def test_rung_bands_are_mean_and_90pct_across_replicates(sweeps):
    folder, _ = sweeps["scenarios"]
    bands = pd.read_csv(folder / "figures" / "rung_shares_by_scenario.csv")
    rows = load_results(folder)
    assert set(bands["scenario"]) == {"status_quo", "subsidies_only", "reform_package"}
    assert set(bands["rung"]) == set(RUNGS)
    for (scn, rung, year), row in bands.set_index(["scenario", "rung", "year"]).iterrows():
        vals = rows[(rows["scenario"] == scn) & (rows["year"] == year)][f"share_{rung}"]
        assert row["n"] == len(vals) == 3
        assert row["mean"] == pytest.approx(vals.mean())
        assert row["low"] == pytest.approx(np.quantile(vals, 0.05))
        assert row["high"] == pytest.approx(np.quantile(vals, 0.95))


def test_paired_differences_plot_the_analysis_rows(sweeps):
    folder, _ = sweeps["scenarios"]
    got = pd.read_csv(folder / "figures" / "paired_differences.csv")
    sens = pd.read_csv(folder / "sensitivity.csv")
    want = sens[(sens["method"] == "paired") & (sens["index"] == "mean_diff")]
    assert len(got) == len(want) > 0
    assert "status_quo" not in set(got["scenario"])
    np.testing.assert_allclose(got["mean_diff"].to_numpy(), want["value"].to_numpy())
    np.testing.assert_allclose(got["conf_low"].to_numpy(), want["conf_low"].to_numpy())


def test_phase_cells_are_replicate_means_and_targets_come_from_the_analysis(sweeps):
    folder, _ = sweeps["grid"]
    phase = pd.read_csv(folder / "figures" / "phase.csv", keep_default_na=False,
                        na_values=[""])
    info = json.loads((folder / "analysis.json").read_text())
    points = load_sweep(folder).point_table()
    for output, cells in phase.groupby("output"):
        assert len(cells) == 3 * 2
        merged = cells.merge(points, on=["intern_subsidy", "retention_support"])
        np.testing.assert_allclose(merged["value"], merged[output])
        target = info["outputs"][output]["target"]
        assert (cells["target_op"] == target["op"]).all()
        assert cells["target_threshold"].iloc[0] == pytest.approx(target["threshold"])


def test_frontier_marks_the_analysis_frontier(sweeps):
    folder, _ = sweeps["grid"]
    data = pd.read_csv(folder / "figures" / "frontier.csv")
    points = load_sweep(folder).point_table()
    for output, rows in data.groupby("output", sort=False):
        front = cost_frontier(points, output, [])
        assert set(rows.loc[rows["non_dominated"], "point"]) == set(front["point"])
        merged = rows.merge(points, on="point")
        np.testing.assert_allclose(merged["value"], merged[output])
        np.testing.assert_allclose(merged["public_cost_x"], merged["public_cost_y"])


def test_sobol_and_morris_csvs_are_the_analysis_indices(sweeps):
    folder, names = sweeps["sobol"]
    sens = pd.read_csv(folder / "sensitivity.csv")
    bars = pd.read_csv(folder / "figures" / "sobol_indices.csv")
    want = sens[(sens["method"] == "sobol") & sens["index"].isin(["S1", "ST"])]
    np.testing.assert_allclose(bars["value"].to_numpy(), want["value"].to_numpy())
    s2 = [n for n in names if n.startswith("sobol_s2_")]
    assert s2 and all(n.removeprefix("sobol_s2_") in set(sens["output"]) for n in s2)

    folder, _ = sweeps["morris"]
    sens = pd.read_csv(folder / "sensitivity.csv")
    morris = pd.read_csv(folder / "figures" / "morris.csv")
    mu = sens[(sens["method"] == "morris") & (sens["index"] == "mu_star")]
    merged = morris.merge(mu, on=["output", "lever"])
    assert len(merged) == len(mu) > 0
    np.testing.assert_allclose(merged["mu_star"], merged["value"])
    assert sorted(morris["number"].unique()) == [1, 2, 3]


def test_discovery_draws_the_first_box_of_each_target_within_the_swept_range(sweeps):
    drawn = 0
    for design in ("sobol", "morris"):
        folder, names = sweeps[design]
        disc = pd.read_csv(folder / "discovery.csv")
        restricted = disc[disc["lever"].notna()]
        if restricted.empty:
            assert "discovery" not in names
            continue
        first = restricted[restricted["box"] == restricted.groupby("target")["box"]
                           .transform("min")]
        got = pd.read_csv(folder / "figures" / "discovery.csv")
        assert len(got) == len(first)
        np.testing.assert_allclose(got["low"], first["low"])
        np.testing.assert_allclose(got["high"], first["high"])
        assert (got["n_boxes"] == got["target"].map(
            restricted.groupby("target")["box"].nunique())).all()
        span = got["swept_high"] - got["swept_low"]
        np.testing.assert_allclose(got["low_position"], (got["low"] - got["swept_low"]) / span)
        assert ((got["low_position"] >= 0) & (got["high_position"] <= 1)).all()
        drawn += 1
    assert drawn > 0, "no small sweep produced a discovery box: the test checks nothing"


def test_sweep_without_analysis_gets_the_figures_it_can_draw(sweeps, tmp_path):
    import shutil

    folder = shutil.copytree(sweeps["scenarios"][0], tmp_path / "raw",
                             ignore=shutil.ignore_patterns("figures", "sensitivity.csv",
                                                           "discovery.csv", "analysis.json",
                                                           "report.md"))
    names = [r.name for r in make_figures(folder)]
    assert names == ["rung_shares_by_scenario", "frontier"]
    with pytest.raises(UsageError, match="--compare works on run folders only"):
        make_figures(folder, compare=folder)
