"""Higher vocational colleges: tier, majors and enrolment mix, equipment, teacher team."""

from __future__ import annotations

import mesa
import numpy as np

from sim.population import TIERS, college_capacity, research_service_funding
from sim.sectors import LEGACY_ENROLMENT, N_SECTORS, SECTOR_NAMES

INITIAL_FACILITY_SPREAD = 0.1
"""Uniform spread of the initial equipment level below the affordable level."""


class CollegePopulation:
    """State of all colleges, one row each.

    Attributes:
        tier: 0 ordinary, 1 Double High.
        city: city index (colleges are spread over cities round-robin).
        offers: boolean (n, sectors): which sectors the college has a major for.
        enrol_share: (n, sectors) share of each cohort enrolled per major (rows sum to 1).
        facility: training equipment level relative to the technology frontier (0-1).
        match_rate: (n, sectors) graduate match rate per major at the last graduation.
        budget: own equipment budget (CNY million per year; Double High colleges more).
        performance_funding: contribution-evaluation funding received last academic year
            (CNY million per year), added to the budget.
        capacity: research and technical-service capacity (log-normal, median 1 among
            ordinary colleges; see :func:`sim.population.college_capacity`).
        service_income: technical-service income its ties paid last academic year (CNY
            million per year).

    """

    def __init__(self, scn, rng: np.random.Generator):
        w = scn.world
        n = w.n_colleges
        self.n = n
        n_elite = int(round(w.elite_share * n))
        self.tier = np.zeros(n, dtype=np.int64)
        self.tier[rng.permutation(n)[:n_elite]] = 1
        self.city = np.arange(n) % w.n_cities
        self.offers = np.zeros((n, N_SECTORS), dtype=bool)
        weights = LEGACY_ENROLMENT / LEGACY_ENROLMENT.sum()
        k = min(w.majors_per_college, N_SECTORS)
        for i in range(n):
            self.offers[i, rng.choice(N_SECTORS, size=k, replace=False, p=weights)] = True
        self.enrol_share = np.where(self.offers, LEGACY_ENROLMENT, 0.0)
        self.enrol_share /= self.enrol_share.sum(axis=1, keepdims=True)
        e = scn.economy
        self.budget = e.college_budget * np.where(self.tier == 1, e.double_high_budget_factor,
                                                  1.0)
        self.performance_funding = np.zeros(n)
        self.facility = self.affordable_facility(e) - INITIAL_FACILITY_SPREAD * rng.random(n)
        self.match_rate = np.full((n, N_SECTORS), np.nan)
        self.capacity = college_capacity(rng, self.tier, w.college_capacity_sigma,
                                         w.college_capacity_elite_shift)
        self.service_income = np.zeros(n)
        self.grant_per_capacity = e.research_grant_per_capacity

    def research_funding(self) -> np.ndarray:
        """Research and social-service funding of each college (CNY million per year)."""
        return research_service_funding(self.capacity, self.grant_per_capacity,
                                        self.service_income)

    def affordable_facility(self, economy) -> np.ndarray:
        """Equipment level (relative to the frontier) each college's money can sustain."""
        money = self.budget + self.performance_funding
        return money / (money + economy.facility_budget_half)

    def majors(self, i: int) -> list[str]:
        """Names of the sectors college ``i`` has majors for."""
        return [SECTOR_NAMES[s] for s in np.flatnonzero(self.offers[i])]


class College(mesa.Agent):
    """A higher vocational college (a view of one row of :class:`CollegePopulation`).

    Its willingness to deepen a tie follows from its evaluation incentives
    (:func:`sim.ladder.college_utility`); it adjusts its majors every year at the speed set by
    ``policy.major_adjustment_rate`` (model phase ``adjust_majors``).
    """

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = int(index)

    @property
    def tier(self) -> str:
        """``ordinary`` or ``double_high``."""
        return TIERS[self.model.colleges.tier[self.index]]

    @property
    def city(self) -> int:
        """City index."""
        return int(self.model.colleges.city[self.index])

    @property
    def majors(self) -> list[str]:
        """Sectors the college trains for."""
        return self.model.colleges.majors(self.index)

    @property
    def budget(self) -> float:
        """Equipment budget including last year's performance funding (CNY million/year)."""
        c = self.model.colleges
        return float(c.budget[self.index] + c.performance_funding[self.index])

    @property
    def research_funding(self) -> float:
        """Research and social-service funding (科研社会服务经费), CNY million per year."""
        return float(self.model.colleges.research_funding()[self.index])

    @property
    def facility(self) -> float:
        """Equipment level relative to the frontier (0-1)."""
        return float(self.model.colleges.facility[self.index])
