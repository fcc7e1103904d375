"""Public money: pro-rating, the year's public cost, the integration tax credit."""

import numpy as np
import pytest

from sim.budget import (
    Ledger,
    TaxCreditAccounts,
    education_surcharge_due,
    expected_payment,
    payout_ratio,
    usable_credit_share,
)


def test_binding_budget_pays_every_item_the_same_share():
    ledger = Ledger(yearly_budget=10.0)
    ledger.claim("intern_subsidy", 4.0)
    ledger.claim("rd_cofunding", 8.0)
    ledger.claim("tax_credit", 8.0)
    ratio = ledger.settle(dt_years=0.5)  # 5 available for 20 claimed
    assert ratio == pytest.approx(0.25)
    assert ledger.last_paid == pytest.approx({"intern_subsidy": 1.0, "rd_cofunding": 2.0,
                                             "tax_credit": 2.0})
    assert ledger.step_paid == pytest.approx(5.0)


def test_public_cost_of_a_year_is_the_money_paid_in_it():
    ledger = Ledger(yearly_budget=100.0)
    for amount in (3.0, 7.0, 11.0, 13.0):
        ledger.claim("consortium", amount)
        ledger.settle(0.5)
    assert ledger.paid_last_year(2) == pytest.approx(24.0)
    assert ledger.cumulative == pytest.approx(34.0)


def test_payout_ratio_and_expected_payment():
    assert payout_ratio(0.0, 0.0) == 1.0
    assert payout_ratio(5.0, 10.0) == 1.0
    assert payout_ratio(20.0, 5.0) == 0.25
    assert expected_payment(np.array([4.0, 8.0]), 0.5).tolist() == [2.0, 4.0]


def test_surcharge_due_is_five_percent_of_vat():
    assert education_surcharge_due(np.array([100.0, 2100.0]), 0.05) == pytest.approx([5.0, 105.0])


def test_credit_never_exceeds_the_surcharge_due_and_carries_forward():
    acc = TaxCreditAccounts(3)
    due = np.array([10.0, 10.0, 0.0])
    used = acc.settle_year(np.array([4.0, 25.0, 6.0]), due)
    assert used.tolist() == [4.0, 10.0, 0.0]
    assert (used <= due).all()
    assert acc.carried.tolist() == [0.0, 15.0, 6.0]
    used = acc.settle_year(np.zeros(3), np.array([10.0, 10.0, 10.0]))
    assert used.tolist() == [0.0, 10.0, 6.0]
    assert acc.carried.tolist() == [0.0, 5.0, 0.0]


def test_without_carry_forward_unused_credit_is_lost():
    acc = TaxCreditAccounts(1, carry_forward=False)
    assert acc.settle_year(np.array([25.0]), np.array([10.0])).tolist() == [10.0]
    assert acc.carried.tolist() == [0.0]


@pytest.mark.parametrize("seed", range(5))
def test_credit_bounded_by_due_for_random_firms_and_years(seed):
    rng = np.random.default_rng(seed)
    acc = TaxCreditAccounts(50)
    total_earned = total_used = 0.0
    for _ in range(8):
        earned, due = 100 * rng.random(50), 60 * rng.random(50)
        used = acc.settle_year(earned, due)
        assert (used <= due + 1e-12).all()
        total_earned += earned.sum()
        total_used += used.sum()
    assert total_used + acc.carried.sum() == pytest.approx(total_earned)


def test_usable_credit_share():
    share = usable_credit_share(np.array([10.0, 10.0, 0.0, 10.0]), np.array([0.0, 5.0, 0.0, 20.0]),
                                np.array([20.0, 10.0, 5.0, 10.0]))
    assert share.tolist() == [1.0, 0.5, 1.0, 0.0]


def test_accounts_keyed_by_real_firm_open_as_firms_earn_and_keep_their_balance():
    """The model keys accounts by real-firm id (millions nationally): sparse, never dense."""
    acc = TaxCreditAccounts()
    assert acc.carried_of(np.array([7, 9_000_000])).tolist() == [0.0, 0.0]
    used = acc.settle_year(np.array([25.0, 4.0]), np.array([10.0, 10.0]),
                           np.array([7, 9_000_000]))
    assert used.tolist() == [10.0, 4.0]
    assert acc.carried_of(np.array([9_000_000, 7, 3])).tolist() == [0.0, 15.0, 0.0]
    ids = acc.with_accounts(np.array([3]))  # a new earner next year, plus every account
    assert ids.tolist() == [3, 7, 9_000_000]
    used = acc.settle_year(np.array([1.0, 0.0, 0.0]), np.array([10.0, 10.0, 10.0]), ids)
    assert used.tolist() == [1.0, 10.0, 0.0]
    assert acc.carried_of(np.array([7])).tolist() == [5.0]
    with pytest.raises(ValueError, match="every firm with an account"):
        acc.settle_year(np.array([1.0]), np.array([1.0]), np.array([3]))
    with pytest.raises(ValueError, match="every firm with an account"):
        acc.settle_year(np.zeros(0), np.zeros(0), np.zeros(0, np.int64))
    assert acc.with_accounts(np.array([9_000_000, 3, 3])).tolist() == [3, 7, 9_000_000]
