"""Industry professors: posts are filled at an annual rate, whatever the step length."""

import math

import numpy as np
import pytest

from sim.professors import fill_probability, funded_posts


def test_fill_probability_of_an_old_vacancy_is_the_exponential_of_the_rate():
    assert float(fill_probability(0.8, 0.5, fresh=False)) == pytest.approx(1 - math.exp(-0.4))
    assert float(fill_probability(0.0, 0.5, fresh=False)) == 0.0


def test_fill_probability_of_a_fresh_vacancy_averages_over_a_uniform_leaving_time():
    rate, dt = 1.3, 0.5
    leave = (np.arange(100_000) + 0.5) / 100_000 * dt  # time left in the step after leaving
    expected = float(np.mean(1 - np.exp(-rate * leave)))
    assert float(fill_probability(rate, dt, fresh=True)) == pytest.approx(expected, rel=1e-6)
    assert float(fill_probability(0.0, dt, fresh=True)) == 0.0
    # A post left during the step has less time to be filled than one open all along.
    assert fill_probability(rate, dt, True) < fill_probability(rate, dt, False)


def stationary_share(fill: float, leave: float, dt: float, fresh: bool) -> float:
    """Share of posts held at step ends: a held post is left with ``1 - exp(-leave dt)`` (its
    tie ended) and refilled in the same step with the fresh probability (``fresh``) or, as
    before this fix, with the full step's; an open post is filled with the full step's."""
    p = float(fill_probability(fill, dt, fresh=False))
    p_left = float(fill_probability(fill, dt, fresh=fresh))
    q = -math.expm1(-leave * dt)
    return p / (p + q * (1.0 - p_left))


@pytest.mark.parametrize("fill, leave", [(0.8, 0.2), (2.0, 0.5), (0.5, 0.3), (1.0, 0.1)])
def test_share_of_posts_held_hardly_depends_on_the_step(fill, leave):
    """Against the continuous value ``fill / (fill + leave)``: within 3% from 2 to 12 steps a
    year (the rest is second order: a post filled and left again within one step), and at
    most half the bias of filling a just-left post with the full step's probability
    (5-11% at 2 steps a year for these rates)."""
    continuous = fill / (fill + leave)
    for steps in (2, 4, 12):
        dt = 1.0 / steps
        new = stationary_share(fill, leave, dt, fresh=True) / continuous - 1.0
        old = stationary_share(fill, leave, dt, fresh=False) / continuous - 1.0
        assert 0.0 <= new <= 0.03, (steps, new)
        assert new <= old / 2.0, (steps, new, old)


def test_funded_posts_follow_the_quota():
    assert funded_posts(0.0, 40) == 0
    assert funded_posts(0.05, 40) == 2
    assert funded_posts(0.2, 40) == 10
