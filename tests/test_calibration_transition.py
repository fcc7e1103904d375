"""The perturbation kernel: pyabc's normal kernel, or a defensive mixture with the prior.

That the prior share is recorded, shared by a resume and checked on the command line is
tested with the kernel's scaling in ``test_calibration_fit.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
import pytest

from sim.calibration.sampler import PARTICLE_STREAM
from sim.calibration.transition import DefensiveTransition, perturbation_kernel

ROOT = Path(__file__).resolve().parent.parent
PRIOR = pyabc.Distribution(a=pyabc.RV("uniform", 0, 1), b=pyabc.RV("uniform", 0, 2))


def _fitted(share: float) -> DefensiveTransition:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0.45, 0.55, 200), "b": rng.uniform(0.9, 1.1, 200)})
    t = DefensiveTransition(PRIOR, share)
    t.fit(X, np.full(200, 1 / 200))
    return t


def test_density_is_the_mixture_and_bounds_every_weight():
    t = _fitted(0.2)
    kernel = pyabc.MultivariateNormalTransition()
    kernel.fit(t.X, t.w)
    corner = pd.Series({"a": 0.01, "b": 1.98})
    # far from the population the kernel's density vanishes: the prior's share remains
    assert t.pdf(corner) == pytest.approx(0.2 * 0.5 + 0.8 * kernel.pdf(corner))
    assert PRIOR.pdf(pyabc.Parameter(corner.to_dict())) / t.pdf(corner) <= 1 / 0.2 + 1e-9
    inside = t.X.iloc[:5]
    assert np.allclose(t.pdf(inside), 0.2 * 0.5 + 0.8 * kernel.pdf(inside))


def test_a_share_of_proposals_comes_from_the_prior():
    t = _fitted(0.3)
    np.random.seed(3)  # noqa: NPY002 (pyabc's kernels draw from numpy's global stream)
    token = PARTICLE_STREAM.set(np.random.default_rng(3))  # as the sampler sets per particle
    try:
        draws = t.rvs(4000)
    finally:
        PARTICLE_STREAM.reset(token)
    outside = ((draws["a"] - 0.5).abs() > 0.2) | ((draws["b"] - 1.0).abs() > 0.4)
    # a prior draw lands outside that box with probability 1 - 0.4 * 0.4 = 0.84
    assert outside.mean() == pytest.approx(0.3 * 0.84, abs=0.03)
    assert draws["a"].between(0, 1).all() or (draws["a"] < 0).mean() < 0.01


def test_share_zero_is_pyabcs_own_kernel():
    assert type(perturbation_kernel(PRIOR, 2.0, 0.0)) is pyabc.MultivariateNormalTransition
    assert isinstance(perturbation_kernel(PRIOR, 2.0, 0.1), DefensiveTransition)
