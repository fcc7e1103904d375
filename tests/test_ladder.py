from dataclasses import replace

import numpy as np
import pytest

from sim.ladder import (
    EXPERT_EXCHANGE,
    JOINT_RD,
    JOINT_TRAINING,
    PORTFOLIO_GRID,
    RUNGS,
    CollegeTerms,
    PayoffTerms,
    Prerequisites,
    TieContext,
    activity_feasible,
    apprentice_net_cost,
    bit,
    capability_match,
    cash_flow,
    college_utility,
    deepest,
    enterprise_payoff,
    holds,
    horizon_factor,
    intake_by_type,
    intern_net_cost,
    n_deep,
    offered_places,
    placements,
    policy_payments,
    qualifying_investment,
    recruit_value,
    student_values,
    supervision_cost,
    tax_credit,
)
from sim.ladder import (
    ladder as lad,
)
from sim.params import load_scenario


def ctx(n=1, **kw):
    base = dict(capacity=4.0, fill=1.0, uptake=0.5, vacancy_factor=1.0, retention=0.6, quality=0.5,
                capability=0.6, rd_scale=1.0, expert_quality=1.0, payback_years=3.0, payout=1.0,
                apprentice_cost_cut=0.0, governance_cut=0.0, credit_room=1e9)
    base.update(kw)
    return TieContext(**{k: np.full(n, float(v)) for k, v in base.items()})


@pytest.fixture
def terms():
    """Default terms with capacity binding (each tie takes its 4 students), so the payoff
    tests below see fixed quantities; the intake tests use :func:`chosen` terms."""
    return binding(PayoffTerms.from_scenario(load_scenario()))


@pytest.fixture
def chosen():
    """Default terms: the firm chooses its intake against the supervision cost."""
    return PayoffTerms.from_scenario(load_scenario())


def binding(t):
    """Terms under which supervision costs nothing, so every tie takes its full capacity."""
    return replace(t, supervision_cost=1e-9)


def test_rung_names_and_order():
    assert RUNGS == ("internship", "expert_exchange", "joint_training", "joint_rd")


def test_horizon_factor():
    assert horizon_factor(0.5, 2.0) == pytest.approx(0.75)
    assert horizon_factor(3.0, 2.0) == 0.0
    assert np.allclose(horizon_factor(1.0, np.array([1.0, 4.0])), [0.0, 0.75])


def test_apprentice_net_cost_follows_bibb(terms):
    # a share of the gross cost is recovered by the apprentice's work (BIBB 2007: 76%)
    t = replace(terms, productive_recovery=0.76)
    assert apprentice_net_cost(t) == pytest.approx(t.apprentice_gross_cost * 0.24)
    assert apprentice_net_cost(t, 0.1) == pytest.approx(t.apprentice_gross_cost * 0.14)
    # a more productive apprentice recovers more; the shared bases' saving stays the same
    g = t.apprentice_gross_cost
    assert apprentice_net_cost(t, 0.0, 1.2) == pytest.approx(g * (1 - 0.76 * 1.2))
    assert apprentice_net_cost(t, 0.1, 1.2) == pytest.approx(g * (1 - 0.76 * 1.2) - 0.1 * g)


def test_intern_net_cost_is_gross_cost_not_recovered(terms):
    t = replace(terms, intern_gross_cost=20.0, intern_recovery=1.05)
    assert intern_net_cost(t) == pytest.approx(-1.0)  # the average intern pays for themselves
    assert intern_net_cost(t, 0.5) == pytest.approx(20.0 * (1 - 0.525))  # a poor year loses
    assert np.allclose(intern_net_cost(t, np.array([1.0, 2.0])), [-1.0, 20.0 * (1 - 2.1)])


def test_realised_productivity_moves_the_cash_flow_not_the_decision(terms):
    c = ctx()
    n = np.array([3.0])
    mean = cash_flow(lad(JOINT_TRAINING), n, n, c, terms, 1.0)
    assert cash_flow(lad(JOINT_TRAINING), n, n, c, terms, 1.0, productivity=1.0) == mean
    better = cash_flow(lad(JOINT_TRAINING), n, n, c, terms, 1.0, productivity=1.5)
    gain = 3.0 * 0.5 * (terms.intern_gross_cost * terms.intern_recovery
                        + terms.apprentice_gross_cost * terms.productive_recovery)
    assert better - mean == pytest.approx(gain)


def test_placements_split_interns_and_apprentices(terms):
    good = ctx(quality=1.0, retention=1.0)  # students worth taking: capacity binds
    i0, a0 = placements(lad(0), good, binding(terms))
    i2, a2 = placements(lad(JOINT_TRAINING), good, binding(terms))
    assert (i0, a0) == (4.0, 0.0)
    # apprentice places on their own margin: the intern places stay; of the 4 apprentice
    # places the uptake (0.5) is taken
    assert (i2, a2) == (4.0, 2.0)
    only = placements(bit(JOINT_TRAINING), good, binding(terms))
    assert (only[0], only[1]) == (0.0, 2.0)


def test_intern_subsidy_lowers_net_cost_of_intern_one_for_one(terms):
    c, terms = ctx(), binding(terms)  # capacity binds: the same 4 interns either way
    base = enterprise_payoff(lad(0), c, terms)
    more = enterprise_payoff(lad(0), c, replace(terms, intern_subsidy=terms.intern_subsidy + 2.0))
    assert more - base == pytest.approx(2.0 * 4.0)  # 2 thousand x 4 interns


def test_tax_credit_only_pays_certified_rungs_on_the_firms_own_investment(terms):
    c = ctx(quality=1.0, retention=1.0)  # students worth taking: capacity binds at both
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
    # BIBB's 76% recovery: an apprentice's net cost above the credit its certification brings
    # on the tie's other investment (expert exchange), whatever the calibrated default
    t = replace(terms, tax_credit=0.5, intern_subsidy=0.0, productive_recovery=0.76)
    # the same tie with and without its two apprentices: each costs more than its credit
    with_app = cash_flow(lad(JOINT_TRAINING), np.array([2.0]), np.array([2.0]), c, t, 1.0)
    without = cash_flow(lad(JOINT_TRAINING), np.array([2.0]), np.array([0.0]), c, t, 1.0)
    assert with_app < without
    # and a firm whose students are worth nothing (no work recovered, none kept) takes none
    worthless = replace(t, supervision_cost=10.0, intern_recovery=0.0, productive_recovery=0.0)
    assert intake_by_type(lad(JOINT_TRAINING), c, worthless) == (0.0, 0.0)


def test_tax_credit_is_capped_by_the_surcharge_room(terms):
    t = replace(terms, tax_credit=0.5)
    good = dict(quality=1.0, retention=1.0)  # the same students either way
    capped = policy_payments(lad(JOINT_RD), ctx(credit_room=7.0, **good), t)
    free = policy_payments(lad(JOINT_RD), ctx(credit_room=0.0, **good), t)
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
    # A base takes over trainers and equipment, a share of the gross cost: it saves the same
    # per apprentice-year where apprenticeship is a net cost (BIBB's 76% recovered) and where
    # the apprentice's work more than pays for it (recovery 1.03, the calibrated defaults').
    for recovery in (0.76, 1.03):
        t = replace(terms, productive_recovery=recovery)
        saved = apprentice_net_cost(t) - apprentice_net_cost(t, 0.2)
        assert saved == pytest.approx(0.2 * t.apprentice_gross_cost) and saved > 0
        assert enterprise_payoff(lad(2), ctx(apprentice_cost_cut=0.2), t) > (
            enterprise_payoff(lad(2), ctx(), t))
    assert enterprise_payoff(lad(1), ctx(governance_cut=1.0), terms) == pytest.approx(
        enterprise_payoff(lad(1), ctx(), terms) + terms.governance_cost)


def test_payout_scales_policy_payments(terms):
    good = dict(quality=1.0, retention=1.0)  # capacity binds at both payouts
    full = policy_payments(lad(2), ctx(**good), terms)
    half = policy_payments(lad(2), ctx(payout=0.5, **good), terms)
    assert half == pytest.approx(full / 2)
    no_policy = enterprise_payoff(lad(2), ctx(**good), terms, with_policy=False)
    assert enterprise_payoff(lad(2), ctx(**good), terms) - no_policy == pytest.approx(full)


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


# ------------------------------------------------------------- firms choose quantities
def test_intake_is_capacity_times_value_over_supervision_cost(chosen):
    c = ctx(capacity=10.0)
    v_int, _ = student_values(lad(0), c, chosen)
    assert 0 < v_int[0] < chosen.supervision_cost  # interior at the defaults
    n, none = intake_by_type(lad(0), c, chosen)
    assert n == pytest.approx(10.0 * v_int / chosen.supervision_cost) and none == 0.0
    # the marginal payoff of the chosen intake is zero: one student more or less pays less

    def payoff(k):
        return (recruit_value(k, 0.0 * k, lad(0), c, chosen)
                + cash_flow(lad(0), k, 0.0 * k, c, chosen, c.payout))

    assert payoff(n) >= payoff(n + 0.5) and payoff(n) >= payoff(n - 0.5)


def test_higher_intern_subsidy_means_more_interns_per_host(chosen):
    c = ctx(capacity=10.0)
    # supervision twice as dear keeps the intake interior at every subsidy below (at the
    # calibrated defaults a host's 10 places fill from CNY 2 thousand of subsidy)
    t = replace(chosen, supervision_cost=2.0 * chosen.supervision_cost)
    takes = [intake_by_type(lad(0), c, replace(t, intern_subsidy=x))[0][0]
             for x in (0, 1, 2, 4)]
    assert takes[-1] < 10.0 and np.all(np.diff(takes) > 0)
    # each CNY thousand of subsidy adds capacity / supervision cost students (interior)
    assert takes[1] - takes[0] == pytest.approx(10.0 / t.supervision_cost)


def test_capacity_binds_and_worthless_students_are_not_taken(chosen):
    c = ctx(capacity=3.0)
    rich = replace(chosen, intern_subsidy=1e3)
    assert intake_by_type(lad(0), c, rich)[0] == pytest.approx(3.0)  # never above capacity
    assert intake_by_type(lad(JOINT_TRAINING), c, rich)[1] == pytest.approx(3.0)
    poor = replace(chosen, intern_gross_cost=1e3, intern_recovery=0.0)
    assert intake_by_type(lad(0), c, poor)[0] == 0.0
    assert intake_by_type(0, c, chosen) == (0.0, 0.0)  # no student places, no students
    assert intake_by_type(lad(0), ctx(capacity=0.0), chosen)[0] == 0.0


def test_each_programme_is_chosen_on_its_own_margin(chosen):
    """Adding apprenticeship places leaves the internship places unchanged, and apprentice
    places follow the apprentice's own value (capacity x v_A / supervision cost)."""
    c = ctx(capacity=10.0, quality=0.3, retention=0.3)
    # no cheap-labour loss of quality; apprentices a net cost (BIBB's 76% recovered), so a
    # dearer apprentice is a costlier one
    chosen = replace(chosen, credit_conversion=0.0, productive_recovery=0.76)
    interns_only, _ = intake_by_type(lad(EXPERT_EXCHANGE), c, chosen)
    both = intake_by_type(lad(JOINT_TRAINING), c, chosen)
    assert both[0] == pytest.approx(interns_only)
    _, v_app = student_values(lad(JOINT_TRAINING), c, chosen)
    assert 0.0 < both[1][0] < 10.0  # interior
    assert both[1] == pytest.approx(10.0 * v_app / chosen.supervision_cost)
    # a costlier apprentice: fewer apprentice places, the same intern places
    dear = intake_by_type(lad(JOINT_TRAINING), c, replace(chosen, apprentice_gross_cost=
                                                          chosen.apprentice_gross_cost + 30))
    assert dear[0] == pytest.approx(both[0]) and dear[1] < both[1]
    # places students can take: intern places plus the apprentice places they accept
    assert offered_places(both[0], both[1], 0.5) == pytest.approx(both[0] + 0.5 * both[1])


def test_supervision_cost_is_convex_and_reaches_its_marginal_value_at_capacity(chosen):
    c = ctx(capacity=4.0)
    zero = np.array([0.0])
    cost = [supervision_cost(np.array([k]), zero, c, chosen)[0] for k in (0.0, 1.0, 2.0, 4.0)]
    assert cost[0] == 0 and cost[2] == pytest.approx(4 * cost[1])
    eps = 1e-6
    marginal = (supervision_cost(np.array([4.0]), zero, c, chosen)
                - supervision_cost(np.array([4.0 - eps]), zero, c, chosen)) / eps
    assert marginal[0] == pytest.approx(chosen.supervision_cost, rel=1e-4)
    # each programme has its own mentors: the costs add, they do not compound
    two = np.array([2.0])
    assert supervision_cost(two, two, c, chosen) == pytest.approx(2 * cost[2])


def test_apprenticeship_places_without_apprentices_earn_no_credit(terms):
    """Certification needs apprentices actually trained, not only the activity held."""
    t = replace(terms, tax_credit=0.5)
    c = ctx()
    none = qualifying_investment(lad(JOINT_RD), np.array([0.0]), c, t, 1.0)
    some = qualifying_investment(lad(JOINT_RD), np.array([2.0]), c, t, 1.0)
    assert none == 0.0 and some > 2.0 * apprentice_net_cost(t)
    assert tax_credit(lad(JOINT_RD), np.array([0.0]), c, t, 1.0) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_the_portfolio_grid_gives_every_portfolios_payoff_to_the_last_bit(chosen, seed):
    """enterprise_payoff over PORTFOLIO_GRID (each term over the activities it depends on)
    equals it over the array of the 32 portfolios, bit for bit, with and without policy;
    holds and n_deep on the grid lay out as on that array."""
    rng = np.random.default_rng(seed)
    n = 57
    c = TieContext(capacity=rng.uniform(0, 8, n) * (rng.random(n) > 0.1),
                   fill=rng.random(n), uptake=rng.random(n), vacancy_factor=rng.random(n),
                   retention=rng.random(n), quality=rng.random(n), capability=rng.random(n),
                   rd_scale=rng.uniform(0, 3, n), expert_quality=rng.uniform(0, 2, n),
                   payback_years=rng.uniform(0.5, 8, n), payout=rng.random(n),
                   apprentice_cost_cut=0.3 * rng.random(n), governance_cut=rng.random(n),
                   credit_room=rng.uniform(0, 50, n) * (rng.random(n) > 0.2))
    wide = TieContext(**{f: getattr(c, f)[:, None] for f in c.__dataclass_fields__})
    every = np.arange(32)[None, :]
    for policy in (True, False):
        want = enterprise_payoff(every, wide, chosen, with_policy=policy)
        got = PORTFOLIO_GRID.as_portfolios(
            enterprise_payoff(PORTFOLIO_GRID, c, chosen, with_policy=policy), n)
        assert got.shape == want.shape == (n, 32)
        assert np.array_equal(got, want)
    for a in range(5):
        laid = PORTFOLIO_GRID.as_portfolios(holds(PORTFOLIO_GRID, a), 1)[0]
        assert np.array_equal(laid, holds(np.arange(32), a))
    assert np.array_equal(PORTFOLIO_GRID.as_portfolios(n_deep(PORTFOLIO_GRID), 1)[0],
                          n_deep(np.arange(32)))
