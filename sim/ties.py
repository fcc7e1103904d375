"""Tie decisions: what a tie is worth to each side, and who starts, deepens or ends one.

Phase ``decide_ties`` of :data:`sim.model.PHASES` (new ties, climbs agreed by both sides,
firms' reviews) and the year-end trust update. Payoffs are the pure functions of
:mod:`sim.ladder`; this module gathers their inputs (:func:`tie_context`) and draws the
choices from the ``contacts``, ``entry``, ``climb`` and ``review`` streams.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.decisions import accept_probability, draw_choices, logit_choice_probabilities
from sim.ladder import (
    APPRENTICE,
    JOINT_RD,
    TieContext,
    capability_match,
    climb_feasible,
    college_utility,
    enterprise_payoff,
    rd_size_factor,
)
from sim.learning import teaching_quality
from sim.sectors import N_SECTORS

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

SLOTS_PER_100_EMPLOYEES_BOUNDS = (0.25, 10.0)
"""A tie offers ``interns_per_tie`` places per 100 employees, for firm sizes clipped to
25-1,000 employees (small firms still host a student, large ones cap a single tie)."""


def slots(m: "CooperationModel", firms: np.ndarray) -> np.ndarray:
    """Student places per year a tie of each given firm offers (real students)."""
    lo, hi = SLOTS_PER_100_EMPLOYEES_BOUNDS
    return m.params.economy.interns_per_tie * np.clip(m.firms.employees[firms] / 100.0, lo, hi)


def uptake(m: "CooperationModel") -> float:
    """Share of students accepting an apprenticeship slot (credits raise, bonds lower it)."""
    b, p = m.params.behaviour, m.params.policy
    base = b.apprentice_uptake_base
    return (base + (1 - base) * p.credit_conversion) * (1 - b.bond_aversion * p.retention_support)


def final_year(m: "CooperationModel") -> np.ndarray:
    """Slots of the students in their final programme year."""
    s = m.students
    return np.flatnonzero(s.active & (s.year == m.params.world.program_years - 1))


def tie_context(m: "CooperationModel", colleges: np.ndarray, firms: np.ndarray,
                extra_slots: bool = False) -> TieContext:
    """Inputs of the enterprise payoff for the given (college, firm) pairs.

    ``extra_slots`` treats the pairs as new ties joining their cells (for entry choices).
    """
    p = m.params
    scale = p.world.student_scale
    sec = m.firms.sector[firms]
    tie_slots = slots(m, firms)
    final = final_year(m)
    n_cells = m.colleges.n * N_SECTORS
    s = m.students
    students_cell = np.bincount(s.college[final] * N_SECTORS + s.sector[final],
                                minlength=n_cells) * scale
    rows = m.ties.active_rows()
    slots_cell = np.bincount(
        m.ties.college[rows] * N_SECTORS + m.firms.sector[m.ties.firm[rows]],
        weights=slots(m, m.ties.firm[rows]), minlength=n_cells)
    cell = colleges * N_SECTORS + sec
    demand = slots_cell[cell] + (tie_slots if extra_slots else 0.0)
    fill = np.minimum(1.0, np.divide(students_cell[cell], demand,
                                     out=np.zeros(cell.size), where=demand > 0))
    quality_cell = np.divide(
        np.bincount(s.college[final] * N_SECTORS + s.sector[final],
                    weights=s.composite(final), minlength=n_cells),
        students_cell / scale, out=np.zeros(n_cells), where=students_cell > 0)
    q = teaching_quality(m)
    vacancies = m.firms.vacancies(p.economy.hire_rate, m.demand_index)[firms]
    expected_recruits = tie_slots * fill * m.terms.hire_prob[APPRENTICE]
    vacancy_factor = np.minimum(1.0, np.divide(vacancies, expected_recruits,
                                               out=np.ones(cell.size),
                                               where=expected_recruits > 0))
    same_city = m.colleges.city[colleges] == m.firms.city[firms]
    return TieContext(
        slots=tie_slots, fill=fill, uptake=np.full(cell.size, uptake(m)),
        vacancy_factor=vacancy_factor, retention=m.firms.belief_retention[firms],
        quality=quality_cell[cell],
        capability=capability_match(q["capability"][colleges, sec], m.firms.absorptive[firms]),
        rd_scale=rd_size_factor(m.firms.employees[firms], p.behaviour.rd_size_reference),
        expert_quality=q["practice"][colleges, sec] / 0.5,
        payback_years=m.firms.payback[firms], payout=m.firms.belief_payout[firms],
        apprentice_cost_cut=p.economy.shared_base_cost_cut * m.sb_effect[m.firms.city[firms]],
        governance_cut=p.policy.consortium_strength * same_city,
        credit_room=np.maximum(m.surcharge_due[firms] - m.credit_accounts.carried[firms], 0.0))


def switching_cost(m: "CooperationModel", colleges: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """One-off search and transaction cost of a new tie or a climb (CNY thousand)."""
    same_city = m.colleges.city[colleges] == m.firms.city[firms]
    return m.params.economy.search_cost * (1.0 - m.params.policy.consortium_strength * same_city)


def decide_ties(m: "CooperationModel") -> None:
    """New ties, climbs agreed by both sides, and firms' reviews of their ties."""
    new_ties(m)
    climbs(m)
    reviews(m)


def new_ties(m: "CooperationModel", initial: bool = False) -> None:
    """Colleges contact firms; a contact becomes an internship tie if both sides accept."""
    p = m.params
    b = p.behaviour
    k = b.contacts_per_college
    if k == 0:
        return
    rng = m.streams.contacts
    pairs_c, pairs_f = [], []
    partners = m.ties.partners_by_college(m.colleges.n)
    # Real firms an agent stands for, times how visible a firm's size makes it (sim.population).
    visibility = m.firms.weight * m.firms.employees ** b.contact_size_elasticity
    for i in range(m.colleges.n):
        eligible = m.colleges.offers[i][m.firms.sector]
        weight = np.where(m.firms.city == m.colleges.city[i], 1.0,
                          1.0 - b.distance_penalty) * eligible * visibility
        weight[partners[i]] = 0.0
        n_pos = int(np.count_nonzero(weight))
        if n_pos == 0:
            continue
        chosen = rng.choice(m.firms.n, size=min(k, n_pos), replace=False,
                            p=weight / weight.sum())
        pairs_c.extend([i] * chosen.size)
        pairs_f.extend(chosen.tolist())
    if not pairs_c:
        return
    cols, firms = np.array(pairs_c), np.array(pairs_f)
    ctx = tie_context(m, cols, firms, extra_slots=True)
    gain_e = enterprise_payoff(0, ctx, m.terms)
    if not initial:
        gain_e = gain_e - switching_cost(m, cols, firms)
    u_c = college_utility(0, m.college_terms)
    beta = b.choice_intensity
    p_accept = accept_probability(u_c, beta) * accept_probability(gain_e, beta)
    accepted = m.streams.entry.random(cols.size) < p_accept
    for i, j in zip(cols[accepted], firms[accepted], strict=True):
        m.ties.start(int(i), int(j), float(b.initial_trust))


def climbs(m: "CooperationModel") -> None:
    """Every tie that may climb one rung does so if both sides accept (binary logit each)."""
    b = m.params.behaviour
    rows = m.ties.active_rows()
    if rows.size == 0:
        m.upgrade_decisions["college"].append((0, 0))
        m.upgrade_decisions["enterprise"].append((0, 0))
        return
    cols, firms = m.ties.college[rows], m.ties.firm[rows]
    ctx = tie_context(m, cols, firms)
    rung = m.ties.rung[rows]
    feasible = climb_feasible(rung, m.ties.trust[rows], ctx.capability, b.trust_step,
                              b.rd_capability_threshold)
    up = np.minimum(rung + 1, JOINT_RD)
    gain_e = (enterprise_payoff(up, ctx, m.terms) - enterprise_payoff(rung, ctx, m.terms)
              - switching_cost(m, cols, firms) * ~hosts_professor(m, cols, firms))
    gain_c = college_utility(up, m.college_terms) - college_utility(rung, m.college_terms)
    beta = b.choice_intensity
    u = m.streams.climb.random((rows.size, 2))
    yes_e = u[:, 0] < accept_probability(gain_e, beta)
    yes_c = u[:, 1] < accept_probability(gain_c, beta)
    n_feasible = int(feasible.sum())
    m.upgrade_decisions["college"].append((int((yes_c & feasible).sum()), n_feasible))
    m.upgrade_decisions["enterprise"].append((int((yes_e & feasible).sum()), n_feasible))
    climb = feasible & yes_e & yes_c
    m.ties.rung[rows[climb]] += 1


def hosts_professor(m: "CooperationModel", cols: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """Whether each (college, firm) pair has an industry professor from the firm."""
    t = m.teachers
    hosts = set(zip(t.college[t.professor].tolist(), t.firm[t.professor].tolist(), strict=True))
    return np.array([(int(c), int(f)) in hosts for c, f in zip(cols, firms, strict=True)],
                    dtype=bool)


def reviews(m: "CooperationModel") -> None:
    """Reviewing firms keep, step down or end their ties (multinomial logit)."""
    b = m.params.behaviour
    rows = m.ties.active_rows()
    if rows.size == 0:
        return
    rng = m.streams.review
    p_review = 1.0 - math.exp(-b.review_rate * m.dt)
    u = rng.random((rows.size, 2))
    reviewing = rows[u[:, 0] < p_review]
    if reviewing.size == 0:
        return
    u_choice = u[u[:, 0] < p_review, 1]
    cols, firms = m.ties.college[reviewing], m.ties.firm[reviewing]
    ctx = tie_context(m, cols, firms)
    rung = m.ties.rung[reviewing]
    options = np.column_stack([
        np.zeros(reviewing.size),                                   # end the tie
        enterprise_payoff(np.maximum(rung - 1, 0), ctx, m.terms),   # step down
        enterprise_payoff(rung, ctx, m.terms),                      # keep
    ])
    available = np.column_stack([np.ones(reviewing.size, bool), rung > 0,
                                 np.ones(reviewing.size, bool)])
    probs = logit_choice_probabilities(options, b.choice_intensity, available)
    choice = draw_choices(probs, u_choice)
    end = reviewing[choice == 0]
    m.ties.active[end] = False
    m.ties.rung[reviewing[choice == 1]] -= 1


def update_trust(m: "CooperationModel", rows: np.ndarray) -> None:
    """Year-end trust: up after a year of non-negative cash flow for the firm, else decay."""
    b = m.params.behaviour
    good = m.ties.net[rows] >= 0
    trust = m.ties.trust[rows]
    gain = b.trust_gain * (1 + 0.5 * hosts_professor(m, m.ties.college[rows], m.ties.firm[rows]))
    m.ties.trust[rows] = np.clip(np.where(good, trust + gain * (1 - trust),
                                          trust * (1 - b.trust_decay)), 0, 1)
    m.ties.age[rows] += 1.0
    m.ties.net[:] = 0.0
