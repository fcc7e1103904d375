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


def test_placements_are_real_counts_within_each_ties_places():
    from sim.labour import final_year, place_students
    from sim.ladder import INTERNSHIP, holds
    from sim.sectors import N_SECTORS
    from sim.ties import hosts_students, uptake

    m = CooperationModel(load_scenario("status_quo"), seed=5)
    place_students(m)
    pl, s = m.placements, m.students
    assert pl.count.size > 0
    np.testing.assert_allclose(pl.count, np.round(pl.count))  # whole students (scale 20)
    hosted = np.bincount(pl.tie, weights=pl.count, minlength=m.ties.college.size)
    rows = m.ties.active_rows()
    # Ties without student places (only R&D, service or exchange) host nobody; a tie with
    # apprenticeship but no internship places offers only its apprentice places.
    port = m.ties.activities[rows]
    assert (hosted[rows[~hosts_students(port)]] == 0).all()
    rows = rows[hosts_students(port)]
    only_app = ~holds(m.ties.activities[rows], INTERNSHIP)
    places = m.ties.places[rows] * np.where(only_app, uptake(m), 1.0)
    assert (hosted[rows] <= np.ceil(places) + 1e-9).all()
    # Nobody is placed twice: a cell places at most the real students it has.
    final = final_year(m)
    cell_students = np.bincount(s.college[final] * N_SECTORS + s.sector[final],
                                minlength=m.colleges.n * N_SECTORS) * 20.0
    cell_placed = np.bincount(s.college[pl.slot] * N_SECTORS + s.sector[pl.slot],
                              weights=pl.count, minlength=m.colleges.n * N_SECTORS)
    assert (cell_placed <= cell_students + 1e-9).all()
    # Students outnumber places here, so every tie fills its whole places.
    full = np.floor(places)
    assert (hosted[rows] >= full - 1e-9).all()
    assert m.placed_real == pytest.approx(pl.count.sum())


def test_placement_rate_does_not_depend_on_the_super_individual_size():
    from sim.labour import final_year, place_students

    rates = []
    for scale in (1.0, 20.0, 200.0):
        scn = load_scenario("status_quo", {"world.student_scale": scale,
                                           "world.students_per_college": int(10800 / scale)})
        m = CooperationModel(scn, seed=5)
        place_students(m)
        rates.append(m.placed_real / (final_year(m).size * scale))
    assert max(rates) - min(rates) < 0.15 * np.mean(rates), rates


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


def test_host_ledger_is_the_realised_exchange():
    """Each host tie's ledger: realised value of the recruits kept plus the cash flow the
    students made; a tie that kept none of its interns loses their cost."""
    from sim.labour import final_year
    from sim.ladder import cash_flow

    m = CooperationModel(load_scenario("status_quo"), seed=4)
    m.run(years=1)
    h = m.host_ledger
    assert h.tie.size > 0 and (h.interns + h.apprentices > 0).all()
    firms, net = h.per_firm(apprentices=False)
    assert firms.size == np.unique(h.firm[h.interns > 0]).size
    assert net.sum() == pytest.approx(h.intern_net[h.interns > 0].sum())
    # Interns' cash flow alone (no recruit kept) is a loss: cost and supervision > subsidy.
    ctx = m.tie_context(m.ties.college[h.tie], m.ties.firm[h.tie])
    only = cash_flow(1, h.interns, 0.0 * h.interns, ctx, m.terms, m.ledger.last_payout)
    assert (only[h.interns > 0] < 0).all()
    # Some host firms gain, some lose: retention is random ex post.
    assert (net < 0).any() and (net > 0).any()
    assert final_year(m).size > 0
