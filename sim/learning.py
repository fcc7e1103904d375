"""Technology and skills: the frontier moves, equipment ages, teachers and students learn.

Phases ``advance_technology``, ``teachers_work`` and ``students_learn`` of
:data:`sim.model.PHASES`, and the teaching quality that students and tie payoffs read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.decisions import relax, saturating
from sim.ladder import APPRENTICE, INTERN, JOINT_RD, holds, training_quality
from sim.sectors import DEMAND_GROWTH, DRIFT_MULTIPLIER, N_SECTORS, contrasted

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

RD_TEAM_QUANTILE = 0.75
"""A college's R&D capability in a sector is the mean of its teachers above this quantile of
sqrt(research x practice) (the R&D team), relative to the frontier."""


def advance_technology(m: "CooperationModel") -> None:
    """Move the frontier and demand; age and renew colleges' equipment."""
    p = m.params
    drift = contrasted(DRIFT_MULTIPLIER, p.economy.sector_drift_contrast)
    m.obsolescence = np.exp(p.economy.tech_drift * drift * m.dt)
    m.frontier *= m.obsolescence
    m.demand_index *= np.exp(contrasted(DEMAND_GROWTH, p.economy.sector_growth_contrast) * m.dt)
    sb_paid = p.policy.shared_base_investment * m.ledger.last_payout
    m.sb_effect = saturating(np.full(p.world.n_cities, sb_paid), p.economy.shared_base_half)
    c = m.colleges
    offered = c.offers.astype(float)
    mean_obs = (offered @ m.obsolescence) / offered.sum(axis=1)
    target = (c.affordable_facility(p.economy)
              + p.economy.shared_base_facility_boost * m.sb_effect[c.city])
    c.facility = np.clip(relax(c.facility, target, p.behaviour.facility_renewal,
                               np.log(mean_obs) / m.dt, m.dt), 0.0, 1.0)


def teachers_work(m: "CooperationModel") -> None:
    """Teachers allocate effort between practice and research, and learn."""
    t = m.teachers
    t.allocate_effort(m.practice_reward, m.params)
    has_partner = college_sector_has_tie(m)[t.college, t.sector]
    t.learn(m.params, has_partner, m.obsolescence, m.dt)
    m.quality_cache = None


def college_sector_has_tie(m: "CooperationModel") -> np.ndarray:
    """Boolean (colleges, sectors): the college has an active tie with a firm of the sector."""
    rows = m.ties.active_rows()
    out = np.zeros((m.colleges.n, N_SECTORS), dtype=bool)
    out[m.ties.college[rows], m.firms.sector[m.ties.firm[rows]]] = True
    return out


def teaching_quality(m: "CooperationModel") -> dict[str, np.ndarray]:
    """Teaching quality per college and sector: practice, theory, research, R&D capability (0-1).

    Cached until teachers change (``teachers_work`` and ``adjust_majors`` clear the cache).
    """
    if m.quality_cache is not None:
        return m.quality_cache
    t, n = m.teachers, m.colleges.n
    w = t.teaching_weight()
    cell = t.college * N_SECTORS + t.sector
    size = n * N_SECTORS
    wsum = np.bincount(cell, weights=w, minlength=size)
    college_w = np.bincount(t.college, weights=w, minlength=n)

    def cell_mean(x, fallback):
        mean = np.divide(np.bincount(cell, weights=w * x, minlength=size), wsum,
                         out=np.zeros(size), where=wsum > 0).reshape(n, N_SECTORS)
        return np.where(wsum.reshape(n, N_SECTORS) > 0, mean, fallback[:, None])

    theory_c = np.bincount(t.college, weights=w * t.theory, minlength=n) / college_w
    practice_c = np.bincount(t.college, weights=w * t.practice, minlength=n) / college_w
    research_c = np.bincount(t.college, weights=w * t.research, minlength=n) / college_w
    # The R&D team's skill, times the college's research capacity (labs, funding; median 1).
    capability = np.minimum(1.0, rd_capability(m, cell, size).reshape(n, N_SECTORS)
                            * m.colleges.capacity[:, None])
    m.quality_cache = {
        "practice": cell_mean(t.practice, practice_c),
        "research": cell_mean(t.research, research_c),
        "theory": theory_c,
        "capability": capability,
    }
    return m.quality_cache


def rd_capability(m: "CooperationModel", cell: np.ndarray, size: int) -> np.ndarray:
    """R&D capability of each (college, sector) cell: mean score of its R&D team."""
    t = m.teachers
    score = np.sqrt(t.research * t.practice)
    out = np.zeros(size)
    order = np.lexsort((score, cell))
    sorted_cell = cell[order]  # the cells present, their first row and size (as np.unique)
    change = np.ones(sorted_cell.size, dtype=bool)
    np.not_equal(sorted_cell[1:], sorted_cell[:-1], out=change[1:])
    starts = change.nonzero()[0]
    cells = sorted_cell[starts]
    counts = np.concatenate((starts[1:], (sorted_cell.size,))) - starts
    # The team: the top of each cell's sorted scores (the whole cell if the top is empty).
    lo = starts + (RD_TEAM_QUANTILE * counts).astype(np.int64)
    hi = starts + counts
    lo = np.where(hi > lo, lo, starts)
    ranked = score[order]
    # Short teams summed together, value by value in order as numpy's mean sums fewer than
    # 8 values; longer ones one by one with mean (pairwise sums): every value the same.
    n_team = hi - lo
    short = n_team < 8
    # Each short team's values in a row, zeros after its last (adding 0 changes nothing),
    # summed left to right (a cumulative sum adds in order).
    j = np.arange(7)
    values = np.where(j < n_team[:, None], ranked[np.minimum(lo[:, None] + j, ranked.size - 1)],
                      0.0)
    total = np.cumsum(values, axis=1)[:, -1]
    out[cells[short]] = total[short] / n_team[short]
    for c, a, b in zip(cells[~short], lo[~short], hi[~short], strict=True):
        out[c] = ranked[a:b].mean()
    return out


def students_learn(m: "CooperationModel") -> None:
    """Skills move toward what teaching, equipment and placements offer; they age."""
    s, p = m.students, m.params
    active = s.active.nonzero()[0]
    idx = slice(None) if active.size == s.n else active  # every slot is usually filled
    q = teaching_quality(m)
    c, sec = s.college[idx], s.sector[idx]
    # What teaching and equipment offer in each (college, major) cell, then each student's.
    facility = m.colleges.facility[:, None]
    offer = np.empty(q["practice"].shape + (3,))
    offer[..., 0] = 0.5 * (q["practice"] + facility)
    offer[..., 1] = 0.5 * (q["theory"][:, None] + facility)
    offer[..., 2] = 0.5 * (q["research"] + q["practice"])
    target = offer[c, sec]
    target *= s.aptitude[idx, None]
    pl = m.placements
    if pl.count.size:
        # A slot's real students are partly placed: its target is the mixture over them.
        b, pol = p.behaviour, p.policy
        real = p.world.student_scale
        share_int = pl.per_slot_as(s.n, False)[idx] / real
        share_app = pl.per_slot_as(s.n, True)[idx] / real
        share_rd = pl.per_slot(s.n, holds(m.ties.activities[pl.tie], JOINT_RD))[idx] / real
        school = target[:, 0].copy()
        quality = training_quality(p)
        app_quality = quality[APPRENTICE] * (1.0 - b.cheap_labour_risk * pol.credit_conversion)
        target[:, 0] = ((1.0 - share_int - share_app) * school
                        + share_int * np.maximum(school, quality[INTERN])
                        + share_app * np.maximum(school, app_quality))
        target[:, 1] *= 1.0 - share_app * b.coursework_loss * (1.0 - pol.credit_conversion)
        target[:, 2] += share_rd * np.maximum(b.rd_exposure - target[:, 2], 0.0)
    ageing = (np.log(m.obsolescence) / m.dt)[sec][:, None]  # per year
    s.skills[idx] = np.clip(relax(s.skills[idx], target, p.behaviour.student_learning_rate,
                                  ageing, m.dt), 0.0, 1.0)
