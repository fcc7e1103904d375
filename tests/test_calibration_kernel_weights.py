"""calibration/kernel_weights.py: one stylised ABC-SMC generation per kernel setting."""

import importlib.util
from pathlib import Path

import numpy as np
import pyabc
import pytest

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("kernel_weights",
                                               ROOT / "calibration" / "kernel_weights.py")
kw = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(kw)
PRIOR = pyabc.Distribution(**{f"p{i}": pyabc.RV("uniform", 0, 1) for i in range(kw.DIMENSIONS)})


def test_the_population_fills_the_acceptance_region():
    X = kw.population(np.random.default_rng(0), 300)
    assert X.shape == (300, kw.DIMENSIONS) and all(kw.accepted(r) for _, r in X.iterrows())
    assert X["p9"].min() < 0.05 and X["p9"].max() > 0.95  # unconstrained: the whole range


@pytest.mark.slow  # three generations of 200 particles: about 25 s
def test_a_wider_kernel_evens_the_weights_and_the_prior_share_costs_acceptance():
    X = kw.population(np.random.default_rng(1), 200)
    ess1, acc1 = kw.one_generation(PRIOR, X, 1.0, 0.0, seed=0)
    ess4, acc4 = kw.one_generation(PRIOR, X, 4.0, 0.0, seed=0)
    _, acc_share = kw.one_generation(PRIOR, X, 4.0, 0.3, seed=0)
    assert 0 < ess1 < ess4 <= 1 and 0 < acc4 < acc1 <= 1
    # a prior draw lands in the region with probability 0.13 * 0.53 * 0.58 = 0.04
    assert acc_share < acc4
