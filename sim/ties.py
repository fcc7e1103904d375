"""Tie decisions: what a tie is worth to each side, and who starts, changes or ends one.

Phase ``decide_ties`` of :data:`sim.model.PHASES` (new ties; activities entered by both
sides' consent and left by either side, each on its own payoff) and the year-end trust
update. Payoffs are the pure functions of :mod:`sim.ladder`; this module gathers their
inputs (:func:`tie_context`) and draws the choices from the ``contacts``, ``entry``,
``proposal``, ``climb`` and ``review`` streams.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.decisions import (
    accept_probability,
    event_probability,
    logit_choice_probabilities,
)
from sim.ladder import (
    APPRENTICE,
    HOLDS,
    INTERNSHIP,
    JOINT_RD,
    JOINT_TRAINING,
    N_ACTIVITIES,
    PORTFOLIO_GRID,
    TECH_SERVICE,
    CollegeTerms,
    Prerequisites,
    TieContext,
    activity_feasible,
    bit,
    capability_match,
    college_utility_table,
    enterprise_payoff,
    rd_size_factor,
)
from sim.learning import teaching_quality
from sim.network import find_sorted
from sim.partner_search import search_partners
from sim.sectors import N_SECTORS

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

def supervision_capacity(m: "CooperationModel", firms: np.ndarray) -> np.ndarray:
    """Students a real firm of each given agent can supervise in a year (all its ties)."""
    return m.params.economy.supervision_capacity * m.firms.employees[firms] / 100.0


def total_by_key(keys: np.ndarray, values: np.ndarray | None, query: np.ndarray) -> np.ndarray:
    """Sum of ``values`` (1 each if None) over equal ``keys``, looked up for each ``query`` key.

    Real-firm ids run to millions in a national region, so totals per real firm are formed
    over the keys present (sorted), never over all real firms.
    """
    return totals_by_key(keys, [values], query)[0]


def totals_by_key(keys: np.ndarray, values: list[np.ndarray | None],
                  query: np.ndarray) -> list[np.ndarray]:
    """:func:`total_by_key` of several ``values`` over the same keys (one grouping)."""
    keys = np.asarray(keys, dtype=np.int64)
    query = np.asarray(query, dtype=np.int64)
    if keys.size == 0:
        return [np.zeros(query.shape) for _ in values]
    uniq, inv = np.unique(keys, return_inverse=True)
    at, found = find_sorted(uniq, query)
    return [np.where(found, np.bincount(inv, weights=v, minlength=uniq.size)[at], 0.0)
            for v in values]


def total_by_row_key(rows: np.ndarray, key_of_row: np.ndarray,
                     values: np.ndarray) -> np.ndarray:
    """:func:`total_by_key` of elements keyed through table rows, for each element.

    Element ``i`` has key ``key_of_row[rows[i]]`` (a placement's real firm through its tie
    row). The keys of the distinct rows are grouped (hundreds), not every element's keys
    (tens of thousands of placements); sums run over the elements in order, as in
    :func:`total_by_key`, so the numbers are the same.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size == 0:
        return np.zeros(0)
    present = np.bincount(rows, minlength=key_of_row.size).nonzero()[0]
    keys, label = np.unique(key_of_row[present], return_inverse=True)
    label_of_row = np.zeros(key_of_row.size, dtype=np.int64)
    label_of_row[present] = label
    group = label_of_row[rows]
    return np.bincount(group, weights=values, minlength=keys.size)[group]


def hosts_students(portfolio: np.ndarray) -> np.ndarray:
    """Whether ties holding ``portfolio`` offer student places (internship or apprenticeship)."""
    return (np.asarray(portfolio) & (bit(INTERNSHIP) | bit(JOINT_TRAINING))) != 0


OPENINGS = (INTERNSHIP, TECH_SERVICE, JOINT_RD)
"""Activities a new tie can open with: internship places, or directly technical service or
joint R&D where the pair is capable (activities needing trust come later)."""
OPENING_BITS = np.array([bit(a) for a in OPENINGS])
"""The portfolio of each opening (a single activity's bit)."""
CHOICE_BITS = np.append(0, OPENING_BITS)
"""The portfolio of each choice of a contacted firm: no tie, then each opening."""
PORTFOLIOS = np.arange(1 << N_ACTIVITIES)
"""Every portfolio a tie can hold (a portfolio's bit mask is its index here)."""
ACTIVITY_BITS = np.array([bit(a) for a in range(N_ACTIVITIES)])
"""The portfolio bit of each activity, as an array."""


def uptake(m: "CooperationModel") -> float:
    """Share of students accepting an apprenticeship slot (credits raise, bonds lower it)."""
    b, p = m.params.behaviour, m.params.policy
    base = b.apprentice_uptake_base
    return (base + (1 - base) * p.credit_conversion) * (1 - b.bond_aversion * p.retention_support)


def final_year(m: "CooperationModel") -> np.ndarray:
    """Slots of the students in their final programme year."""
    s = m.students
    return (s.active & (s.year == m.params.world.program_years - 1)).nonzero()[0]


def student_cells(m: "CooperationModel") -> tuple[np.ndarray, np.ndarray]:
    """Final-year students of each (college, sector) cell: real count and mean employability.

    Read by every tie context. Within a step it is computed once until a phase that moves
    students has run (:attr:`sim.model.Phase.moves_students`; such a phase reads no tie
    context after moving them), and once while the initial network forms; outside a step
    (``model.phase_now`` is None) on every call.
    """
    phase = getattr(m, "phase_now", None)
    key = None if phase is None else (phase[0], getattr(m, "students_moved", 0))
    cached = getattr(m, "_student_cells", None)
    if key is not None and cached is not None and cached[0] == key:
        return cached[1]
    scale = m.params.world.student_scale
    final = final_year(m)
    n_cells = m.colleges.n * N_SECTORS
    s = m.students
    cell = s.college[final] * N_SECTORS + s.sector[final]
    students_cell = np.bincount(cell, minlength=n_cells) * scale
    quality_cell = np.divide(np.bincount(cell, weights=s.composite(final), minlength=n_cells),
                             students_cell / scale, out=np.zeros(n_cells),
                             where=students_cell > 0)
    m._student_cells = (key, (students_cell, quality_cell))
    return students_cell, quality_cell


@dataclass(frozen=True)
class HostingTies:
    """The ties that host students, grouped as every tie context reads them.

    ``reals`` are their real firms (sorted, each once) with the number of hosting ties
    (``ties_of``) and places offered (``places_of``) of each; ``slots_cell`` the places
    offered in each (college, sector) cell.
    """

    reals: np.ndarray
    ties_of: np.ndarray
    places_of: np.ndarray
    slots_cell: np.ndarray

    def per_real(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hosting ties and places offered of each real firm in ``query`` (0 if none)."""
        if self.reals.size == 0:
            return np.zeros(query.shape), np.zeros(query.shape)
        at, found = find_sorted(self.reals, np.asarray(query, dtype=np.int64))
        return (np.where(found, self.ties_of[at], 0.0), np.where(found, self.places_of[at], 0.0))


def hosting_ties(m: "CooperationModel") -> HostingTies:
    """:class:`HostingTies` of the model now (kept until a tie or its places change)."""
    t = m.ties
    cached = getattr(m, "_hosting_ties", None)
    if cached is not None and cached[0] is t and cached[1] == t.version:
        return cached[2]
    rows = t.active_rows()
    rows = rows[hosts_students(t.activities[rows])]
    places = t.places[rows]
    real = t.real[rows]
    uniq, inv = np.unique(real, return_inverse=True)
    host = HostingTies(
        reals=uniq, ties_of=np.bincount(inv, minlength=uniq.size),
        places_of=np.bincount(inv, weights=places, minlength=uniq.size),
        slots_cell=np.bincount(t.college[rows] * N_SECTORS + m.firms.sector[t.firm[rows]],
                               weights=places, minlength=m.colleges.n * N_SECTORS))
    m._hosting_ties = (t, t.version, host)
    return host


def tie_context(m: "CooperationModel", colleges: np.ndarray, firms: np.ndarray,
                reals: np.ndarray, extra_slots: bool = False) -> TieContext:
    """Inputs of the enterprise payoff for the given (college, real firm) pairs.

    ``firms`` are the agents of the real firms ``reals``. ``extra_slots`` treats the pairs as
    new ties joining their cells (for entry choices).
    """
    p = m.params
    sec = m.firms.sector[firms]
    students_cell, quality_cell = student_cells(m)
    # A real firm's supervision capacity is shared among its ties that host students (a new
    # tie joins them); fill and vacancies are judged at the places offered this season.
    host = hosting_ties(m)
    hosting, firm_places = host.per_real(reals)
    if extra_slots:
        hosting = hosting + 1.0
    capacity = supervision_capacity(m, firms) / np.maximum(hosting, 1)
    slots_cell = host.slots_cell
    own = capacity if extra_slots else 0.0
    cell = colleges * N_SECTORS + sec
    demand = slots_cell[cell] + own
    fill = np.minimum(1.0, np.divide(students_cell[cell], demand,
                                     out=np.ones(cell.size), where=demand > 0))
    q = teaching_quality(m)
    vacancies = m.firms.vacancies(p.economy.hire_rate, m.demand_index)[firms]
    expected_recruits = (firm_places + own) * fill * m.terms.hire_prob[APPRENTICE]
    vacancy_factor = np.minimum(1.0, np.divide(vacancies, expected_recruits,
                                               out=np.ones(cell.size),
                                               where=expected_recruits > 0))
    same_city = m.colleges.city[colleges] == m.firms.city[firms]
    return TieContext(
        capacity=capacity, fill=fill, uptake=np.full(cell.size, uptake(m)),
        vacancy_factor=vacancy_factor, retention=m.firms.belief_retention[firms],
        quality=quality_cell[cell],
        capability=capability_match(q["capability"][colleges, sec], m.firms.absorptive[firms]),
        rd_scale=rd_size_factor(m.firms.employees[firms], p.behaviour.rd_size_reference),
        expert_quality=q["practice"][colleges, sec] / 0.5,
        payback_years=m.firms.payback[firms], payout=m.firms.belief_payout[firms],
        apprentice_cost_cut=p.economy.shared_base_cost_cut * m.sb_effect[m.firms.city[firms]],
        governance_cut=p.policy.consortium_strength * same_city,
        credit_room=np.maximum(m.surcharge_due[firms] - m.credit_accounts.carried_of(reals),
                               0.0))


def context_of_rows(m: "CooperationModel", rows: np.ndarray) -> TieContext:
    """:func:`tie_context` of tie rows ``rows`` (their colleges, agents and real firms)."""
    t = m.ties
    return tie_context(m, t.college[rows], t.firm[rows], t.real[rows])


def real_of_pair(m: "CooperationModel", colleges: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """A real firm of each agent for each college (for what-if contexts).

    The agent's member the college has an active tie with, otherwise its first member.
    """
    colleges = np.asarray(colleges, dtype=np.int64)
    firms = np.asarray(firms, dtype=np.int64)
    out = m.firms.first_real[firms].copy()
    rows = m.ties.active_rows()
    if rows.size:
        n = m.firms.n
        key = m.ties.college[rows] * n + m.ties.firm[rows]
        order = key.argsort(kind="stable")
        key = key[order]
        at, hit = find_sorted(key, colleges * n + firms)
        out[hit] = m.ties.real[rows[order][at[hit]]]
    return out


def switching_cost(m: "CooperationModel", colleges: np.ndarray, firms: np.ndarray) -> np.ndarray:
    """One-off search and transaction cost of a new tie or a new activity (CNY thousand)."""
    same_city = m.colleges.city[colleges] == m.firms.city[firms]
    return m.params.economy.search_cost * (1.0 - m.params.policy.consortium_strength * same_city)


def decide_ties(m: "CooperationModel") -> None:
    """New ties; then activities entered and left (competing events)."""
    m.new_tie_rows = np.zeros(0, dtype=np.int64)
    new_ties(m)
    change_ties(m)


def new_ties(m: "CooperationModel", initial_contacts: int | None = None) -> None:
    """Colleges contact firms; a contact becomes a tie if both sides accept its opening.

    The firm picks an opening activity (internship places, technical service or joint R&D,
    where feasible at a new tie's trust) or no tie by multinomial logit on its payoff less the
    search cost; the college accepts the opening on its own valuation.

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
    # Contacts are independent draws (sim.partner_search); a contact that comes after an
    # accepted contact of the same pair in the step would, in continuous time, have found a
    # partner and been drawn among the other firms: it is drawn again (few rounds).
    for _ in range(MAX_CONTACT_ROUNDS):
        counts = contact_round(m, counts, initial)
        if not counts.any():
            break


MAX_CONTACT_ROUNDS = 8
"""Numerical safeguard: rounds of redrawn contacts in one step (a redraw is needed only when
one pair is contacted twice and accepted at the first contact; the rounds shrink fast)."""


def contact_round(m: "CooperationModel", counts: np.ndarray, initial: bool) -> np.ndarray:
    """One round of contacts (``counts`` per college) of :func:`new_ties`.

    Returns the contacts per college to draw again: those that came after an accepted contact
    of the same (college, firm) pair in this round.
    """
    p = m.params
    b = p.behaviour
    none = np.zeros(m.colleges.n, dtype=np.int64)
    partners = m.ties.partners_by_college(m.colleges.n)
    cols, firms, reals = search_partners(m, counts, partners, m.streams.contacts)
    if cols.size == 0:
        return none
    ctx = tie_context(m, cols, firms, reals, extra_slots=True)
    pre = Prerequisites.from_scenario(p)
    trust = np.full(cols.size, float(b.initial_trust))
    beta = b.choice_intensity
    # The firm picks an opening activity or no tie (multinomial logit on payoff less the
    # search cost); the college accepts the opening on its own valuation.
    cost = 0.0 if initial else switching_cost(m, cols, firms)
    # openings x contacts, transposed (numpy's inner loops then run over the contacts)
    payoff = enterprise_payoff(OPENING_BITS[:, None], ctx, m.terms).T
    options = np.column_stack([np.zeros(cols.size), payoff - np.asarray(cost)[..., None]])
    available = np.column_stack([np.ones(cols.size, bool)] + [
        activity_feasible(a, trust, ctx.capability, pre) for a in OPENINGS])
    probs = logit_choice_probabilities(options, beta, available)
    u = m.streams.entry.random((cols.size, 2))
    pick = np.minimum((u[:, :1] > probs.cumsum(axis=1)).sum(axis=1), len(OPENINGS))
    opening = CHOICE_BITS[pick]
    p_college = accept_probability(college_utility_table(m.college_terms)[opening], beta)
    accepted = (pick > 0) & (u[:, 1] < p_college)
    # A pair contacted twice starts one tie, at its first accepted contact; its later
    # contacts found a partner and are drawn again.
    pair = cols.astype(np.int64) * m.firms.n_real + reals
    uniq, first_at = np.unique(np.where(accepted, pair, -1), return_index=True)
    keep = uniq >= 0
    uniq, first_at = uniq[keep], first_at[keep]
    first = np.zeros(cols.size, bool)
    first[first_at] = True
    accepted &= first
    redraw = np.zeros(cols.size, bool)
    if uniq.size:
        at, hit = find_sorted(uniq, pair)
        redraw = hit & (np.arange(cols.size) > first_at[at])
    started = m.ties.start_many(cols[accepted], firms[accepted], reals[accepted],
                                float(b.initial_trust), opening[accepted])
    m.new_tie_rows = np.concatenate([m.new_tie_rows, started])
    return np.bincount(cols[redraw], minlength=m.colleges.n)


def hosts_professor(m: "CooperationModel", cols: np.ndarray, reals: np.ndarray) -> np.ndarray:
    """Whether each (college, real firm) pair has an industry professor from the firm."""
    t = m.teachers
    n = m.firms.n_real  # a (college, real firm) pair as one integer
    hosts = np.sort(t.college[t.professor] * n + t.firm[t.professor])
    pairs = np.asarray(cols, dtype=np.int64) * n + np.asarray(reals, dtype=np.int64)
    if hosts.size == 0:
        return np.zeros(pairs.shape, dtype=bool)
    return find_sorted(hosts, pairs)[1]


def change_ties(m: "CooperationModel") -> None:
    """Activities entered and left, as competing events in continuous time.

    Each activity ``a`` a tie lacks but may hold (:func:`sim.ladder.activity_feasible`) is
    proposed at ``upgrade_proposal_rate`` a year; the firm agrees with
    ``p_e = σ(β (U_e(P + a) − U_e(P) − c'))`` and the college with
    ``p_c = σ(β (U_c(P + a) − U_c(P)))``, so ``a`` is entered at ``rate p_e p_c``. Each side
    reviews the tie at ``review_rate`` a year and keeps it, leaves one activity or ends the
    tie by multinomial logit on its own payoff of each resulting portfolio; keeping changes
    nothing, so a side's review changes the tie at ``review_rate (1 − p_keep)``. Within a step
    events follow in continuous time: the next event comes after an exponential wait at the
    total rate and is each event in proportion to its rate; then the rates of the new
    portfolio apply for the time left (a tie started in the step is exposed from a uniform
    moment of it). So nothing depends on the step length. The proposals of the step (a
    Poisson number per feasible activity) and both sides' answers are recorded as revealed
    willingness (``model.upgrade_decisions``).
    """
    b = m.params.behaviour
    rows = m.ties.active_rows()
    if rows.size == 0:
        m.upgrade_decisions["college"].append((0, 0))
        m.upgrade_decisions["enterprise"].append((0, 0))
        return
    n = rows.size
    cols, firms, reals = m.ties.college[rows], m.ties.firm[rows], m.ties.real[rows]
    ctx = context_of_rows(m, rows)
    pre = Prerequisites.from_scenario(m.params)
    port = m.ties.activities[rows]
    trust = m.ties.trust[rows]
    search = switching_cost(m, cols, firms) * ~hosts_professor(m, cols, reals)
    payoff_e = portfolio_payoffs(m, ctx)
    # Prerequisites met (trust and capability are fixed within the step).
    allowed = np.column_stack([activity_feasible(a, trust, ctx.capability, pre)
                               for a in range(N_ACTIVITIES)])
    college = college_responses(m.college_terms, b.choice_intensity, b.review_rate)
    rate, p_e, p_c, feasible = activity_event_rates(m, payoff_e, college, port, allowed, search)
    # Revealed willingness: a Poisson number of proposals per feasible activity in the step.
    n_prop = np.where(feasible, m.streams.proposal.poisson(b.upgrade_proposal_rate * m.dt,
                                                           size=(n, N_ACTIVITIES)), 0)
    flat = np.repeat(np.arange(n * N_ACTIVITIES), n_prop.ravel())
    answers = m.streams.climb.random((flat.size, 2))
    m.upgrade_decisions["college"].append((int((answers[:, 1] < p_c.ravel()[flat]).sum()),
                                           int(flat.size)))
    m.upgrade_decisions["enterprise"].append((int((answers[:, 0] < p_e.ravel()[flat]).sum()),
                                              int(flat.size)))
    # Events in continuous time within the step: a tie that arrived in this step is exposed
    # from a uniform moment of it (Poisson arrivals); after each event its rates are
    # recomputed for the time left (the context of the step held fixed).
    new = port.copy()
    left = np.full(n, m.dt)
    started = np.zeros(m.ties.n, dtype=bool)
    started[m.new_tie_rows] = True
    fresh = started[rows]
    left[fresh] *= m.streams.review.random(int(fresh.sum()))
    idx = np.arange(n)
    for round_ in range(MAX_EVENTS_PER_STEP):
        if idx.size == 0:
            break
        if round_ > 0:
            rate = activity_event_rates(m, payoff_e[idx], college, new[idx], allowed[idx],
                                        search[idx])[0]
        total = rate.sum(axis=1)
        u = m.streams.review.random((idx.size, 2))
        happens = u[:, 0] < event_probability(total, left[idx])
        wait = -np.log1p(-u[:, 0]) / np.where(total > 0, total, 1.0)
        event = (u[:, 1:] * total[:, None] > rate.cumsum(axis=1)).sum(axis=1)
        event = np.minimum(event, rate.shape[1] - 1)
        new[idx] = apply_event(new[idx], event, happens)
        left[idx] = np.where(happens, left[idx] - wait, 0.0)
        idx = idx[happens & (new[idx] != 0)]
    changed = new != port
    m.ties.set_activities(rows[changed], new[changed])


MAX_EVENTS_PER_STEP = 50
"""Numerical safeguard: at most this many events per tie in one step (never reached at the
declared rates and step lengths; the time left then is dropped)."""


def portfolio_payoffs(m: "CooperationModel", ctx: TieContext) -> np.ndarray:
    """The firm's payoff of every portfolio of :data:`PORTFOLIOS`, for the ties of ``ctx``.

    :func:`sim.ladder.enterprise_payoff` per tie and portfolio (ties x 32). The context of a
    step is held fixed, so every event of the step looks them up; the college's side depends
    on the portfolio alone (:func:`college_responses`).
    """
    grid = PORTFOLIO_GRID  # each term over the activities it depends on, the same numbers
    return grid.as_portfolios(enterprise_payoff(grid, ctx, m.terms), ctx.capacity.size)


def activity_event_rates(m: "CooperationModel", payoff_e: np.ndarray,
                         college: CollegeResponses, port: np.ndarray, allowed: np.ndarray,
                         search: np.ndarray):
    """Yearly rates of every event that can change each tie's portfolio ``port``.

    ``payoff_e`` is the firm's payoff of every portfolio (:func:`portfolio_payoffs`) and
    ``college`` the college's answers and reviews of every portfolio
    (:func:`college_responses`); ``allowed`` (ties x activities) says whether each tie meets
    each activity's prerequisites (:func:`sim.ladder.activity_feasible`).
    Returns ``(rate, p_e, p_c, feasible)``: ``rate`` has columns enter activity a (5) |
    the firm ends the tie, the firm leaves a (5) | the college ends it, the college leaves a
    (5); ``p_e``, ``p_c`` are both sides' answers to a proposal of each activity and
    ``feasible`` says which activities may be proposed.
    """
    b = m.params.behaviour
    beta = b.choice_intensity
    k = N_ACTIVITIES
    # Every portfolio in reach (ties x [now, + each a, - each a]), looked up.
    u_e = payoff_e[np.arange(port.size)[:, None], REACH[port]]
    # Entering: a proposal of each activity and both sides' consent on its own payoff.
    feasible = allowed & ~HELD[port]
    p_e = accept_probability(u_e[:, 1:k + 1] - u_e[:, :1] - search[:, None], beta)
    p_c = college.accept[port]
    # Leaving: each side's review (keep, end the tie, or leave one of several activities).
    return (np.column_stack([np.where(feasible, b.upgrade_proposal_rate * p_e * p_c, 0.0),
                             review_rates(u_e, REVIEW_OPTIONS[port], beta, b.review_rate),
                             college.review[port]]),
            p_e, p_c, feasible)


def review_rates(u: np.ndarray, available: np.ndarray, beta: float,
                 review_rate: float) -> np.ndarray:
    """Yearly rates at which one side's review ends a tie or leaves each activity.

    ``u`` holds that side's payoffs of the portfolios in reach (rows of :data:`REACH`) and
    ``available`` its review options (rows of :data:`REVIEW_OPTIONS`). The side reviews at
    ``review_rate`` a year and keeps the tie, ends it (worth nothing) or leaves one activity
    by multinomial logit with intensity ``beta``; returns the rates of ending and of leaving
    each activity (ties x 6).
    """
    options = u[:, REVIEW_COLUMNS]
    options[:, 1] = 0.0  # ending the tie is worth nothing
    return review_rate * logit_choice_probabilities(options, beta, available)[:, 1:]


@dataclass(frozen=True)
class CollegeResponses:
    """The college's side of every portfolio's events (rows indexed by the portfolio).

    A college's payoff depends on the portfolio alone (:func:`sim.ladder.college_utility`),
    so its answer to a proposal of each activity (``accept``, 32 x 5) and its review rates
    (``review``, 32 x 6: end, leave each activity) are the same for every tie that holds the
    portfolio and are looked up, not recomputed per tie.
    """

    accept: np.ndarray
    review: np.ndarray


@functools.lru_cache(maxsize=16)
def college_responses(terms: CollegeTerms, beta: float, review_rate: float) -> CollegeResponses:
    """:class:`CollegeResponses` of colleges valuing ties by ``terms``, read-only.

    From :func:`sim.ladder.college_utility_table`; computed once per set of college terms
    and choice parameters (they change only with a policy change), as that table is.
    """
    k = N_ACTIVITIES
    u_c = college_utility_table(terms)[REACH]
    accept = accept_probability(u_c[:, 1:k + 1] - u_c[:, :1], beta)
    review = review_rates(u_c, REVIEW_OPTIONS, beta, review_rate)
    accept.flags.writeable = False
    review.flags.writeable = False
    return CollegeResponses(accept=accept, review=review)


HELD = HOLDS.T
"""Whether portfolio ``p`` holds activity ``a``: ``HELD[p, a]`` (:data:`sim.ladder.HOLDS`)."""
REACH = np.column_stack([PORTFOLIOS, PORTFOLIOS[:, None] | ACTIVITY_BITS[None, :],
                         PORTFOLIOS[:, None] & ~ACTIVITY_BITS[None, :]])
"""Portfolios in one event's reach of portfolio ``p``: itself, with each activity, without it."""
REVIEW_COLUMNS = np.array([0, 0, *range(N_ACTIVITIES + 1, 2 * N_ACTIVITIES + 1)])
"""A review's options among the portfolios in reach: keep, end the tie (its value set to 0),
leave each activity."""
REVIEW_OPTIONS = np.column_stack([np.ones((PORTFOLIOS.size, 2), bool),
                                  HELD & (HELD.sum(axis=1)[:, None] > 1)])
"""Which review options portfolio ``p`` has: keep and end always, leave an activity it holds
when it holds another."""


def event_outcome(port: int, event: int) -> int:
    """Portfolio ``port`` after ``event`` (a column of :func:`activity_event_rates`)."""
    k = N_ACTIVITIES
    if event < k:  # entering activity ``event``
        return port | int(ACTIVITY_BITS[event])
    for start in (k, 2 * k + 1):  # the firm's, then the college's review
        if event == start:  # the tie ends
            return 0
        if start < event <= start + k:  # leaving one activity
            return port & ~int(ACTIVITY_BITS[event - start - 1])
    raise ValueError(f"no event {event}")


OUTCOME = np.array([[event_outcome(p, e) for e in range(3 * N_ACTIVITIES + 2)]
                    for p in PORTFOLIOS])
"""Portfolio after each event: ``OUTCOME[portfolio, event]`` (:func:`event_outcome`)."""


def apply_event(port: np.ndarray, event: np.ndarray, happens: np.ndarray) -> np.ndarray:
    """Portfolios after each tie's event (columns of :func:`activity_event_rates`)."""
    return np.where(happens, OUTCOME[port, event], port)


def update_trust(m: "CooperationModel", rows: np.ndarray) -> None:
    """Year-end trust from experience: realised against expected value of the year's exchange.

    With an exchange (students hosted; expert exchange, R&D or service held), the surprise is
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
                           * hosts_professor(m, m.ties.college[rows], m.ties.real[rows]))
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
