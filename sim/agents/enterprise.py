"""Enterprises: sector, size, location, absorptive capacity, hiring needs and expectations."""

from __future__ import annotations

import mesa
import numpy as np

from sim.ladder import RUNGS
from sim.population import OWNERSHIPS, draw_firms
from sim.sectors import (
    ABSORPTIVE_MEAN,
    FIRM_SHARES,
    SECTOR_NAMES,
    SIZE_CLASSES,
    contrasted,
    size_class,
)


class EnterprisePopulation:
    """State of all enterprises, one row each.

    Attributes:
        sector: sector index (see :mod:`sim.sectors`).
        city: city index.
        employees: employees (heavy-tailed; see :mod:`sim.population`).
        size_cls: size-class index (micro, small, medium, large).
        members: real enterprises the agent stands for (whole number >= 1; identical firms
            with the agent's traits and beliefs, each with its own ties, capacity, vacancies
            and tax-credit account; :mod:`sim.population`).
        weight: ``members`` as floats (kept for readers of earlier versions).
        first_real: real-firm id of each agent's first member (member ``k`` of agent ``a`` is
            real firm ``first_real[a] + k``); ``n_real`` real firms in all.
        ownership: ownership index (private, state, foreign; :data:`sim.population.OWNERSHIPS`).
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
        draw = draw_firms(rng, n, tilt=w.firm_sample_tilt, scale=w.enterprise_scale,
                          size_min=w.firm_size_min, size_max=w.firm_size_max,
                          alpha=w.firm_size_alpha)
        self.employees = draw.employees
        self.size_cls = draw.size_class
        self.members = draw.members.astype(np.int64)
        self.first_real = np.concatenate([[0], np.cumsum(self.members)[:-1]]).astype(np.int64)
        self.n_real = int(self.members.sum())
        self.ownership = draw.ownership
        elasticity = scn.behaviour.absorptive_size_elasticity
        self.absorptive = np.clip(
            contrasted(ABSORPTIVE_MEAN, e.sector_absorptive_contrast)[self.sector]
            * (self.employees / 100.0) ** elasticity
            * rng.lognormal(0.0, scn.behaviour.firm_heterogeneity, n), 0.01, 1.0)
        self.payback = e.payback_years * rng.lognormal(0.0, scn.behaviour.firm_heterogeneity, n)
        self.belief_retention = np.full(n, np.nan)  # set by the model from the labour market
        self.belief_payout = np.ones(n)

    def vacancies(self, hire_rate: float, demand_index: np.ndarray) -> np.ndarray:
        """Graduate-level vacancies per year of each firm (real people)."""
        return hire_rate * self.employees * demand_index[self.sector]

    @property
    def weight(self) -> np.ndarray:
        """``members`` as floats (the name earlier versions read)."""
        return self.members.astype(float)

    def agent_of(self, real: np.ndarray) -> np.ndarray:
        """Agent (row) of each real-firm id."""
        return self.first_real.searchsorted(np.asarray(real, dtype=np.int64), side="right") - 1

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
        """micro, small, medium or large."""
        return SIZE_CLASSES[int(size_class(self.model.firms.employees[self.index]))]

    @property
    def ownership(self) -> str:
        """private, state or foreign."""
        return OWNERSHIPS[int(self.model.firms.ownership[self.index])]

    @property
    def weight(self) -> float:
        """Real enterprises this agent stands for."""
        return float(self.model.firms.weight[self.index])

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
