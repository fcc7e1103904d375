"""Generic breakdowns (sector, ownership, tier, city, size class) on synthetic scenario sweeps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import intervals
from sim.figures.group_breakdowns import (
    DIMENSIONS,
    TABLE_COLUMNS,
    available,
    breakdown_figure,
    breakdown_table,
)
from sim.figures.labels import Labels
from sim.figures.size_classes import size_class_table

SCENARIOS = ["status_quo", "a", "b"]


def _runs(rng, dimension: str, effect: float, replicates: int = 12,
          missing: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every measure of ``dimension`` per category; scenario ``a`` raises the last category.

    Replicates share a shock across scenarios (common random numbers). Categories in
    ``missing`` are NaN in every run (a city the world lacks).
    """
    dim = DIMENSIONS[dimension]
    rows = []
    for r in range(replicates):
        shock = rng.normal(0, 0.5, len(dim.categories))
        for s in SCENARIOS:
            row = {"scenario": s, "replicate": r}
            for m in dim.measures:
                lift = np.zeros(len(dim.categories))
                lift[-1] = effect if s == "a" else 0.0
                v = np.maximum(0.0, 2.0 + shock + lift + rng.normal(0, 1, len(dim.categories)))
                for c, x in zip(dim.categories, v, strict=True):
                    row[m.prefix + c] = np.nan if c in missing else x
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("dimension", ["sector", "ownership", "tier", "city"])
def test_levels_and_paired_differences_match_the_interval_module(dimension):
    runs = _runs(np.random.default_rng(3), dimension, 3.0)
    t = breakdown_table(runs, dimension, "status_quo", SCENARIOS)
    dim = DIMENSIONS[dimension]
    assert list(t.columns) == TABLE_COLUMNS
    assert len(t) == len(dim.measures) * len(dim.categories) * len(SCENARIOS)
    m = 2 * len(dim.categories)  # two scenarios besides the baseline, per measure
    for row in t.itertuples():
        wide = runs.pivot_table(index="replicate", columns="scenario", values=row.output)
        assert (row.mean, row.low, row.high, row.n) == pytest.approx(
            intervals.mean_interval(wide[row.scenario]))
        if row.scenario == "status_quo":
            assert np.isnan(row.diff) and not row.excludes_zero
            continue
        d, lo, hi, _ = intervals.mean_interval(wide[row.scenario] - wide["status_quo"],
                                               1 - 0.05 / m)
        assert (row.diff, row.diff_low, row.diff_high) == pytest.approx((d, lo, hi))
        assert row.family_conf == pytest.approx(1 - 0.05 / m)
        assert row.excludes_zero == (lo > 0 or hi < 0)
    last = dim.categories[-1]
    hit = t[(t["scenario"] == "a") & (t["category"] == last)]
    assert hit["excludes_zero"].all() and (hit["diff"] > 0).all()  # 3 sd, 12 replicates


def test_a_category_no_run_has_is_left_out_and_shrinks_the_family():
    runs = _runs(np.random.default_rng(4), "city", 0.0, missing=("city3",))
    t = breakdown_table(runs, "city", "status_quo", SCENARIOS)
    assert set(t["category"]) == {"city1", "city2"}
    assert t["family_conf"].dropna().unique() == pytest.approx([1 - 0.05 / 4])
    assert available("city", runs)
    one_city = _runs(np.random.default_rng(4), "city", 0.0, missing=("city2", "city3"))
    assert not available("city", one_city)  # nothing to compare within one city


def test_size_class_table_is_the_generic_table_of_the_joint_rd_measure():
    runs = _runs(np.random.default_rng(5), "size_class", 1.0)
    old = size_class_table(runs, "status_quo", SCENARIOS)
    new = breakdown_table(runs, "size_class", "status_quo", SCENARIOS)
    rd = new[new["measure"] == "rd_ties_per_100_firms"].reset_index(drop=True)
    assert list(old["size_class"]) == list(rd["category"])
    for col in ("mean", "low", "high", "diff", "diff_low", "diff_high", "family_conf"):
        np.testing.assert_allclose(old[col], rd[col])


@pytest.mark.slow
def test_no_effect_is_called_beyond_noise_at_the_nominal_5_percent():
    """Ownership, 2 scenarios x 3 categories per measure: at most ~5% of null sweeps.

    A sweep counts as a false call when either measure's family has one; two families at
    5% each give up to ~10%, so the bound is per measure: at most 17 of 200 sweeps (passed
    by chance with probability ~1% at a true 5% rate).
    """
    rng = np.random.default_rng(21)
    false = {"rd_ties_per_100_firms": 0, "enterprise_participation": 0}
    for _ in range(200):
        t = breakdown_table(_runs(rng, "ownership", 0.0), "ownership", "status_quo",
                            SCENARIOS)
        for measure in false:
            false[measure] += bool(t[t["measure"] == measure]["excludes_zero"].any())
    assert all(v <= 17 for v in false.values()), false


def test_figure_draws_a_row_per_measure_with_category_labels():
    runs = _runs(np.random.default_rng(6), "ownership", 2.0)
    for lang in ("en", "zh"):
        fig, data = breakdown_figure(runs, "ownership", "status_quo", SCENARIOS, Labels(lang))
        axes = fig.axes
        assert len(axes) == 2 * len(DIMENSIONS["ownership"].measures)
        ticks = [t.get_text() for t in axes[0].get_yticklabels()]
        expected = {"en": ["Private", "State-owned", "Foreign-funded"],
                    "zh": ["民营", "国有", "外资"]}[lang]
        assert ticks == expected
        # the level panel plots exactly the table's means of the first measure
        first = data[(data["measure"] == "rd_ties_per_100_firms")
                     & (data["scenario"] == "status_quo")]
        xs = np.concatenate([c.get_offsets()[:, 0] for c in axes[0].collections
                             if len(c.get_offsets())])
        for v in first["mean"]:
            assert np.isclose(xs, v).any()
    tier = breakdown_figure(_runs(np.random.default_rng(7), "tier", 0.0), "tier",
                            "status_quo", SCENARIOS, Labels("en"))[0]
    assert [t.get_text() for t in tier.axes[0].get_yticklabels()] == ["Ordinary",
                                                                       "Double High"]


def _series(rng, dimension: str, years=(0.5, 1.0, 1.5, 2.0), replicates: int = 6):
    """A kept time series: scenario ``a`` lifts the last category, growing with time."""
    dim = DIMENSIONS[dimension]
    rows = []
    for r in range(replicates):
        for s in SCENARIOS:
            for year in years:
                row = {"scenario": s, "replicate": r, "year": year}
                for m in dim.measures:
                    for k, c in enumerate(dim.categories):
                        lift = year if (s == "a" and k == len(dim.categories) - 1) else 0.0
                        row[m.prefix + c] = max(0.0, 2.0 + lift + rng.normal(0, 1))
                rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("dimension", ["size_class", "sector", "ownership", "tier", "city"])
def test_over_time_figure_draws_each_category_with_replicate_intervals(dimension):
    from sim.figures.group_breakdowns import OVER_TIME_COLUMNS, over_time_figure

    ts = _series(np.random.default_rng(8), dimension)
    dim = DIMENSIONS[dimension]
    for lang in ("en", "zh"):
        fig, data = over_time_figure(ts, dimension, Labels(lang))
        assert list(data.columns) == OVER_TIME_COLUMNS
        assert list(dict.fromkeys(data["category"])) == list(dim.categories)
        drawn = [ax for ax in fig.axes if ax.get_visible() and ax.get_lines()]
        assert len(drawn) == len(dim.categories)
        # each panel: one line per scenario, at the table's means
        first = data[data["output"] == dim.measures[0].prefix + dim.categories[0]]
        for line, scenario in zip(drawn[0].get_lines(), SCENARIOS, strict=True):
            want = first[first["scenario"] == scenario]
            np.testing.assert_allclose(line.get_ydata(), want["mean"])
    for row in data.itertuples():
        at = ts[(ts["scenario"] == row.scenario) & (ts["year"] == row.year)]
        assert (row.mean, row.low, row.high, row.n) == pytest.approx(
            intervals.mean_interval(at[row.output]))
    last = data[(data["scenario"] == "a") & (data["category"] == dim.categories[-1])]
    assert last["mean"].iloc[-1] > last["mean"].iloc[0]   # the lift grows over time
