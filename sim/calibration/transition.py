"""The perturbation kernel of ABC-SMC: pyabc's multivariate normal, optionally mixed with the prior.

ABC-SMC weights each accepted particle by prior density / proposal density. When most
parameters stay at a bounded uniform prior, the posterior fills the prior's box up to its
edges, a Gaussian kernel proposes the corners rarely, and the few particles accepted there
carry tens of times the mean weight (docs/calibration.md: 80 times in generation 2 of the
status-quo calibration with twice the kernel's covariance). Drawing a share ``a`` of the
proposals from the prior itself (Hesterberg 1995, "defensive importance sampling") makes the
proposal density at least ``a`` times the prior's everywhere, so no particle's unnormalised
weight (prior / proposal) exceeds ``1 / a``, wherever in the box it lies; the price is that
those draws are accepted less often than the kernel's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc
from pyabc.transition import Transition


class DefensiveTransition(Transition):
    """pyabc's multivariate normal kernel, with a share of proposals from the prior.

    Args:
        prior: the pyabc ``Distribution`` of the priors (the space pyabc samples).
        prior_share: share ``a`` of proposals drawn from the prior (0 <= a < 1).
        scaling: factor on the kernel's covariance (as ``MultivariateNormalTransition``).

    """

    def __init__(self, prior: pyabc.Distribution, prior_share: float, scaling: float = 1.0):
        self.prior = prior
        self.prior_share = float(prior_share)
        self.kernel = pyabc.MultivariateNormalTransition(scaling=scaling)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        """Fit the kernel to the weighted population (the prior needs no fit)."""
        self.kernel.fit(X, w)

    def rvs_single(self) -> pyabc.Parameter:
        """One proposal: from the prior with probability ``prior_share``, else the kernel.

        The choice and the prior draw come from the particle's own stream
        (:func:`sim.calibration.sampler.particle_stream`); the kernel's draw is pyabc's.
        """
        from sim.calibration.sampler import particle_stream

        rng = particle_stream()
        if rng.random() < self.prior_share:
            return pyabc.Parameter({k: float(self.prior[k].distribution.rvs(random_state=rng))
                                    for k in self.X.columns})
        return self.kernel.rvs_single()

    def pdf(self, x):
        """Proposal density at ``x`` (a parameter, Series or DataFrame): the mixture's."""
        kernel = self.kernel.pdf(x)
        if isinstance(x, pd.DataFrame):
            prior = np.array([self.prior.pdf(pyabc.Parameter(row._asdict()))
                              for row in x[list(self.X.columns)].itertuples(index=False)])
        else:
            prior = self.prior.pdf(pyabc.Parameter({k: x[k] for k in self.X.columns}))
        return self.prior_share * prior + (1.0 - self.prior_share) * kernel


def perturbation_kernel(prior: pyabc.Distribution, scaling: float = 1.0,
                        prior_share: float = 0.0) -> Transition:
    """The kernel a calibration perturbs particles with.

    ``prior_share`` 0 gives pyabc's own multivariate normal (covariance times ``scaling``);
    above 0, the defensive mixture :class:`DefensiveTransition`.
    """
    if prior_share > 0:
        return DefensiveTransition(prior, prior_share, scaling)
    return pyabc.MultivariateNormalTransition(scaling=scaling)
