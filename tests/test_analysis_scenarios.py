"""Scenario comparisons: paired differences with common random numbers, effect sizes, time
to effect; and the ``ieisim analyze`` command line on such a sweep."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_sweeps import write_scenarios

from sim.analysis import analyze
from sim.analysis.scenarios import baseline_of, paired
from sim.cli import main
from sim.errors import UsageError

YEARS = tuple(float(y) for y in range(0, 11))
EFFECTS = {"status_quo": 0.0, "reform_package": 2.0, "platforms_only": 0.0}


@pytest.fixture
def sweep(tmp_path):
    return write_scenarios(tmp_path / "scn", EFFECTS, replicates=12, years=YEARS, noise=3.0,
                           cost={"status_quo": 1.0, "reform_package": 5.0,
                                 "platforms_only": 2.0})


def test_paired_differences_use_common_random_numbers(sweep):
    result = analyze(sweep, outputs=["joint_rd_per_100_firms"])
    assert result.methods == ["paired"]
    comp = result.info["outputs"]["joint_rd_per_100_firms"]["scenarios"]
    assert comp["baseline"] == "status_quo"
    reform = comp["comparisons"]["reform_package"]
    assert reform["n_pairs"] == 12
    # the shared noise (sd 3) cancels: the interval is narrow around the true +2
    assert reform["conf_low"] < 2.0 < reform["conf_high"]
    assert reform["conf_high"] - reform["conf_low"] < 0.5
    assert reform["effect_size_dz"] > 3
    nothing = comp["comparisons"]["platforms_only"]
    assert nothing["conf_low"] < 0 < nothing["conf_high"]
    assert nothing["time_to_effect_years"] is None


def test_time_to_effect_is_when_the_interval_leaves_zero_for_good(sweep):
    result = analyze(sweep, outputs=["joint_rd_per_100_firms"])
    tte = result.info["outputs"]["joint_rd_per_100_firms"]["scenarios"]["comparisons"][
        "reform_package"]["time_to_effect_years"]
    # the effect grows as 0.2 per year against paired noise of sd ~0.42: the simultaneous
    # band over all 11 years (wider than a yearly interval) leaves 0 at year 1 to 3, never at
    # year 0 (no difference at the start)
    assert tte in (1.0, 2.0, 3.0)
    detail = result.info["outputs"]["joint_rd_per_100_firms"]["scenarios"]["comparisons"]
    assert detail["reform_package"]["effect_over_time"] == "established"
    band = detail["reform_package"]["band"]
    assert band["year"] == list(YEARS) and band["critical_value"] > 2.2
    rows = result.sensitivity.query("lever == 'reform_package' and index == "
                                    "'time_to_effect_years'")
    assert rows["value"].tolist() == [tte]


def test_paired_helper_and_baseline_choice(sweep):
    result = analyze(sweep, outputs=["joint_rd_per_100_firms"])
    diff = paired(_runs(sweep), "joint_rd_per_100_firms", "status_quo", "reform_package")
    mean = result.sensitivity.query("lever == 'reform_package' and index == 'mean_diff'")
    assert mean["value"].iloc[0] == pytest.approx(diff.mean())
    assert baseline_of(["a", "status_quo"], None) == "status_quo"
    assert baseline_of(["a", "b"], None) == "a"
    with pytest.raises(UsageError, match="not a scenario of this sweep"):
        baseline_of(["a", "b"], "c")
    other = analyze(sweep, outputs=["joint_rd_per_100_firms"], baseline="reform_package")
    back = other.info["outputs"]["joint_rd_per_100_firms"]["scenarios"]["comparisons"]
    assert back["status_quo"]["mean_diff"] == pytest.approx(-diff.mean())


def _runs(folder):
    from sim.analysis.loading import load_sweep

    return load_sweep(folder, ["joint_rd_per_100_firms"]).runs


def test_cost_frontier_over_scenarios(sweep):
    result = analyze(sweep, outputs=["joint_rd_per_100_firms"])
    front = result.frontier["joint_rd_per_100_firms"]
    # platforms_only costs more than the status quo for no gain: dominated
    assert front["scenario"].tolist() == ["status_quo", "reform_package"]
    assert result.info["outputs"]["joint_rd_per_100_firms"]["frontier"]["cost_summary"] == \
        "mean"


def test_cli_writes_the_files_and_exits_2_on_bad_input(sweep, capsys):
    means = analyze(sweep, outputs=["joint_rd_per_100_firms"]).points.set_index("scenario")
    t = round(float(means.loc["status_quo", "joint_rd_per_100_firms"]) + 1.0, 3)
    main(["analyze", str(sweep), "--output", "joint_rd_per_100_firms", "--target",
          f"joint_rd_per_100_firms >= {t}", "--quiet"])
    info = json.loads((sweep / "analysis.json").read_text())
    assert info["design"] == "scenarios"
    target = info["outputs"]["joint_rd_per_100_firms"]["target"]
    assert target["target"] == f"joint_rd_per_100_firms >= {t:g}"
    # replicate noise shared by the scenarios (sd 3) puts +/- ~1.9 on each scenario's level:
    # a threshold 1 above the status quo lies inside reform_package's interval (mean +2), so
    # its verdict is undetermined, not "met" (the paired difference stays clear, below)
    assert target["scenarios_meeting"] == []
    assert "reform_package" in target["scenarios_undetermined"]
    report = (sweep / "report.md").read_text()
    assert "Paired differences against `status_quo`" in report
    capsys.readouterr()
    main(["analyze", str(sweep), "--output", "joint_rd_per_100_firms"])
    printed = capsys.readouterr().out
    assert printed.startswith("## Summary") and "raised by reform_package" in printed
    assert "Paired differences" not in printed      # the details stay in report.md
    before = {p.name: p.stat().st_mtime_ns for p in sweep.iterdir()}
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(sweep), "--method", "sobol"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --method sobol: this sweep's design is 'scenarios'")
    assert "Traceback" not in err
    assert {p.name: p.stat().st_mtime_ns for p in sweep.iterdir()} == before
    assert np.isfinite(info["outputs"]["joint_rd_per_100_firms"]["noise"]["within"])


def test_relative_change_and_a_single_replicate(sweep, tmp_path):
    result = analyze(sweep, outputs=["joint_rd_per_100_firms"])
    comp = result.info["outputs"]["joint_rd_per_100_firms"]["scenarios"]["comparisons"]
    reform = comp["reform_package"]
    assert reform["relative_change"] == pytest.approx(reform["mean_diff"]
                                                      / reform["baseline_mean"])
    rel = result.sensitivity.query("lever == 'reform_package' and index == 'relative_change'")
    assert rel["conf_low"].iloc[0] < rel["value"].iloc[0] < rel["conf_high"].iloc[0]
    one = write_scenarios(tmp_path / "one", EFFECTS, replicates=1, years=YEARS, noise=3.0)
    single = analyze(one, outputs=["joint_rd_per_100_firms"])
    rows = single.sensitivity.query("lever == 'reform_package'")
    # one replicate: no interval, so no Fieller interval and no relative change
    assert set(rows["index"]) == {"mean_diff"}
    assert rows["conf_low"].isna().all() and rows["value"].notna().all()
    info = single.info["outputs"]["joint_rd_per_100_firms"]
    assert info["scenarios"]["comparisons"]["reform_package"]["time_to_effect_years"] is None
    assert info["noise"]["noise_share"] is None


def _drop_runs(folder, keep):
    """Keep only the result rows for which ``keep(table)`` is true (a sweep cut short)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from sim.experiment import store

    for part in store.part_files(folder):
        table = pq.read_table(part)
        store.write_table(part, table.filter(keep(table, pc)))


def test_partly_finished_scenarios_sweep_is_analysed_and_says_what_is_missing(sweep, capsys):
    # platforms_only never ran, reform_package has 9 of its 12 replicates
    _drop_runs(sweep, lambda t, pc: pc.and_(
        pc.not_equal(t["scenario"], "platforms_only"),
        pc.or_(pc.not_equal(t["scenario"], "reform_package"), pc.less(t["replicate"], 9))))
    main(["analyze", str(sweep), "--output", "joint_rd_per_100_firms", "--quiet"])
    captured = capsys.readouterr()
    missing = ("partial sweep: 15 of 36 runs have no results (failed or not yet run); missing "
               "runs by scenario: scenario reform_package: 3 of 12; scenario platforms_only: "
               "12 of 12")
    assert f"warning: {missing}; the analysis uses the runs present" in captured.err
    info = json.loads((sweep / "analysis.json").read_text())
    assert info["partial"]["missing"] == 15
    assert info["partial"]["missing_by_scenario"] == {"reform_package": 3, "platforms_only": 12}
    report = (sweep / "report.md").read_text()
    assert report.splitlines()[2].startswith(
        "**Partial data: 15 of 36 runs are missing** (failed or not yet run); missing runs by "
        "scenario: reform_package 3 of 12, platforms_only 12 of 12. ")
    assert "scenario platforms_only: 12 of 12" in report  # and in the notes
    comparisons = info["outputs"]["joint_rd_per_100_firms"]["scenarios"]["comparisons"]
    assert list(comparisons) == ["reform_package"]  # what is there is analysed
    assert comparisons["reform_package"]["n_pairs"] == 9
