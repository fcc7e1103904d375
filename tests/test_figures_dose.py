"""Dose-response figures: replicate bands, breakpoints only when their interval is narrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from figure_checks import check_figure_files
from scipy.stats import t as student_t

from sim.analysis import breakpoint
from sim.experiment import run_sweep
from sim.experiment.design import ofat_layout
from sim.figures.build import make_figures
from sim.figures.dose import dose_table

X = np.linspace(0.0, 1.0, 9)


def _curve(rng, reps, kink=None, slope=0.0, noise=0.2):
    """(reps x levels): a hinge at ``kink`` (rise 2 per unit after it), shared-seed noise."""
    base = slope * X + (2.0 * np.maximum(0.0, X - kink) if kink is not None else 0.0)
    shared = rng.normal(0, noise, size=(reps, 1))  # common random numbers: a replicate's shift
    return base + shared + rng.normal(0, noise, size=(reps, len(X)))


def test_a_real_threshold_is_found_with_its_interval():
    found = 0
    for trial in range(20):
        fit = breakpoint.breakpoint_fit(X, _curve(np.random.default_rng(trial), 20, kink=0.5),
                                         rng=np.random.default_rng(100 + trial), resamples=400)
        found += fit["threshold"]
        if fit["threshold"]:
            assert fit["breakpoint_low"] <= 0.5 + 0.125 and fit["breakpoint_high"] >= 0.5 - 0.125
            assert fit["breakpoint_high"] - fit["breakpoint_low"] < 1 / 3
            assert fit["slope_change_low"] > 0
    assert found >= 16  # >= 80% of the time


@pytest.mark.parametrize("slope", [0.0, 1.0])
def test_no_threshold_is_drawn_on_a_curve_without_one(slope):
    drawn = 0
    for trial in range(40):
        fit = breakpoint.breakpoint_fit(X, _curve(np.random.default_rng(trial), 20,
                                                   slope=slope),
                                         rng=np.random.default_rng(500 + trial), resamples=400)
        drawn += fit["threshold"]
    assert drawn <= 2  # <= 5% of flat or straight curves get a threshold


def test_a_kink_seen_in_too_few_replicates_is_not_a_threshold():
    reps = _curve(np.random.default_rng(1), 5, kink=0.5, noise=0.01)
    fit = breakpoint.breakpoint_fit(X, reps, rng=np.random.default_rng(2))
    assert fit["breakpoint"] == pytest.approx(0.5, abs=0.05)
    assert not fit["threshold"]  # 5 < MIN_BREAKPOINT_REPLICATES


@pytest.mark.parametrize("level", [0, 8])
def test_a_bend_at_the_first_or_last_level_is_not_a_threshold(level):
    """Every resample puts the knot at the end of the searched range: a zero-width interval
    that says nothing about a threshold inside the swept range."""
    rng = np.random.default_rng(4)
    base = np.where(np.arange(len(X)) == level, 1.0, 0.0)
    reps = base + rng.normal(0, 0.2, (20, 1)) + rng.normal(0, 0.05, (20, len(X)))
    fit = breakpoint.breakpoint_fit(X, reps, rng=np.random.default_rng(1), resamples=400)
    assert fit["breakpoint"] in (X[1], X[-2]) and fit["slope_change_low"] > 0
    assert not fit["threshold"]


def test_too_little_data_gives_no_breakpoint():
    assert not breakpoint.breakpoint_fit(X[:3], np.ones((5, 3)))["threshold"]
    assert np.isnan(breakpoint.breakpoint_fit(X, np.ones((1, 9)))["breakpoint"])
    assert not breakpoint.breakpoint_fit(X, np.ones((5, 9)))["threshold"]  # flat: no kink


def test_dose_table_holds_replicate_means_and_t_intervals():
    rng = np.random.default_rng(3)
    layout = ofat_layout(["a", "b"], ["status_quo"], 9)
    rows = []
    for p in layout.itertuples():
        for r in range(4):
            values = {"a": 0.5, "b": 0.5, p.lever: X[p.level]}
            rows.append({"point": p.point, "replicate": r, **values,
                         "y": float(rng.normal(values["a"], 0.1))})
    runs = pd.DataFrame(rows)
    table = dose_table(runs, layout, "y")
    assert len(table) == 18 and set(table["lever"]) == {"a", "b"}
    for row in table.itertuples():
        vals = runs[(runs["point"] == layout[(layout["lever"] == row.lever)
                                             & (layout["level"] == row.level)]["point"].iat[0])]
        y = vals["y"].to_numpy()
        half = student_t.ppf(0.975, 3) * y.std(ddof=1) / 2
        assert row.value == pytest.approx(X[row.level])
        assert row.mean == pytest.approx(y.mean())
        assert (row.low, row.high) == pytest.approx((y.mean() - half, y.mean() + half))
        assert row.n == 4


@pytest.fixture(scope="module")
def ofat(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ofat") / "sweep"
    exp = {"name": "ofat_fig", "model": "cooperation", "seed": 5, "design": "ofat",
           "scenario": "status_quo", "replicates": 3, "years": 2,
           "fixed": {"n_enterprises": 40, "n_colleges": 3, "students_per_college": 60},
           "ofat": {"levels": 4, "centres": ["status_quo", "reform_package"]},
           "outputs": ["joint_rd_per_100_firms", "enterprise_participation", "public_cost",
                       "cumulative_public_cost"],
           "factors": {"intern_subsidy": {}, "retention_support": {}}}
    run_sweep(exp, folder, workers=1, quiet=True, echo=lambda *_: None)
    return folder, [r.name for r in make_figures(folder)]


def test_ofat_sweep_gets_a_dose_response_figure_per_outcome(ofat):
    folder, names = ofat
    for output in ("enterprise_participation", "public_cost"):
        name = f"dose_response_{output}"
        assert name in names
        check_figure_files(folder / "figures", name)
    data = pd.read_csv(folder / "figures" / "dose_response_enterprise_participation.csv")
    assert set(data["centre"]) == {"status_quo", "reform_package"}
    assert set(data["lever"]) == {"intern_subsidy", "retention_support"}
    assert (data["n"] == 3).all() and len(data) == 2 * 2 * 4
    # the lever's values run from its low to its high bound
    sub = data[(data["lever"] == "intern_subsidy") & (data["centre"] == "status_quo")]
    assert sub["value"].tolist() == pytest.approx(list(np.linspace(0.0, 8.0, 4)))
    assert (data["low"] <= data["mean"]).all() and (data["mean"] <= data["high"]).all()


def test_dose_lines_are_the_csv_numbers_and_thresholds_only_where_marked():
    from sim.figures.dose import dose_response
    from sim.figures.labels import Labels
    from sim.figures.style import styled

    rng = np.random.default_rng(8)
    layout = ofat_layout(["intern_subsidy", "tax_credit"], ["status_quo"], 9)
    rows = []
    for p in layout.itertuples():
        kink = 3.0 * max(0.0, X[p.level] - 0.5) if p.lever == "intern_subsidy" else 0.0
        for r in range(20):
            rows.append({"point": p.point, "replicate": r, "intern_subsidy": 0.0,
                         "tax_credit": 0.0, p.lever: X[p.level],
                         "y": kink + rng.normal(0, 0.05)})
    table = dose_table(pd.DataFrame(rows), layout, "y")
    with styled("en"):
        fig, data = dose_response(table, "y", Labels("en"), ["status_quo"],
                                  ["intern_subsidy", "tax_credit"])
    for ax, lever in zip(fig.axes, ["intern_subsidy", "tax_credit"], strict=False):
        d = data[data["lever"] == lever]
        line = ax.get_lines()[0]
        np.testing.assert_allclose(line.get_xdata(), d["value"])
        np.testing.assert_allclose(line.get_ydata(), d["mean"])
        dashed = [ln for ln in ax.get_lines()[1:] if ln.get_linestyle() == "--"]
        assert len(dashed) == int(d["threshold"].iloc[0])
        if d["threshold"].iloc[0]:
            assert dashed[0].get_xdata()[0] == pytest.approx(d["breakpoint"].iloc[0])
    assert data.groupby("lever")["threshold"].first().to_dict() == {
        "intern_subsidy": True, "tax_credit": False}
