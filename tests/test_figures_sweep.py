"""Figures of sweep folders: small real sweeps of the cooperation model, analysed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from figure_checks import check_figure_files

from sim.analysis import analyze, intervals, write_analysis
from sim.analysis.cost import frontier as cost_frontier
from sim.analysis.loading import load_sweep
from sim.errors import UsageError
from sim.experiment import load_results, run_sweep
from sim.figures import group_breakdowns
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
    ("scenarios", ["rung_shares_by_scenario", "frontier", "paired_differences",
                   "outcomes_over_time", "difference_over_time_", "breakdown_size_class",
                   "size_class_over_time", "breakdown_sector", "sector_over_time",
                   "breakdown_city", "city_over_time"]),  # 3 colleges: no Double High one,
    # so no tier figure
    ("grid", ["frontier", "phase", "main_effects"]),
    ("sobol", ["frontier", "sobol_indices", "sobol_s2_", "sobol_convergence"]),
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
        # the figure marks exactly the points the report calls distinguishable
        info = json.loads((folder / "analysis.json").read_text())["outputs"][output]
        kept = {r["point"] for r in info["frontier"]["rows"] if r["distinguishable"]}
        assert set(rows.loc[rows["distinguishable"], "point"]) == kept


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
    assert names == ["rung_shares_by_scenario", "outcomes_over_time",
                     *[f"difference_over_time_{o}" for o in ("enterprise_participation",
                                                             "joint_rd_per_100_firms",
                                                             "public_cost")],
                     "breakdown_size_class", "size_class_over_time",
                     *[f"{kind}{d}{end}" for d in ("sector", "ownership", "tier", "city")
                       for kind, end in (("breakdown_", ""), ("", "_over_time"))
                       if group_breakdowns.available(d, load_sweep(folder).runs)
                       and (kind or group_breakdowns.over_time_outputs(
                           d, load_sweep(folder).timeseries))],
                     "frontier"]
    # no analysis: only the frontier's table, no index tables
    assert [p.name for p in (folder / "figures").glob("*.tex")] == ["table_frontier.tex"]
    with pytest.raises(UsageError, match="--compare works on run folders only"):
        make_figures(folder, compare=folder)


def _line_data(fig):
    return [(ln.get_xdata(), ln.get_ydata()) for ax in fig.axes for ln in ax.get_lines()]


def test_outcome_bands_over_time_are_replicate_t_intervals(sweeps):
    folder, _ = sweeps["scenarios"]
    bands = pd.read_csv(folder / "figures" / "outcomes_over_time.csv")
    rows = load_results(folder)
    assert set(bands["output"]) == {"enterprise_participation", "joint_rd_per_100_firms",
                                    "public_cost"}
    for row in bands.sample(20, random_state=1).itertuples():
        vals = rows[(rows["scenario"] == row.scenario) & (rows["year"] == row.year)][row.output]
        mean, low, high, n = intervals.mean_interval(vals)
        assert (row.mean, row.low, row.high, row.n) == pytest.approx((mean, low, high, n))


def test_differences_over_time_have_simultaneous_bands_wider_than_pointwise(sweeps):
    folder, _ = sweeps["scenarios"]
    diff = pd.read_csv(folder / "figures" / "difference_over_time_public_cost.csv")
    rows = load_results(folder)
    assert "status_quo" not in set(diff["scenario"])
    assert len(diff) > 0
    for row in diff.itertuples():
        at = rows[rows["year"] == row.year].pivot_table(index="replicate", columns="scenario",
                                                        values="public_cost")
        d = (at[row.scenario] - at["status_quo"]).to_numpy()
        assert row.mean_diff == pytest.approx(d.mean())
        _, low, high, _ = intervals.mean_interval(d)
        # the simultaneous band covers the whole path: at least as wide as each year's t
        assert row.low <= low + 1e-12 and row.high >= high - 1e-12
        assert row.excludes_zero == (row.low > 0 or row.high < 0)


def test_drawn_lines_are_the_csv_numbers(sweeps):
    from sim.figures.labels import Labels
    from sim.figures.scenario_time import outcome_bands
    from sim.figures.style import styled

    folder, _ = sweeps["scenarios"]
    ts = load_sweep(folder).timeseries
    with styled("en"):
        fig, data = outcome_bands(ts, ["public_cost"], Labels("en"))
    lines = _line_data(fig)
    for (x, y), (_, d) in zip(lines, data.groupby("scenario", sort=False), strict=False):
        np.testing.assert_allclose(x, d["year"])
        np.testing.assert_allclose(y, d["mean"])


def test_morris_csv_carries_mu_star_intervals_and_the_plot_its_reference_lines(sweeps):
    from sim.figures.labels import Labels
    from sim.figures.sensitivity import MORRIS_RATIOS, morris_scatter
    from sim.figures.style import styled

    folder, _ = sweeps["morris"]
    sens = pd.read_csv(folder / "sensitivity.csv")
    morris = pd.read_csv(folder / "figures" / "morris.csv")
    mu = sens[(sens["method"] == "morris") & (sens["index"] == "mu_star")]
    merged = morris.merge(mu, on=["output", "lever"])
    np.testing.assert_allclose(merged["mu_star_low"], merged["conf_low"])
    np.testing.assert_allclose(merged["mu_star_high"], merged["conf_high"])
    with styled("en"):
        fig, _ = morris_scatter(sens, Labels("en"),
                                ["intern_subsidy", "tax_credit", "consortium_strength"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert all(f"σ/μ* = {r:g}" in texts for r in MORRIS_RATIOS)
    assert "per lever range" in fig.axes[0].get_xlabel()


def test_sobol_convergence_ends_at_the_analysis_estimate(sweeps):
    folder, _ = sweeps["sobol"]
    conv = pd.read_csv(folder / "figures" / "sobol_convergence.csv")
    sens = pd.read_csv(folder / "sensitivity.csv")
    assert sorted(conv["n"].unique()) == [4]
    last = conv[conv["n"] == conv["n"].max()].merge(
        sens[sens["method"] == "sobol"], on=["output", "lever", "index"])
    np.testing.assert_allclose(last["value_x"], last["value_y"])
    assert conv["analytic"].isna().all()  # no analytic values for the cooperation model


def test_main_effects_and_phase_cost_isolines(sweeps):
    folder, _ = sweeps["grid"]
    main = pd.read_csv(folder / "figures" / "main_effects.csv")
    runs = load_sweep(folder).runs
    assert set(main["lever"]) == {"intern_subsidy", "retention_support"}
    row = main.iloc[0]
    per_rep = runs[runs[row["lever"]] == row["value"]].groupby("replicate")[
        row["output"]].mean()
    assert row["mean"] == pytest.approx(per_rep.mean())
    phase = pd.read_csv(folder / "figures" / "phase.csv")
    points = load_sweep(folder).point_table()
    cells = phase.merge(points, on=["intern_subsidy", "retention_support"])
    np.testing.assert_allclose(cells["public_cost_x"], cells["public_cost_y"])
    assert phase["contour_shown"].dtype == bool


def test_latex_tables_are_booktabs_and_match_the_analysis(sweeps):
    folder, _ = sweeps["scenarios"]
    tex = (folder / "figures" / "table_paired_differences.tex").read_text(encoding="utf-8")
    for cmd in (r"\toprule", r"\midrule", r"\bottomrule", r"\label{tab:paired}"):
        assert cmd in tex
    sens = pd.read_csv(folder / "sensitivity.csv")
    want = sens[(sens["method"] == "paired") & (sens["index"] == "mean_diff")]
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    assert len(body) == len(want)
    assert f"{want['value'].iloc[0]:.3g}" in body[0]
    assert "_" not in tex.replace(r"\_", "")  # code names escaped
    assert "table_paired_differences.tex" in (folder / "figures" / "README.md").read_text()
    folder, _ = sweeps["sobol"]
    assert r"\label{tab:sobol}" in (folder / "figures" / "table_sobol.tex").read_text()


def test_chinese_sweep_figures_go_to_their_own_folder(sweeps, tmp_path):
    import shutil

    from sim.figures import style

    if style.find_cjk_font() is None:
        pytest.skip("no Chinese TrueType font (apt-get install fonts-wqy-microhei)")
    folder = shutil.copytree(sweeps["grid"][0], tmp_path / "zh")
    before = sorted(p.name for p in (folder / "figures").iterdir())
    make_figures(folder, lang="zh")
    assert sorted(p.name for p in (folder / "figures").iterdir()) == before
    assert sorted(p.name for p in (folder / "figures_zh").iterdir()) == before
    for name in ("phase", "main_effects", "frontier"):
        check_figure_files(folder / "figures_zh", name)


def test_size_class_breakdown_carries_replicate_and_family_wise_intervals(sweeps):
    folder, _ = sweeps["scenarios"]
    table = pd.read_csv(folder / "figures" / "breakdown_size_class.csv")
    rows = load_results(folder)
    final = rows[rows["step"] == rows.groupby("run_id")["step"].transform("max")]
    assert set(table["category"]) <= {"micro", "small", "medium", "large"}
    assert set(table["measure"]) == {"rd_ties_per_100_firms", "enterprise_participation"}
    m = 2 * 4  # two scenarios besides the baseline, four classes (per measure)
    for row in table.itertuples():
        wide = final.pivot_table(index="replicate", columns="scenario", values=row.output)
        mean, low, high, n = intervals.mean_interval(wide[row.scenario])
        assert (row.mean, row.low, row.high, row.n) == pytest.approx((mean, low, high, n))
        if row.scenario == "status_quo":
            assert np.isnan(row.diff)
            continue
        d, dlo, dhi, _ = intervals.mean_interval(wide[row.scenario] - wide["status_quo"],
                                                 1 - 0.05 / m)
        assert (row.diff, row.diff_low, row.diff_high) == pytest.approx((d, dlo, dhi),
                                                                        nan_ok=True)
        assert row.family_conf == pytest.approx(1 - 0.05 / m)


def test_breakdown_by_ownership_carries_replicate_and_family_wise_intervals(sweeps):
    folder, names = sweeps["scenarios"]
    runs = load_sweep(folder).runs
    if "breakdown_ownership" not in names:  # a 40-firm world may lack state or foreign firms
        assert not group_breakdowns.available("ownership", runs)
        return
    table = pd.read_csv(folder / "figures" / "breakdown_ownership.csv")
    for row in table.itertuples():
        wide = runs.pivot_table(index="replicate", columns="scenario", values=row.output,
                                dropna=False)
        mean, low, high, n = intervals.mean_interval(wide[row.scenario])
        assert (row.mean, row.low, row.high, row.n) == pytest.approx((mean, low, high, n),
                                                                     nan_ok=True)


@pytest.mark.parametrize("dimension", ["size_class", "sector", "ownership", "tier", "city"])
def test_breakdowns_over_time_are_replicate_t_intervals_per_year(sweeps, dimension):
    folder, names = sweeps["scenarios"]
    ts = load_sweep(folder).timeseries
    if f"{dimension}_over_time" not in names:  # 40 firms, 3 colleges: some groups absent
        assert not group_breakdowns.over_time_outputs(dimension, ts)
        return
    check_figure_files(folder / "figures", f"{dimension}_over_time")
    table = pd.read_csv(folder / "figures" / f"{dimension}_over_time.csv")
    assert list(table.columns) == group_breakdowns.OVER_TIME_COLUMNS
    assert set(table["breakdown"]) == {dimension}
    assert set(table["output"]) == set(group_breakdowns.over_time_outputs(dimension, ts))
    assert set(table["scenario"]) == set(EXPERIMENTS["scenarios"]["scenarios"])
    assert table["year"].nunique() == ts["year"].nunique() > 1
    for row in table.sample(20, random_state=0, replace=True).itertuples():
        at = ts[(ts["scenario"] == row.scenario) & (ts["year"] == row.year)]
        assert (row.mean, row.low, row.high, row.n) == pytest.approx(
            intervals.mean_interval(at[row.output]), nan_ok=True)
        assert row.output.endswith("_" + str(row.category))
