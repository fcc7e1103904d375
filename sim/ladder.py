"""Cooperation as a portfolio of activities, and the payoffs of each side, as pure functions.

A tie holds a set of activities (a bit mask, :data:`ACTIVITIES`), each entered and left on
its own payoff: internship places, expert exchange, apprenticeship / joint training, joint
R&D and technical service. Its ``rung`` is its deepest activity (:func:`deepest`), which
keeps the rung reporters of the first version; technical service counts at the depth of
joint R&D (both are knowledge-based cooperation, the "rare but present" deep forms).
``ladder(r)`` is the portfolio of the first version's cumulative rung ``r``.

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

import functools
from dataclasses import dataclass

import numpy as np

RUNGS: tuple[str, ...] = ("internship", "expert_exchange", "joint_training", "joint_rd")
"""Rung names, lowest first; a tie's ``rung`` is an index into this tuple."""
RUNG_LABELS: dict[str, tuple[str, str]] = {
    "internship": ("Internship", "实习"),
    "expert_exchange": ("Expert exchange", "专家互聘"),
    "joint_training": ("Joint training", "联合培养"),
    "joint_rd": ("Joint R&D / technical service", "联合研发/技术服务"),
}
"""Display names (English, Chinese) of each rung, for figures and the app."""
INTERNSHIP, EXPERT_EXCHANGE, JOINT_TRAINING, JOINT_RD = range(4)
TOP_RUNG = JOINT_RD

ACTIVITIES: tuple[str, ...] = ("internship", "expert_exchange", "joint_training", "joint_rd",
                               "technical_service")
"""Activities a tie may hold; activity ``a`` is bit ``1 << a`` of a tie's portfolio."""
TECH_SERVICE = 4
N_ACTIVITIES = len(ACTIVITIES)
ACTIVITY_DEPTH = np.array([INTERNSHIP, EXPERT_EXCHANGE, JOINT_TRAINING, JOINT_RD, JOINT_RD])
"""Rung each activity counts as (technical service at the depth of joint R&D)."""


def bit(activity: int) -> int:
    """Portfolio bit of ``activity``."""
    return 1 << int(activity)


BITS: tuple[int, ...] = tuple(bit(a) for a in range(N_ACTIVITIES))
"""Portfolio bit of each activity (:func:`bit`), looked up in the hot payoff functions."""


def holds(portfolio: "int | np.ndarray | PortfolioGrid", activity: int) -> np.ndarray:
    """Whether each portfolio holds ``activity`` (a portfolio is a bit mask, 0 to 31)."""
    if isinstance(portfolio, PortfolioGrid):
        return portfolio.held[activity]
    return HOLDS[activity][portfolio]  # a table: one lookup in the payoffs' hot loops


HOLDS = ((np.arange(1 << N_ACTIVITIES)[None, :] & np.array(BITS)[:, None]) != 0)
"""Whether portfolio ``p`` holds activity ``a``: ``HOLDS[a, p]`` (for :func:`holds`)."""


class PortfolioGrid:
    """Every portfolio at once, as a grid with one axis per activity (held or not).

    A payoff function given the grid in place of an array of portfolios gets from
    :func:`holds` activity ``a``'s axis alone (``held[a]``: shape 2 on axis ``4 - a`` of five,
    1 elsewhere, then an axis for the ties), so numpy's broadcasting computes each term over
    only the activities it depends on (the R&D value over 2 cases, not 32) and the sum spans
    all 32 at the end. Each (portfolio, tie) element gets the same operations as with the
    portfolio array ``np.arange(32)``, so the same numbers. Inputs per tie are 1-D (the last
    axis, so numpy's inner loops run over the ties); :meth:`as_portfolios` lays a result out
    as ties x 32, portfolio ``p`` in column ``p``.
    """

    axes = N_ACTIVITIES

    def __init__(self):
        self.held = tuple(np.array([False, True]).reshape(
            [2 if axis == self.axes - 1 - a else 1 for axis in range(self.axes)] + [1])
            for a in range(N_ACTIVITIES))
        self.n_deep = sum(h.astype(np.int64) for h in self.held[1:])

    def as_portfolios(self, result: np.ndarray, n: int) -> np.ndarray:
        """A result over (grid, ``n`` ties) as ties x 32, portfolio ``p`` in column ``p``."""
        full = np.broadcast_to(result, (2,) * self.axes + (n,))
        return full.reshape(1 << self.axes, n).T


PORTFOLIO_GRID = PortfolioGrid()
"""The grid of all 32 portfolios (:class:`PortfolioGrid`)."""


def ladder(rung: int | np.ndarray) -> np.ndarray:
    """Portfolio of the cumulative rung ``rung`` (internship up to ``rung``)."""
    return (1 << (np.asarray(rung) + 1)) - 1


def deepest(portfolio: int | np.ndarray) -> np.ndarray:
    """Rung of each portfolio: the depth of its deepest activity (0 for an empty one)."""
    portfolio = np.asarray(portfolio)
    out = np.zeros(portfolio.shape, dtype=np.int64)
    for a in range(N_ACTIVITIES):
        out = np.where(holds(portfolio, a), np.maximum(out, ACTIVITY_DEPTH[a]), out)
    return out


def n_deep(portfolio: "int | np.ndarray | PortfolioGrid") -> np.ndarray:
    """Number of activities beyond internship a portfolio holds (each costs coordination)."""
    if isinstance(portfolio, PortfolioGrid):
        return portfolio.n_deep
    return N_DEEP[np.asarray(portfolio)]


N_DEEP = sum(holds(np.arange(1 << N_ACTIVITIES), a).astype(np.int64)
             for a in range(1, N_ACTIVITIES))
"""Activities beyond internship of each portfolio (indexed by its bit mask), for :func:`n_deep`."""


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
    # clip written as max, min (the same numbers, without np.clip's dispatch in hot loops)
    return np.minimum(np.maximum(1.0 - lag_years / np.asarray(payback_years, dtype=float), 0.0),
                      1.0)


def rd_size_factor(employees: np.ndarray, reference: float) -> np.ndarray:
    """Scale of R&D value with firm size: ``sqrt(employees / reference)`` (larger markets)."""
    return np.sqrt(np.asarray(employees, dtype=float) / reference)


def capability_match(college_capability: np.ndarray, absorptive: np.ndarray) -> np.ndarray:
    """Match between a college's R&D capability and a firm's absorptive capacity, in [0, 1].

    Geometric mean: both sides must be capable (Cohen & Levinthal 1990 on absorptive capacity).
    """
    return np.sqrt(np.asarray(college_capability).clip(0, 1) * np.asarray(absorptive).clip(0, 1))


@dataclass(frozen=True)
class TieContext:
    """Per-tie inputs of the enterprise payoff (arrays of equal length, one per tie).

    Attributes:
        capacity: students the firm can supervise per year at this tie (real students): its
            supervision capacity shared among its ties that host students.
        fill: share of the places offered that the college's students fill (0-1).
        uptake: share of students who accept an apprenticeship slot (0-1).
        vacancy_factor: share of expected recruits the firm has vacancies for (0-1).
        retention: firm's expected one-year retention of its recruits, without agreements.
        quality: expected skill of recruits relative to the frontier (0-1).
        capability: capability match for joint R&D (0-1), the chance a project succeeds.
        rd_scale: size factor of R&D value (see :func:`rd_size_factor`).
        expert_quality: practice skill of the college's teachers, relative to 0.5 = average.
        payback_years: firm's payback horizon (years).
        payout: expected share of public claims actually paid (budget pro-rating, 0-1).
        apprentice_cost_cut: share of apprentices' gross training cost saved by shared bases.
        governance_cut: share of coordination costs removed by consortia (0-1).
        credit_room: education surcharges the firm owes this year not yet taken by carried
            credit (CNY thousand): the most tax credit it can use this year.

    """

    capacity: np.ndarray
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

    intern_gross_cost: float
    intern_recovery: float
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
    service_fee: float
    service_value: float
    supervision_cost: float

    @classmethod
    def from_scenario(cls, scn) -> "PayoffTerms":
        """Collect the terms from a :class:`sim.params.Scenario`."""
        e, p, b = scn.economy, scn.policy, scn.behaviour
        return cls(e.intern_gross_cost, e.intern_recovery, e.apprentice_gross_cost,
                   e.productive_recovery,
                   e.recruit_value, e.firm_specific_premium, e.expert_exchange_cost,
                   e.expert_exchange_value, e.rd_project_cost, e.rd_value, e.governance_cost,
                   p.intern_subsidy, p.tax_credit, p.rd_cofunding, p.retention_support,
                   p.credit_conversion, b.cheap_labour_risk, partner_hire_prob(scn),
                   b.benefit_lag_intern, b.benefit_lag_apprentice, b.benefit_lag_rd,
                   e.service_fee, e.service_value, e.supervision_cost)


def supervision_cost(interns: np.ndarray, apprentices: np.ndarray, ctx: TieContext,
                     t: PayoffTerms) -> np.ndarray:
    """Cost of supervising a tie's interns and apprentices for a year (CNY thousand per year).

    ``supervision cost x (interns^2 + apprentices^2) / (2 x capacity)``: for each programme
    the marginal cost of a student rises in proportion to the students of that programme and
    reaches ``supervision_cost`` at capacity (line mentors for interns, apprenticeship masters
    for apprentices: mentors' time diverted from production). Two separate costs are an
    assumption: with one shared cost a firm would take only the type worth more, where
    surveyed pilot firms host both. A tie without capacity chooses no student
    (:func:`intake_by_type`), so its cost is 0.
    """
    i = np.asarray(interns, dtype=float)
    a = np.asarray(apprentices, dtype=float)
    cap = np.asarray(ctx.capacity, dtype=float)
    return np.divide(t.supervision_cost * (i * i + a * a), 2.0 * cap,
                     out=np.zeros(np.broadcast(i, a, cap).shape), where=cap > 0)


def student_values(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
                   per_student: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Expected net value of the first intern and the first apprentice of a tie (CNY k/yr).

    Recruit value (discounted, :func:`recruit_value` of one student) + public payments the
    student brings (subsidy; for the first apprentice the tax credit its training certifies,
    at the expected payout) - net training cost; supervision cost is left out (it is what
    makes further students worth less). ``per_student``: :func:`recruit_value_per_student`
    of the same arguments where the caller has it already.
    """
    r_int, r_app = (recruit_value_per_student(portfolio, ctx, t) if per_student is None
                    else per_student)
    subsidy = placement_subsidy(1.0, t, ctx.payout)
    # Without apprentices a tie is not certified (no credit), so the first apprentice brings
    # the whole credit of the tie (:func:`qualifying_investment`).
    credit = ctx.payout * tax_credit(portfolio, 1.0, ctx, t, ctx.payout, certified=True)
    v_int = r_int + subsidy - intern_net_cost(t)
    v_app = r_app + subsidy + credit - apprentice_net_cost(t, ctx.apprentice_cost_cut)
    return v_int, v_app


def intake_by_type(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
                   per_student: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Intern places and apprentice places a tie offers a year: the firm's choice (real).

    Each programme on its own margin: a student of the programme is worth ``v``
    (:func:`student_values`) and costs ``supervision cost x n / capacity`` at the margin
    (:func:`supervision_cost`), so the payoff-maximising places are
    ``n* = clip(capacity x v / supervision cost, 0, capacity)``: more when students are worth
    more (a subsidy, better recruits), never above capacity, none when a student is worth
    nothing. Internship places only if the tie holds internship, apprentice places only if it
    holds apprenticeship; adding apprenticeship leaves the internship places unchanged.
    ``per_student`` as in :func:`student_values`.
    """
    v_int, v_app = student_values(portfolio, ctx, t, per_student)
    cap = np.asarray(ctx.capacity, dtype=float)
    per_cost = cap / t.supervision_cost
    interns = np.where(holds(portfolio, INTERNSHIP),
                       np.minimum(np.maximum(per_cost * v_int, 0.0), cap), 0.0)
    apprentices = np.where(holds(portfolio, JOINT_TRAINING),
                           np.minimum(np.maximum(per_cost * v_app, 0.0), cap), 0.0)
    return interns, apprentices


def offered_places(interns: np.ndarray, apprentices: np.ndarray,
                   uptake: np.ndarray | float) -> np.ndarray:
    """Places students can take at a tie (real students).

    Intern places plus the apprentice places that students accept (``uptake`` of them; the
    rest go unfilled).
    """
    return interns + uptake * apprentices


def placements(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
               per_student: tuple[np.ndarray, np.ndarray] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Expected interns and apprentices per year (real students) of ties holding ``portfolio``.

    The tie offers its chosen places (:func:`intake_by_type`); ``fill`` of them are filled,
    and of the apprentice places only the ``uptake`` that students accept. A tie with
    neither programme hosts no student. ``per_student`` as in :func:`student_values`.
    """
    n_int, n_app = intake_by_type(portfolio, ctx, t, per_student)
    return n_int * ctx.fill, n_app * ctx.uptake * ctx.fill


def intern_net_cost(t: PayoffTerms, productivity: np.ndarray | float = 1.0) -> np.ndarray:
    """Net cost of one intern-year to the firm: gross cost not recovered by their work.

    ``gross cost x (1 - recovery x productivity)``: negative (a gain) where the intern's work
    is worth more than their cost. Firms decide at the mean productivity 1; the realised
    ledger uses the year's draw (:func:`sim.labour.draw_productivity`).
    """
    return t.intern_gross_cost * (1.0 - t.intern_recovery * np.asarray(productivity))


def apprentice_net_cost(t: PayoffTerms, cost_cut: np.ndarray | float = 0.0,
                        productivity: np.ndarray | float = 1.0) -> np.ndarray:
    """Net cost of one apprentice-year to the firm: gross cost not recovered by their work.

    ``gross cost x (1 - productive recovery x productivity - cost cut)``; BIBB (2007) found
    76% recovered. Firms decide at the mean productivity 1; the realised ledger uses the
    year's draw. Shared training bases supply trainers and equipment, which are part of the
    *gross* cost (BIBB 2012/13: training staff 23%, equipment and material 5%), so a base
    saves ``cost_cut`` of the gross cost whatever the apprentice's work recovers: the
    saving is the same where apprenticeship pays for itself as where it is a net cost.
    """
    gross = t.apprentice_gross_cost
    return gross * (1.0 - t.productive_recovery * np.asarray(productivity)
                    - np.asarray(cost_cut))


def rd_outlay(t: PayoffTerms, payout: np.ndarray | float) -> np.ndarray:
    """The firm's share of a joint R&D project's cost (CNY thousand per year).

    ``R&D cost x (1 - co-funding x payout)``: co-funding is a public payment, pro-rated like
    every other (the expected payout in decisions, the payout paid in realised flows).
    """
    return t.rd_project_cost * (1.0 - t.rd_cofunding * np.asarray(payout, dtype=float))


def qualifying_investment(portfolio: int | np.ndarray, apprentices: np.ndarray,
                          ctx: TieContext, t: PayoffTerms,
                          payout: np.ndarray | float,
                          certified: np.ndarray | None = None) -> np.ndarray:
    """A certified firm's own investment in cooperation, for the tax credit (CNY thousand/yr).

    Once certified (it holds apprenticeship places and trains apprentices: ``certified``
    defaults to ``apprentices > 0``): apprentices' training cost not recovered by their
    work, the staff time it lends (expert exchange cost) and its R&D outlay after
    co-funding. Public money the firm receives is not its investment, so a credit share
    below 1 can never make training pay by itself (2019 integration-enterprise measures).
    A tie holding apprenticeship places but training nobody is not certified. Technical
    service is a purchase, not an investment in education.
    """
    apprentices = np.asarray(apprentices, dtype=float)
    trains = apprentices > 0 if certified is None else np.asarray(certified)
    own = (apprentices * apprentice_net_cost(t, ctx.apprentice_cost_cut)
           + np.where(holds(portfolio, EXPERT_EXCHANGE), t.expert_exchange_cost, 0.0)
           + np.where(holds(portfolio, JOINT_RD), rd_outlay(t, payout), 0.0))
    return np.where(holds(portfolio, JOINT_TRAINING) & trains, own, 0.0)


def tax_credit(portfolio: int | np.ndarray, apprentices: np.ndarray, ctx: TieContext,
               t: PayoffTerms, payout: np.ndarray | float,
               certified: np.ndarray | None = None) -> np.ndarray:
    """Integration tax credit of a tie-year before pro-rating (CNY thousand per year).

    ``min(tax_credit x qualifying investment, surcharge room)``: never above the education
    surcharges the firm owes in the year (``ctx.credit_room``; see :mod:`sim.budget`).
    ``certified`` as in :func:`qualifying_investment`.
    """
    return np.minimum(t.tax_credit * qualifying_investment(portfolio, apprentices, ctx, t,
                                                           payout, certified), ctx.credit_room)


def public_payments(portfolio: int | np.ndarray, interns: np.ndarray, apprentices: np.ndarray,
                    ctx: TieContext, t: PayoffTerms, payout: np.ndarray | float,
                    certified: np.ndarray | None = None) -> np.ndarray:
    """Subsidy and tax credit paid to the firm for a tie-year (CNY thousand per year).

    ``payout x (subsidy x placed students + tax credit)``; called with the expected payout
    (decisions) or the payout actually paid (realised flows). ``certified`` as in
    :func:`qualifying_investment`.
    """
    return placement_subsidy(interns + apprentices, t, payout) + np.asarray(payout) * tax_credit(
        portfolio, apprentices, ctx, t, payout, certified)


def placement_subsidy(students: np.ndarray | float, t: PayoffTerms,
                      payout: np.ndarray | float) -> np.ndarray:
    """Subsidy for placed students (CNY thousand per year): ``payout x subsidy x students``."""
    return np.asarray(payout) * t.intern_subsidy * np.asarray(students)


def service_value(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms) -> np.ndarray:
    """Value to the firm of a year of the college's technical service (CNY thousand).

    service value x capability match x size factor: testing, process improvement and
    troubleshooting are worth more from a capable college to a larger firm; they are used in
    the year they are bought, so no benefit lag.
    """
    return np.where(holds(portfolio, TECH_SERVICE),
                    t.service_value * ctx.capability * ctx.rd_scale, 0.0)


def cash_flow(portfolio: int | np.ndarray, interns: np.ndarray, apprentices: np.ndarray,
              ctx: TieContext, t: PayoffTerms, payout: np.ndarray | float,
              certified: np.ndarray | None = None,
              productivity: np.ndarray | float = 1.0) -> np.ndarray:
    """The firm's running net cash flow of a tie-year (CNY thousand per year).

    [expert exchange] (value - cost) - [joint R&D] R&D outlay after co-funding at ``payout``
    + [technical service] (service value - fee) - training cost (net cost per student and
    :func:`supervision_cost`) - governance cost per
    activity beyond internship + public payments at ``payout``. The same function gives the
    expected flow firms decide on (expected placements, expected payout) and the realised
    flow that is paid and reported (placements that took place, the payout actually paid,
    the trainees' realised ``productivity``; 1, the mean, in decisions).
    """
    expert = np.where(holds(portfolio, EXPERT_EXCHANGE),
                      t.expert_exchange_value * ctx.expert_quality - t.expert_exchange_cost, 0.0)
    rd = np.where(holds(portfolio, JOINT_RD), rd_outlay(t, payout), 0.0)
    service = (service_value(portfolio, ctx, t)
               - np.where(holds(portfolio, TECH_SERVICE), t.service_fee, 0.0))
    training_cost = (interns * intern_net_cost(t, productivity)
                     + apprentices * apprentice_net_cost(t, ctx.apprentice_cost_cut,
                                                         productivity)
                     + supervision_cost(interns, apprentices, ctx, t))
    return (expert - rd + service - training_cost - coordination_cost(portfolio, ctx, t)
            + public_payments(portfolio, interns, apprentices, ctx, t, payout, certified))


def coordination_cost(portfolio: int | np.ndarray, ctx: TieContext,
                      t: PayoffTerms) -> np.ndarray:
    """Yearly cost of coordinating a tie's activities beyond internship (CNY thousand).

    ``activities beyond internship x governance cost x (1 - consortium cut)``.
    """
    return n_deep(portfolio) * t.governance_cost * (1.0 - ctx.governance_cut)


def hire_value(skill: np.ndarray | float, apprentice: np.ndarray | bool,
               t: PayoffTerms) -> np.ndarray:
    """Value to the firm of one retained recruit of ``skill`` (CNY thousand).

    recruit value x skill x (1 + firm-specific premium for a former apprentice).
    """
    value = t.recruit_value * np.asarray(skill, dtype=float)
    if isinstance(apprentice, bool):  # one type for all: the same numbers, fewer operations
        return value * (1.0 + t.firm_specific_premium) if apprentice else value
    return value * np.where(apprentice, 1.0 + t.firm_specific_premium, 1.0)


def recruit_value(interns: np.ndarray, apprentices: np.ndarray, portfolio: int | np.ndarray,
                  ctx: TieContext, t: PayoffTerms, *, discounted: bool = True,
                  per_student: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Expected value of the recruits a tie-year yields (CNY thousand).

    recruit value x quality x vacancy factor x (interns x hire prob x retention
    + apprentices x hire prob x retention with agreements x (1 + firm-specific premium)),
    each stream times its horizon factor when ``discounted`` (the firm's decision); without
    discounting it is the value the firm expects to see at graduation (for trust).
    ``per_student``: :func:`recruit_value_per_student` of the same arguments, if at hand.
    """
    per_intern, per_apprentice = (
        recruit_value_per_student(portfolio, ctx, t, discounted=discounted)
        if per_student is None else per_student)
    return interns * per_intern + apprentices * per_apprentice


def recruit_value_per_student(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
                              *, discounted: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Expected recruit value of one intern and of one apprentice (CNY thousand).

    The terms of :func:`recruit_value`, which is linear in the students.
    """
    trains = holds(portfolio, JOINT_TRAINING)
    quality = ctx.quality * (1.0 - t.cheap_labour_risk * t.credit_conversion * trains)
    ret_app = 1.0 - (1.0 - ctx.retention) * (1.0 - t.retention_support * ctx.payout)
    h_int = horizon_factor(t.lag_intern, ctx.payback_years) if discounted else 1.0
    h_app = horizon_factor(t.lag_apprentice, ctx.payback_years) if discounted else 1.0
    per_intern = (ctx.vacancy_factor * t.hire_prob[INTERN] * ctx.retention * h_int
                  * hire_value(quality, False, t))
    per_apprentice = (ctx.vacancy_factor * t.hire_prob[APPRENTICE] * ret_app * h_app
                      * hire_value(quality, True, t))
    return per_intern, per_apprentice


def rd_value(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
             success: np.ndarray | None = None, *, discounted: bool = True) -> np.ndarray:
    """Value of a year of joint R&D (CNY thousand): R&D value x success x size factor.

    ``success`` is the realised outcome (0/1); without it the expected success chance
    (``ctx.capability``) is used; ``discounted`` applies the firm's horizon factor.
    """
    chance = ctx.capability if success is None else success
    h_rd = horizon_factor(t.lag_rd, ctx.payback_years) if discounted else 1.0
    return np.where(holds(portfolio, JOINT_RD), t.rd_value * chance * ctx.rd_scale * h_rd, 0.0)


def enterprise_payoff(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms,
                      *, with_policy: bool = True) -> np.ndarray:
    """Expected net benefit to the firm of holding each tie's ``portfolio`` for a year (CNY k).

    benefit = recruits x retention x recruit value x quality x horizon factor
              (+ firm-specific premium for apprentices)
            + [expert exchange] expert exchange value
            + [joint R&D] R&D value x capability (success chance) x size x horizon factor
            + [technical service] service value x capability x size
    cost    = interns x intern gross cost x (1 - intern recovery)
            + apprentices x apprentice gross cost x (1 - productive recovery) x (1 - cut)
            + supervision cost x (interns^2 + apprentices^2) / (2 x capacity)
            + [expert exchange] expert exchange cost
            + [joint R&D] R&D cost x (1 - co-funding x payout)
            + [technical service] service fee
            + activities beyond internship x governance cost x (1 - consortium cut)
    policy  = payout x (subsidy x placed students
                        + [apprenticeship] min(tax credit x own investment, surcharge room))

    The payoff is a sum over activities, so an activity's own payoff is the difference the
    portfolio makes with and without it (apprenticeship and internship share the places).
    ``with_policy=False`` drops the policy payments (used to measure deadweight).
    Written once: :func:`recruit_value` + :func:`rd_value` + :func:`cash_flow`, the same
    functions that give the realised flows (called on realised quantities).
    Interns and apprentices are the firm's chosen places (:func:`intake_by_type`) filled.
    """
    per_student = recruit_value_per_student(portfolio, ctx, t)  # used twice: computed once
    interns, apprentices = placements(portfolio, ctx, t, per_student)
    payout = ctx.payout if with_policy else 0.0
    return (recruit_value(interns, apprentices, portfolio, ctx, t, per_student=per_student)
            + rd_value(portfolio, ctx, t)
            + cash_flow(portfolio, interns, apprentices, ctx, t, payout))


def policy_payments(portfolio: int | np.ndarray, ctx: TieContext, t: PayoffTerms) -> np.ndarray:
    """Expected subsidy and tax credit to the firm for ties holding ``portfolio`` (CNY k/yr)."""
    interns, apprentices = placements(portfolio, ctx, t)
    return public_payments(portfolio, interns, apprentices, ctx, t, ctx.payout)


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
    service_income: float = 0.0

    @classmethod
    def from_scenario(cls, scn, practice_reward: float) -> "CollegeTerms":
        """Collect the terms from a scenario and the effective practice reward."""
        b, e, p = scn.behaviour, scn.economy, scn.policy
        return cls(b.college_tie_value, b.college_depth_value, b.college_depth_cost,
                   practice_reward, p.contribution_evaluation, e.expert_exchange_value,
                   e.rd_project_cost * e.rd_college_share, e.service_fee)


def college_income(portfolio: int | np.ndarray, expert_income: float, rd_income: float,
                   service_income: float) -> np.ndarray:
    """A college's yearly income from a tie's activities (CNY thousand).

    Expert exchange (teachers' technical service at the firm), its share of a joint R&D
    project's cost and the technical-service fee. The last two are its research and
    social-service funding (科研社会服务经费) earned through the tie.
    """
    return (np.where(holds(portfolio, EXPERT_EXCHANGE), expert_income, 0.0)
            + np.where(holds(portfolio, JOINT_RD), rd_income, 0.0)
            + np.where(holds(portfolio, TECH_SERVICE), service_income, 0.0))


def college_utility(portfolio: int | np.ndarray, c: CollegeTerms) -> np.ndarray:
    """A college's valuation of a tie holding ``portfolio`` under its evaluation system.

    U = [any activity] tie value x (1 - contribution weight, for internship-only ties)
        + activities beyond internship x (depth value - depth cost x (1 - practice reward))
        + contribution weight x income of the activities (:func:`college_income`)
    Colleges count partners (enthusiastic at any depth, paper 3.1); deeper activities cost
    teacher time that a paper-only evaluation does not reward (4.3); contribution-oriented
    evaluation (4.5) rewards service income and discounts internship-only ties.
    """
    portfolio = np.asarray(portfolio)
    shallow = np.where(portfolio == bit(INTERNSHIP), c.contribution_evaluation, 0.0)
    income = college_income(portfolio, c.expert_income, c.rd_income, c.service_income)
    return ((portfolio != 0) * c.tie_value * (1.0 - shallow)
            + n_deep(portfolio) * (c.depth_value - c.depth_cost * (1.0 - c.practice_reward))
            + c.contribution_evaluation * income)


@functools.lru_cache(maxsize=16)
def college_utility_table(c: CollegeTerms) -> np.ndarray:
    """:func:`college_utility` of every portfolio (indexed by its bit mask), read-only.

    Computed once per set of college terms (they change only with a policy change); every
    contact round and every step's tie events look it up.
    """
    table = college_utility(np.arange(1 << N_ACTIVITIES), c)
    table.flags.writeable = False
    return table


@dataclass(frozen=True)
class Prerequisites:
    """What an activity needs besides both sides' consent (declared in :mod:`sim.params`).

    Attributes:
        trust_step: trust per rung for expert exchange (1x) and apprenticeship (2x).
        rd_trust: trust needed for joint R&D.
        service_trust: trust needed for technical service.
        rd_capability: capability match needed for joint R&D.
        service_capability: capability match needed for technical service.

    """

    trust_step: float
    rd_trust: float
    service_trust: float
    rd_capability: float
    service_capability: float

    @classmethod
    def from_scenario(cls, scn) -> "Prerequisites":
        """Collect the prerequisites from a :class:`sim.params.Scenario`."""
        b = scn.behaviour
        return cls(b.trust_step, b.rd_trust_needed, b.service_trust_needed,
                   b.rd_capability_threshold, b.service_capability_threshold)


def activity_feasible(activity: int, trust: np.ndarray, capability: np.ndarray,
                      pre: Prerequisites) -> np.ndarray:
    """Whether a tie may hold ``activity``: only the prerequisites that are real.

    Internship places need nothing; expert exchange needs ``trust >= trust_step`` and
    apprenticeship ``trust >= 2 trust_step`` (firms entrust students' training to partners
    they know); joint R&D and technical service need capability on both sides (the match
    :func:`capability_match`) and enough trust, but no past apprenticeship or exchange.
    """
    trust, capability = np.asarray(trust, dtype=float), np.asarray(capability, dtype=float)
    if activity == INTERNSHIP:
        return np.ones(trust.shape, dtype=bool)
    if activity in (EXPERT_EXCHANGE, JOINT_TRAINING):
        return trust >= activity * pre.trust_step
    if activity == JOINT_RD:
        return (trust >= pre.rd_trust) & (capability >= pre.rd_capability)
    return (trust >= pre.service_trust) & (capability >= pre.service_capability)
