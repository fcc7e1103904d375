"""``CooperationModel.set_levers``: a policy change mid-run, from the next step on."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.errors import ConfigError
from sim.model import BUILD_TIME_LEVERS, CooperationModel
from sim.params import load_scenario
from sim.policies import PACKAGES, apply_package

SEED = 3


def _series(model: CooperationModel) -> np.ndarray:
    return model.timeseries().drop(columns=["step"]).to_numpy(dtype=float)


def test_a_change_gives_the_parameters_and_payoff_terms_of_the_package():
    # the initial network is formed under the policy the world is built with, so only the
    # parameters and payoff terms (not the series) must equal those of a model built with it
    base = load_scenario("classroom")
    changed = CooperationModel(base, seed=SEED)
    changed.set_levers(dict(PACKAGES["reform_package"], industry_professor_quota=base[
        "industry_professor_quota"]))
    built = CooperationModel(apply_package(base, "reform_package").with_overrides(
        {"industry_professor_quota": base["industry_professor_quota"]}), seed=SEED)
    assert dict(changed.params.values) == dict(built.params.values)
    for field in dataclasses.fields(changed.terms):  # hire_prob is an array
        np.testing.assert_array_equal(getattr(changed.terms, field.name),
                                      getattr(built.terms, field.name))
    assert changed.college_terms == built.college_terms
    assert changed.practice_reward == built.practice_reward
    (step, values), = changed.policy_changes
    assert step == 0 and "industry_professor_quota" not in values
    assert values["intern_subsidy"] == PACKAGES["reform_package"]["intern_subsidy"]


def test_a_mid_run_change_leaves_the_past_alone_and_moves_the_future():
    base = load_scenario("classroom")
    shocked, steady = CooperationModel(base, seed=SEED), CooperationModel(base, seed=SEED)
    for _ in range(4):
        shocked.step()
        steady.step()
    shocked.set_levers({"intern_subsidy": 8.0, "tax_credit": 0.5})
    assert shocked.params["intern_subsidy"] == 8.0
    assert shocked.terms.intern_subsidy == 8.0 and shocked.terms.tax_credit == 0.5
    assert shocked.policy_changes == [(4, {"intern_subsidy": 8.0, "tax_credit": 0.5})]
    for _ in range(4):
        shocked.step()
        steady.step()
    a, b = _series(shocked), _series(steady)
    np.testing.assert_array_equal(a[:5], b[:5])  # step 0 (the initial state) and steps 1-4
    cost = list(shocked.timeseries().columns[1:]).index("public_cost")
    assert (a[5:, cost] > b[5:, cost]).all()  # subsidies are paid from the step after


def test_unchanged_values_record_nothing_and_bad_input_changes_nothing():
    model = CooperationModel(load_scenario("classroom"), seed=SEED)
    before = model.params
    model.set_levers({"intern_subsidy": before["intern_subsidy"]})
    assert model.policy_changes == [] and model.params is before
    with pytest.raises(ConfigError, match="intern_subsidy"):
        model.set_levers({"intern_subsidy": -5.0})
    with pytest.raises(ConfigError, match="n_firms"):
        model.set_levers({"n_firms": 10})
    assert model.params is before and model.policy_changes == []


def test_the_professor_quota_changes_live_from_the_next_step():
    # professors are hired over time (sim.professors), so the quota is a live lever
    assert "industry_professor_quota" not in BUILD_TIME_LEVERS
    base = load_scenario("classroom")
    raised, steady = CooperationModel(base, seed=SEED), CooperationModel(base, seed=SEED)
    for _ in range(4):
        raised.step()
        steady.step()
    held = int(steady.teachers.professor.sum())
    raised.set_levers({"industry_professor_quota": 0.3})
    assert raised.policy_changes == [(4, {"industry_professor_quota": 0.3})]
    assert int(raised.teachers.professor.sum()) == held  # nothing happens before a step
    raised.step()
    steady.step()
    # more funded posts: colleges with partners hire into them at the very next step
    assert int(raised.teachers.professor.sum()) > int(steady.teachers.professor.sum())
    cost = list(raised.timeseries().columns).index("public_cost")
    a, b = raised.timeseries().to_numpy(dtype=float), steady.timeseries().to_numpy(dtype=float)
    np.testing.assert_array_equal(a[:5], b[:5])  # the past is left alone
    assert a[5, cost] > b[5, cost]  # their stipends are public money from that step
    # a cut stops hiring from the next step; professors already hired stay with their ties
    cut = int(raised.teachers.professor.sum())
    raised.set_levers({"industry_professor_quota": 0.0})
    raised.step()
    assert int(raised.teachers.professor.sum()) <= cut
