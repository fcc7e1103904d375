"""The labour market of students: placement, graduation, hiring, poaching, majors, enrolment.

Calendar phases of :data:`sim.model.PHASES`: ``place_students`` (first step of an academic
year) and ``graduate``, ``adjust_majors``, ``enrol`` (last step of a year). Draws come from
the ``placement``, ``hiring``, ``retention`` and ``enrolment`` streams.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.student import APTITUDE_RANGE, ENTRY_SKILL
from sim.budget import MONEY_K_TO_M
from sim.decisions import adapt, peer_average, poaching_hazard
from sim.ladder import APPRENTICE, INTERN, JOINT_RD, JOINT_TRAINING
from sim.sectors import FIRM_SHARES, N_SECTORS
from sim.ties import final_year, slots, tie_context, update_trust, uptake

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

FIRM_SECTOR_WEIGHTS = FIRM_SHARES / FIRM_SHARES.sum()
"""Graduate vacancies by sector are proportional to the sector's firm share times its demand
index (which grows at the sector's rate)."""


def place_students(m: "CooperationModel") -> None:
    """Place final-year students with the ties of their college and major."""
    s = m.students
    s.tie[:] = -1
    s.placement[:] = -1
    final = final_year(m)
    rows = m.ties.active_rows()
    if rows.size == 0 or final.size == 0:
        m.placed_real = 0.0
        return
    rng = m.streams.placement
    scale = m.params.world.student_scale
    cell_of_tie = m.ties.college[rows] * N_SECTORS + m.firms.sector[m.ties.firm[rows]]
    cell_of_student = s.college[final] * N_SECTORS + s.sector[final]
    tie_slots = slots(m, m.ties.firm[rows])
    share_apprentice = uptake(m)
    order = np.argsort(cell_of_tie, kind="stable")
    cells, starts = np.unique(cell_of_tie[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    s_order = np.argsort(cell_of_student, kind="stable")
    s_sorted = cell_of_student[s_order]
    s_starts = np.searchsorted(s_sorted, cells, side="left")
    s_ends = np.searchsorted(s_sorted, cells, side="right")
    u_place = rng.random(final.size)
    u_tie = rng.random(final.size)
    u_app = rng.random(final.size)
    for a, b, sa, sb in zip(starts, ends, s_starts, s_ends, strict=True):
        if sb == sa:
            continue
        members = s_order[sa:sb]
        tie_rows = rows[order[a:b]]
        w = tie_slots[order[a:b]]
        p_place = min(1.0, w.sum() / (members.size * scale))
        placed = members[u_place[members] < p_place]
        cum = np.cumsum(w) / w.sum()
        which = np.minimum(np.searchsorted(cum, u_tie[placed], side="right"), w.size - 1)
        chosen = tie_rows[which]
        slot_ids = final[placed]
        s.tie[slot_ids] = chosen
        deep = m.ties.rung[chosen] >= JOINT_TRAINING
        s.placement[slot_ids] = np.where(deep & (u_app[placed] < share_apprentice), APPRENTICE,
                                         INTERN)
    m.placed_real = float(np.count_nonzero(s.placement >= 0)) * scale


def graduate(m: "CooperationModel") -> None:
    """Graduation: partner hiring, the regional market, poaching; trust and expectations."""
    p = m.params
    w, b, eco, pol = p.world, p.behaviour, p.economy, p.policy
    s = m.students
    final = final_year(m)
    scale = w.student_scale
    if final.size == 0:
        update_nontraining(m)
        return
    rng = m.streams.hiring
    qualified = s.composite(final) >= b.skill_requirement
    kind = s.placement[final]
    tie = s.tie[final]
    placed = kind >= 0
    firm = np.where(placed, m.ties.firm[np.maximum(tie, 0)], -1)
    # Partner hiring, capped by each firm's vacancies.
    p_hire = np.where(placed, m.terms.hire_prob[np.maximum(kind, 0)], 0.0) * qualified
    vac = m.firms.vacancies(eco.hire_rate, m.demand_index)
    expected = np.bincount(firm[placed], weights=p_hire[placed] * scale, minlength=m.firms.n)
    vf = np.minimum(1.0, np.divide(vac, expected, out=np.ones(m.firms.n), where=expected > 0))
    u = rng.random((final.size, 2))
    hired = placed & (u[:, 0] < p_hire * vf[np.maximum(firm, 0)])
    # The regional market for the rest: vacancies by sector demand share.
    grads_real = final.size * scale
    demand_share = m.demand_index * FIRM_SECTOR_WEIGHTS
    demand_share = demand_share / demand_share.sum()
    sec = s.sector[final]
    vac_sector = eco.vacancies_per_graduate * grads_real * demand_share
    vac_sector -= np.bincount(sec[hired], minlength=N_SECTORS) * scale
    seekers = ~hired & qualified
    n_seek = np.bincount(sec[seekers], minlength=N_SECTORS) * scale
    p_market = np.minimum(1.0, np.divide(np.maximum(vac_sector, 0), n_seek,
                                         out=np.zeros(N_SECTORS), where=n_seek > 0))
    matched = hired | (seekers & (u[:, 1] < p_market[sec]))
    # Poaching of partner hires within a year.
    covered = hired & (kind == APPRENTICE)
    h_idx = np.flatnonzero(hired)
    # Service agreements are a public payment: pro-rated like every other (sim.budget).
    support = pol.retention_support * m.ledger.last_payout
    free_hazard = poaching_hazard(
        m.nontrain_share[m.firms.city[firm[h_idx]], sec[h_idx]], b.poach_base,
        b.poach_free_rider)
    hazard = poaching_hazard(
        m.nontrain_share[m.firms.city[firm[h_idx]], sec[h_idx]], b.poach_base,
        b.poach_free_rider, np.where(covered[h_idx], support, 0.0))
    u_ret = m.streams.retention.random((h_idx.size, 2))
    stays = u_ret[:, 0] >= hazard
    # Declared side effect: a graduate kept only by the bond (would have left for another
    # job) is, with probability bond_mismatch_share, in a worse-matched job.
    bound = stays & (u_ret[:, 0] < free_hazard)
    matched[h_idx[bound & (u_ret[:, 1] < b.bond_mismatch_share)]] = False
    m.ledger.claim("retention_support", pol.retention_support
                   * eco.retention_agreement_cost * covered.sum() * scale * MONEY_K_TO_M)
    # Realised value of retained recruits to each tie (CNY thousand).
    value = (eco.recruit_value * s.composite(final[h_idx])
             * np.where(kind[h_idx] == APPRENTICE, 1.0 + eco.firm_specific_premium, 1.0)
             * stays * scale)
    np.add.at(m.ties.net, tie[h_idx], value)
    # Joint R&D outcomes of the year.
    rows = m.ties.active_rows()
    rd_rows = rows[m.ties.rung[rows] >= JOINT_RD]
    if rd_rows.size:
        ctx = tie_context(m, m.ties.college[rd_rows], m.ties.firm[rd_rows])
        success = m.streams.rd.random(rd_rows.size) < ctx.capability
        m.ties.net[rd_rows] += eco.rd_value * ctx.rd_scale * success
    update_trust(m, rows)
    # Expectations: retention (hazard inferred net of agreements) and payout.
    leaves = np.bincount(firm[h_idx], weights=~stays, minlength=m.firms.n)
    exposure = np.bincount(firm[h_idx], weights=np.where(
        covered[h_idx], 1.0 - support, 1.0), minlength=m.firms.n)
    has_obs = exposure > 0
    observed = 1.0 - np.clip(np.divide(leaves, exposure, out=np.zeros(m.firms.n),
                                       where=has_obs), 0, 1)
    f = m.firms
    f.belief_retention = adapt(f.belief_retention, observed, b.belief_learning_rate, has_obs)
    group = f.city * N_SECTORS + f.sector
    peer_rate = b.peer_learning * (0.5 + 0.5 * pol.consortium_strength)
    peers = peer_average(f.belief_retention, group, w.n_cities * N_SECTORS,
                         weights=(m.highest_rung_of_firms() >= 0).astype(float))
    f.belief_retention = adapt(f.belief_retention, peers, peer_rate)
    f.belief_payout = adapt(f.belief_payout, np.full(f.n, m.ledger.last_payout),
                            b.belief_learning_rate)
    # Outcomes for reporters and for the adjustment of majors.
    m.last_graduation = {
        "match_rate": float(matched.mean()),
        "retention": float(stays.mean()) if stays.size else
        m.last_graduation.get("retention", math.nan),
    }
    cell = s.college[final] * N_SECTORS + sec
    n_cells = m.colleges.n * N_SECTORS
    cnt = np.bincount(cell, minlength=n_cells)
    rate = np.divide(np.bincount(cell, weights=matched, minlength=n_cells), cnt,
                     out=np.full(n_cells, np.nan), where=cnt > 0)
    m.colleges.match_rate = rate.reshape(m.colleges.n, N_SECTORS)
    s.graduate(final)
    m.graduated_total += int(final.size)
    update_nontraining(m)


def update_nontraining(m: "CooperationModel") -> None:
    """Share of firms without any tie in each (city, sector): the free riders of poaching."""
    w = m.params.world
    f = m.firms
    group = f.city * N_SECTORS + f.sector
    n = w.n_cities * N_SECTORS
    training = m.highest_rung_of_firms() >= 0
    total = np.bincount(group, minlength=n)
    free = np.bincount(group, weights=~training, minlength=n)
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
    match = np.nan_to_num(c.match_rate, nan=0.5)
    target = np.where(c.offers, demand * (0.5 + match), 0.0)
    target /= target.sum(axis=1, keepdims=True)
    old = c.enrol_share.copy()
    c.enrol_share = old + rate * (target - old)
    # Early warning and exit; open a major for the most demanded sector lacking one.
    for i in range(c.n):
        weak = np.flatnonzero(c.offers[i] & (c.enrol_share[i] < p.behaviour.major_exit_share))
        for sct in weak:
            lacking = np.flatnonzero(~c.offers[i])
            if lacking.size == 0:
                break
            new = lacking[np.argmax(demand[lacking])]
            c.offers[i, sct], c.offers[i, new] = False, True
            c.enrol_share[i, new] = c.enrol_share[i, sct]
            c.enrol_share[i, sct] = 0.0
            moved = (m.teachers.college == i) & (m.teachers.sector == sct) \
                & ~m.teachers.professor
            m.teachers.sector[moved] = new
            m.teachers.practice[moved] *= 0.5
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
    free = np.flatnonzero(~s.active)
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
