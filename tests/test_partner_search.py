"""Partner search over (city, sector) cells: the contact distribution of the pass over every
firm, and year-10 outputs within declared margins of that version."""

import json
import math

import numpy as np
import pytest
from partner_search_reference import OUTPUTS, REFERENCE, SEEDS, year10
from scipy import stats

from sim.model import CooperationModel
from sim.params import load_scenario
from sim.partner_search import exact_weights, firm_cells, search_partners

MARGIN_STANDARD_ERRORS = 4.0
"""Declared margin: a year-10 mean over the 20 seeds may move by at most this many standard
errors of the difference of two 20-seed means (a new draw of the contacts stream is a new
replicate, not a new behaviour)."""


@pytest.fixture(scope="module")
def model():
    return CooperationModel(load_scenario("status_quo"), seed=1)


def draw_many(m, counts, partners, n, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        out.append(search_partners(m, counts, partners, rng))
    return out


def test_single_contacts_follow_the_exact_weights_without_partners(model):
    m = model
    counts = np.zeros(m.colleges.n, dtype=int)
    counts[1] = 1
    partners = m.ties.partners_by_college(m.colleges.n)
    hits = np.zeros(m.firms.n)
    for cols, firms, reals in draw_many(m, counts, partners, 8_000):
        assert cols.tolist() == [1]
        assert m.firms.agent_of(reals).tolist() == firms.tolist()
        assert not np.isin(reals, partners[1]).any()  # never a partner
        hits[firms] += 1
    w = exact_weights(m, 1, partners[1])
    assert hits[w == 0].sum() == 0  # never an ineligible sector
    p = w[w > 0] / w.sum()
    chi2 = ((hits[w > 0] - hits.sum() * p) ** 2 / (hits.sum() * p)).sum()
    assert stats.chi2.sf(chi2, p.size - 1) > 1e-4


def test_a_contact_is_with_one_real_firm_drawn_uniformly_among_the_members(model):
    m = model
    counts = np.zeros(m.colleges.n, dtype=int)
    counts[0] = 6
    partners = [np.zeros(0, dtype=np.int64)] * m.colleges.n
    big = int(np.argmax(exact_weights(m, 0, np.zeros(0, dtype=np.int64))))  # most visible
    member_hits = np.zeros(int(m.firms.members[big]))
    for _, firms, reals in draw_many(m, counts, partners, 3_000, seed=2):
        mine = reals[firms == big] - m.firms.first_real[big]
        assert ((mine >= 0) & (mine < m.firms.members[big])).all()
        np.add.at(member_hits, mine, 1)
    assert member_hits.sum() > 200
    expected = member_hits.sum() / member_hits.size
    chi2 = ((member_hits - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, member_hits.size - 1) > 1e-4


def test_several_contacts_are_independent_draws_from_the_exact_weights(model):
    """Contacts are events of a Poisson process: the k contacts of a step are independent
    draws (a firm may be drawn twice), as they would be if the step were cut into k steps."""
    m = model
    counts = np.zeros(m.colleges.n, dtype=int)
    counts[[0, 2]] = 4
    partners = m.ties.partners_by_college(m.colleges.n)
    mine = np.zeros(m.firms.n)
    repeats = 0
    for cols, firms, reals in draw_many(m, counts, partners, 4_000, seed=1):
        assert cols.tolist() == [0] * 4 + [2] * 4
        assert not np.isin(reals[:4], partners[0]).any()
        repeats += len(set(firms[:4].tolist())) < 4
        np.add.at(mine, firms[:4], 1)
    w = exact_weights(m, 0, partners[0])
    p = w / w.sum()
    # Independent draws: expected repeats of an agent within a step as for four draws with
    # replacement.
    expected_repeats = 4_000 * (1.0 - np.prod([1.0 - k * (p ** 2).sum() for k in range(4)]))
    assert repeats > 0.5 * expected_repeats > 0
    keep = p > 0
    expected = 4 * 4_000 * p[keep]
    chi2 = ((mine[keep] - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-4
    assert mine[~keep].sum() == 0


def test_a_college_with_almost_every_firm_as_partner_still_finds_the_rest():
    scn = load_scenario("status_quo").with_overrides({"enterprise_scale": 2.0})
    m = CooperationModel(scn, seed=1)
    w = exact_weights(m, 0, np.zeros(0, dtype=np.int64))
    reachable = np.flatnonzero(w > 0)
    reals = np.concatenate([m.firms.first_real[a] + np.arange(m.firms.members[a])
                            for a in reachable])
    left = reals[:3]
    partners = [np.zeros(0, dtype=np.int64)] * m.colleges.n
    partners[0] = reals[3:]  # all but three reachable real firms already partners
    counts = np.zeros(m.colleges.n, dtype=int)
    counts[0] = 5
    cols, firms, got = search_partners(m, counts, partners, np.random.default_rng(3))
    assert got.size == 5 and set(got.tolist()) <= set(left.tolist())  # never a partner


def test_cells_hold_every_firm_once_with_their_visibility():
    city = np.array([2, 0, 2, 1, 0])
    sector = np.array([1, 1, 1, 0, 1])
    vis = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    cells = firm_cells(city, sector, vis, n_cities=3)
    assert sorted(cells.order.tolist()) == list(range(5))
    n_sec = cells.visibility.size // 3
    assert cells.visibility[0 * n_sec + 1] == 7.0  # city 0, sector 1: firms 1 and 4
    assert cells.visibility[2 * n_sec + 1] == 4.0
    assert cells.visibility.sum() == vis.sum()
    assert np.all(np.diff(cells.position_cdf) > 0)


@pytest.mark.slow
def test_year10_outputs_stay_within_declared_margins_of_the_previous_version():
    ref = json.loads(REFERENCE.read_text())["values"]
    new = {str(s): year10(s) for s in SEEDS}
    moved = {}
    for k in OUTPUTS:
        a = np.array([ref[str(s)][k] for s in SEEDS])
        b = np.array([new[str(s)][k] for s in SEEDS])
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        if abs(b.mean() - a.mean()) > MARGIN_STANDARD_ERRORS * se + 1e-12:
            moved[k] = (a.mean(), b.mean(), se)
    assert not moved, f"year-10 means moved beyond the declared margin: {moved}"


def test_first_batch_at_once_equals_the_batch_by_batch_search(monkeypatch):
    """search_partners takes every college's first batch at once; forced through the batch
    loop instead, the same draws give exactly the same contacts (and leave the stream in the
    same state)."""
    import sim.partner_search as ps

    m = CooperationModel(load_scenario("status_quo"), seed=5)
    m.run(3)
    partners = m.ties.partners_by_college(m.colleges.n)
    loop_only = ps.first_batch

    def all_short(*args):
        taken, _ = loop_only(*args)
        return taken, np.arange(args[1].size)

    served_at_once = []

    def recorded(*args):
        taken, short = loop_only(*args)
        served_at_once.append(short.size == 0)
        return taken, short

    for seed, mean in enumerate([1, 3, 7, 20, 60]):
        counts = np.random.default_rng(seed).poisson(mean, m.colleges.n)
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        with monkeypatch.context() as patch:
            patch.setattr(ps, "first_batch", recorded)
            fast = search_partners(m, counts, partners, a)
            patch.setattr(ps, "first_batch", all_short)
            slow = search_partners(m, counts, partners, b)
        for x, y in zip(fast, slow, strict=True):
            np.testing.assert_array_equal(x, y)
        assert a.random() == b.random()
    assert sum(served_at_once) >= 3  # the comparison covers the at-once path
