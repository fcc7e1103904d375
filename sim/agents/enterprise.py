"""Enterprises: sector, size, location, absorptive capacity, hiring needs and expectations."""

from __future__ import annotations

import mesa
import numpy as np

from sim.ladder import RUNGS
from sim.sectors import ABSORPTIVE_MEAN, FIRM_SHARES, SECTOR_NAMES, SIZE_CLASSES, size_class

ABSORPTIVE_SIZE_ELASTICITY = 0.1
"""Elasticity of absorptive capacity (R&D staff share) with firm size; unsourced."""


def truncated_pareto(rng: np.random.Generator, n: int, x_min: float, x_max: float,
                     alpha: float) -> np.ndarray:
    """Draw ``n`` sizes from a Pareto(alpha) distribution truncated to [x_min, x_max]."""
    u = rng.random(n)
    ratio = (x_min / x_max) ** alpha
    return x_min * (1.0 - u * (1.0 - ratio)) ** (-1.0 / alpha)


class EnterprisePopulation:
    """State of all enterprises, one row each.

    Attributes:
        sector: sector index (see :mod:`sim.sectors`).
        city: city index.
        employees: employees (heavy-tailed).
        absorptive: absorptive capacity, R&D staff relative to the sector frontier (0-1).
        payback: payback horizon (years).
        belief_retention: expected one-year retention of recruits it trains (0-1).
        belief_payout: expected share of public claims paid (0-1).

    """

    def __init__(self, scn, rng: np.random.Generator):
        w, e = scn.world, scn.economy
        n = w.n_enterprises
        self.n = n
        self.sector = rng.choice(len(FIRM_SHARES), size=n, p=FIRM_SHARES / FIRM_SHARES.sum())
        self.city = rng.integers(0, w.n_cities, size=n)
        self.employees = np.round(truncated_pareto(rng, n, w.firm_size_min, w.firm_size_max,
                                                   w.firm_size_alpha))
        self.absorptive = np.clip(
            ABSORPTIVE_MEAN[self.sector] * (self.employees / 100.0) ** ABSORPTIVE_SIZE_ELASTICITY
            * rng.lognormal(0.0, scn.behaviour.firm_heterogeneity, n), 0.01, 1.0)
        self.payback = e.payback_years * rng.lognormal(0.0, scn.behaviour.firm_heterogeneity, n)
        self.belief_retention = np.full(n, np.nan)  # set by the model from the labour market
        self.belief_payout = np.ones(n)

    def vacancies(self, hire_rate: float, demand_index: np.ndarray) -> np.ndarray:
        """Graduate-level vacancies per year of each firm (real people)."""
        return hire_rate * self.employees * demand_index[self.sector]

    def size_class(self) -> np.ndarray:
        """Size-class index of each firm (see :data:`sim.sectors.SIZE_CLASSES`)."""
        return size_class(self.employees)


class Enterprise(mesa.Agent):
    """An enterprise (a view of one row of :class:`EnterprisePopulation`).

    It decides, from expected net benefit, whether to start, keep, climb, step down or end
    each cooperation tie; the decisions are taken for all firms at once by the model's
    ``decide_ties`` phase using :func:`sim.ladder.enterprise_payoff`.
    """

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = int(index)

    @property
    def sector(self) -> str:
        """Sector name."""
        return SECTOR_NAMES[self.model.firms.sector[self.index]]

    @property
    def employees(self) -> int:
        """Employees."""
        return int(self.model.firms.employees[self.index])

    @property
    def size_class(self) -> str:
        """small, medium or large."""
        return SIZE_CLASSES[int(size_class(self.model.firms.employees[self.index]))]

    @property
    def city(self) -> int:
        """City index."""
        return int(self.model.firms.city[self.index])

    @property
    def absorptive_capacity(self) -> float:
        """R&D staff relative to the sector frontier (0-1)."""
        return float(self.model.firms.absorptive[self.index])

    @property
    def rung(self) -> str:
        """Highest active rung over the firm's ties, or ``"none"``."""
        r = self.model.highest_rung_of_firms()[self.index]
        return RUNGS[r] if r >= 0 else "none"
