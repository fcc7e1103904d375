from dataclasses import replace

import numpy as np
import pytest

from sim.ladder import (
    JOINT_RD,
    JOINT_TRAINING,
    RUNGS,
    CollegeTerms,
    PayoffTerms,
    Prerequisites,
    TieContext,
    activity_feasible,
    apprentice_net_cost,
    bit,
    capability_match,
    college_utility,
    deepest,
    enterprise_payoff,
    holds,
    horizon_factor,
    placements,
    policy_payments,
)
from sim.ladder import (
    ladder as lad,
)
from sim.params import load_scenario


def ctx(n=1, **kw):
    base = dict(slots=4.0, fill=1.0, uptake=0.5, vacancy_factor=1.0, retention=0.6, quality=0.5,
                capability=0.6, rd_scale=1.0, expert_quality=1.0, payback_years=3.0, payout=1.0,
                apprentice_cost_cut=0.0, governance_cut=0.0, credit_room=1e9)
    base.update(kw)
    return TieContext(**{k: np.full(n, float(v)) for k, v in base.items()})


@pytest.fixture
def terms():
    return PayoffTerms.from_scenario(load_scenario())


def test_rung_names_and_order():
    assert RUNGS == ("internship", "expert_exchange", "joint_training", "joint_rd")


def test_horizon_factor():
    assert horizon_factor(0.5, 2.0) == pytest.approx(0.75)
    assert horizon_factor(3.0, 2.0) == 0.0
    assert np.allclose(horizon_factor(1.0, np.array([1.0, 4.0])), [0.0, 0.75])


def test_apprentice_net_cost_follows_bibb(terms):
    # 76% of the gross cost is recovered by the apprentice's work (BIBB 2007).
    assert apprentice_net_cost(terms) == pytest.approx(terms.apprentice_gross_cost * 0.24)
    assert apprentice_net_cost(terms, 0.5) == pytest.approx(terms.apprentice_gross_cost * 0.12)


def test_placements_split_interns_and_apprentices():
    i0, a0 = placements(lad(0), ctx())
    i2, a2 = placements(lad(JOINT_TRAINING), ctx())
    assert (i0, a0) == (4.0, 0.0)
    assert (i2, a2) == (2.0, 2.0)


def test_intern_subsidy_lowers_net_cost_of_intern_one_for_one(terms):
    c = ctx()
    base = enterprise_payoff(lad(0), c, terms)
    more = enterprise_payoff(lad(0), c, replace(terms, intern_subsidy=terms.intern_subsidy + 2.0))
    assert more - base == pytest.approx(2.0 * 4.0)  # 2 thousand x 4 interns


def test_tax_credit_only_pays_certified_rungs_on_the_firms_own_investment(terms):
    c = ctx()
    lo, hi = replace(terms, tax_credit=0.1), replace(terms, tax_credit=0.5)
    for rung in (0, 1):
        assert enterprise_payoff(lad(rung), c, hi) == pytest.approx(
            enterprise_payoff(lad(rung), c, lo))
    gain = (enterprise_payoff(lad(JOINT_TRAINING), c, hi)
            - enterprise_payoff(lad(JOINT_TRAINING), c, lo))
    investment = 2.0 * apprentice_net_cost(terms) + terms.expert_exchange_cost
    assert gain == pytest.approx(0.4 * investment)


def test_tax_credit_never_makes_training_pay_by_itself(terms):
    """At the largest credit the firm still bears half its investment (old bug: gross cost)."""
    c = ctx(retention=0.0, quality=0.0)
    t = replace(terms, tax_credit=0.5, intern_subsidy=0.0)
    assert enterprise_payoff(lad(JOINT_TRAINING), c, t) < enterprise_payoff(lad(1), c, t)


def test_tax_credit_is_capped_by_the_surcharge_room(terms):
    t = replace(terms, tax_credit=0.5)
    capped = policy_payments(lad(JOINT_RD), ctx(credit_room=7.0), t)
    free = policy_payments(lad(JOINT_RD), ctx(credit_room=0.0), t)
    assert capped - free == pytest.approx(7.0)


def test_rd_cofunding_raises_only_joint_rd(terms):
    c = ctx()
    t2 = replace(terms, rd_cofunding=0.5)
    assert enterprise_payoff(lad(2), c, t2) == pytest.approx(enterprise_payoff(lad(2), c, terms))
    assert enterprise_payoff(lad(JOINT_RD), c, t2) > enterprise_payoff(lad(JOINT_RD), c, terms)


def test_retention_support_helps_apprentices_not_interns(terms):
    c = ctx()
    t2 = replace(terms, retention_support=0.5)
    assert enterprise_payoff(lad(0), c, t2) == pytest.approx(enterprise_payoff(lad(0), c, terms))
    assert enterprise_payoff(lad(JOINT_TRAINING), c, t2) > (
        enterprise_payoff(lad(JOINT_TRAINING), c, terms))


def test_credit_conversion_has_cheap_labour_cost_in_quality(terms):
    c = ctx()
    low = enterprise_payoff(lad(JOINT_TRAINING), c, replace(terms, credit_conversion=0.0))
    high = enterprise_payoff(lad(JOINT_TRAINING), c, replace(terms, credit_conversion=1.0))
    assert high < low  # same uptake: only the quality loss is left


def test_shared_bases_and_consortia_cut_costs(terms):
    assert enterprise_payoff(lad(2), ctx(apprentice_cost_cut=0.4), terms) > (
        enterprise_payoff(lad(2), ctx(), terms))
    assert enterprise_payoff(lad(1), ctx(governance_cut=1.0), terms) == pytest.approx(
        enterprise_payoff(lad(1), ctx(), terms) + terms.governance_cost)


def test_payout_scales_policy_payments(terms):
    full = policy_payments(lad(2), ctx(), terms)
    half = policy_payments(lad(2), ctx(payout=0.5), terms)
    assert half == pytest.approx(full / 2)
    no_policy = enterprise_payoff(lad(2), ctx(), terms, with_policy=False)
    assert enterprise_payoff(lad(2), ctx(), terms) - no_policy == pytest.approx(full)


def test_longer_payback_raises_deep_payoffs(terms):
    assert enterprise_payoff(lad(JOINT_RD), ctx(payback_years=6.0), terms) > (
        enterprise_payoff(lad(JOINT_RD), ctx(payback_years=2.0), terms))


def test_capability_match_needs_both_sides():
    assert capability_match(np.array([0.0]), np.array([1.0]))[0] == 0.0
    assert capability_match(np.array([0.64]), np.array([0.25]))[0] == pytest.approx(0.4)


def test_college_utility_paper_only_vs_reformed():
    scn = load_scenario()
    paper_only = CollegeTerms.from_scenario(scn, practice_reward=0.0)
    reformed = CollegeTerms.from_scenario(scn, practice_reward=1.0)
    depth_gain_paper = college_utility(lad(1), paper_only) - college_utility(lad(0), paper_only)
    depth_gain_ref = college_utility(lad(1), reformed) - college_utility(lad(0), reformed)
    assert depth_gain_ref - depth_gain_paper == pytest.approx(scn.behaviour.college_depth_cost)


def test_contribution_evaluation_favours_deep_over_shallow():
    scn = load_scenario()
    lo = CollegeTerms.from_scenario(scn.with_overrides({"contribution_evaluation": 0.0}), 0.1)
    hi = CollegeTerms.from_scenario(scn.with_overrides({"contribution_evaluation": 1.0}), 0.1)
    # Internship-only ties count less.
    assert college_utility(lad(0), hi) < college_utility(lad(0), lo)
    assert college_utility(lad(JOINT_RD), hi) > college_utility(lad(JOINT_RD), lo)


def test_activity_prerequisites_are_only_the_real_ones():
    pre = Prerequisites(trust_step=0.25, rd_trust=0.3, service_trust=0.0, rd_capability=0.5,
                        service_capability=0.3)
    trust = np.array([0.1, 0.3, 0.9, 0.9, 0.0])
    cap = np.array([0.0, 0.0, 0.2, 0.8, 0.4])
    assert activity_feasible(0, trust, cap, pre).all()
    assert activity_feasible(1, trust, cap, pre).tolist() == [False, True, True, True, False]
    assert activity_feasible(2, trust, cap, pre).tolist() == [False, False, True, True, False]
    # R&D: capability on both sides (the match) and enough trust; no apprenticeship needed.
    assert activity_feasible(JOINT_RD, trust, cap, pre).tolist() == [False, False, False,
                                                                     True, False]
    assert activity_feasible(4, trust, cap, pre).tolist() == [False, False, False, True, True]


def test_portfolio_bits_and_deepest_activity():
    assert lad(0) == bit(0) and lad(3) == 15
    assert deepest(lad(np.arange(4))).tolist() == [0, 1, 2, 3]
    assert deepest(bit(JOINT_RD) | bit(0)) == JOINT_RD  # R&D without apprenticeship
    assert deepest(bit(4)) == JOINT_RD  # technical service at the depth of joint R&D
    assert holds(bit(JOINT_RD), JOINT_RD) and not holds(bit(JOINT_RD), JOINT_TRAINING)


def test_activity_payoffs_add_up(terms):
    # An activity's own payoff is what it adds; R&D does not depend on holding apprenticeship.
    c = ctx()
    rd_alone = enterprise_payoff(bit(0) | bit(JOINT_RD), c, terms) - enterprise_payoff(bit(0), c,
                                                                                        terms)
    rd_on_exchange = (enterprise_payoff(lad(1) | bit(JOINT_RD), c, terms)
                      - enterprise_payoff(lad(1), c, terms))
    assert rd_alone == pytest.approx(rd_on_exchange)
    service = enterprise_payoff(bit(4), c, terms)
    assert service == pytest.approx(terms.service_value * 0.6 - terms.service_fee
                                    - terms.governance_cost)
