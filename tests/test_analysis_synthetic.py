"""Analysis behaviour on synthetic sweeps whose answers are known by construction:
noise diagnostics, constant outputs, grouped indices, direction, cost frontier, robustness,
refused methods and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import factor, write_sweep

from sim.analysis import analyze, write_analysis
from sim.analysis.cost import frontier
from sim.analysis.noise import decompose
from sim.errors import UsageError


def _linear(x, year):
    return 3.0 * x["a"] - 1.0 * x["b"]


@pytest.fixture
def lhs_sweep(tmp_path):
    factors = [factor("a"), factor("b"), factor("c")]
    outputs = {"joint_rd_per_100_firms": _linear,
               "mean_rung": lambda x, year: 2.0,                       # constant
               "public_cost": lambda x, year: 10 * x["a"] + 1 * x["c"]}
    return write_sweep(tmp_path / "lhs", "lhs", factors, outputs, n=200, replicates=3,
                       noise=0.1, noisy={"joint_rd_per_100_firms"})


def test_directions_and_default_outputs(lhs_sweep):
    result = analyze(lhs_sweep, resamples=20)
    # the cooperation defaults present in the sweep, in their documented order
    assert result.outputs == ["joint_rd_per_100_firms", "mean_rung", "public_cost"]
    rho = result.sensitivity.query("method == 'spearman' and output == "
                                   "'joint_rd_per_100_firms'").set_index("lever")
    assert rho.loc["a", "conf_low"] > 0.8          # a raises it
    assert rho.loc["b", "conf_high"] < 0           # b lowers it
    assert rho.loc["c", "conf_low"] < 0 < rho.loc["c", "conf_high"]  # c does nothing
    pawn = result.sensitivity.query("method == 'pawn' and output == "
                                    "'joint_rd_per_100_firms'").set_index("lever")
    floor = result.info["outputs"]["joint_rd_per_100_firms"]["pawn"]["noise_floor"]
    assert pawn.loc["a", "conf_low"] > floor > pawn.loc["c", "value"]
    assert ((pawn["conf_low"] <= pawn["value"]) & (pawn["value"] <= pawn["conf_high"])).all()


def test_pawn_separates_a_weak_effect_from_none_with_enough_points(tmp_path):
    folder = write_sweep(tmp_path / "big", "lhs", [factor("a"), factor("b"), factor("c")],
                         {"y": _linear}, n=1500)
    result = analyze(folder, methods=["pawn"], resamples=20)
    pawn = result.sensitivity.set_index("lever")["value"]
    floor = result.info["outputs"]["y"]["pawn"]["noise_floor"]
    assert pawn["a"] > pawn["b"] > floor > pawn["c"]


def test_constant_output_is_reported_not_crashed(lhs_sweep):
    result = analyze(lhs_sweep, resamples=20)
    info = result.info["outputs"]["mean_rung"]
    assert info["constant"] is True and info["value"] == 2.0
    assert (result.sensitivity["output"] != "mean_rung").all()
    assert not result.sensitivity[["value"]].isna().any().any()
    write_analysis(result)
    report = (lhs_sweep / "report.md").read_text()
    assert "constant across the design (= 2)" in report


def test_noise_share_matches_construction(tmp_path):
    # output = 1.0 * a + N(0, 0.5): between-point variance 1/12, noise variance 0.25
    factors = [factor("a"), factor("b")]
    folder = write_sweep(tmp_path / "noisy", "lhs", factors,
                         {"y": lambda x, year: x["a"]}, n=400, replicates=4, noise=0.5)
    result = analyze(folder, resamples=20)
    nz = result.info["outputs"]["y"]["noise"]
    expected = 0.25 / (0.25 + 1 / 12)
    assert nz["noise_share"] == pytest.approx(expected, abs=0.05)
    assert nz["noise_dominates"] is True and nz["noisy_means"] is True
    assert nz["suggested_replicates"] > 4
    write_analysis(result)
    text = (folder / "report.md").read_text()
    assert "Noise dominates single runs" in text and "use more replicates" in text


def test_noise_is_zero_for_deterministic_outputs():
    runs = pd.DataFrame({"point": [0, 0, 1, 1], "y": [1.0, 1.0, 3.0, 3.0]})
    nz = decompose(runs, "y")
    assert nz["noise_share"] == 0.0 and nz["between"] == pytest.approx(2.0)
    assert nz["noise_dominates"] is False


def test_frontier_is_the_non_dominated_set():
    pts = pd.DataFrame({"point": range(5), "public_cost": [1.0, 2.0, 2.0, 3.0, 4.0],
                        "out": [1.0, 3.0, 2.0, 2.5, 5.0], "a": [0.1, 0.2, 0.3, 0.4, 0.5]})
    front = frontier(pts, "out", ["a"])
    assert front["point"].tolist() == [0, 1, 4]   # 2 costs as much as 1 for less; 3 dominated
    assert front["gain_per_cny_million"].tolist()[1:] == [2.0, 1.0]
    assert np.isnan(front["gain_per_cny_million"].iloc[0])


def test_frontier_in_analysis(lhs_sweep):
    result = analyze(lhs_sweep, outputs=["joint_rd_per_100_firms"], resamples=20)
    front = result.frontier["joint_rd_per_100_firms"]
    pts = result.points
    # no sampled point beats a frontier point on both counts
    for _, f in front.iterrows():
        better = pts[(pts["public_cost"] <= f["public_cost"])
                     & (pts["joint_rd_per_100_firms"] > f["joint_rd_per_100_firms"])]
        assert better.empty
    assert result.info["outputs"]["joint_rd_per_100_firms"]["frontier"]["cost_summary"] == "final"


def test_grouped_sobol_needs_a_grouped_sample(tmp_path):
    factors = [factor("a", group="fiscal"), factor("b", group="fiscal"),
               factor("c", group="platforms")]
    fn = {"y": lambda x, year: 2 * x["a"] + x["b"] + 0.1 * x["c"]}
    grouped = write_sweep(tmp_path / "g", "sobol", factors, fn, n=256, groups=True,
                          analysis={"groups": True})
    result = analyze(grouped, methods=["sobol"])
    assert result.info["levers_are_groups"] is True
    st = result.sensitivity.query("index == 'ST'").set_index("lever")["value"]
    assert set(st.index) == {"fiscal", "platforms"}
    assert st["fiscal"] > 0.9 > 0.1 > st["platforms"]
    full = analyze(grouped, resamples=10)
    write_analysis(full)
    report = (grouped / "report.md").read_text()
    assert "Single levers within the groups" in report
    # a (slope 2) is named first among the single levers, as raising the output
    assert ("Single levers with the clearest direction (rank correlation; a lever above "
            "another only where their |rho| intervals separate): `a` (raises it") in report
    flat = write_sweep(tmp_path / "f", "sobol", factors, fn, n=256)
    with pytest.raises(UsageError, match="drawn factor by factor"):
        analyze(flat, methods=["sobol"], groups=True)
    assert analyze(flat, methods=["sobol"]).info["levers_are_groups"] is False


def test_second_order_rows(tmp_path):
    factors = [factor("a"), factor("b"), factor("c")]
    folder = write_sweep(tmp_path / "s2", "sobol", factors,
                         {"y": lambda x, year: x["a"] * x["b"] * 4 + x["c"]}, n=512,
                         second_order=True)
    result = analyze(folder, methods=["sobol"])
    s2 = result.sensitivity.query("index == 'S2'")
    assert len(s2) == 3 and (s2["lever2"] != "").all()
    top = s2.sort_values("value").iloc[-1]
    assert (top["lever"], top["lever2"]) == ("a", "b") and top["conf_low"] > 0
    write_analysis(result)
    assert "a x b" in (folder / "report.md").read_text()


def flip(threshold):
    """a matters for every k; b (more) only when k > threshold: the ranking flips at high k."""
    return {"y": lambda x, year: x["a"] + (4 * x["b"] if x["k"] > threshold else 0.0)}


STEADY = {"y": lambda x, year: 3 * x["a"] + x["b"] + x["c"] * 0.3 + 0.2 * x["k"]}


# lhs splits points at the median of k (0.5); Morris splits whole trajectories by their
# mean k, and with 4 levels a low trajectory visits k = 0 and 2/3: its threshold sits above
@pytest.mark.parametrize("design,n,threshold,measure", [("lhs", 400, 0.5, "pawn"),
                                                        ("morris", 40, 0.8, "mu_star")])
def test_robustness_across_behaviour(tmp_path, design, n, threshold, measure):
    factors = [factor("a"), factor("b"), factor("c"), factor("k", kind="behaviour")]
    folder = write_sweep(tmp_path / "rob", design, factors, flip(threshold), n=n)
    rob = analyze(folder, resamples=10).info["outputs"]["y"]["robustness"]
    assert rob["measure"] == measure and rob["levers"] == ["a", "b", "c"]
    k = rob["by_factor"]["k"]
    assert k["top_low"] == "a" and k["top_high"] == "b" and k["holds"] is False
    assert rob["holds"] is False
    steady = write_sweep(tmp_path / "steady", design, factors, STEADY, n=n)
    result = analyze(steady, resamples=10)
    rob = result.info["outputs"]["y"]["robustness"]
    assert rob["by_factor"]["k"]["kendall_tau"] == 1.0 and rob["holds"] is True
    write_analysis(result)
    # one replicate: Morris directions cannot be checked against noise, and say so
    word = "raises it" if design == "lhs" else "not checked against noise"
    assert f"Among the policy levers: `a` ({word}" in (steady / "report.md").read_text()
    assert rob["reference_tau"] is not None
    if design == "morris":   # elementary effects of a linear function are exact in any half
        assert rob["reference_tau"] == 1.0


def test_methods_a_design_cannot_support_are_refused(lhs_sweep):
    with pytest.raises(UsageError, match="design is .lhs.; Sobol. indices need a Saltelli sample"):
        analyze(lhs_sweep, methods=["sobol"])
    with pytest.raises(UsageError, match="needs trajectories"):
        analyze(lhs_sweep, methods=["morris"])
    with pytest.raises(UsageError, match="choose from"):
        analyze(lhs_sweep, methods=["fast"])


def test_bad_input_is_refused(lhs_sweep, tmp_path):
    with pytest.raises(UsageError, match="not an output of this sweep"):
        analyze(lhs_sweep, outputs=["nope"])
    with pytest.raises(UsageError, match="expected OUTPUT >= NUMBER"):
        analyze(lhs_sweep, target=["joint_rd_per_100_firms == 3"])
    with pytest.raises(UsageError, match="not an analysed output"):
        analyze(lhs_sweep, outputs=["public_cost"], target=["mean_rung >= 1"])
    with pytest.raises(UsageError, match="no manifest.json"):
        analyze(tmp_path)


def test_missing_points_refused_for_structured_designs(tmp_path):
    factors = [factor("a"), factor("b")]
    folder = write_sweep(tmp_path / "gap", "sobol", factors, {"y": _linear}, n=64)
    manifest = (folder / "manifest.json").read_text()
    (folder / "manifest.json").write_text(manifest.replace('"n_points": 256',
                                                           '"n_points": 260'))
    with pytest.raises(UsageError, match="4 have no finished run"):
        analyze(folder, methods=["sobol"])


def test_public_cost_is_the_mean_yearly_spend(tmp_path):
    # final-step spending 8 + a, but 40 + 10 a spent over 10 years: mean 4 + a per year
    factors = [factor("a")]
    outputs = {"public_cost": lambda x, year: 8 + x["a"],
               "cumulative_public_cost": lambda x, year: 40 + 10 * x["a"]}
    folder = write_sweep(tmp_path / "cost", "lhs", factors, outputs, n=20)
    result = analyze(folder, outputs=["public_cost"], resamples=10)
    assert result.info["summaries"]["public_cost"] == "mean"
    pts = result.points
    np.testing.assert_allclose(pts["public_cost"], 4 + pts["a"])
    # with a time series and no running total: the mean over the years after the start
    ts = write_sweep(tmp_path / "ts", "lhs", factors,
                     {"public_cost": lambda x, year: year * x["a"]}, n=20,
                     years=(0.0, 1.0, 2.0, 3.0))
    pts = analyze(ts, outputs=["public_cost"], resamples=10).points
    np.testing.assert_allclose(pts["public_cost"], 2 * pts["a"])


def test_grid_design_rank_correlations_and_discovery(tmp_path):
    levels = np.linspace(0.0, 1.0, 6)
    grid = np.array([(a, b) for a in levels for b in levels])
    factors = [factor("a"), factor("b")]
    for f, col in zip(factors, grid.T, strict=False):
        f["values"] = sorted(set(col.tolist()))
    folder = write_sweep(tmp_path / "grid", "grid", factors,
                         {"share_joint_rd": lambda x, year: x["a"] * x["b"]}, n=0, x=grid,
                         replicates=2, noise=0.01)
    result = analyze(folder, target=["share_joint_rd >= 0.5"], resamples=10)
    assert result.methods == ["anova", "spearman"]
    rho = result.sensitivity.query("method == 'spearman'").set_index("lever")
    assert (rho["conf_low"] > 0).all()
    box = result.info["outputs"]["share_joint_rd"]["target"]["boxes"][0]
    # a * b >= 0.5 needs both a and b of at least 0.5
    assert box["limits"]["a"][0] >= 0.5 and box["limits"]["b"][0] >= 0.5
    assert box["density"] > 0.8
    with pytest.raises(UsageError, match="PAWN needs a continuous sample"):
        analyze(folder, methods=["pawn"])
    write_analysis(result)
    report = (folder / "report.md").read_text()
    assert "Factors listed by S1, largest first, in tiers" in report
    assert "| raises it |" in report


def _grid(tmp_path, name, fn, replicates=1, noise=0.0):
    levels = np.linspace(0.0, 1.0, 5)
    grid = np.array([(a, b) for a in levels for b in levels])
    factors = [factor("a"), factor("b")]
    for f in factors:
        f["values"] = levels.tolist()
    return write_sweep(tmp_path / name, "grid", factors, {"y": fn}, n=0, x=grid,
                       replicates=replicates, noise=noise)


def test_grid_main_effects_match_the_variance_decomposition(tmp_path):
    # additive y = a + 2b: shares Var(a) : 4 Var(b) = 1 : 4, no interaction
    additive = analyze(_grid(tmp_path, "add", lambda x, year: x["a"] + 2 * x["b"]),
                       methods=["anova"]).sensitivity.set_index(["lever", "index"])["value"]
    assert additive[("a", "S1")] == pytest.approx(0.2)
    assert additive[("b", "S1")] == pytest.approx(0.8)
    assert additive[("", "interactions")] == pytest.approx(0.0, abs=1e-12)
    # centred product: no main effect at all, everything is interaction
    product = analyze(_grid(tmp_path, "prod", lambda x, year: (x["a"] - 0.5) * (x["b"] - 0.5)),
                      methods=["anova"]).sensitivity.set_index(["lever", "index"])["value"]
    assert product[("a", "S1")] == pytest.approx(0.0, abs=1e-12)
    assert product[("", "interactions")] == pytest.approx(1.0)
    # with replicate noise the intervals are real and contain the value
    noisy = analyze(_grid(tmp_path, "noisy", lambda x, year: x["a"] + 2 * x["b"],
                          replicates=3, noise=0.2), methods=["anova"], resamples=20)
    rows = noisy.sensitivity[noisy.sensitivity["index"] != "S1_noise_floor"]
    assert (rows["conf_high"] > rows["conf_low"]).all()
    assert ((rows["conf_low"] <= rows["value"]) & (rows["value"] <= rows["conf_high"])).all()


def test_incomplete_lhs_sweep_is_analysed_with_a_note(tmp_path):
    folder = write_sweep(tmp_path / "part", "lhs", [factor("a"), factor("b")],
                         {"y": _linear}, n=40, replicates=2)
    manifest = (folder / "manifest.json").read_text()
    (folder / "manifest.json").write_text(manifest.replace('"n_runs": 80', '"n_runs": 90'))
    result = analyze(folder, resamples=10)
    assert any("10 of 90 runs have no results" in n for n in result.info["notes"])
    write_analysis(result)
    assert "10 of 90 runs have no results" in (folder / "report.md").read_text()


def test_report_flags_wide_morris_intervals_only_when_wide(tmp_path):
    factors = [factor("a"), factor("b"), factor("c")]
    exact = write_sweep(tmp_path / "exact", "morris", factors, {"y": _linear}, n=10)
    write_analysis(analyze(exact, resamples=10))
    assert "mu* intervals are wide" not in (exact / "report.md").read_text()
    noisy = write_sweep(tmp_path / "noisy", "morris", factors, {"y": _linear}, n=6,
                        replicates=2, noise=2.0)
    write_analysis(analyze(noisy, resamples=10))
    text = (noisy / "report.md").read_text()
    assert "mu* intervals are wide" in text and "use more replicates" in text
