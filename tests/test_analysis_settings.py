"""Analysis settings, seeds and target parsing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discovery import make_target, parse_target
from sim.analysis.settings import Settings, settings_from
from sim.analysis.table import COLUMNS, frame
from sim.errors import UsageError


def test_seeds_are_nonzero_distinct_and_reproducible():
    s = Settings(seed=0)
    seeds = {s.seed_for("y", m) for m in ("sobol", "morris", "pawn", "sobol-half")}
    assert len(seeds) == 4 and 0 not in seeds
    assert all(0 < v < 2**32 for v in seeds)
    assert s.seed_for("y", "sobol") == Settings(seed=0).seed_for("y", "sobol")
    assert s.seed_for("y", "sobol") != Settings(seed=1).seed_for("y", "sobol")
    a, b = s.rng_for("y", "x").random(3), Settings(seed=0).rng_for("y", "x").random(3)
    np.testing.assert_array_equal(a, b)


def test_settings_from_manifest_and_overrides():
    manifest = {"seed": 99, "experiment": {"options": {"groups": True},
                                           "analysis": {"resamples": 50,
                                                        "targets": {"y": ">= 2"}}}}
    s = settings_from(manifest, targets={"z": "<= 1"}, seed=None)
    assert (s.seed, s.resamples, s.groups) == (99, 50, True)
    assert dict(s.targets) == {"y": ">= 2", "z": "<= 1"}
    assert settings_from(manifest, resamples=20).resamples == 20


@pytest.mark.parametrize("table,message", [
    ({"resample": 10}, "not an analysis setting"),
    ({"resamples": 3}, "expected an integer >= 10"),
    ({"conf_level": 1.5}, "between 0 and 1"),
    ({"groups": "yes"}, "expected true or false"),
    ({"seed": -1}, "nonnegative integer"),
])
def test_bad_settings_are_refused(table, message):
    with pytest.raises(UsageError, match=message):
        settings_from({"experiment": {"analysis": table}})


def test_target_parsing():
    assert parse_target("share_joint_rd>=0.2") == ("share_joint_rd", ">=", 0.2)
    assert parse_target(" < 5e2 ") == (None, "<", 500.0)
    for bad in ("share_joint_rd = 0.2", "x >= abc", "x >= inf", ">="):
        with pytest.raises(UsageError):
            parse_target(bad)
    with pytest.raises(UsageError, match="not an analysed output"):
        parse_target("y >= 1", outputs=["x"])


def test_default_targets_state_their_quantile():
    values = np.arange(101, dtype=float)
    t = make_target("share_joint_rd", values, None)
    assert (t.op, t.threshold, t.default, t.quantile) == (">=", 75.0, True, 0.75)
    assert t.expression == "share_joint_rd >= 75"
    c = make_target("public_cost", values, None)
    assert (c.op, c.threshold) == ("<=", 25.0)
    assert make_target("y", values, "> 3").met(np.array([3.0, 4.0])).tolist() == [False, True]


def test_sensitivity_table_has_exactly_the_columns():
    assert COLUMNS == ("output", "method", "lever", "lever2", "index", "value", "conf_low",
                       "conf_high")
    empty = frame([])
    assert list(empty.columns) == list(COLUMNS) and len(empty) == 0
    assert isinstance(empty, pd.DataFrame)


@pytest.mark.parametrize("wtp, word", [({"y": -1}, "positive number"), ({"y": "a"}, "positive"),
                                       (5, "expected a table")])
def test_willingness_to_pay_must_be_positive_numbers_by_output(wtp, word):
    with pytest.raises(UsageError, match=word):
        settings_from({"experiment": {"analysis": {"willingness_to_pay": wtp}}})
    ok = settings_from({"experiment": {"analysis": {"willingness_to_pay": {"y": 40}}}})
    assert ok.willingness_to_pay == {"y": 40.0}
    assert ok.to_dict()["willingness_to_pay"] == {"y": 40.0}
