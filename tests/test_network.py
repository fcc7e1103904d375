"""Sorted integer-key helpers of the cooperation network (sim.network)."""

import numpy as np
import pytest

from sim.network import find_sorted, sorted_unique


@pytest.mark.parametrize("seed", range(5))
def test_sorted_unique_is_numpys_unique(seed):
    """The same values, order and dtype as np.unique: spread ids, repeats, empty, 2-D."""
    rng = np.random.default_rng(seed)
    for values in (rng.integers(0, 3_000_000, 2000), rng.integers(0, 5, 300),
                   np.zeros(0, np.int64), rng.integers(0, 50, (7, 9)), np.array([4])):
        got, want = sorted_unique(values), np.unique(values)
        assert np.array_equal(got, want) and got.dtype == want.dtype
        (got, got_n), (want, want_n) = (sorted_unique(values, return_counts=True),
                                        np.unique(values, return_counts=True))
        assert np.array_equal(got, want) and np.array_equal(got_n, want_n)
        assert got.dtype == want.dtype and got_n.dtype == want_n.dtype
    # beyond 32 bits and negative: sorted as they are
    for values in (np.array([2**40, 3, 2**40, -5]), np.array([-1, -1, 7], np.int32)):
        got, got_n = sorted_unique(values, return_counts=True)
        want, want_n = np.unique(values, return_counts=True)
        assert np.array_equal(got, want) and np.array_equal(got_n, want_n)
        assert got.dtype == want.dtype


def test_find_sorted_says_where_and_whether():
    keys = np.array([2, 5, 9])
    at, found = find_sorted(keys, np.array([5, 1, 9, 10, 2]))
    assert found.tolist() == [True, False, True, False, True]
    assert keys[at[found]].tolist() == [5, 9, 2] and (at < keys.size).all()
