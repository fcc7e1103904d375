"""Replicate intervals of means: the t interval and the whole-replicate bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import t as student_t

from sim.analysis import intervals


def test_mean_interval_is_the_t_interval():
    v = np.array([1.0, 2.0, 4.0, 7.0])
    mean, low, high, n = intervals.mean_interval(v)
    half = student_t.ppf(0.975, 3) * v.std(ddof=1) / 2
    assert (mean, low, high, n) == pytest.approx((3.5, 3.5 - half, 3.5 + half, 4))
    assert intervals.mean_interval([5.0])[1:3] == (5.0, 5.0)
    assert intervals.mean_interval([np.nan])[3] == 0


def test_bootstrap_keeps_whole_replicates_together():
    """Two columns that differ by a constant in every replicate get intervals that differ by it."""
    rng = np.random.default_rng(3)
    shared = rng.normal(size=(12, 1))
    reps = np.hstack([shared, shared + 2.0])
    ci = intervals.bootstrap_mean_interval(reps, rng=intervals.rng_for("test"))
    assert ci[:, 1] - ci[:, 0] == pytest.approx([2.0, 2.0])
    assert ci[0, 0] < reps[:, 0].mean() < ci[1, 0]
    # the same names give the same draws
    again = intervals.bootstrap_mean_interval(reps, rng=intervals.rng_for("test"))
    assert np.array_equal(ci, again)


def test_bootstrap_interval_covers_the_mean_at_its_level():
    rng = np.random.default_rng(5)
    covered = 0
    for trial in range(200):
        reps = rng.normal(1.0, 1.0, size=(20, 1))
        lo, hi = intervals.bootstrap_mean_interval(reps, resamples=400,
                                                   rng=np.random.default_rng(trial))[:, 0]
        covered += lo <= 1.0 <= hi
    assert 0.88 * 200 <= covered <= 0.99 * 200  # percentile bootstrap, n = 20: near 95%
