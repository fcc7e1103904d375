"""The public budget: what each lever claims, what is paid, and pro-rating beyond the budget.

Claims are collected per step (CNY million); if they exceed the step's share of the yearly
budget, every claim is paid the same fraction (pro-rating). Firms learn that fraction
(``payout``) and expect it next time. The ledger keeps what was paid per item, so the public
cost reported equals the sum of what was paid (tested).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import JOINT_RD, cash_flow, qualifying_investment
from sim.ties import tie_context

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

MONEY_K_TO_M = 1e-3
"""CNY thousand to CNY million."""

ITEMS = (
    "intern_subsidy", "tax_credit", "rd_cofunding", "retention_support", "teacher_practice",
    "industry_professors", "consortium", "shared_bases", "major_adjustment",
    "contribution_funding",
)
"""Budget items, one per lever (teacher practice weight has no direct cost)."""


class Ledger:
    """Claims and payments of one step, and totals over the run (CNY million)."""

    def __init__(self, yearly_budget: float):
        self.yearly_budget = float(yearly_budget)
        self.claims: dict[str, float] = defaultdict(float)
        self.paid_total: dict[str, float] = defaultdict(float)
        self.last_paid: dict[str, float] = {}
        self.last_payout = 1.0
        self.cumulative = 0.0

    def claim(self, item: str, amount_million: float) -> None:
        """Register a claim on the public budget in this step."""
        if item not in ITEMS:
            raise KeyError(f"unknown budget item {item!r}")
        if amount_million < 0:
            raise ValueError(f"negative claim {amount_million} for {item}")
        self.claims[item] += float(amount_million)

    def settle(self, dt_years: float) -> float:
        """Pay this step's claims within ``budget * dt``; return the payout ratio (0-1)."""
        total = sum(self.claims.values())
        available = self.yearly_budget * dt_years
        ratio = 1.0 if total <= available or total == 0 else available / total
        self.last_paid = {k: v * ratio for k, v in self.claims.items()}
        for k, v in self.last_paid.items():
            self.paid_total[k] += v
        self.cumulative += sum(self.last_paid.values())
        self.claims = defaultdict(float)
        self.last_payout = ratio
        return ratio

    @property
    def step_paid(self) -> float:
        """Total paid in the last settled step (CNY million)."""
        return sum(self.last_paid.values())


def claim_public_money(m: "CooperationModel") -> None:
    """Claim every lever's spending of this step on the public budget (phase)."""
    p, dt, ledger = m.params, m.dt, m.ledger
    pol, eco, w = p.policy, p.economy, p.world
    t = m.teachers
    ledger.claim("intern_subsidy", pol.intern_subsidy * m.placed_real * dt * MONEY_K_TO_M)
    ledger.claim("teacher_practice", eco.teacher_replacement_cost * w.teacher_scale
                 * float(t.logged.sum()) * dt * MONEY_K_TO_M)
    ledger.claim("industry_professors", eco.industry_professor_stipend * w.teacher_scale
                 * float(t.professor.sum()) * dt * MONEY_K_TO_M)
    ledger.claim("consortium", pol.consortium_strength * eco.consortium_running_cost
                 * w.n_cities * dt)
    ledger.claim("shared_bases", pol.shared_base_investment * w.n_cities * dt)
    rows = m.ties.active_rows()
    n_rows = m.ties.college.size
    rung = m.ties.rung[rows]
    app_real = m.placements.per_tie(n_rows, True)[rows]
    int_real = m.placements.per_tie(n_rows, False)[rows]
    qualifying = qualifying_investment(rung, app_real, m.terms)
    es = w.enterprise_scale
    ledger.claim("tax_credit", pol.tax_credit * qualifying.sum() * es * dt * MONEY_K_TO_M)
    n_rd = int((rung >= JOINT_RD).sum())
    ledger.claim("rd_cofunding", pol.rd_cofunding * eco.rd_project_cost * n_rd * es * dt
                 * MONEY_K_TO_M)
    income = (eco.expert_exchange_value * (rung >= 1)
              + eco.rd_project_cost * eco.rd_college_share * (rung >= JOINT_RD))
    funding = np.bincount(m.ties.college[rows], weights=pol.contribution_evaluation
                          * income * es * dt * MONEY_K_TO_M, minlength=m.colleges.n)
    ledger.claim("contribution_funding", float(funding.sum()))
    m.funding_claimed = funding
    # The firm's cash flow of this step per tie (CNY thousand), realised (the payout paid)
    # and as it expected it (its expected payout), on the exchanges that took place: trust.
    ctx = tie_context(m, m.ties.college[rows], m.ties.firm[rows])
    m.ties.net[rows] += cash_flow(rung, int_real, app_real, ctx, m.terms,
                                  m.ledger.last_payout) * dt
    m.ties.expected[rows] += cash_flow(rung, int_real, app_real, ctx, m.terms,
                                       ctx.payout) * dt
    m.ties.exchanged[rows] |= int_real + app_real > 0


def close_fiscal_year(m: "CooperationModel") -> None:
    """Year end: the performance funding paid over the year becomes next year's (phase)."""
    m.colleges.performance_funding = m.funding_year
    m.funding_year = np.zeros(m.colleges.n)


def settle(m: "CooperationModel") -> None:
    """Pay the step's claims, pro-rated within the budget (phase)."""
    payout = m.ledger.settle(m.dt)
    m.funding_year += payout * m.funding_claimed
    m.funding_claimed = np.zeros(m.colleges.n)
