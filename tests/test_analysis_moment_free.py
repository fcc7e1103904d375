"""PAWN's KS distance: the same numbers as scipy's, and SALib left as it was."""

import warnings

import numpy as np
import pytest
from SALib.analyze import pawn as salib_pawn
from scipy.stats import ks_2samp

from sim.analysis.moment_free import ks_distance, running_salib_pawn


def samples(rng, kind, n1, n2):
    if kind == "continuous":
        return rng.normal(size=n1), rng.normal(0.3, 1.2, size=n2)
    if kind == "counts":  # many ties, as counts of ties or firms
        return rng.integers(0, 5, n1).astype(float), rng.integers(0, 6, n2).astype(float)
    pooled = rng.exponential(size=n2).round(1)  # a slice drawn from the whole, as in PAWN
    return rng.choice(pooled, n1), pooled


@pytest.mark.parametrize("kind", ["continuous", "counts", "subset"])
def test_ks_distance_is_scipys_statistic_to_the_last_bit(kind):
    rng = np.random.default_rng(7)
    for _ in range(300):
        a, b = samples(rng, kind, int(rng.integers(1, 120)), int(rng.integers(1, 900)))
        assert ks_distance(a, b).statistic == ks_2samp(a, b).statistic


def outcome(ks, a, b):
    """What ``ks`` makes of the samples: its statistic (NaN as None) or the error it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns of an empty sample
        try:
            value = float(ks(a, b).statistic)
        except ValueError as err:
            return "raises", str(err)
    return "value", None if np.isnan(value) else value


@pytest.mark.parametrize("a", [np.array([1.0, np.nan]), np.array([]), np.array([np.inf, 1.0])])
def test_ks_distance_leaves_nan_and_empty_samples_to_scipy(a):
    b = np.arange(5.0)
    assert outcome(ks_distance, a, b) == outcome(ks_2samp, a, b)
    assert outcome(ks_distance, b, a) == outcome(ks_2samp, b, a)


def test_salib_pawn_gives_the_same_indices_and_is_restored():
    rng = np.random.default_rng(3)
    x = rng.random((400, 4))
    y = np.round(5 * x[:, 0] + x[:, 1] ** 2 + rng.normal(0, 0.5, 400), 1)
    problem = {"num_vars": 4, "names": list("abcd"), "bounds": [[0.0, 1.0]] * 4}
    np.random.seed(11)  # noqa: NPY002 - the legacy state SALib reseeds must come back
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    with running_salib_pawn():
        assert salib_pawn.ks_2samp is ks_distance
        fast = salib_pawn.analyze(problem, x, y, S=10, seed=5)
    assert salib_pawn.ks_2samp is ks_2samp
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002
    slow = salib_pawn.analyze(problem, x, y, S=10, seed=5)
    for key in ("minimum", "mean", "median", "maximum", "CV", "stdev"):
        assert np.array_equal(np.asarray(fast[key]), np.asarray(slow[key]), equal_nan=True)
