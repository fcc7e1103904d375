"""Higher vocational colleges: tier, majors and enrolment mix, equipment, teacher team."""

from __future__ import annotations

import mesa
import numpy as np

from sim.sectors import LEGACY_ENROLMENT, N_SECTORS, SECTOR_NAMES

TIERS = ("ordinary", "double_high")
"""College tiers: ordinary and the elite "Double High" plan colleges (MOE/MOF 2019)."""
FACILITY_AFFORDABLE = np.array([0.6, 0.8])
"""Equipment level (relative to the frontier) each tier can sustain from its own budget;
Double High colleges receive extra central funding. Unsourced."""
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
        self.facility = FACILITY_AFFORDABLE[self.tier] - INITIAL_FACILITY_SPREAD * rng.random(n)
        self.match_rate = np.full((n, N_SECTORS), np.nan)

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
    def facility(self) -> float:
        """Equipment level relative to the frontier (0-1)."""
        return float(self.model.colleges.facility[self.index])
