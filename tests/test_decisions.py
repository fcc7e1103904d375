import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.decisions import (
    accept_probability,
    adapt,
    draw_choices,
    logit_choice_probabilities,
    peer_average,
    poaching_hazard,
    practice_reward,
    saturating,
    sigmoid,
    stationary_ties,
    teacher_effort,
)


def test_sigmoid_is_safe_and_symmetric():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(1e6) == 1.0 and sigmoid(-1e6) == 0.0
    assert sigmoid(2.0) + sigmoid(-2.0) == pytest.approx(1.0)


def test_accept_probability_zero_intensity_is_coin():
    assert accept_probability(100.0, 0.0) == 0.5
    assert accept_probability(10.0, 0.2) == pytest.approx(1 / (1 + np.exp(-2.0)))


@given(st.lists(st.floats(-50, 50), min_size=2, max_size=5), st.floats(0, 2))
def test_logit_probabilities_sum_to_one(u, beta):
    p = logit_choice_probabilities(np.array([u]), beta)
    assert p.sum() == pytest.approx(1.0)
    assert (p >= 0).all()


def test_unavailable_options_are_never_chosen():
    p = logit_choice_probabilities(np.array([[0.0, 100.0, 1.0]]), 1.0,
                                   np.array([[True, False, True]]))
    assert p[0, 1] == 0.0
    choice = draw_choices(p, np.array([0.9999]))
    assert choice[0] == 2


def test_draw_choices_matches_probabilities():
    rng = np.random.default_rng(1)
    p = np.tile([0.2, 0.5, 0.3], (100_000, 1))
    c = draw_choices(p, rng.random(100_000))
    assert np.bincount(c, minlength=3) / 100_000 == pytest.approx([0.2, 0.5, 0.3], abs=0.01)


def test_practice_weight_moves_teacher_effort_to_practice():
    skill = np.array([0.5]), np.array([0.5])
    low, _ = teacher_effort(*skill, reward=0.1, requirement=0.0, sensitivity=4, max_share=0.35,
                            gaming=0.5)
    high, _ = teacher_effort(*skill, reward=0.8, requirement=0.0, sensitivity=4, max_share=0.35,
                             gaming=0.5)
    assert high[0] > low[0]


def test_requirement_is_partly_gamed_when_unrewarded():
    genuine, logged = teacher_effort(np.array([0.4]), np.array([0.8]), reward=0.0,
                                     requirement=0.2, sensitivity=4, max_share=0.35, gaming=0.5)
    assert logged[0] == pytest.approx(0.2)
    assert genuine[0] < logged[0]
    g_rewarded, l_rewarded = teacher_effort(np.array([0.4]), np.array([0.8]), reward=1.0,
                                            requirement=0.2, sensitivity=4, max_share=0.35,
                                            gaming=0.5)
    assert g_rewarded[0] == pytest.approx(l_rewarded[0])


def test_practice_reward_passes_contribution_evaluation_on():
    assert practice_reward(0.1, 0.0, 0.5) == pytest.approx(0.1)
    assert practice_reward(0.1, 1.0, 0.5) == pytest.approx(0.1 + 0.5 * 0.9)


def test_poaching_rises_with_free_riders_and_falls_with_agreements():
    h = poaching_hazard(np.array([0.0, 1.0]), base=0.1, free_rider=0.3)
    assert h.tolist() == pytest.approx([0.1, 0.4])
    assert poaching_hazard(np.array([1.0]), 0.1, 0.3, agreement=0.5)[0] == pytest.approx(0.2)


def test_adapt_and_peer_average():
    assert adapt(np.array([0.0, 0.0]), np.array([1.0, 1.0]), 0.25,
                 np.array([True, False])).tolist() == [0.25, 0.0]
    v = peer_average(np.array([1.0, 3.0, 5.0]), np.array([0, 0, 1]), 2)
    assert v.tolist() == [2.0, 2.0, 5.0]


def test_saturating():
    assert saturating(0.0, 5.0) == 0.0
    assert saturating(5.0, 5.0) == pytest.approx(0.5)


def test_stationary_ties_formula():
    # Stationary ties after entry then review within each step: T = k a (1 - q) / q.
    assert stationary_ties(6, 0.5, 0.1) == pytest.approx(6 * 0.5 * 0.9 / 0.1)
    # Entry balances exit at the fixed point: (T + k a)(1 - q) = T.
    t = stationary_ties(4, 0.3, 0.2)
    assert (t + 4 * 0.3) * (1 - 0.2) == pytest.approx(t)
