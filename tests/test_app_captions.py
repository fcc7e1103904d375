"""Caption rules: each fires on the state it explains and not otherwise."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.app.captions import (
    MAX_CAPTIONS,
    CaptionState,
    caption_keys,
    caption_keys_all,
    caption_text,
    captions,
)
from sim.app.session import ClassroomSession
from sim.app.text import stray_cjk_spaces
from sim.policies import package_levers

QUO = package_levers("status_quo")
CALM = CaptionState(year=6.0, levers=dict(QUO), status_quo=dict(QUO),
                    latest={"share_joint_training": 0.1, "share_joint_rd": 0.0,
                            "college_willingness": 0.5, "enterprise_willingness": 0.4,
                            "joint_rd_per_100_firms": 0.0},
                    payout=1.0, firm_net=np.array([5.0, 2.0, 1.0, -3.0]), ties_per_100=1.67)
"""A state on which no rule fires."""


def _with(**changes) -> CaptionState:
    return dataclasses.replace(CALM, **changes)


def test_a_calm_state_has_no_caption():
    assert caption_keys(CALM) == []


@pytest.mark.parametrize(("state", "key"), [
    (_with(changes=[(5.0, "intern_subsidy")]), "cap_recent_change"),
    (_with(levers={**QUO, "intern_subsidy": 4.0}, firm_net=np.array([3.0, 1, -12, -200])),
     "cap_subsidies_shallow"),
    (_with(levers={**QUO, "retention_support": 0.5},
           latest={**CALM.latest, "share_joint_training": 0.0}), "cap_nobody_to_retain"),
    (_with(levers={**QUO, "rd_cofunding": 0.6},
           latest={**CALM.latest, "share_joint_training": 0.0}), "cap_rd_needs_training"),
    (_with(payout=0.8), "cap_budget_prorated"),
    (_with(latest={**CALM.latest, "college_willingness": 0.6,
                   "enterprise_willingness": 0.13}), "cap_hot_cold"),
    (_with(latest={**CALM.latest, "joint_rd_per_100_firms": 1.67}), "cap_whole_ties"),
    (_with(firm_net=np.array([2.0, -3.0, -10.0, -250.0])), "cap_stop_at_internship"),
])
def test_each_rule_fires_on_its_state(state, key):
    assert caption_keys(state) == [key]


def test_rules_do_not_fire_just_outside_their_condition():
    old = _with(changes=[(3.9, "intern_subsidy")])  # more than two years ago
    assert caption_keys(old) == []
    deep = _with(levers={**QUO, "retention_support": 0.5})  # ties at joint training exist
    assert caption_keys(deep) == []
    paying = _with(levers={**QUO, "intern_subsidy": 4.0}, firm_net=np.array([3.0, 2, 1, -9]))
    assert caption_keys(paying) == []


def test_captions_are_filled_with_the_states_numbers_in_both_languages():
    state = _with(levers={**QUO, "intern_subsidy": 4.0}, firm_net=np.array([3.0, 1, -12, -9]),
                  payout=0.75)
    assert caption_keys(state) == ["cap_subsidies_shallow", "cap_budget_prorated"]
    en = captions(state, "en")
    assert "loses 12 thousand" in en[0] and "paid only 75%" in en[1]
    assert "亏损12千元" in captions(state, "zh")[0]
    for key in caption_keys_all():
        zh = caption_text(key, state, "zh")
        assert stray_cjk_spaces(zh) == [] and zh != caption_text(key, state, "en")


def test_a_real_run_gets_captions_from_its_own_state():
    session = ClassroomSession()
    session.reset(package_levers("retention_only"), seed=3, compare=False)
    for _ in range(6):
        session.step()
    state = session.caption_state()
    keys = caption_keys(state)
    assert len(keys) <= MAX_CAPTIONS
    deep = state.latest["share_joint_training"] + state.latest["share_joint_rd"]
    assert ("cap_nobody_to_retain" in keys) == (deep == 0)
    assert state.ties_per_100 == pytest.approx(100 / session.policy.firms.n_real)
