"""Industry professors: colleges hire experts from partner firms over time, by a decision.

``policy.industry_professor_quota`` is the share of teaching posts publicly funded for
part-time industry professors (MOE 2023 measures on part-time teachers). A college with an open
funded post searches among its partner firms at rate ``behaviour.professor_search_rate``; the
candidate is hired when both sides accept (binary logit over their gains):

- college: ``economy.professor_value`` (current practice taught), the stipend being public;
- firm: ``economy.professor_firm_value`` (screening, curriculum influence) plus the stipend it
  expects to be paid (times the payout it expects) minus ``economy.professor_staff_cost``.

A professor leaves when the tie between the college and the firm ends. Every draw comes from
the ``professors`` stream in blocks whose size does not depend on the quota (the most posts
the quota's upper bound allows), so changing the quota leaves every other draw unchanged
(common random numbers).
"""

from __future__ import annotations

import math

import numpy as np

from sim.decisions import accept_probability
from sim.params import BY_NAME

DRAWS_PER_POST = 4
"""Uniforms per post and step: search event, candidate, college's and firm's acceptance."""


def funded_posts(quota: float, full_time_per_college: int) -> int:
    """Professor posts per college: ``quota`` is their share of all teaching posts."""
    if quota <= 0:
        return 0
    return int(round(quota * full_time_per_college / (1.0 - quota)))


def max_posts(full_time_per_college: int) -> int:
    """Posts at the quota's upper bound: the fixed block of draws per college and step."""
    return funded_posts(BY_NAME["industry_professor_quota"].high, full_time_per_college)


def college_gain(professor_value: float) -> float:
    """A college's gain from hiring an industry professor into a funded post (CNY thousand)."""
    return float(professor_value)


def firm_gain(firm_value: float, stipend: float, expected_payout: np.ndarray | float,
              staff_cost: float) -> np.ndarray:
    """A firm's gain from lending an expert as industry professor (CNY thousand per year)."""
    return firm_value + stipend * np.asarray(expected_payout, dtype=float) - staff_cost


def hire_professors(model) -> int:
    """One step of the professor market of ``model``; return the number hired.

    Professors whose tie has ended leave first; then each college fills open funded posts.
    """
    p = model.params
    t = model.teachers
    ties = model.ties
    per = p.world.teachers_per_college
    n_col = model.colleges.n
    block = max_posts(per)
    u = model.streams.professors.random((n_col, block, DRAWS_PER_POST))
    # Leavers: professors whose college-firm tie is no longer active.
    prof_rows = np.flatnonzero(t.professor)
    gone = [r for r in prof_rows if not ties.is_active(int(t.college[r]), int(t.firm[r]))]
    t.remove(np.array(gone, dtype=np.int64))
    posts = funded_posts(p.policy.industry_professor_quota, per)
    if posts == 0:
        return 0
    held = np.bincount(t.college[t.professor], minlength=n_col)
    p_search = 1.0 - math.exp(-p.behaviour.professor_search_rate * model.dt)
    rows = ties.active_rows()
    beta = p.behaviour.choice_intensity
    g_col = college_gain(p.economy.professor_value)
    new_c, new_f, new_s = [], [], []
    for i in range(n_col):
        partners = rows[ties.college[rows] == i]
        if partners.size == 0:
            continue
        for slot in range(int(held[i]), posts):
            u_search, u_pick, u_col, u_firm = u[i, slot]
            if u_search >= p_search:
                continue
            firm = int(ties.firm[partners[int(u_pick * partners.size)]])
            g_firm = firm_gain(p.economy.professor_firm_value,
                               p.economy.industry_professor_stipend,
                               model.firms.belief_payout[firm], p.economy.professor_staff_cost)
            if (u_col < accept_probability(g_col, beta)
                    and u_firm < accept_probability(g_firm, beta)):
                new_c.append(i)
                new_f.append(firm)
                new_s.append(int(model.firms.sector[firm]))
    t.add_professors(np.array(new_c, dtype=np.int64), np.array(new_f, dtype=np.int64),
                     np.array(new_s, dtype=np.int64))
    return len(new_c)


def hire_professors_phase(model) -> None:
    """Model phase: run the professor market; teaching quality is recomputed if staff changed.

    The Teacher views follow when read (:func:`sim.views.sync_views`).
    """
    before = model.teachers.n
    hire_professors(model)
    if model.teachers.n != before:
        model.quality_cache = None
