"""Tie decisions: what a tie is worth to each side, and who starts, changes or ends one.

Phase ``decide_ties`` of :data:`sim.model.PHASES` (new ties; activities entered by both
sides' consent and left by either side, each on its own payoff) and the year-end trust
update. Payoffs are the pure functions of :mod:`sim.ladder`; this module gathers their
inputs (:func:`tie_context`) and draws the choices from the ``contacts``, ``entry``,
``proposal``, ``climb`` and ``review`` streams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.decisions import (
    accept_probability,
    event_probability,
    logit_choice_probabilities,
)
from sim.ladder import (
    APPRENTICE,
    INTERNSHIP,
    JOINT_RD,
    JOINT_TRAINING,
    N_ACTIVITIES,
    TECH_SERVICE,
    Prerequisites,
    TieContext,
    activity_feasible,
    bit,
    capability_match,
    college_utility,
    enterprise_payoff,
    holds,
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


def hosts_students(portfolio: np.ndarray) -> np.ndarray:
    """Whether ties holding ``portfolio`` offer student places (internship or apprenticeship)."""
    return holds(portfolio, INTERNSHIP) | holds(portfolio, JOINT_TRAINING)


OPENINGS = (INTERNSHIP, TECH_SERVICE, JOINT_RD)
"""Activities a new tie can open with: internship places, or directly technical service or
joint R&D where the pair is capable (activities needing trust come later)."""


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
    rows = rows[hosts_students(m.ties.activities[rows])]
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
    """New ties; then climbs agreed by both sides and firms' reviews (competing events)."""
    new_ties(m)
    change_ties(m)


def new_ties(m: "CooperationModel", initial_contacts: int | None = None) -> None:
    """Colleges contact firms; a contact becomes an internship tie if both sides accept.

    Each college makes a Poisson number of contacts with mean ``contacts_per_college * dt``
    (an annual rate); world building passes a fixed ``initial_contacts`` per college instead.
    """
    p = m.params
    b = p.behaviour
    initial = initial_contacts is not None
    rng = m.streams.contacts
    if initial:
        counts = np.full(m.colleges.n, initial_contacts)
    else:
        counts = rng.poisson(b.contacts_per_college * m.dt, size=m.colleges.n)
    if not counts.any():
        return
    pairs_c, pairs_f = [], []
    partners = m.ties.partners_by_college(m.colleges.n)
    # Real firms an agent stands for, times how visible a firm's size makes it (sim.population).
    visibility = m.firms.weight * m.firms.employees ** b.contact_size_elasticity
    for i in range(m.colleges.n):
        k = int(counts[i])
        if k == 0:
            continue
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
    pre = Prerequisites.from_scenario(p)
    trust = np.full(cols.size, float(b.initial_trust))
    beta = b.choice_intensity
    # The firm picks an opening activity or no tie (multinomial logit on payoff less the
    # search cost); the college accepts the opening on its own valuation.
    cost = 0.0 if initial else switching_cost(m, cols, firms)
    options = np.column_stack([np.zeros(cols.size)] + [
        enterprise_payoff(bit(a), ctx, m.terms) - cost for a in OPENINGS])
    available = np.column_stack([np.ones(cols.size, bool)] + [
        activity_feasible(a, trust, ctx.capability, pre) for a in OPENINGS])
    probs = logit_choice_probabilities(options, beta, available)
    u = m.streams.entry.random((cols.size, 2))
    pick = (u[:, :1] > np.cumsum(probs, axis=1)).sum(axis=1).clip(0, len(OPENINGS))
    opening = np.array([0] + [bit(a) for a in OPENINGS])[pick]
    p_college = accept_probability(college_utility(opening, m.college_terms), beta)
    accepted = (pick > 0) & (u[:, 1] < p_college)
    for i, j, o in zip(cols[accepted], firms[accepted], opening[accepted], strict=True):
        m.ties.start(int(i), int(j), float(b.initial_trust), int(o))


def hosts_professor(m: "CooperationModel", cols: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """Whether each (college, firm) pair has an industry professor from the firm."""
    t = m.teachers
    hosts = set(zip(t.college[t.professor].tolist(), t.firm[t.professor].tolist(), strict=True))
    return np.array([(int(c), int(f)) in hosts for c, f in zip(cols, firms, strict=True)],
                    dtype=bool)


def change_ties(m: "CooperationModel") -> None:
    """Activities entered and left, as competing events in continuous time.

    Each activity ``a`` a tie lacks but may hold (:func:`sim.ladder.activity_feasible`) is
    proposed at ``upgrade_proposal_rate`` a year; the firm agrees with
    ``p_e = σ(β (U_e(P + a) − U_e(P) − c'))`` and the college with
    ``p_c = σ(β (U_c(P + a) − U_c(P)))``, so ``a`` is entered at ``rate p_e p_c``. Each side
    reviews the tie at ``review_rate`` a year and keeps it, leaves one activity or ends the
    tie by multinomial logit on its own payoff of each resulting portfolio; keeping changes
    nothing, so a side's review changes the tie at ``review_rate (1 − p_keep)``. In a step the
    first event happens with probability ``1 − exp(−total rate · dt)`` and is each event in
    proportion to its rate: no order between events within a step, and no dependence on the
    step length. The proposals of the step (a Poisson number per feasible activity) and both
    sides' answers are recorded as revealed willingness (``model.upgrade_decisions``).
    """
    b = m.params.behaviour
    rows = m.ties.active_rows()
    if rows.size == 0:
        m.upgrade_decisions["college"].append((0, 0))
        m.upgrade_decisions["enterprise"].append((0, 0))
        return
    n = rows.size
    cols, firms = m.ties.college[rows], m.ties.firm[rows]
    ctx = tie_context(m, cols, firms)
    pre = Prerequisites.from_scenario(m.params)
    port = m.ties.activities[rows]
    trust = m.ties.trust[rows]
    beta = b.choice_intensity
    pay_e = enterprise_payoff(port, ctx, m.terms)
    pay_c = college_utility(port, m.college_terms)
    search = switching_cost(m, cols, firms) * ~hosts_professor(m, cols, firms)
    bits = np.array([bit(a) for a in range(N_ACTIVITIES)])
    held = (port[:, None] & bits[None, :]) != 0
    n_held = held.sum(axis=1)
    # Entering: proposals and both sides' consent, per activity.
    feasible = np.column_stack([activity_feasible(a, trust, ctx.capability, pre)
                                for a in range(N_ACTIVITIES)]) & ~held
    with_a = port[:, None] | bits[None, :]
    p_e = np.column_stack([accept_probability(
        enterprise_payoff(with_a[:, a], ctx, m.terms) - pay_e - search, beta)
        for a in range(N_ACTIVITIES)])
    p_c = np.column_stack([accept_probability(
        college_utility(with_a[:, a], m.college_terms) - pay_c, beta)
        for a in range(N_ACTIVITIES)])
    rate_enter = np.where(feasible, b.upgrade_proposal_rate * p_e * p_c, 0.0)
    n_prop = np.where(feasible, m.streams.proposal.poisson(b.upgrade_proposal_rate * m.dt,
                                                           size=(n, N_ACTIVITIES)), 0)
    flat = np.repeat(np.arange(n * N_ACTIVITIES), n_prop.ravel())
    answers = m.streams.climb.random((flat.size, 2))
    m.upgrade_decisions["college"].append((int((answers[:, 1] < p_c.ravel()[flat]).sum()),
                                           int(flat.size)))
    m.upgrade_decisions["enterprise"].append((int((answers[:, 0] < p_e.ravel()[flat]).sum()),
                                              int(flat.size)))
    # Leaving: each side's review (keep, end the tie, or leave one of several activities).
    without = port[:, None] & ~bits[None, :]
    can_drop = held & (n_held[:, None] > 1)
    available = np.column_stack([np.ones(n, bool), np.ones(n, bool), can_drop])
    rates = [rate_enter]
    for side_pay, value in ((pay_e, lambda q: enterprise_payoff(q, ctx, m.terms)),
                            (pay_c, lambda q: college_utility(q, m.college_terms))):
        options = np.column_stack([side_pay, np.zeros(n)]
                                  + [value(without[:, a]) for a in range(N_ACTIVITIES)])
        probs = logit_choice_probabilities(options, beta, available)
        rates.append(b.review_rate * probs[:, 1:])
    # Columns: enter a (5) | firm ends, firm leaves a (5) | college ends, college leaves a (5).
    rate = np.column_stack(rates)
    total = rate.sum(axis=1)
    u = m.streams.review.random((n, 2))
    happens = u[:, 0] < event_probability(total, m.dt)
    event = (u[:, 1:] * total[:, None] > np.cumsum(rate, axis=1)).sum(axis=1)
    event = np.minimum(event, rate.shape[1] - 1)
    new = port.copy()
    k = N_ACTIVITIES
    enter = happens & (event < k)
    new[enter] |= bits[event[enter]]
    for start in (k, 2 * k + 1):  # the firm's, then the college's review
        ends = happens & (event == start)
        new[ends] = 0
        leave = happens & (event > start) & (event <= start + k)
        new[leave] &= ~bits[event[leave] - start - 1]
    changed = new != port
    m.ties.set_activities(rows[changed], new[changed])


def update_trust(m: "CooperationModel", rows: np.ndarray) -> None:
    """Year-end trust from experience: realised against expected value of the year's exchange.

    With an exchange (students hosted or experts exchanged), the surprise is
    ``r = (realised - expected) / (|expected| + trust_value_scale)`` and
    ``trust += gain (1 - trust) clip(1 + r, 0, 1) - trust_shortfall_loss trust clip(-r, 0, 1)``
    (``gain = trust_gain`` x (1 + ``professor_trust_bonus``) where the firm's staff teach as
    industry professors): exchanges that meet expectations build trust, shortfalls cost it.
    Without an exchange trust decays by ``trust_decay``.
    """
    b = m.params.behaviour
    trust = m.ties.trust[rows]
    realised, expected = m.ties.net[rows], m.ties.expected[rows]
    surprise = (realised - expected) / (np.abs(expected) + b.trust_value_scale)
    gain = b.trust_gain * (1.0 + b.professor_trust_bonus
                           * hosts_professor(m, m.ties.college[rows], m.ties.firm[rows]))
    learned = (trust + gain * (1.0 - trust) * np.clip(1.0 + surprise, 0.0, 1.0)
               - b.trust_shortfall_loss * trust * np.clip(-surprise, 0.0, 1.0))
    idle = trust * (1.0 - b.trust_decay)
    # Exchanges: students hosted, or activities beyond placements run (sim.budget).
    exchanged = m.ties.exchanged[rows]
    m.ties.trust[rows] = np.clip(np.where(exchanged, learned, idle), 0.0, 1.0)
    m.ties.age[rows] += 1.0
    m.ties.net[:] = 0.0
    m.ties.expected[:] = 0.0
    m.ties.exchanged[:] = False
