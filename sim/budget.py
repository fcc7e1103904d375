"""Public money: what each lever claims, what is paid, pro-rating, and the integration tax credit.

Claims are collected per step (CNY million); if they exceed the step's share of the yearly
budget, every claim is paid the same fraction (pro-rating). Firms learn that fraction
(``payout``) and expect it next time; every payment a firm expects is multiplied by the same
expected payout (:func:`expected_payment`). The ledger keeps what was paid per item and per
step, so the public cost of a year is the money actually paid in it (tested).

The tax credit follows the 2019 integration-enterprise measures (NDRC & MOE, 发改社会〔2019〕
590号; MOF 财税〔2019〕46号): a certified firm offsets a share (30% in the text) of its
investment in running vocational education against the education surcharge (3%) and local
education surcharge (2%) it owes that year on the VAT it pays; what it cannot offset in the
year is carried forward to later years (:class:`TaxCreditAccounts`). The credit therefore never
exceeds the surcharge due, which grows with the firm's size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import (
    INTERNSHIP,
    JOINT_RD,
    JOINT_TRAINING,
    bit,
    cash_flow,
    college_income,
    holds,
    qualifying_investment,
)
from sim.network import sorted_unique
from sim.ties import context_of_rows, find_sorted, total_by_key

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
        self.step_history: list[float] = []

    def claim(self, item: str, amount_million: float) -> None:
        """Register a claim on the public budget in this step."""
        if item not in ITEMS:
            raise KeyError(f"unknown budget item {item!r}")
        if amount_million < 0:
            raise ValueError(f"negative claim {amount_million} for {item}")
        self.claims[item] += float(amount_million)

    def settle(self, dt_years: float) -> float:
        """Pay this step's claims within ``budget * dt``; return the payout ratio (0-1).

        The same ratio applies to every item (pro-rating); it is what firms learn.
        """
        total = sum(self.claims.values())
        available = self.yearly_budget * dt_years
        ratio = payout_ratio(total, available)
        self.last_paid = {k: v * ratio for k, v in self.claims.items()}
        for k, v in self.last_paid.items():
            self.paid_total[k] += v
        paid = sum(self.last_paid.values())
        self.cumulative += paid
        self.step_history.append(paid)
        self.claims = defaultdict(float)
        self.last_payout = ratio
        return ratio

    @property
    def step_paid(self) -> float:
        """Total paid in the last settled step (CNY million)."""
        return sum(self.last_paid.values())

    def paid_last_year(self, steps_per_year: int) -> float:
        """Money actually paid over the last ``steps_per_year`` settled steps (CNY million).

        At the last step of a year this is the year's public cost; no step is annualised.
        """
        return float(sum(self.step_history[-steps_per_year:]))


def payout_ratio(claimed: float, available: float) -> float:
    """Share of claims paid: 1 within the budget, ``available / claimed`` beyond it."""
    if claimed <= available or claimed <= 0:
        return 1.0
    return max(0.0, available / claimed)


def expected_payment(entitlement: np.ndarray | float, expected_payout: np.ndarray | float
                     ) -> np.ndarray:
    """What a firm expects to receive of a public payment it is entitled to (same units).

    Every public payment a firm counts on (subsidy, tax credit, R&D co-funding, shared-base
    cost cut) is scaled by the payout it expects, learnt from the pro-rating it has seen.
    """
    return np.asarray(entitlement, dtype=float) * np.asarray(expected_payout, dtype=float)


def education_surcharge_due(vat_paid: np.ndarray | float, rate: float) -> np.ndarray:
    """Education surcharge plus local education surcharge owed in a year (same unit as VAT).

    ``rate`` is their sum (3% + 2% of the VAT and consumption tax paid).
    """
    return float(rate) * np.asarray(vat_paid, dtype=float)


class TaxCreditAccounts:
    """Each firm's integration tax credit: earned, used against the surcharge, carried forward.

    Accounts are keyed by firm id (``keys``, sorted); ``carried[i]`` is the balance of firm
    ``keys[i]``. ``TaxCreditAccounts(n)`` opens accounts ``0..n-1``; the model opens them per
    real firm as firms first earn credit (real-firm ids run to millions nationally).

    Args:
        n: number of firms with an account from the start (ids ``0..n-1``).
        carry_forward: keep unused credit for later years (the 2019 MOF notice says it is).

    """

    def __init__(self, n: int = 0, carry_forward: bool = True):
        self.keys = np.arange(int(n), dtype=np.int64)
        self.carried = np.zeros(int(n))
        self.carry_forward = bool(carry_forward)

    def carried_of(self, ids: np.ndarray) -> np.ndarray:
        """Credit carried by each firm id (0 for a firm without an account)."""
        ids = np.asarray(ids, dtype=np.int64)
        if self.keys.size == 0 or not self.carried.any():  # no balance: no lookup
            return np.zeros(ids.shape)
        at, found = find_sorted(self.keys, ids)
        return np.where(found, self.carried[at], 0.0)

    def settle_year(self, earned: np.ndarray, surcharge_due: np.ndarray,
                    ids: np.ndarray | None = None) -> np.ndarray:
        """Offset this year's earned credit plus what was carried; return the credit used.

        ``used = min(earned + carried, surcharge_due)`` per firm (CNY thousand); the rest is
        carried to the next year (or lost without carry-forward). ``ids`` (sorted, unique;
        default: the accounts' keys) name the firms of ``earned`` and ``surcharge_due`` and
        must include every firm with an account (:meth:`with_accounts`).
        """
        ids = self.keys if ids is None else np.asarray(ids, dtype=np.int64)
        if self.keys.size and (ids.size == 0 or not find_sorted(ids, self.keys)[1].all()):
            raise ValueError("settle_year: ids must include every firm with an account")
        earned = np.maximum(np.asarray(earned, dtype=float), 0.0)
        due = np.maximum(np.asarray(surcharge_due, dtype=float), 0.0)
        available = earned + self.carried_of(ids)
        used = np.minimum(available, due)
        self.keys = ids.copy()
        self.carried = (available - used) if self.carry_forward else np.zeros_like(used)
        return used

    def with_accounts(self, ids: np.ndarray) -> np.ndarray:
        """``ids`` together with every firm holding an account (sorted, unique)."""
        return sorted_unique(np.concatenate((self.keys, np.asarray(ids, dtype=np.int64))))


def usable_credit_share(earned: np.ndarray, carried: np.ndarray, surcharge_due: np.ndarray
                        ) -> np.ndarray:
    """Share of this year's earned credit a firm can use this year (0-1), for its expectations.

    Carried credit is counted first against the surcharge due, so the share of new credit
    usable now is ``min(1, max(0, due - carried) / earned)``. Firms count only credit usable
    in the year (an assumption: carried credit's later value is not anticipated).
    """
    earned = np.asarray(earned, dtype=float)
    room = np.maximum(np.asarray(surcharge_due, dtype=float) - np.asarray(carried), 0.0)
    return np.where(earned > 0, np.minimum(1.0, np.divide(room, earned, out=np.ones_like(
        earned), where=earned > 0)), 1.0)

# ----------------------------------------------------------------------- phases
def claim_public_money(m: "CooperationModel") -> None:
    """Claim every lever's spending of this step on the public budget (phase).

    Money is counted once: student-based payments from real students, tie-based payments
    (R&D co-funding, technical-service income) per tie, each tie being one real firm's
    (:mod:`sim.network`). The tax credit is claimed when the fiscal year closes
    (:func:`settle_tax_credit`); here each certified real firm's qualifying investment
    accrues.
    """
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
    port = m.ties.activities[rows]
    app_real = m.placements.per_tie(n_rows, True)[rows]  # real students
    int_real = m.placements.per_tie(n_rows, False)[rows]
    ctx = context_of_rows(m, rows)
    paid = ledger.last_payout
    # Qualifying investment of each tie's real firm, certified if it trains apprentices.
    qualifying = qualifying_investment(port, app_real, ctx, m.terms, paid,
                                       certified=app_real > 0)
    m.qualifying_year.append((m.ties.real[rows], qualifying * dt))
    n_rd = float(holds(port, JOINT_RD).sum())
    ledger.claim("rd_cofunding", pol.rd_cofunding * eco.rd_project_cost * n_rd * dt
                 * MONEY_K_TO_M)
    ct = m.college_terms
    income = college_income(port, ct.expert_income, ct.rd_income, ct.service_income)
    service = college_income(port, 0.0, ct.rd_income, ct.service_income)
    funding = np.bincount(m.ties.college[rows], weights=pol.contribution_evaluation
                          * income * dt * MONEY_K_TO_M, minlength=m.colleges.n)
    ledger.claim("contribution_funding", float(funding.sum()))
    m.funding_claimed = funding
    # Research and social-service funding earned through ties: the college's share of R&D
    # projects and technical-service fees (paid by firms, not the public budget).
    m.service_income_year += np.bincount(m.ties.college[rows], weights=service * dt
                                         * MONEY_K_TO_M, minlength=m.colleges.n)
    # The firm's cash flow of this step per tie (CNY thousand), realised (the payout paid,
    # the trainees' realised productivity) and as it expected it (its expected payout, mean
    # productivity), on the exchanges that took place: trust.
    # Both in one evaluation: row 0 at the payout paid, row 1 at the expected payout.
    realised, expected = cash_flow(port, int_real, app_real, ctx, m.terms,
                                   np.stack([np.full(rows.size, paid), ctx.payout]),
                                   productivity=np.stack([m.ties.productivity[rows],
                                                          np.ones(rows.size)]))
    m.ties.net[rows] += realised * dt
    m.ties.expected[rows] += expected * dt
    # An exchange took place if students were hosted or an activity beyond placements
    # (expert exchange, joint R&D, technical service) ran.
    beyond = port & ~(bit(INTERNSHIP) | bit(JOINT_TRAINING))
    m.ties.exchanged[rows] |= (int_real + app_real > 0) | (beyond != 0)


def settle_tax_credit(m: "CooperationModel") -> None:
    """Fiscal year end: certified firms offset their credit against the surcharges due.

    Per real firm (CNY thousand): ``used = min(tax_credit x investment + carried, surcharge
    due)``, the rest carried forward (:class:`TaxCreditAccounts`); the claim is the credit
    used. (Firms' cash flows already count the credit of each tie-year, capped by the
    surcharge room, through :func:`sim.ladder.cash_flow`.)
    """
    entries = m.qualifying_year
    reals = np.concatenate([r for r, _ in entries]) if entries else np.zeros(0, np.int64)
    amounts = np.concatenate([a for _, a in entries]) if entries else np.zeros(0)
    ids = m.credit_accounts.with_accounts(reals)
    earned = total_by_key(reals, m.params.policy.tax_credit * amounts, ids)
    due = m.surcharge_due[m.firms.agent_of(ids)]
    used = m.credit_accounts.settle_year(earned, due, ids)
    m.ledger.claim("tax_credit", float(used.sum()) * MONEY_K_TO_M)
    m.qualifying_year = []


def close_fiscal_year(m: "CooperationModel") -> None:
    """Year end: performance funding and service income of the year; the tax credit (phase)."""
    m.colleges.performance_funding = m.funding_year
    m.funding_year = np.zeros(m.colleges.n)
    m.colleges.service_income = m.service_income_year
    m.service_income_year = np.zeros(m.colleges.n)
    settle_tax_credit(m)


def settle(m: "CooperationModel") -> None:
    """Pay the step's claims, pro-rated within the budget (phase)."""
    payout = m.ledger.settle(m.dt)
    m.funding_year += payout * m.funding_claimed
    m.funding_claimed = np.zeros(m.colleges.n)
