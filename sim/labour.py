"""The labour market of students: placement, graduation, hiring, poaching, majors, enrolment.

Calendar phases of :data:`sim.model.PHASES`: ``place_students`` (first step of an academic
year) and ``graduate``, ``adjust_majors``, ``enrol`` (last step of a year). Draws come from
the ``placement``, ``hiring``, ``retention`` and ``enrolment`` streams.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

import numpy as np

from sim.agents.student import APTITUDE_RANGE, ENTRY_SKILL
from sim.budget import MONEY_K_TO_M
from sim.decisions import adapt, peer_average, poaching_hazard
from sim.ladder import (
    JOINT_RD,
    JOINT_TRAINING,
    bit,
    cash_flow,
    coordination_cost,
    hire_value,
    holds,
    intake_by_type,
    offered_places,
    rd_value,
    recruit_value,
)
from sim.network import sorted_unique
from sim.sectors import FIRM_SHARES, N_SECTORS
from sim.streams import binomial
from sim.ties import (
    context_of_rows,
    final_year,
    hosts_students,
    total_by_row_key,
    update_trust,
    uptake,
)

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

FIRM_SECTOR_WEIGHTS = FIRM_SHARES / FIRM_SHARES.sum()
"""Graduate vacancies by sector are proportional to the sector's firm share times its demand
index (which grows at the sector's rate)."""


class Placements:
    """Placements of the academic year as real counts: one row per (student slot, tie, kind).

    Attributes:
        slot: student slot (a super-individual) the placed students belong to.
        tie: row of the tie that hosts them.
        apprentice: True for apprentices, False for interns.
        count: real students (a slot stands for ``student_scale`` of them).

    """

    def __init__(self, slot=None, tie=None, apprentice=None, count=None):
        self.slot = np.zeros(0, np.int64) if slot is None else slot
        self.tie = np.zeros(0, np.int64) if tie is None else tie
        self.apprentice = np.zeros(0, bool) if apprentice is None else apprentice
        self.count = np.zeros(0) if count is None else count
        self._kept: dict[tuple, np.ndarray] = {}

    def _keep(self, key: tuple, total: Callable[[], np.ndarray]) -> np.ndarray:
        """``total()``, counted once and kept under ``key``.

        The placements of a year do not change, and public money and learning read their
        totals every step; a kept total is read-only so that no caller can change it in place.
        """
        if key not in self._kept:
            kept = total()
            kept.flags.writeable = False
            self._kept[key] = kept
        return self._kept[key]

    def per_tie(self, n_rows: int, apprentice: bool) -> np.ndarray:
        """Real interns (or apprentices) hosted by each tie row (kept once counted)."""
        def count() -> np.ndarray:
            sel = self.apprentice == apprentice
            return np.bincount(self.tie[sel], weights=self.count[sel], minlength=n_rows)

        return self._keep(("tie", n_rows, apprentice), count)

    def per_slot(self, n_slots: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Real students of each slot placed (in the rows selected by ``mask``)."""
        w = self.count if mask is None else self.count * mask
        return np.bincount(self.slot, weights=w, minlength=n_slots)

    def per_slot_as(self, n_slots: int, apprentice: bool) -> np.ndarray:
        """Real students of each slot placed as apprentices (or interns), kept once counted."""
        return self._keep(("slot", n_slots, apprentice), lambda: self.per_slot(
            n_slots, self.apprentice if apprentice else ~self.apprentice))


def real_per_slot(scale: float) -> int:
    """Whole real students drawn per slot (``student_scale`` rounded, at least 1)."""
    return max(1, int(round(scale)))


def draw_productivity(m: "CooperationModel", rows: np.ndarray,
                      places: np.ndarray) -> np.ndarray:
    """Realised productivity of the trainees of tie ``rows`` in the season (mean 1).

    Log-normal with log spread ``trainee_productivity_spread`` and mean 1: how much of their
    gross cost the year's interns and apprentices recover at this host
    (:func:`sim.ladder.intern_net_cost`). One standard normal per tie row of the table is
    drawn from the ``trainee_work`` stream every season (so a tie's draw does not depend on
    how many ties host students); ties offering no place (``places``) get 1.
    """
    sigma = m.params.economy.trainee_productivity_spread
    z = m.streams.trainee_work.standard_normal(m.ties.n)
    out = np.ones(rows.size)
    hosting = places > 0
    out[hosting] = np.exp(sigma * z[rows[hosting]] - 0.5 * sigma * sigma)
    return out


def place_students(m: "CooperationModel") -> None:
    """Place final-year students with the ties of their college and major, as real counts.

    Each tie offers the intern and apprentice places its firm chooses
    (:func:`sim.ladder.intake_by_type`: marginal value of a student of each programme against
    its rising supervision cost, within capacity; real students, a whole number of drawn
    places with the fraction drawn); of the apprentice places only the share ``uptake`` that
    students accept is on offer. In each (college, major) cell the real students of its
    final-year slots are shuffled and fill the cell's shuffled places, each place an intern's
    or an apprentice's. Ties without student places host nobody. So placement rates are
    smooth at every ``student_scale``. The trainees' productivity of the year is drawn for
    every tie with places (:func:`draw_productivity`).
    """
    s = m.students
    final = final_year(m)
    rows = m.ties.active_rows()
    rows = rows[hosts_students(m.ties.activities[rows])]
    m.placements = Placements()
    m.placed_real = 0.0
    if rows.size == 0 or final.size == 0:
        m.ties.set_places(rows[:0], np.zeros(0))
        return
    # The firms choose this season's places on the context of last season's offers.
    n_int, n_app = intake_by_type(m.ties.activities[rows], context_of_rows(m, rows), m.terms)
    share_apprentice = uptake(m)
    offered = offered_places(n_int, n_app, share_apprentice)
    m.ties.set_places(rows, offered, draw_productivity(m, rows, offered))
    rng = m.streams.placement
    scale = m.params.world.student_scale
    per = real_per_slot(scale)
    cell_of_tie = m.ties.college[rows] * N_SECTORS + m.firms.sector[m.ties.firm[rows]]
    cell_of_student = s.college[final] * N_SECTORS + s.sector[final]
    # Drawn places of each kind (interns, apprentices that students accept): whole places
    # with the fraction drawn.
    raw = np.stack([n_int, n_app * share_apprentice], axis=1) * per / scale
    capacity = np.floor(raw).astype(np.int64)
    capacity += rng.random(raw.shape) < raw - capacity
    order = cell_of_tie.argsort(kind="stable")
    cells, starts = np.unique(cell_of_tie[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    s_order = cell_of_student.argsort(kind="stable")
    s_sorted = cell_of_student[s_order]
    s_starts = s_sorted.searchsorted(cells, side="left")
    s_ends = s_sorted.searchsorted(cells, side="right")
    # Every cell's places (a place is its tie's row x 2 + 1 for an apprentice's) and drawn
    # students, cut out below.
    codes = (rows[order][:, None] * 2 + np.array([0, 1])).ravel()
    per_tie = capacity[order].sum(axis=1)
    all_places = np.repeat(codes, capacity[order].ravel())
    place_at = np.concatenate([[0], per_tie.cumsum()]).tolist()
    all_students = np.repeat(final[s_order], per)
    out_slot, out_code = [], []
    for a, b, sa, sb in zip(starts.tolist(), ends.tolist(), s_starts.tolist(), s_ends.tolist(),
                            strict=True):
        if sb == sa:
            continue
        places = all_places[place_at[a]:place_at[b]]
        if places.size == 0:
            continue
        students = all_students[sa * per:sb * per]
        n = min(places.size, students.size)
        # shuffled in place (the draws of rng.permutation, without its copy): each cell's
        # slices of the two fresh arrays are its own
        rng.shuffle(students)
        rng.shuffle(places)
        out_slot.append(students[:n])
        out_code.append(places[:n])
    if not out_slot:
        return
    slot, code = np.concatenate(out_slot), np.concatenate(out_code)
    n_rows = m.ties.college.size
    key = (slot * n_rows + code // 2) * 2 + code % 2
    uniq, count = sorted_unique(key, return_counts=True)
    m.placements = Placements(slot=uniq // 2 // n_rows, tie=uniq // 2 % n_rows,
                              apprentice=(uniq % 2).astype(bool),
                              count=count * (scale / per))
    m.placed_real = float(m.placements.count.sum())


def graduate(m: "CooperationModel") -> None:
    """Graduation of the final-year students, as real counts.

    Partner hiring (each placed student hired with the partner-hire probability of the
    placement, if qualified, within the firm's vacancies), the regional market for the rest,
    poaching of partner hires within a year; then trust and expectations are updated.
    """
    p = m.params
    w, b, pol = p.world, p.behaviour, p.policy
    s = m.students
    final = final_year(m)
    scale = w.student_scale
    if final.size == 0:
        update_nontraining(m)
        return
    rng = m.streams.hiring
    per = real_per_slot(scale)
    unit = scale / per  # real students per drawn student
    pl = m.placements
    qualified_slot = np.zeros(s.n, dtype=bool)
    qualified_slot[final] = s.composite(final) >= b.skill_requirement
    firm, real = m.ties.firm[pl.tie], m.ties.real[pl.tie]
    n_drawn = np.rint(pl.count / unit).astype(np.int64)
    # Partner hiring, capped by each real firm's vacancies.
    p_hire = m.terms.hire_prob[pl.apprentice.astype(np.int64)] * qualified_slot[pl.slot]
    vac = m.firms.vacancies(p.economy.hire_rate, m.demand_index)[firm]
    expected = total_by_row_key(pl.tie, m.ties.real, p_hire * pl.count)  # per real firm
    vf = np.minimum(1.0, np.divide(vac, expected, out=np.ones(real.size), where=expected > 0))
    hires = binomial(rng, n_drawn, np.clip(p_hire * vf, 0.0, 1.0))
    # The regional market for the rest: vacancies by sector demand share.
    hired_slot = np.bincount(pl.slot, weights=hires, minlength=s.n)[final]
    sec = s.sector[final]
    demand_share = m.demand_index * FIRM_SECTOR_WEIGHTS
    demand_share = demand_share / demand_share.sum()
    vac_sector = p.economy.vacancies_per_graduate * final.size * scale * demand_share
    vac_sector -= np.bincount(sec, weights=hired_slot, minlength=N_SECTORS) * unit
    seekers = np.where(qualified_slot[final], per - hired_slot, 0).astype(np.int64)
    n_seek = np.bincount(sec, weights=seekers, minlength=N_SECTORS) * unit
    p_market = np.minimum(1.0, np.divide(np.maximum(vac_sector, 0), n_seek,
                                         out=np.zeros(N_SECTORS), where=n_seek > 0))
    matched = (hired_slot + binomial(rng, seekers, p_market[sec])) / per  # share of each slot
    # Poaching of partner hires within a year (service agreements cover apprentices; they
    # are a public payment, pro-rated like every other).
    agreement = np.where(pl.apprentice, pol.retention_support * m.ledger.last_payout, 0.0)
    free_rider = m.nontrain_share[m.firms.city[firm], s.sector[pl.slot]]
    hazard = poaching_hazard(free_rider, b.poach_base, b.poach_free_rider, agreement)
    stays = binomial(m.streams.retention, hires, 1.0 - hazard)
    # Declared side effect of retention support: of the stayers, those kept only by the bond
    # (they would have left: probability (free hazard - hazard) / (1 - hazard)) are, with
    # probability bond_mismatch_share, in a worse-matched job than the one they would take.
    free_hazard = poaching_hazard(free_rider, b.poach_base, b.poach_free_rider)
    p_bound = np.divide(free_hazard - hazard, 1.0 - hazard, out=np.zeros_like(hazard),
                        where=hazard < 1.0)
    bound = binomial(m.streams.retention, stays,
                     np.clip(p_bound * b.bond_mismatch_share, 0, 1))
    mismatched = np.bincount(pl.slot, weights=bound, minlength=s.n)[final]
    matched = matched - mismatched / per
    m.ledger.claim("retention_support", pol.retention_support
                   * p.economy.retention_agreement_cost * float((hires * pl.apprentice).sum())
                   * unit * MONEY_K_TO_M)
    # Realised value of retained recruits to each tie, and what the firm expected of the
    # students it actually hosted (CNY thousand; undiscounted: both are this year's values).
    value = hire_value(s.composite(pl.slot), pl.apprentice, m.terms) * stays * unit
    np.add.at(m.ties.net, pl.tie, value)
    n_rows = m.ties.college.size
    hosted = np.bincount(pl.tie, minlength=n_rows).nonzero()[0]  # as np.unique, sorted
    m.host_ledger = HostLedger()
    if hosted.size:
        n_int, n_app = pl.per_tie(n_rows, False)[hosted], pl.per_tie(n_rows, True)[hosted]
        ctx = context_of_rows(m, hosted)
        m.ties.expected[hosted] += recruit_value(n_int, n_app, m.ties.activities[hosted], ctx,
                                                 m.terms, discounted=False)
        m.host_ledger = host_ledger(m, hosted, n_int, n_app, ctx, value)
    # Joint R&D outcomes of the year, against the expected success chance.
    rows = m.ties.active_rows()
    rd_rows = rows[holds(m.ties.activities[rows], JOINT_RD)]
    if rd_rows.size:
        rung = m.ties.activities[rd_rows]
        ctx = context_of_rows(m, rd_rows)
        success = m.streams.rd.random(rd_rows.size) < ctx.capability
        m.ties.net[rd_rows] += rd_value(rung, ctx, m.terms, success, discounted=False)
        m.ties.expected[rd_rows] += rd_value(rung, ctx, m.terms, discounted=False)
    update_trust(m, rows)
    # Expectations: retention (hazard inferred net of agreements) and payout.
    leaves = np.bincount(firm, weights=hires - stays, minlength=m.firms.n)
    exposure = np.bincount(firm, weights=hires * (1.0 - agreement), minlength=m.firms.n)
    has_obs = exposure > 0
    observed = 1.0 - np.clip(np.divide(leaves, exposure, out=np.zeros(m.firms.n),
                                       where=has_obs), 0, 1)
    f = m.firms
    f.belief_retention = adapt(f.belief_retention, observed, b.belief_learning_rate, has_obs)
    group = f.city * N_SECTORS + f.sector
    share = b.consortium_peer_share  # peer learning that runs through consortia
    peer_rate = b.peer_learning * ((1.0 - share) + share * pol.consortium_strength)
    peers = peer_average(f.belief_retention, group, w.n_cities * N_SECTORS,
                         weights=(m.highest_rung_of_firms() >= 0).astype(float))
    f.belief_retention = adapt(f.belief_retention, peers, peer_rate)
    f.belief_payout = adapt(f.belief_payout, np.full(f.n, m.ledger.last_payout),
                            b.belief_learning_rate)
    # Outcomes for reporters and for the adjustment of majors.
    n_hires = int(hires.sum())
    m.last_graduation = {
        "match_rate": float(matched.mean()),
        "retention": float(stays.sum() / n_hires) if n_hires else
        m.last_graduation.get("retention", math.nan),
    }
    cell = s.college[final] * N_SECTORS + sec
    n_cells = m.colleges.n * N_SECTORS
    cnt = np.bincount(cell, minlength=n_cells)
    rate = np.divide(np.bincount(cell, weights=matched, minlength=n_cells), cnt,
                     out=np.full(n_cells, np.nan), where=cnt > 0)
    m.colleges.match_rate = rate.reshape(m.colleges.n, N_SECTORS)
    s.graduate(final)
    m.placements = Placements()
    m.graduated_total += int(final.size)
    update_nontraining(m)


class HostLedger:
    """Each host tie's realised ledger of the academic year's students (CNY thousand).

    What the surveys of host firms measured (Ran & Shi 2020: "the short-term costs and returns
    are mainly labour costs and labour returns"; Ran 2022): the short-term cash flow the
    year's trainees made. Attributes (one element per tie that hosted students): ``tie``
    (row), ``firm`` (the real firm, :attr:`sim.network.TieTable.real`), ``interns`` and
    ``apprentices`` (real students), ``intern_net`` and ``apprentice_net``: the difference
    the interns (apprentices) made to the tie's cash flow (:func:`sim.ladder.cash_flow` with
    and without them, at the trainees' realised productivity and the payout paid: net
    training and supervision cost, subsidy, and for apprentices the tax credit on their
    training and the coordination cost of apprenticeship); ``intern_kept`` and
    ``apprentice_kept``: the realised value of the recruits hired from them who stayed, the
    long-term benefit the surveys found small because few stay, recorded apart. Credit a
    certified firm earns on its other investments (expert exchange, R&D) is not part of the
    apprentices' ledger (:func:`sim.ladder.qualifying_investment`).
    """

    def __init__(self, tie=None, firm=None, interns=None, apprentices=None, intern_net=None,
                 apprentice_net=None, intern_kept=None, apprentice_kept=None):
        empty = np.zeros(0)
        self.tie = np.zeros(0, np.int64) if tie is None else tie
        self.firm = np.zeros(0, np.int64) if firm is None else firm
        self.interns = empty if interns is None else interns
        self.apprentices = empty if apprentices is None else apprentices
        self.intern_net = empty if intern_net is None else intern_net
        self.apprentice_net = empty if apprentice_net is None else apprentice_net
        self.intern_kept = empty if intern_kept is None else intern_kept
        self.apprentice_kept = empty if apprentice_kept is None else apprentice_kept

    def per_firm(self, apprentices: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Firms that hosted interns (apprentices), each one's realised net and students.

        Summed over the firm's ties: the firm's short-term profit or loss on the students it
        hosted in the year and how many it hosted (real students), as a survey of host firms
        asks it (Ran & Shi 2020; Ran 2022).
        """
        count = self.apprentices if apprentices else self.interns
        net = self.apprentice_net if apprentices else self.intern_net
        sel = count > 0
        firms, inv = np.unique(self.firm[sel], return_inverse=True)
        return (firms, np.bincount(inv, weights=net[sel], minlength=firms.size),
                np.bincount(inv, weights=count[sel], minlength=firms.size))


def host_ledger(m: "CooperationModel", hosted: np.ndarray, n_int: np.ndarray,
                n_app: np.ndarray, ctx, value: np.ndarray) -> HostLedger:
    """Realised ledger of the year's interns and apprentices of each host tie.

    Written with the payoff functions of :mod:`sim.ladder` called on realised quantities:
    the students hosted, their realised productivity, the payout actually paid, and apart
    the recruits kept (``value``: realised value of each placement row's retained recruits).
    Each type's cash flow is the difference the type makes to the tie's cash flow.
    """
    pl, t = m.placements, m.terms
    paid = m.ledger.last_payout
    port = m.ties.activities[hosted] | np.where(n_app > 0, bit(JOINT_TRAINING), 0)
    # The cash flow with all students, without the interns and without the apprentices (in
    # one evaluation, stacked on a leading axis). Without the apprentices the tie stays as
    # certified as with them: the credit on the firm's other investments stays out of the
    # apprentices' ledger.
    none_int, none_app = np.zeros_like(n_int), np.zeros_like(n_app)
    full, without_int, without_app = cash_flow(
        port, np.stack([n_int, none_int, n_int]), np.stack([n_app, n_app, none_app]), ctx, t,
        paid, certified=n_app > 0, productivity=m.ties.productivity[hosted])
    without_app = without_app + coordination_cost(bit(JOINT_TRAINING), ctx, t) * (n_app > 0)
    n_rows = m.ties.college.size
    kept_int = np.bincount(pl.tie, weights=value * ~pl.apprentice, minlength=n_rows)[hosted]
    kept_app = np.bincount(pl.tie, weights=value * pl.apprentice, minlength=n_rows)[hosted]
    return HostLedger(tie=hosted, firm=m.ties.real[hosted], interns=n_int, apprentices=n_app,
                      intern_net=full - without_int, apprentice_net=full - without_app,
                      intern_kept=kept_int, apprentice_kept=kept_app)


def update_nontraining(m: "CooperationModel") -> None:
    """Share of real firms without any tie in each (city, sector): the free riders of poaching."""
    w = m.params.world
    f = m.firms
    group = f.city * N_SECTORS + f.sector
    n = w.n_cities * N_SECTORS
    training = f.agent_of(m.ties.partner_firms())
    total = np.bincount(group, weights=f.members, minlength=n)
    free = total - np.bincount(group[training], minlength=n)
    m.nontrain_share = np.divide(free, total, out=np.ones(n),
                                 where=total > 0).reshape(w.n_cities, N_SECTORS)


def adjust_majors(m: "CooperationModel") -> None:
    """Colleges move enrolment toward demanded, well-matched majors; weak majors close."""
    p = m.params
    rate = p.policy.major_adjustment_rate
    c = m.colleges
    if rate <= 0:
        return
    demand = m.demand_index * FIRM_SECTOR_WEIGHTS
    demand = demand / demand.sum()
    b = p.behaviour
    match = np.nan_to_num(c.match_rate, nan=b.major_match_prior)
    target = np.where(c.offers, demand * (b.major_match_weight + match), 0.0)
    target /= target.sum(axis=1, keepdims=True)
    old = c.enrol_share.copy()
    c.enrol_share = old + rate * (target - old)
    # Early warning and exit; open a major for the most demanded sector lacking one.
    for i in range(c.n):
        weak = (c.offers[i] & (c.enrol_share[i] < p.behaviour.major_exit_share)).nonzero()[0]
        for sct in weak:
            lacking = (~c.offers[i]).nonzero()[0]
            if lacking.size == 0:
                break
            new = lacking[np.argmax(demand[lacking])]
            c.offers[i, sct], c.offers[i, new] = False, True
            c.enrol_share[i, new] = c.enrol_share[i, sct]
            c.enrol_share[i, sct] = 0.0
            moved = (m.teachers.college == i) & (m.teachers.sector == sct) \
                & ~m.teachers.professor
            m.teachers.sector[moved] = new
            m.teachers.practice[moved] *= b.retrained_practice_kept
            m.quality_cache = None  # teachers moved: teaching quality must be recomputed
    c.enrol_share /= c.enrol_share.sum(axis=1, keepdims=True)
    cohort_real = p.world.students_per_college / p.world.program_years * p.world.student_scale
    moved_places = 0.5 * np.abs(c.enrol_share - old).sum() * cohort_real
    m.ledger.claim("major_adjustment", p.economy.major_adjustment_cost * moved_places
                   * MONEY_K_TO_M)


def enrol(m: "CooperationModel") -> None:
    """Students move up a year; a new cohort fills the free slots."""
    s = m.students
    s.year[s.active] += 1
    free = (~s.active).nonzero()[0]
    if free.size == 0:
        return
    rng = m.streams.enrolment
    majors = draw_majors(m, s.college[free], rng)
    skills, aptitude = entrants(free.size, rng)
    s.enrol(m, free, majors, skills, aptitude, year=0)
    m.enrolled_total += int(free.size)


def draw_majors(m: "CooperationModel", colleges: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """Major (sector index) of each new student of ``colleges``, by the colleges' enrolment mix."""
    shares = m.colleges.enrol_share[colleges]
    cum = np.cumsum(shares, axis=1)
    cum[:, -1] = 1.0
    return np.sum(rng.random(colleges.size)[:, None] >= cum, axis=1)


def entrants(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Entry skills (n, 3) and aptitude (n,) of ``n`` new students."""
    lo, hi = ENTRY_SKILL
    a_lo, a_hi = APTITUDE_RANGE
    return lo + (hi - lo) * rng.random((n, 3)), a_lo + (a_hi - a_lo) * rng.random(n)
