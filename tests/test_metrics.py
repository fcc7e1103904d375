"""Breakdown reporters (sim.metrics.breakdown_reporters) against hand counts on a tiny world."""

import math

import numpy as np
import pytest

from sim import metrics
from sim.ladder import JOINT_RD, holds
from sim.model import CooperationModel
from sim.params import load_scenario
from sim.population import OWNERSHIPS, TIERS
from sim.sectors import SECTORS, SIZE_CLASSES


@pytest.fixture(scope="module")
def model():
    """The classroom world (4 colleges, 60 firms, 1 city) after two years."""
    scn = load_scenario("classroom").with_overrides({"run.years": 2})
    m = CooperationModel(scn, seed=11)
    m.run()
    assert m.ties.active_rows().size > 0
    return m


def _hand_counts(m, attribute):
    """Per category of ``attribute``: (real firms, real firms with a tie, joint-R&D ties), by
    loops over the agents and their ties (each tie is with one real firm of its agent)."""
    rows = [int(r) for r in m.ties.active_rows()]
    values = getattr(m.firms, attribute)
    if callable(values):
        values = values()
    out = {}
    for i in range(m.firms.n):
        c = int(values[i])
        firms, part, rd = out.get(c, (0, 0, 0))
        my = [r for r in rows if int(m.ties.firm[r]) == i]
        n_rd = sum(bool(holds(m.ties.activities[r], JOINT_RD)) for r in my)
        distinct = len({int(m.ties.real[r]) for r in my})
        out[c] = (firms + int(m.firms.members[i]), part + distinct, rd + n_rd)
    return out


@pytest.mark.parametrize("attribute,names", [
    ("ownership", OWNERSHIPS), ("sector", tuple(s.name for s in SECTORS)),
    ("size_class", SIZE_CLASSES)])
def test_enterprise_breakdowns_equal_a_hand_count(model, attribute, names):
    got = metrics.breakdown_reporters(model)
    counts = _hand_counts(model, attribute)
    for k, name in enumerate(names):
        firms, part, rd = counts.get(k, (0, 0, 0))
        share = got[f"enterprise_participation_{name}"]
        if firms == 0:
            assert math.isnan(share)
            continue
        assert share == pytest.approx(part / firms)
        if attribute != "size_class":
            assert got[f"rd_ties_per_100_firms_{name}"] == pytest.approx(100.0 * rd / firms)


def test_ownership_participation_of_a_set_world():
    """Ownership set by hand: the agent of one partner firm state-owned, the rest private."""
    scn = load_scenario("classroom").with_overrides({"run.years": 1})
    m = CooperationModel(scn, seed=5)
    m.run()
    rows = m.ties.active_rows()
    reals = np.unique(m.ties.real[rows])
    agents = m.firms.agent_of(reals)
    state = agents[0]
    m.firms.ownership = np.zeros(m.firms.n, dtype=np.int64)
    m.firms.ownership[state] = 1  # one state-owned agent, some of whose firms cooperate
    got = metrics.breakdown_reporters(m)
    n_state = int((agents == state).sum())
    assert got["enterprise_participation_state"] == pytest.approx(
        n_state / m.firms.members[state])
    assert got["enterprise_participation_private"] == pytest.approx(
        (reals.size - n_state) / (m.firms.n_real - m.firms.members[state]))
    assert math.isnan(got["enterprise_participation_foreign"])
    assert math.isnan(got["rd_ties_per_100_firms_foreign"])


def test_categories_average_back_to_the_headline_reporters(model):
    rec = metrics.collect(model)
    for attribute, names in (("ownership", OWNERSHIPS), ("sector", [s.name for s in SECTORS])):
        g = getattr(model.firms, attribute)
        sizes = np.bincount(g, weights=model.firms.members, minlength=len(names))
        part = sum(sizes[k] * rec[f"enterprise_participation_{c}"]
                   for k, c in enumerate(names) if sizes[k])
        rd = sum(sizes[k] * rec[f"rd_ties_per_100_firms_{c}"]
                 for k, c in enumerate(names) if sizes[k])
        assert part / model.firms.n_real == pytest.approx(rec["enterprise_participation"])
        assert rd / model.firms.n_real == pytest.approx(rec["joint_rd_per_100_firms"])


def test_tier_reporters_count_ties_per_college(model):
    got = metrics.breakdown_reporters(model)
    rows = [int(r) for r in model.ties.active_rows()]
    for k, tier in enumerate(TIERS):
        colleges = [c for c in range(model.colleges.n) if model.colleges.tier[c] == k]
        mine = [r for r in rows if model.colleges.tier[int(model.ties.college[r])] == k]
        n_rd = sum(bool(holds(model.ties.activities[r], JOINT_RD)) for r in mine)
        if not colleges:
            assert math.isnan(got[f"ties_per_college_{tier}"])
            continue
        assert got[f"ties_per_college_{tier}"] == pytest.approx(len(mine) / len(colleges))
        assert got[f"rd_ties_per_college_{tier}"] == pytest.approx(n_rd / len(colleges))


def test_cities_the_world_lacks_are_nan(model):
    assert model.params.world.n_cities == 1
    got = metrics.breakdown_reporters(model)
    assert got["enterprise_participation_city1"] == pytest.approx(
        metrics.collect(model)["enterprise_participation"])
    for k in range(2, metrics.CITY_COLUMNS + 1):
        assert math.isnan(got[f"enterprise_participation_city{k}"])
        assert math.isnan(got[f"rd_ties_per_100_firms_city{k}"])


def test_breakdown_reporters_are_added_after_the_existing_columns():
    names = list(metrics.OUTPUTS)
    first = names.index(metrics.BREAKDOWN_OUTPUTS[0])
    assert tuple(names[first:]) == metrics.BREAKDOWN_OUTPUTS
    assert names[:first] == [  # the columns before the breakdowns, unchanged
        "share_internship", "share_expert_exchange", "share_joint_training", "share_joint_rd",
        "joint_rd_per_100_firms", "mean_rung", "enterprise_participation",
        "college_willingness", "enterprise_willingness", "willingness_gap",
        "dual_qualified_share", "graduate_match_rate", "graduate_retention", "public_cost",
        "cumulative_public_cost", "n_ties", "subsidy_deadweight_share",
        "service_funding_10m_share", *(f"rd_ties_per_100_firms_{c}" for c in SIZE_CLASSES),
        "rd_ties_per_100_partner_firms"]  # added in model version 3
    for name in metrics.BREAKDOWN_OUTPUTS:
        label, unit, zh = metrics.OUTPUT_INFO[name]
        assert label and unit and zh
