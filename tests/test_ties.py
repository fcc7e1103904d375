"""Tie decisions (sim/ties.py): trust from experience."""

import pytest

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
