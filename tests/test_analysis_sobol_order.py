"""Issue 11: the Sobol' report (headline, factor table, Summary and its "Among the policy
levers" note) names a lever as largest only where its 95% interval separates from the
others'; otherwise the leading levers are one tier. Synthetic Saltelli sweeps of models with
known effects (sim.testmodels)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_sweeps import design, model_factors, write_model_sweep
from SALib.analyze import sobol as salib_sobol
from SALib.sample import sobol as sobol_sample

from sim.analysis import analyze
from sim.analysis.elementary import separated_tiers
from sim.analysis.report import render
from sim.testmodels import SYNTHETIC_FACTORS, SyntheticPolicyModel
from sim.testmodels import TestFactor as Factor

OUTCOME = "joint_rd_per_100_firms"
FACTORS = {**SYNTHETIC_FACTORS, "k": Factor("k", 0.0, 1.0, "a behavioural parameter")}
"""Four levers and one behavioural parameter, each on [0, 1]."""
EQUAL = SyntheticPolicyModel(FACTORS, effects={"lever1": 1.5, "lever2": 1.5, "k": 0.5},
                             cost_effects={}, base=10.0)
"""``lever1`` and ``lever2`` have the same effect (1.5 ties per 100 firms over the range, run
noise sd 1); the behavioural ``k`` a smaller one; a base of 10 keeps the outcome off 0."""
DOMINANT = SyntheticPolicyModel(FACTORS, effects={"lever1": 3.0, "lever2": 1.0, "k": 1.0},
                                cost_effects={}, base=10.0)
"""``lever1`` moves the outcome three times as much as ``lever2`` and ``k``, whose effects
are large enough to exceed the Sobol' noise floor (an effect of 0.5 against run noise sd 1
with 10 replicates is not, and is reported as not distinguishable from noise)."""
N_BASE = 128
REPS = 10


def _report(tmp_path, model) -> tuple[str, str]:
    """(report text, Summary line of the outcome) of a Saltelli sweep of ``model``."""
    x = design("sobol", model_factors(model), N_BASE, second_order=True)
    folder = write_model_sweep(tmp_path / "sweep", "sobol", model, replicates=REPS, x=x)
    manifest = json.loads((folder / "manifest.json").read_text())
    for f in manifest["factors"]:
        if f["name"] == "k":
            f["kind"] = "behaviour"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    text = render(analyze(folder, outputs=[OUTCOME], methods=["sobol", "spearman"],
                         resamples=100))
    line = next(ln for ln in text.splitlines() if ln.startswith(f"- `{OUTCOME}`:"))
    return text, line


def test_equal_levers_are_one_tier_not_a_largest(tmp_path):
    text, line = _report(tmp_path, EQUAL)
    assert "` has the largest total effect" not in text
    assert "No single factor has the largest total effect: the leading 2 are not " \
           "distinguishable" in text
    assert "| tier | factor | total effect ST" in text and "| rank |" not in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| 1 | `lever")]
    assert sorted(r.split(" | ")[1] for r in rows) == ["`lever1`", "`lever2`"]
    # Summary and the policy-lever note: the two levers as one tier, not as first and second
    head = line.split(" Among the policy levers: ")
    assert "(not distinguishable from one another)" in head[0].split("; then")[0]
    note = head[1]
    assert note.startswith(("`lever1` (raises it) and `lever2` (raises it) (not distinguishable",
                            "`lever2` (raises it) and `lever1` (raises it) (not distinguishable"))
    assert "`k`" not in note


def test_a_dominant_lever_is_named_largest(tmp_path):
    text, line = _report(tmp_path, DOMINANT)
    assert "`lever1` has the largest total effect (ST = " in text
    assert "its 95% interval lies above every other factor's" in text
    assert line.startswith(f"- `{OUTCOME}`: moved most by `lever1` (raises it); then, by less, ")
    assert " Among the policy levers: `lever1` (raises it); then, by less, " in line


def test_separated_tiers_orders_only_where_intervals_separate():
    names = ["a", "b", "c", "d"]
    value = [0.5, 0.6, 0.1, 0.3]
    low = [0.4, 0.45, 0.0, 0.2]
    high = [0.6, 0.75, 0.15, 0.38]
    # b and a overlap; both lie above d, whose interval lies above c's
    assert separated_tiers(names, value, low, high) == [["b", "a"], ["d"], ["c"]]
    # a missing interval is never separated from anything
    assert separated_tiers(names, value, [0.4, np.nan, 0.0, 0.2], high) == [["b", "a", "d",
                                                                            "c"]]


SWEEPS = 200
PROBLEM = {"num_vars": 4, "names": list(SYNTHETIC_FACTORS), "bounds": [[0.0, 1.0]] * 4}


def _leading_tiers(model) -> list[list[str]]:
    """The first ST tier of SWEEPS independent synthetic Saltelli sweeps (replicate means)."""
    out = []
    for s in range(SWEEPS):
        x = sobol_sample.sample(PROBLEM, N_BASE, calc_second_order=False, seed=s + 1)
        y = model.replicates(x, [1000 * s + r for r in range(REPS)])[OUTCOME].mean(axis=0)
        si = salib_sobol.analyze(PROBLEM, y, calc_second_order=False, num_resamples=200,
                                 seed=s)
        out.append(separated_tiers(PROBLEM["names"], si["ST"], si["ST"] - si["ST_conf"],
                                   si["ST"] + si["ST_conf"])[0])
    return out


@pytest.mark.slow
def test_largest_lever_claimed_rarely_when_equal_and_usually_when_dominant():
    four = dict(SYNTHETIC_FACTORS)
    equal = SyntheticPolicyModel(four, effects={"lever1": 1.5, "lever2": 1.5},
                                 cost_effects={}, base=10.0)
    dominant = SyntheticPolicyModel(four, effects={"lever1": 3.0, "lever2": 0.5},
                                    cost_effects={}, base=10.0)
    single = sum(len(t) == 1 for t in _leading_tiers(equal))
    assert single <= 0.05 * SWEEPS      # measured: 0 of 200
    named = sum(t == ["lever1"] for t in _leading_tiers(dominant))
    assert named >= 0.8 * SWEEPS        # measured: 200 of 200


def test_summary_and_headline_agree_on_which_factors_have_an_effect():
    """A factor whose ST interval excludes 0 but whose ST is below NEGLIGIBLE_ST is called
    without detectable effect by the headline, and the Summary does not count it."""
    import pandas as pd

    from sim.analysis.report import NEGLIGIBLE_ST, _effects, _headline

    rows = [("a", 0.6, 0.5, 0.7), ("b", 0.3, 0.2, 0.4), ("c", NEGLIGIBLE_ST / 2, 0.001, 0.009)]
    table = pd.DataFrame([{"output": "y", "method": "sobol", "lever": lv, "index": ix,
                           "value": v, "conf_low": lo, "conf_high": hi, "lever2": ""}
                          for lv, v, lo, hi in rows for ix in ("ST", "S1")])
    info = {"methods": ["sobol"]}
    assert [lv for lv, _ in _effects(table, info)] == ["a", "b"]
    head = _headline(table, info, "ST")
    assert head.startswith("`a` has the largest total effect") and "No detectable effect: `c`." \
        in head
