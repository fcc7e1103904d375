"""The labour market of students (sim/labour.py): majors, enrolment, graduation."""

import numpy as np
import pytest

from sim.labour import adjust_majors
from sim.learning import teaching_quality
from sim.model import CooperationModel
from sim.params import load_scenario


def test_teaching_quality_is_recomputed_after_majors_move_teachers():
    scn = load_scenario("status_quo", {"policy.major_adjustment_rate": 0.5,
                                       "behaviour.major_exit_share": 0.2})
    m = CooperationModel(scn, seed=3)
    m.run(years=1)
    before = teaching_quality(m)
    sectors = m.teachers.sector.copy()
    adjust_majors(m)
    assert (m.teachers.sector != sectors).any(), "the set-up must move some teachers"
    after = teaching_quality(m)
    m.quality_cache = None
    fresh = teaching_quality(m)
    assert not np.allclose(before["practice"], fresh["practice"])
    for key in fresh:
        np.testing.assert_array_equal(after[key], fresh[key])


def test_placements_are_real_counts_within_each_ties_places(monkeypatch):
    import sim.labour as labour
    from sim.labour import final_year, place_students
    from sim.sectors import N_SECTORS
    from sim.ties import hosts_students, uptake

    chosen = {}
    original = labour.intake_by_type

    def spy(*args, **kw):
        chosen["places"] = original(*args, **kw)  # the intern and apprentice places offered
        return chosen["places"]

    monkeypatch.setattr(labour, "intake_by_type", spy)
    m = CooperationModel(load_scenario("status_quo"), seed=5).run(2)  # some apprenticeship
    place_students(m)  # the third year's season
    pl, s = m.placements, m.students
    assert pl.count.size > 0
    np.testing.assert_allclose(pl.count, np.round(pl.count))  # whole students (scale 20)
    n_rows = m.ties.college.size
    interns, apprentices = pl.per_tie(n_rows, False), pl.per_tie(n_rows, True)
    rows = m.ties.active_rows()
    # Ties without student places (only R&D, service or exchange) host nobody.
    port = m.ties.activities[rows]
    assert (interns[rows[~hosts_students(port)]] + apprentices[rows[~hosts_students(port)]]
            == 0).all()
    rows = rows[hosts_students(port)]
    # Each kind within its own places: intern places, and the apprentice places students
    # accept (uptake); the tie's places are their sum.
    n_int, n_app = chosen["places"]
    app_places = uptake(m) * n_app
    assert np.allclose(m.ties.places[rows], n_int + app_places)
    assert (interns[rows] <= np.ceil(n_int) + 1e-9).all()
    assert (apprentices[rows] <= np.ceil(app_places) + 1e-9).all()
    assert apprentices.sum() > 0 and interns.sum() > 0
    # Nobody is placed twice: a cell places at most the real students it has.
    final = final_year(m)
    cell_students = np.bincount(s.college[final] * N_SECTORS + s.sector[final],
                                minlength=m.colleges.n * N_SECTORS) * 20.0
    cell_placed = np.bincount(s.college[pl.slot] * N_SECTORS + s.sector[pl.slot],
                              weights=pl.count, minlength=m.colleges.n * N_SECTORS)
    assert (cell_placed <= cell_students + 1e-9).all()
    # Places are filled while a cell has students: each cell places the smaller of its real
    # students and its ties' whole places (at least).
    cell_of_row = m.ties.college[rows] * N_SECTORS + m.firms.sector[m.ties.firm[rows]]
    whole = np.bincount(cell_of_row, weights=np.floor(n_int) + np.floor(app_places),
                        minlength=m.colleges.n * N_SECTORS)
    assert (cell_placed >= np.minimum(cell_students, whole) - 1e-9).all()
    assert m.placed_real == pytest.approx(pl.count.sum())


def test_placement_rate_does_not_depend_on_the_super_individual_size():
    """Same real cohort (10,800 students a college) as 10,800, 540 or 54 agents.

    One seed's rate can differ by more than its noise at the coarsest scale (majors are drawn
    agent by agent, so a college's cells hold multiples of 200 real students: seed 5 gives
    0.333 at scale 1 and 0.281 at 200). Over eight paired seeds the mean rates agree within
    a small fraction of the replicate spread (measured 0.226, 0.225, 0.213; replicate sd
    0.055), and scales 1 and 20 agree seed by seed.
    """
    from sim.labour import final_year, place_students

    r = {}
    for scale in (1.0, 20.0, 200.0):
        scn = load_scenario("status_quo", {"world.student_scale": scale,
                                           "world.students_per_college": int(10800 / scale)})
        rates = []
        for seed in range(8):
            m = CooperationModel(scn, seed=seed)
            place_students(m)
            rates.append(m.placed_real / (final_year(m).size * scale))
        r[scale] = np.array(rates)
    spread = r[1.0].std(ddof=1)
    assert spread > 0.02, spread
    for scale in (20.0, 200.0):
        assert abs(r[scale].mean() - r[1.0].mean()) < 0.3 * spread, (scale, r[scale], r[1.0])
    assert np.abs(r[20.0] - r[1.0]).max() < 0.05 * r[1.0].mean(), (r[20.0], r[1.0])


def test_firms_choose_more_interns_when_each_is_worth_more():
    """A higher per-intern subsidy raises the places each host tie chooses (same world)."""
    from sim.labour import place_students

    takes = []
    for subsidy in (0.0, 2.0, 4.0):
        m = CooperationModel(load_scenario("status_quo"), seed=5)
        m.set_levers({"intern_subsidy": subsidy})  # after the world is built: same ties
        place_students(m)
        rows = m.ties.active_rows()
        takes.append(m.ties.places[rows].sum())
        # never above the tie's share of its firm's supervision capacity
        ctx = m.tie_context(m.ties.college[rows], m.ties.firm[rows], reals=m.ties.real[rows])
        assert (m.ties.places[rows] <= ctx.capacity + 1e-9).all()
    assert takes[0] < takes[1] < takes[2], takes


def test_host_ledger_is_the_realised_short_term_exchange(monkeypatch):
    """Each host tie's ledger: the cash flow its interns (apprentices) made at their realised
    productivity (what the surveys measured); recruits kept are recorded apart."""
    import sim.labour as labour
    from sim.labour import final_year
    from sim.ladder import cash_flow

    seen = {}
    original = labour.host_ledger

    def spy(m, hosted, n_int, n_app, ctx, value):
        seen["ctx"] = ctx  # the context at graduation, before ties end in the year's reviews
        return original(m, hosted, n_int, n_app, ctx, value)

    monkeypatch.setattr(labour, "host_ledger", spy)
    m = CooperationModel(load_scenario("status_quo"), seed=4)
    m.run(years=1)
    h = m.host_ledger
    assert h.tie.size > 0 and (h.interns + h.apprentices > 0).all()
    firms, net, students = h.per_firm(apprentices=False)
    assert firms.size == np.unique(h.firm[h.interns > 0]).size
    assert net.sum() == pytest.approx(h.intern_net[h.interns > 0].sum())
    assert students.sum() == pytest.approx(h.interns.sum())
    # The interns' net is the difference they make to the tie's cash flow, at the tie's
    # realised productivity of the year.
    ctx = seen["ctx"]
    from sim.ladder import JOINT_TRAINING, bit

    port = m.ties.activities[h.tie] | np.where(h.apprentices > 0, bit(JOINT_TRAINING), 0)
    paid = m.ledger.last_payout
    prod = m.ties.productivity[h.tie]
    full = cash_flow(port, h.interns, h.apprentices, ctx, m.terms, paid,
                     certified=h.apprentices > 0, productivity=prod)
    without = cash_flow(port, 0.0 * h.interns, h.apprentices, ctx, m.terms, paid,
                        certified=h.apprentices > 0, productivity=prod)
    assert np.allclose(h.intern_net, full - without)
    # Some host firms gain, some lose: productivity differs between hosts and years.
    assert (net < 0).any() and (net > 0).any()
    # Recruits kept are recorded apart, never negative.
    assert (h.intern_kept >= 0).all() and (h.apprentice_kept >= 0).all()
    assert h.intern_kept.sum() > 0
    assert final_year(m).size > 0


def test_trainee_productivity_is_drawn_for_hosting_ties_only():
    """Mean 1 over hosting ties, exactly 1 where no place is offered; decisions (the first
    season's places) do not depend on its spread."""
    from sim.labour import place_students

    base = load_scenario("status_quo")
    runs = {}
    for spread in (0.0, 0.6):
        m = CooperationModel(base.with_overrides({"trainee_productivity_spread": spread}), seed=2)
        place_students(m)
        runs[spread] = m
    a, b = runs[0.0].ties, runs[0.6].ties
    assert np.array_equal(a.places[:a.n], b.places[:b.n])
    assert (a.productivity[:a.n] == 1.0).all()
    hosting = b.places[:b.n] > 0
    assert hosting.sum() > 50 and (b.productivity[:b.n][~hosting] == 1.0).all()
    draws = b.productivity[:b.n][hosting]
    assert draws.std() > 0.3
    assert abs(np.log(draws).mean() + 0.18) < 4 * 0.6 / np.sqrt(draws.size)  # -sigma^2/2


def test_kept_placement_totals_equal_fresh_ones_and_are_read_only():
    """Placements keep their per-tie and per-slot totals (read every step): the same numbers
    as counted afresh, and no caller can change them in place."""
    from sim.labour import Placements

    rng = np.random.default_rng(3)
    pl = Placements(slot=rng.integers(0, 50, 400), tie=rng.integers(0, 30, 400),
                    apprentice=rng.random(400) < 0.3, count=rng.integers(1, 5, 400) * 20.0)
    for kind in (False, True):
        sel = pl.apprentice == kind
        assert np.array_equal(pl.per_tie(32, kind), np.bincount(
            pl.tie[sel], weights=pl.count[sel], minlength=32))
        assert np.array_equal(pl.per_slot_as(60, kind), pl.per_slot(60, sel))
        assert pl.per_tie(32, kind) is pl.per_tie(32, kind)
        assert pl.per_tie(40, kind).size == 40  # more tie rows since: counted for them
        with pytest.raises(ValueError):
            pl.per_slot_as(60, kind)[0] = 1.0
