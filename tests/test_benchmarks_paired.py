"""Paired benchmark ratios and their distribution-free interval (benchmarks/paired.py)."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("paired", ROOT / "benchmarks" / "paired.py")
paired = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(paired)


@pytest.mark.parametrize("n, k, coverage", [(5, 1, 1 - 2 / 32), (9, 2, 1 - 2 * 10 / 512),
                                            (10, 2, 1 - 2 * 11 / 1024),
                                            (20, 6, 1 - 2 * sum(math.comb(20, i)
                                                                for i in range(6)) / 2**20)])
def test_the_interval_takes_the_order_statistics_of_the_binomial(n, k, coverage):
    values = list(np.random.default_rng(n).permutation(np.arange(1.0, n + 1)))
    low, high, cov = paired.median_interval(values)
    assert (low, high) == (k, n - k + 1)
    assert cov == pytest.approx(coverage) and (cov >= 0.95 or k == 1)


def test_the_interval_covers_the_median_at_its_stated_rate():
    """Over many samples of 10 skewed values the interval holds the true median at least
    as often as it says (97.9%)."""
    rng = np.random.default_rng(0)
    true_median = math.log(2.0)  # of an exponential with rate 1
    hits = 0
    trials = 4000
    for _ in range(trials):
        low, high, cov = paired.median_interval(list(rng.exponential(size=10)))
        hits += low <= true_median <= high
    assert hits / trials >= cov - 0.01 and cov == pytest.approx(1 - 22 / 1024)


def test_paired_ratios_set_each_repeat_against_the_reference_of_the_same_repeat():
    res = {"ieisim": [{"wall": 2.0}, {"wall": 4.0}], "bare": [{"wall": 1.0}, {"wall": 5.0}]}
    assert paired.paired_ratios(res, "ieisim", "wall") == {"ieisim": [1.0, 1.0],
                                                         "bare": [0.5, 1.25]}
