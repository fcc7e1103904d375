"""The cooperation ladder: rungs and the payoffs of each side, as pure functions.

Rungs are cumulative: a tie at ``joint_training`` also hosts interns and exchanges experts.

=====  ===================  ==========================================================
rung   name                 what the tie does (paper section)
=====  ===================  ==========================================================
0      internship           students placed as interns (3.2: "junior forms")
1      expert_exchange      + industry professors, teachers practising in the firm (4.3)
2      joint_training       + modern apprenticeship / order classes (4.2)
3      joint_rd             + joint R&D, technology sharing (3.2, 4.4)
=====  ===================  ==========================================================

All money is in CNY thousand per tie per year unless said otherwise. Every function takes
and returns plain numbers or numpy arrays (one element per tie), so it can be unit-tested
and is written out in docs/ODD.md ("Submodels").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RUNGS: tuple[str, ...] = ("internship", "expert_exchange", "joint_training", "joint_rd")
"""Rung names, lowest first; a tie's ``rung`` is an index into this tuple."""
RUNG_LABELS: dict[str, tuple[str, str]] = {
    "internship": ("Internship", "实习"),
    "expert_exchange": ("Expert exchange", "专家互聘"),
    "joint_training": ("Joint training", "联合培养"),
    "joint_rd": ("Joint R&D", "联合研发"),
}
"""Display names (English, Chinese) of each rung, for figures and the app."""
INTERNSHIP, EXPERT_EXCHANGE, JOINT_TRAINING, JOINT_RD = range(4)
TOP_RUNG = JOINT_RD

# Placement types of a student: an intern (rungs 0-1) or an apprentice (rungs 2-3).
INTERN, APPRENTICE = 0, 1



def partner_hire_prob(scn) -> np.ndarray:
    """Probability that the host firm hires a qualified intern / apprentice (index by type).

    Declared as ``behaviour.partner_hire_intern`` and ``behaviour.partner_hire_apprentice``.
    """
    b = scn.behaviour
    return np.array([b.partner_hire_intern, b.partner_hire_apprentice])


def training_quality(scn) -> np.ndarray:
    """Practical skill a year as intern / apprentice trains toward (index by type)."""
    b = scn.behaviour
    return np.array([b.training_quality_intern, b.training_quality_apprentice])


def horizon_factor(lag_years: float, payback_years: float | np.ndarray) -> np.ndarray:
    """Share of a firm's payback horizon in which a benefit starting after ``lag_years`` flows.

    ``clip(1 - lag / payback, 0, 1)``: a firm with a short payback horizon discounts benefits
    that come late, which is how "long cost recovery periods" (paper 3.1) deter deep ties.
    """
    return np.clip(1.0 - lag_years / np.asarray(payback_years, dtype=float), 0.0, 1.0)


def rd_size_factor(employees: np.ndarray, reference: float) -> np.ndarray:
    """Scale of R&D value with firm size: ``sqrt(employees / reference)`` (larger markets)."""
    return np.sqrt(np.asarray(employees, dtype=float) / reference)


def capability_match(college_capability: np.ndarray, absorptive: np.ndarray) -> np.ndarray:
    """Match between a college's R&D capability and a firm's absorptive capacity, in [0, 1].

    Geometric mean: both sides must be capable (Cohen & Levinthal 1990 on absorptive capacity).
    """
    return np.sqrt(np.clip(college_capability, 0, 1) * np.clip(absorptive, 0, 1))


@dataclass(frozen=True)
class TieContext:
    """Per-tie inputs of the enterprise payoff (arrays of equal length, one per tie).

    Attributes:
        slots: student places the tie offers per year (real students).
        fill: share of the slots filled by the college's students (0-1).
        uptake: share of students who accept an apprenticeship slot (0-1).
        vacancy_factor: share of expected recruits the firm has vacancies for (0-1).
        retention: firm's expected one-year retention of its recruits, without agreements.
        quality: expected skill of recruits relative to the frontier (0-1).
        capability: capability match for joint R&D (0-1), the chance a project succeeds.
        rd_scale: size factor of R&D value (see :func:`rd_size_factor`).
        expert_quality: practice skill of the college's teachers, relative to 0.5 = average.
        payback_years: firm's payback horizon (years).
        payout: expected share of public claims actually paid (budget pro-rating, 0-1).
        apprentice_cost_cut: share of apprentices' net training cost saved by shared bases.
        governance_cut: share of coordination costs removed by consortia (0-1).
        credit_room: education surcharges the firm owes this year not yet taken by carried
            credit (CNY thousand): the most tax credit it can use this year.

    """

    slots: np.ndarray
    fill: np.ndarray
    uptake: np.ndarray
    vacancy_factor: np.ndarray
    retention: np.ndarray
    quality: np.ndarray
    capability: np.ndarray
    rd_scale: np.ndarray
    expert_quality: np.ndarray
    payback_years: np.ndarray
    payout: np.ndarray
    apprentice_cost_cut: np.ndarray
    governance_cut: np.ndarray
    credit_room: np.ndarray


@dataclass(frozen=True)
class PayoffTerms:
    """Economy and policy numbers entering the enterprise payoff (scalars).

    Money in CNY thousand; see :mod:`sim.params` for each one's unit and source.
    """

    intern_net_cost: float
    apprentice_gross_cost: float
    productive_recovery: float
    recruit_value: float
    firm_specific_premium: float
    expert_exchange_cost: float
    expert_exchange_value: float
    rd_project_cost: float
    rd_value: float
    governance_cost: float
    intern_subsidy: float
    tax_credit: float
    rd_cofunding: float
    retention_support: float
    credit_conversion: float
    cheap_labour_risk: float
    hire_prob: np.ndarray  # host firm hires a qualified intern / apprentice
    lag_intern: float
    lag_apprentice: float
    lag_rd: float

    @classmethod
    def from_scenario(cls, scn) -> "PayoffTerms":
        """Collect the terms from a :class:`sim.params.Scenario`."""
        e, p, b = scn.economy, scn.policy, scn.behaviour
        return cls(e.intern_net_cost, e.apprentice_gross_cost, e.productive_recovery,
                   e.recruit_value, e.firm_specific_premium, e.expert_exchange_cost,
                   e.expert_exchange_value, e.rd_project_cost, e.rd_value, e.governance_cost,
                   p.intern_subsidy, p.tax_credit, p.rd_cofunding, p.retention_support,
                   p.credit_conversion, b.cheap_labour_risk, partner_hire_prob(scn),
                   b.benefit_lag_intern, b.benefit_lag_apprentice, b.benefit_lag_rd)


def placements(rung: int | np.ndarray, ctx: TieContext) -> tuple[np.ndarray, np.ndarray]:
    """Expected interns and apprentices per year (real students) of ties at ``rung``."""
    rung = np.asarray(rung)
    filled = ctx.slots * ctx.fill
    apprentices = np.where(rung >= JOINT_TRAINING, filled * ctx.uptake, 0.0)
    return filled - apprentices, apprentices


def apprentice_net_cost(t: PayoffTerms, cost_cut: np.ndarray | float = 0.0) -> np.ndarray:
    """Net cost of one apprentice-year to the firm: gross cost not recovered by their work.

    BIBB (2007): 76% of the gross cost is recovered, so the default net cost is 24% of gross.
    Shared training bases cut it by ``cost_cut``.
    """
    return t.apprentice_gross_cost * (1.0 - t.productive_recovery) * (1.0 - np.asarray(cost_cut))


def rd_outlay(t: PayoffTerms, payout: np.ndarray | float) -> np.ndarray:
    """The firm's share of a joint R&D project's cost (CNY thousand per year).

    ``R&D cost x (1 - co-funding x payout)``: co-funding is a public payment, pro-rated like
    every other (the expected payout in decisions, the payout paid in realised flows).
    """
    return t.rd_project_cost * (1.0 - t.rd_cofunding * np.asarray(payout, dtype=float))


def qualifying_investment(rung: int | np.ndarray, apprentices: np.ndarray, ctx: TieContext,
                          t: PayoffTerms, payout: np.ndarray | float) -> np.ndarray:
    """A certified firm's own investment in cooperation, for the tax credit (CNY thousand/yr).

    Once certified (joint training or above): apprentices' training cost not recovered by
    their work, the staff time it lends (expert exchange cost) and its R&D outlay after
    co-funding. Public money the firm receives is not its investment, so a credit share
    below 1 can never make training pay by itself (2019 integration-enterprise measures).
    """
    rung = np.asarray(rung)
    own = (apprentices * apprentice_net_cost(t, ctx.apprentice_cost_cut)
           + np.where(rung >= EXPERT_EXCHANGE, t.expert_exchange_cost, 0.0)
           + np.where(rung >= JOINT_RD, rd_outlay(t, payout), 0.0))
    return np.where(rung >= JOINT_TRAINING, own, 0.0)


def tax_credit(rung: int | np.ndarray, apprentices: np.ndarray, ctx: TieContext,
               t: PayoffTerms, payout: np.ndarray | float) -> np.ndarray:
    """Integration tax credit of a tie-year before pro-rating (CNY thousand per year).

    ``min(tax_credit x qualifying investment, surcharge room)``: never above the education
    surcharges the firm owes in the year (``ctx.credit_room``; see :mod:`sim.budget`).
    """
    return np.minimum(t.tax_credit * qualifying_investment(rung, apprentices, ctx, t, payout),
                      ctx.credit_room)


def public_payments(rung: int | np.ndarray, interns: np.ndarray, apprentices: np.ndarray,
                    ctx: TieContext, t: PayoffTerms, payout: np.ndarray | float) -> np.ndarray:
    """Subsidy and tax credit paid to the firm for a tie-year (CNY thousand per year).

    ``payout x (subsidy x placed students + tax credit)``; called with the expected payout
    (decisions) or the payout actually paid (realised flows).
    """
    return np.asarray(payout) * (t.intern_subsidy * (interns + apprentices)
                                 + tax_credit(rung, apprentices, ctx, t, payout))


def cash_flow(rung: int | np.ndarray, interns: np.ndarray, apprentices: np.ndarray,
              ctx: TieContext, t: PayoffTerms, payout: np.ndarray | float) -> np.ndarray:
    """The firm's running net cash flow of a tie-year (CNY thousand per year).

    expert exchange value - its cost (rung >= 1) - R&D outlay after co-funding at ``payout``
    (rung 3) - training cost - governance cost + public payments at ``payout``. The same
    function gives the expected flow firms decide on (expected placements, expected payout)
    and the realised flow that is paid and reported (placements that took place, the payout
    actually paid).
    """
    rung = np.asarray(rung)
    expert = np.where(rung >= EXPERT_EXCHANGE,
                      t.expert_exchange_value * ctx.expert_quality - t.expert_exchange_cost, 0.0)
    rd = np.where(rung >= JOINT_RD, rd_outlay(t, payout), 0.0)
    training_cost = (interns * t.intern_net_cost
                     + apprentices * apprentice_net_cost(t, ctx.apprentice_cost_cut))
    governance = rung * t.governance_cost * (1.0 - ctx.governance_cut)
    return (expert - rd - training_cost - governance
            + public_payments(rung, interns, apprentices, ctx, t, payout))


def hire_value(skill: np.ndarray | float, apprentice: np.ndarray | bool,
               t: PayoffTerms) -> np.ndarray:
    """Value to the firm of one retained recruit of ``skill`` (CNY thousand).

    recruit value x skill x (1 + firm-specific premium for a former apprentice).
    """
    return (t.recruit_value * np.asarray(skill, dtype=float)
            * np.where(apprentice, 1.0 + t.firm_specific_premium, 1.0))


def recruit_value(interns: np.ndarray, apprentices: np.ndarray, rung: int | np.ndarray,
                  ctx: TieContext, t: PayoffTerms, *, discounted: bool = True) -> np.ndarray:
    """Expected value of the recruits a tie-year yields (CNY thousand).

    recruit value x quality x vacancy factor x (interns x hire prob x retention
    + apprentices x hire prob x retention with agreements x (1 + firm-specific premium)),
    each stream times its horizon factor when ``discounted`` (the firm's decision); without
    discounting it is the value the firm expects to see at graduation (for trust).
    """
    rung = np.asarray(rung)
    quality = ctx.quality * (1.0 - t.cheap_labour_risk * t.credit_conversion * (rung >= 2))
    ret_app = 1.0 - (1.0 - ctx.retention) * (1.0 - t.retention_support * ctx.payout)
    h_int = horizon_factor(t.lag_intern, ctx.payback_years) if discounted else 1.0
    h_app = horizon_factor(t.lag_apprentice, ctx.payback_years) if discounted else 1.0
    return ctx.vacancy_factor * (
        interns * t.hire_prob[INTERN] * ctx.retention * h_int * hire_value(quality, False, t)
        + apprentices * t.hire_prob[APPRENTICE] * ret_app * h_app
        * hire_value(quality, True, t))


def rd_value(rung: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
             success: np.ndarray | None = None, *, discounted: bool = True) -> np.ndarray:
    """Value of a year of joint R&D (CNY thousand): R&D value x success x size factor.

    ``success`` is the realised outcome (0/1); without it the expected success chance
    (``ctx.capability``) is used; ``discounted`` applies the firm's horizon factor.
    """
    rung = np.asarray(rung)
    chance = ctx.capability if success is None else success
    h_rd = horizon_factor(t.lag_rd, ctx.payback_years) if discounted else 1.0
    return np.where(rung >= JOINT_RD, t.rd_value * chance * ctx.rd_scale * h_rd, 0.0)


def enterprise_payoff(rung: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
                      *, with_policy: bool = True) -> np.ndarray:
    """Expected net benefit to the firm of holding each tie at ``rung`` for a year (CNY thousand).

    benefit = recruits x retention x recruit value x quality x horizon factor
              (+ firm-specific premium for apprentices)
            + [rung >= 1] expert exchange value
            + [rung == 3] R&D value x capability (success chance) x size x horizon factor
    cost    = interns x intern net cost + apprentices x apprentice net cost
            + [rung >= 1] expert exchange cost
            + [rung == 3] R&D cost x (1 - co-funding x payout)
            + rung x governance cost x (1 - consortium cut)
    policy  = payout x (subsidy x placed students
                        + [rung >= 2] min(tax credit x own investment, surcharge room))

    ``with_policy=False`` drops the policy payments (used to measure deadweight).
    Service agreements (``retention_support``) raise the retention of apprentices only.
    Written once: :func:`recruit_value` + :func:`rd_value` + :func:`cash_flow`, the same
    functions that give the realised flows (called on realised quantities).
    """
    rung = np.asarray(rung)
    interns, apprentices = placements(rung, ctx)
    payout = ctx.payout if with_policy else 0.0
    return (recruit_value(interns, apprentices, rung, ctx, t) + rd_value(rung, ctx, t)
            + cash_flow(rung, interns, apprentices, ctx, t, payout))


def policy_payments(rung: int | np.ndarray, ctx: TieContext, t: PayoffTerms) -> np.ndarray:
    """Expected subsidy and tax credit to the firm for a tie at ``rung`` (CNY thousand/yr)."""
    interns, apprentices = placements(rung, ctx)
    return public_payments(rung, interns, apprentices, ctx, t, ctx.payout)


@dataclass(frozen=True)
class CollegeTerms:
    """Numbers entering a college's valuation of a tie (evaluation points ~ CNY thousand)."""

    tie_value: float
    depth_value: float
    depth_cost: float
    practice_reward: float  # teachers' evaluation weight on practice (0-1)
    contribution_evaluation: float
    expert_income: float
    rd_income: float

    @classmethod
    def from_scenario(cls, scn, practice_reward: float) -> "CollegeTerms":
        """Collect the terms from a scenario and the effective practice reward."""
        b, e, p = scn.behaviour, scn.economy, scn.policy
        return cls(b.college_tie_value, b.college_depth_value, b.college_depth_cost,
                   practice_reward, p.contribution_evaluation, e.expert_exchange_value,
                   e.rd_project_cost * e.rd_college_share)


def college_utility(rung: int | np.ndarray, c: CollegeTerms) -> np.ndarray:
    """A college's valuation of a tie at ``rung`` under its evaluation system.

    U = tie value x (1 - contribution weight, for internship-only ties)
        + rung x (depth value - depth cost x (1 - practice reward))
        + contribution weight x technical-service income
    Colleges count partners (enthusiastic at any depth, paper 3.1); deeper ties cost teacher
    time that a paper-only evaluation does not reward (4.3); contribution-oriented evaluation
    (4.5) rewards technical-service income and discounts internship-only ties.
    """
    rung = np.asarray(rung)
    shallow = np.where(rung == INTERNSHIP, c.contribution_evaluation, 0.0)
    income = (np.where(rung >= EXPERT_EXCHANGE, c.expert_income, 0.0)
              + np.where(rung >= JOINT_RD, c.rd_income, 0.0))
    return (c.tie_value * (1.0 - shallow)
            + rung * (c.depth_value - c.depth_cost * (1.0 - c.practice_reward))
            + c.contribution_evaluation * income)


def climb_feasible(rung: np.ndarray, trust: np.ndarray, capability: np.ndarray,
                   trust_step: float, rd_threshold: float) -> np.ndarray:
    """Whether each tie may climb one rung: enough trust, and capability for joint R&D.

    Climbing to rung k needs ``trust >= k * trust_step``; joint R&D also needs
    ``capability >= rd_threshold``.
    """
    rung = np.asarray(rung)
    target = rung + 1
    ok = (rung < TOP_RUNG) & (trust >= target * trust_step)
    return ok & ((target < JOINT_RD) | (capability >= rd_threshold))
