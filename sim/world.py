"""World building: the region's colleges, firms, teachers, students and initial network.

Called once by :class:`sim.model.CooperationModel` before the first step. Every draw comes
from the ``world`` stream, so a lever that does not change the population leaves the world
unchanged (common random numbers).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim import labour, ties
from sim.agents import (
    CollegePopulation,
    EnterprisePopulation,
    StudentPopulation,
    TeacherPopulation,
)
from sim.budget import TaxCreditAccounts, education_surcharge_due
from sim.decisions import poaching_hazard
from sim.labour import draw_majors, entrants
from sim.network import TieTable
from sim.sectors import N_SECTORS

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

INITIAL_CONTACT_ROUNDS = 5
"""Rounds in which the initial network's contacts (``initial_contact_years`` of search) are
made; structural (how the history before the run is compressed), not a behaviour."""
INITIAL_SKILL_PER_YEAR = 0.1
"""Skill already gained per completed programme year by the students present at the start."""


def build_world(m: "CooperationModel") -> None:
    """Create the populations, the network view, the first students and the initial ties."""
    p = m.params
    rng = m.streams.world
    m.firms = EnterprisePopulation(p, rng)
    m.colleges = CollegePopulation(p, rng)
    m.demand_index = np.ones(N_SECTORS)
    m.frontier = np.ones(N_SECTORS)
    m.sb_effect = np.zeros(p.world.n_cities)
    m.ties = TieTable(capacity=4 * p.world.n_colleges * max(p.behaviour.contacts_per_college, 4))
    m.graph = None  # the view behind model.network, made when read (sim.views)
    # Mesa agents (views of the rows) are made when read too (sim.views.sync_views).
    m._enterprise_views = m._college_views = m._teacher_views = None
    # Students: fill every slot, cohorts spread over programme years.
    w = p.world
    m.students = StudentPopulation(w.n_colleges, w.students_per_college)
    slots = np.arange(m.students.n)
    years = slots % w.students_per_college % w.program_years
    majors = draw_majors(m, m.students.college[slots], rng)
    skills, aptitude = entrants(slots.size, rng)
    skills = np.clip(skills + INITIAL_SKILL_PER_YEAR * years[:, None], 0, 1)
    m.students.enrol(m, slots, majors, skills, aptitude, year=years)
    m.initial_students = int(slots.size)
    m.enrolled_total = 0
    m.graduated_total = 0
    # Labour-market expectations before any history: the objective hazard.
    m.nontrain_share = np.ones((w.n_cities, N_SECTORS))
    b = p.behaviour
    m.firms.belief_retention = 1.0 - poaching_hazard(
        m.nontrain_share[m.firms.city, m.firms.sector], b.poach_base, b.poach_free_rider)
    m.teachers = TeacherPopulation(p, m.colleges, m.firms, rng)
    m.quality_cache = None
    m.upgrade_decisions = {"college": [], "enterprise": []}
    m.new_tie_rows = np.zeros(0, dtype=np.int64)  # ties started in this step (sim.ties)
    m.obsolescence = np.ones(N_SECTORS)
    m.placements = labour.Placements()
    m.host_ledger = labour.HostLedger()  # the last academic year's host firms (sim.labour)
    m.placed_real = 0.0
    m.funding_claimed = np.zeros(m.colleges.n)  # this step (CNY million)
    m.funding_year = np.zeros(m.colleges.n)  # paid this academic year
    m.service_income_year = np.zeros(m.colleges.n)  # technical-service income this year
    # Integration tax credit, per real firm in CNY thousand (sim.budget); the surcharge due is
    # each agent's, the same for each of its real firms.
    m.credit_accounts = TaxCreditAccounts()  # accounts opened as real firms earn credit
    m.surcharge_due = education_surcharge_due(p.economy.vat_per_employee * m.firms.employees,
                                              p.economy.education_surcharge_rate)
    m.qualifying_year = []  # (real firms, qualifying investment) of each step of the year
    # Initial network: a few rounds of contacts, trust spread so some ties can climb.
    # Industry professors are hired over time from partners (sim.professors), not by fiat.
    per_round = int(round(b.contacts_per_college * b.initial_contact_years
                          / INITIAL_CONTACT_ROUNDS))
    m.phase_now = (-1, "initial network")  # no student moves meanwhile (sim.ties.student_cells)
    for _ in range(INITIAL_CONTACT_ROUNDS):
        ties.new_ties(m, initial_contacts=per_round)
    m.phase_now = None
    rows = m.ties.active_rows()
    m.ties.trust[rows] = b.initial_trust_spread * rng.random(rows.size)
    labour.update_nontraining(m)
    m.last_graduation = {"match_rate": math.nan, "retention": math.nan}
