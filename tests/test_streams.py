"""Random-number streams (sim.streams)."""

import numpy as np
import pytest

from sim.streams import Streams, binomial


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binomial_skipping_zeros_draws_as_numpy(seed):
    """The elements with n > 0 and p > 0 get numpy's numbers, and the stream numpy's state,
    with mostly zero n or p among them (graduation's hires, stays and mismatches)."""
    src = np.random.default_rng(100 + seed)
    n = np.where(src.random(5000) < 0.6, 0, src.integers(1, 40, 5000))
    p = np.where(src.random(5000) < 0.5, 0.0, src.random(5000))
    p[:50] = 1.0  # p == 1 draws in numpy: kept
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    got, want = binomial(ours, n, p), theirs.binomial(n, p)
    assert np.array_equal(got, want) and got.dtype == want.dtype
    assert ours.random() == theirs.random()  # the same state after the call
    # a scalar probability, and nothing to draw
    assert np.array_equal(binomial(ours, n, 0.3), theirs.binomial(n, 0.3))
    assert binomial(ours, np.zeros(0, np.int64), np.zeros(0)).size == 0
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("n, p", [([3, -1], [0.5, 0.5]), ([3, 2], [0.5, np.nan]),
                                  ([3, 2], [0.5, 1.5]), ([3, 0], [0.5, -0.1]),
                                  ([3, 0], [0.5, -1e-300]), ([3, 2], [np.nan, 0.5])])
def test_binomial_refuses_what_numpy_refuses(n, p):
    """Skipping zeros must not hide a negative count or a probability out of [0, 1]."""
    with pytest.raises(ValueError):
        binomial(np.random.default_rng(0), np.array(n), np.array(p))


def test_a_change_elsewhere_leaves_a_streams_draws_alone():
    """Streams are keyed by name: drawing from one moves no other."""
    a, b = Streams(7), Streams(7)
    a.hiring.random(1000)
    assert a.retention.random() == b.retention.random()
    assert a.hiring.random() != b.hiring.random()
