"""The public budget: what each lever claims, what is paid, and pro-rating beyond the budget.

Claims are collected per step (CNY million); if they exceed the step's share of the yearly
budget, every claim is paid the same fraction (pro-rating). Firms learn that fraction
(``payout``) and expect it next time. The ledger keeps what was paid per item, so the public
cost reported equals the sum of what was paid (tested).
"""

from __future__ import annotations

from collections import defaultdict

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
