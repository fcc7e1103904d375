"""Final-state statistics: colleges' main partners and the order of size classes among them."""

import numpy as np
import pytest

from sim.calibration.statistics import (
    MAIN_PARTNERS,
    firm_statistics,
    main_partner_mask,
    pattern_indicators,
    pool_final,
    registry,
)
from sim.model import CooperationModel
from sim.params import load_scenario


def test_main_partners_are_each_colleges_deepest_then_oldest_ties():
    college = np.array([0, 0, 0, 0, 1, 1, 0])
    rung = np.array([0, 3, 1, 1, 0, 2, 1])
    age = np.array([9.0, 1.0, 2.0, 5.0, 1.0, 1.0, 5.0])
    mask = main_partner_mask(college, rung, age, k=3)
    # college 0: rung 3 (row 1), then rung 1 oldest (rows 3 and 6, equal age: row order)
    assert mask.tolist() == [False, True, False, True, True, True, True]
    assert main_partner_mask(college, rung, age, k=1).tolist() == [False, True, False, False,
                                                                   False, True, False]
    assert main_partner_mask(college, rung, age, k=10).all()
    assert not main_partner_mask(college[:0], rung[:0], age[:0], k=3).any()


def test_main_partner_shares_are_at_most_the_shares_with_any_partner():
    m = CooperationModel(load_scenario("status_quo").with_overrides({"run.years": 3}), seed=2)
    m.run()
    st = firm_statistics(m)
    for size in ("small_micro", "medium", "large"):
        assert 0 <= st[f"main_partner_{size}"] <= st[f"partner_{size}"] <= 1
    # every college with a partner has MAIN_PARTNERS of them or all it has, in some class
    rows = m.ties.active_rows()
    with_partner = np.unique(m.ties.college[rows]).size / m.colleges.n
    shares = [st[f"main_partner_{s}"] for s in ("small_micro", "medium", "large")]
    assert max(shares) <= with_partner <= sum(shares) + 1e-12
    assert MAIN_PARTNERS >= 1


def test_main_partner_order_is_an_indicator_in_the_registry_and_pooled():
    order = {"main_partner_medium": 0.86, "main_partner_large": 0.76,
             "main_partner_small_micro": 0.67, "partner_medium": 1.0, "partner_large": 1.0,
             "partner_small_micro": 1.0, "costly_0": 0.0, "costly_1": 0.1, "costly_2": 0.2,
             "costly_3": 0.3}
    assert pattern_indicators(order)["main_partner_order"] == 1.0
    assert pattern_indicators(order)["partner_order"] == 0.0  # saturated: 1 = 1 = 1
    assert pattern_indicators({**order, "main_partner_large": 0.6})["main_partner_order"] == 0
    reg = registry()
    assert reg["main_partner_order"].kind == "final"
    assert reg["main_partner_medium"].unit == "share of colleges"
    hosts = {f"{p}_{c}": 0.0 for p in ("intern", "apprentice")
             for c in ("firms", "students", "net_sum", "losing", "profiting")}
    pooled = pool_final([{**order, **hosts}, {**order, **hosts, "main_partner_large": 0.5}])
    assert pooled["main_partner_large"] == pytest.approx(0.63)
    assert pooled["main_partner_order"] == 0.0


def test_a_calibration_run_records_only_the_wanted_year_ends_with_the_same_statistics():
    """RunModel records reporters only at the year ends its targets read (record_steps):
    the pooled statistics equal those of runs recording every step, bit for bit."""
    from sim.calibration.simulator import RunModel, replicate_seeds
    from sim.calibration.statistics import pool_statistics, record_steps, run_record

    scn = load_scenario("status_quo").with_overrides({"run.years": 3,
                                                      "world.n_enterprises": 100})
    wanted = {"share_internship": 3, "willingness_gap": 2, "dual_qualified_share": 0,
              "main_partner_order": 3, "intern_loss_share": 3}
    spy = scn.run.steps_per_year
    assert record_steps(wanted, spy) == {0, 2 * spy, 3 * spy}  # final statistics need none
    model = RunModel("ieisim", scn, (), tuple(wanted.items()), 3, replicates=2)
    got = model.simulate({}, seed=11)
    records = []
    for s in replicate_seeds(11, 2):
        m = CooperationModel(scn, seed=s)  # reporters at every step
        m.run()
        assert len(m.records) == 3 * spy + 1
        records.append(run_record(m, wanted, 3))
    full = pool_statistics(records, wanted, 3)
    assert set(full) <= set(got)
    for k, v in full.items():
        assert got[k] == v or (np.isnan(v) and np.isnan(got[k])), k
