"""Tie decisions (sim/ties.py): trust from experience, cooperation as a portfolio."""

import numpy as np
import pytest

from sim.ladder import JOINT_RD, JOINT_TRAINING, TECH_SERVICE, bit, holds
from sim.model import CooperationModel
from sim.params import load_scenario
from sim.ties import update_trust


@pytest.fixture()
def model():
    scn = load_scenario("status_quo", {"policy.industry_professor_quota": 0.0})
    return CooperationModel(scn, seed=2)


def _set(m, rows, trust, net, expected, exchanged):
    m.ties.trust[rows] = trust
    m.ties.net[rows] = net
    m.ties.expected[rows] = expected
    m.ties.exchanged[rows] = exchanged


def test_idle_ties_decay_and_exchanges_that_meet_expectations_build_trust(model):
    m, b = model, model.params.behaviour
    rows = m.ties.active_rows()[:3]
    _set(m, rows, 0.4, [0.0, 50.0, 50.0], [0.0, 50.0, 40.0], [False, True, True])
    update_trust(m, rows)
    idle, met, beat = m.ties.trust[rows]
    assert idle == pytest.approx(0.4 * (1 - b.trust_decay))
    assert met == pytest.approx(0.4 + b.trust_gain * 0.6)
    assert beat == pytest.approx(met)  # better than expected: full gain, no more
    assert not m.ties.exchanged[rows].any() and (m.ties.net[rows] == 0).all()


def test_shortfalls_cost_trust_in_proportion_to_the_surprise(model):
    m, b = model, model.params.behaviour
    rows = m.ties.active_rows()[:3]
    scale = b.trust_value_scale
    # Realised falls short by 0.5 and by 1.0 (and more) of |expected| + scale.
    _set(m, rows, 0.4, [40.0 - 0.5 * (40 + scale), 40.0 - (40 + scale), -500.0], 40.0, True)
    update_trust(m, rows)
    half, full, worse = m.ties.trust[rows]
    expected_half = 0.4 + b.trust_gain * 0.6 * 0.5 - b.trust_shortfall_loss * 0.4 * 0.5
    assert half == pytest.approx(expected_half)
    assert full == pytest.approx(0.4 - b.trust_shortfall_loss * 0.4)
    assert worse == pytest.approx(full)  # the loss is bounded
    assert half > full


def test_trust_no_longer_grows_on_ties_without_exchange(monkeypatch):
    """Issue 9: idle ties gained trust in 96% of years; now they only decay."""
    import sim.labour
    from sim import ties

    seen = []

    def spy(m, rows):
        idle = rows[~m.ties.exchanged[rows]]
        before = m.ties.trust[idle].copy()
        ties.update_trust(m, rows)
        seen.append((before, m.ties.trust[idle].copy()))

    monkeypatch.setattr(sim.labour, "update_trust", spy)
    CooperationModel(load_scenario("status_quo"), seed=4).run(years=4)
    assert len(seen) == 4
    assert sum(b.size for b, _ in seen) > 0, "the run must have idle ties"
    for before, after in seen:
        assert (after < before + 1e-12).all()


# ------------------------------------------------------------ cooperation as a portfolio
def _run(overrides, years=2, seed=3, patch=None):
    scn = load_scenario("status_quo", {"run.years": years, **overrides})
    m = CooperationModel(scn, seed=seed)
    if patch is not None:
        patch(m)
    return m.run()


def _holding(m, activity):
    rows = m.ties.active_rows()
    return rows[holds(m.ties.activities[rows], activity)]


def test_capable_pairs_reach_rd_without_apprenticeship():
    """R&D needs capability and trust, not a past apprenticeship: a capable firm and college
    open a tie with R&D directly when R&D pays and the trust it needs is that of a new tie."""
    m = _run({"rd_trust_needed": 0.1, "initial_trust": 0.1, "rd_value": 5000.0}, years=1)
    rd = _holding(m, JOINT_RD)
    assert rd.size > 0
    no_training = rd[~holds(m.ties.activities[rd], JOINT_TRAINING)]
    assert no_training.size > 0
    direct = m.ties.activities[m.ties.active_rows()] == bit(JOINT_RD)
    assert direct.any()  # opened with R&D alone
    # Capable pairs (capability drifts with teaching after entry, so most, not all).
    ctx = m.tie_context(m.ties.college[rd], m.ties.firm[rd])
    assert np.mean(ctx.capability >= m.params.behaviour.rd_capability_threshold) > 0.8
    assert (m.ties.rung[rd] == JOINT_RD).all()  # the rung reporter: deepest activity


def test_rd_and_service_impossible_without_capability(monkeypatch):
    import sim.ties

    monkeypatch.setattr(sim.ties, "capability_match", lambda c, a: np.zeros(np.shape(a)))
    m = _run({"rd_trust_needed": 0.0, "service_trust_needed": 0.0, "rd_value": 5000.0,
              "service_value": 2000.0, "rd_capability_threshold": 0.01,
              "service_capability_threshold": 0.01}, years=2)
    assert _holding(m, JOINT_RD).size == 0
    assert _holding(m, TECH_SERVICE).size == 0
    assert m.ties.active_rows().size > 0


def _service_everywhere(m):
    rows = m.ties.active_rows()
    m.ties.set_activities(rows, m.ties.activities[rows] | bit(TECH_SERVICE))


def test_entering_and_leaving_follow_the_activitys_own_payoff():
    sharp = {"choice_intensity": 1.0, "service_trust_needed": 0.0,
             "service_capability_threshold": 0.0, "review_rate": 4.0}
    pays = _run({**sharp, "service_value": 2000.0, "service_fee": 10.0})
    loses = _run({**sharp, "service_value": 10.0, "service_fee": 1000.0})
    assert _holding(pays, TECH_SERVICE).size > 10
    assert _holding(loses, TECH_SERVICE).size == 0  # never entered at a sure loss
    # Ties made to hold service leave it when it loses money, keep it when it pays.
    kept = _run({**sharp, "service_value": 2000.0, "service_fee": 10.0},
                patch=_service_everywhere)
    left = _run({**sharp, "service_value": 10.0, "service_fee": 1000.0},
                patch=_service_everywhere)
    share_left = _holding(left, TECH_SERVICE).size / left.ties.active_rows().size
    assert share_left < 0.02  # a review at 4 a year leaves few ties unreviewed in 2 years
    share_kept = _holding(kept, TECH_SERVICE).size / kept.ties.active_rows().size
    assert share_kept > 0.5


def test_service_income_is_research_and_service_funding():
    """Technical-service fees flow into colleges' research and social-service funding."""
    base = {"service_trust_needed": 0.0, "service_capability_threshold": 0.0,
            "service_value": 2000.0, "service_fee": 1000.0, "choice_intensity": 1.0}
    m = _run(base, years=2)
    n_service = np.bincount(m.ties.college[_holding(m, TECH_SERVICE)],
                            minlength=m.colleges.n)
    assert n_service.sum() > 0
    assert (m.colleges.service_income[n_service > 0] > 0).all()
    none = _run({**base, "service_value": 10.0}, years=2)
    assert (m.colleges.research_funding().sum()
            > none.colleges.research_funding().sum() + 1.0)



def test_student_cells_read_within_a_step_equal_a_fresh_computation(monkeypatch):
    """The tie context's final-year student cells are cached within a step until a phase that
    moves students has run: every read, from the cache or not, equals a fresh computation."""
    import sim.ties as ties

    original = ties.student_cells
    reads = {"cached": 0, "computed": 0}

    def checked(m):
        before = getattr(m, "_student_cells", None)
        cells = original(m)
        after = m._student_cells
        reads["cached" if after is before else "computed"] += 1
        saved, m.phase_now = m.phase_now, None  # outside a step nothing is cached
        try:
            fresh = original(m)
        finally:
            m.phase_now, m._student_cells = saved, after
        for got, want in zip(cells, fresh, strict=True):
            np.testing.assert_array_equal(got, want)
        return cells

    monkeypatch.setattr(ties, "student_cells", checked)
    m = CooperationModel(load_scenario("classroom"), seed=3)
    m.run(2)
    assert reads["cached"] > 0 and reads["computed"] > 0


def test_hosting_ties_read_during_a_run_equal_a_fresh_grouping(monkeypatch):
    """Tie contexts read the hosting ties from a grouping kept until a tie or its places
    change (TieTable.version): every read, kept or not, equals a fresh grouping."""
    import sim.ties as ties

    original = ties.hosting_ties
    reads = {"kept": 0, "computed": 0}

    def checked(m):
        before = getattr(m, "_hosting_ties", None)
        host = original(m)
        reads["kept" if m._hosting_ties is before else "computed"] += 1
        saved, m._hosting_ties = m._hosting_ties, None
        try:
            fresh = original(m)
        finally:
            m._hosting_ties = saved
        for name in ("reals", "ties_of", "places_of", "slots_cell"):
            np.testing.assert_array_equal(getattr(host, name), getattr(fresh, name))
        return host

    monkeypatch.setattr(ties, "hosting_ties", checked)
    m = CooperationModel(load_scenario("classroom"), seed=4)
    m.run(2)
    assert reads["kept"] > 0 and reads["computed"] > 0


def test_pair_rows_follow_every_start_like_a_dictionary():
    """TieTable keeps the pairs that ever cooperated as sorted keys: rows_of and index_of give
    what a dictionary of (college, real firm) -> row gives, after new and returning pairs."""
    from sim.network import TieTable

    rng = np.random.default_rng(7)
    table, reference = TieTable(capacity=16), {}
    for _ in range(40):
        pairs = {(int(c), int(r)) for c, r in rng.integers(0, [6, 2**31], size=(12, 2))}
        pairs |= set(list(reference)[:3])  # pairs that cooperated before come back
        college = np.array([c for c, _ in pairs])
        real = np.array([r for _, r in pairs])
        rows = table.start_many(college, real % 50, real, 0.1, np.full(college.size, 1))
        for (c, r), row in zip(pairs, rows.tolist(), strict=True):
            assert reference.setdefault((c, r), len(reference)) == row
    keys = list(reference)
    got = table.rows_of(np.array([c for c, _ in keys]), np.array([r for _, r in keys]))
    assert got.tolist() == [reference[k] for k in keys]
    assert table.index_of(99, 5) is None and table.rows_of(np.array([99]), np.array([5]))[0] == -1
    assert table.n == len(reference)


@pytest.mark.parametrize("seed", range(3))
def test_totals_keyed_through_rows_are_total_by_key_to_the_last_bit(seed):
    """Placements summed per real firm through their tie rows: the same numbers as grouping
    every placement's real firm, repeats of a firm across rows included."""
    from sim.ties import total_by_key, total_by_row_key

    rng = np.random.default_rng(seed)
    key_of_row = rng.integers(0, 40, 300) * 99_991  # spread ids, many rows per firm
    rows = rng.integers(0, 300, 5000)
    values = rng.random(5000) * rng.integers(1, 30, 5000)
    keys = key_of_row[rows]
    assert np.array_equal(total_by_row_key(rows, key_of_row, values),
                          total_by_key(keys, values, keys))
    assert total_by_row_key(rows[:0], key_of_row, values[:0]).size == 0


def test_every_event_moves_every_portfolio_as_its_column_says():
    """Columns of activity_event_rates: enter a (5) | firm ends, firm leaves a (6) | college
    ends, college leaves a (6); a tie without an event keeps its portfolio."""
    from sim.ties import apply_event

    port, event = np.meshgrid(np.arange(32), np.arange(17), indexing="ij")
    port, event = port.ravel(), event.ravel()
    want = port.copy()
    for i, (p, e) in enumerate(zip(port.tolist(), event.tolist(), strict=True)):
        if e < 5:
            want[i] = p | (1 << e)
        elif e in (5, 11):
            want[i] = 0
        else:
            want[i] = p & ~(1 << (e - (6 if e < 11 else 12)))
    assert np.array_equal(apply_event(port, event, np.ones(port.size, bool)), want)
    assert np.array_equal(apply_event(port, event, np.zeros(port.size, bool)), port)
