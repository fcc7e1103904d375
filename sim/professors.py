"""Industry professors: colleges hire experts from partner firms over time, by a decision.

``policy.industry_professor_quota`` is the share of teaching posts publicly funded for
part-time industry professors (MOE 2023 measures on part-time teachers). A college with an open
funded post searches among its partner firms at rate ``behaviour.professor_search_rate``; the
candidate is hired when both sides accept (binary logit over their gains):

- college: ``economy.professor_value`` (current practice taught), the stipend being public;
- firm: ``economy.professor_firm_value`` (screening, curriculum influence) plus the stipend it
  expects to be paid (times the payout it expects) minus ``economy.professor_staff_cost``.

A professor leaves when the tie between the college and the firm ends. An open post is filled
at the annual rate ``search rate x P(college accepts) x P(firm accepts)`` (of the candidate
drawn), so the probability that it is filled within a step of ``dt`` years follows from that
rate and from how long the post has been open in the step (:func:`fill_probability`): a post
open since an earlier step is filled with ``1 - exp(-r dt)``; a post whose professor left in
this step (the tie ended at some time within it) with the average of that over a uniform
leaving time. (Filling every post left in a step with the full step's probability made the
share of posts held depend on the step at first order: about 5-10% more at 2 steps a year than
in continuous time for typical rates; at the status quo's quota the difference is inside
replicate noise, see docs/ODD.md section 9.) Every draw comes from
the ``professors`` stream in blocks whose size does not depend on the quota (the most posts
the quota's upper bound allows), so changing the quota leaves every other draw unchanged
(common random numbers).
"""

from __future__ import annotations

import numpy as np

from sim.decisions import accept_probability
from sim.params import BY_NAME

DRAWS_PER_POST = 4
"""Uniforms per post and step: fill event and candidate, and two spare (the block keeps the
size it had when each acceptance had its own draw, so the stream's later draws do not move)."""


def funded_posts(quota: float, full_time_per_college: int) -> int:
    """Professor posts per college: ``quota`` is their share of all teaching posts."""
    if quota <= 0:
        return 0
    return int(round(quota * full_time_per_college / (1.0 - quota)))


def max_posts(full_time_per_college: int) -> int:
    """Posts at the quota's upper bound: the fixed block of draws per college and step."""
    return funded_posts(BY_NAME["industry_professor_quota"].high, full_time_per_college)


def fill_probability(rate: np.ndarray | float, dt: float, fresh: bool) -> np.ndarray:
    """Probability that an open post is filled within a step (exact for a constant rate).

    Args:
        rate: annual rate at which the post is filled (searches x both acceptances).
        dt: step length in years.
        fresh: the post became open in this step, at a uniform time within it; its
            probability is the mean over that time, ``1 - (1 - exp(-r dt)) / (r dt)``.

    """
    x = np.asarray(rate, dtype=float) * dt
    whole = -np.expm1(-x)
    if not fresh:
        return whole
    return np.where(x > 0, 1.0 - np.divide(whole, x, out=np.ones_like(x), where=x > 0), 0.0)


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
    prof_rows = t.professor.nonzero()[0]
    tie_of = ties.rows_of(t.college[prof_rows], t.firm[prof_rows])
    gone = prof_rows[(tie_of < 0) | ~ties.active[np.maximum(tie_of, 0)]]
    left = np.bincount(t.college[gone], minlength=n_col)  # posts opened in this step
    t.remove(gone)
    if gone.size:
        model.quality_cache = None  # staff changed: teaching quality must be recomputed
    posts = funded_posts(p.policy.industry_professor_quota, per)
    if posts == 0:
        return 0
    held = np.bincount(t.college[t.professor], minlength=n_col)
    rows = ties.active_rows()
    beta = p.behaviour.choice_intensity
    a_col = float(accept_probability(college_gain(p.economy.professor_value), beta))
    # Every open post of every college with partners, college by college, post by post: a
    # partner tie picked by the post's second draw, filled at the firm's and the college's
    # consent rate (the post's first draw).
    rows = rows[ties.college[rows].argsort(kind="stable")]  # each college's ties in order
    n_partners = np.bincount(ties.college[rows], minlength=n_col)
    offset = np.concatenate(([0], n_partners.cumsum()[:-1]))
    open_posts = np.where(n_partners > 0, np.maximum(posts - held, 0), 0)
    col = np.repeat(np.arange(n_col), open_posts)
    slot = (np.arange(col.size) - np.repeat(open_posts.cumsum() - open_posts, open_posts)
            + held[col])
    u_fill, u_pick = u[col, slot, 0], u[col, slot, 1]
    tie = rows[offset[col] + (u_pick * n_partners[col]).astype(np.int64)]
    firm = ties.firm[tie]
    g_firm = firm_gain(p.economy.professor_firm_value, p.economy.industry_professor_stipend,
                       model.firms.belief_payout[firm], p.economy.professor_staff_cost)
    rate = p.behaviour.professor_search_rate * a_col * accept_probability(g_firm, beta)
    fresh = slot < held[col] + left[col]  # the first open posts are those just left
    filled = u_fill < np.where(fresh, fill_probability(rate, model.dt, True),
                               fill_probability(rate, model.dt, False))
    t.add_professors(col[filled], ties.real[tie[filled]], model.firms.sector[firm[filled]])
    if filled.any():
        model.quality_cache = None  # staff changed: teaching quality must be recomputed
    return int(filled.sum())


def hire_professors_phase(model) -> None:
    """Model phase: run the professor market.

    Teaching quality is recomputed whenever a professor leaves or is hired, even when one
    replaces another in the same step (:func:`hire_professors`).

    The Teacher views follow when read (:func:`sim.views.sync_views`).
    """
    hire_professors(model)
