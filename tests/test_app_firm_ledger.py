"""The firm's ledger: items from the model's payoff functions, adding up to the payoff."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.app.firm_ledger import (
    ITEMS,
    SIZE_CLASSES,
    firm_ledger,
    ledger_option,
    partner_college,
    typical_firm,
)
from sim.app.session import ClassroomSession
from sim.ladder import RUNGS, enterprise_payoff, ladder


@pytest.fixture(scope="module")
def model():
    session = ClassroomSession()
    for _ in range(6):
        session.step()
    return session.policy


def test_items_add_up_to_the_models_payoff(model):
    for size in SIZE_CLASSES:
        firm = typical_firm(model, size)
        ledger = firm_ledger(model, firm)
        assert set(ledger.items) == set(ITEMS)
        total = sum(ledger.items.values())
        np.testing.assert_allclose(total, ledger.net, atol=1e-9)
        rungs = np.arange(len(RUNGS))
        college = partner_college(model, firm)
        ctx = model.tie_context(np.full(4, college), np.full(4, firm))
        np.testing.assert_allclose(ledger.net, enterprise_payoff(ladder(rungs), ctx, model.terms))
    sizes = [model.firms.employees[typical_firm(model, s)] for s in SIZE_CLASSES]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_each_lever_moves_its_own_bar(model):
    firm = typical_firm(model, "medium")
    base = firm_ledger(model, firm)
    subsidy = firm_ledger(model, firm, dataclasses.replace(model.terms, intern_subsidy=8.0))
    changed = [k for k in ITEMS if not np.allclose(subsidy.items[k], base.items[k])]
    # subsidies pay per placed student, and firms take more students when each brings more
    # (sim.ladder.intake): only the bars of students move, never those of the other activities
    assert "subsidies_and_credits" in changed
    assert not {"expert_exchange", "rd_value", "rd_outlay", "coordination"} & set(changed)
    gain = subsidy.items["subsidies_and_credits"] - base.items["subsidies_and_credits"]
    assert gain[0] > 0 and (subsidy.net >= base.net - 1e-9).all()
    kept = firm_ledger(model, firm, dataclasses.replace(model.terms, retention_support=0.8))
    # service agreements cover apprentices (rungs 2 and 3): nothing moves at rungs 0 and 1
    for k in ITEMS:
        np.testing.assert_allclose(kept.items[k][:2], base.items[k][:2])
    assert not np.allclose(kept.items["poaching"][2:], base.items["poaching"][2:])


def test_the_ledger_chart_shows_policy_and_status_quo(model):
    firm = typical_firm(model, "large")
    option = ledger_option(firm_ledger(model, firm), firm_ledger(model, firm), "zh")
    bars = [s for s in option["series"] if s["type"] == "bar"]
    assert len(bars) == 2 * len(ITEMS) and {s["stack"] for s in bars} == {"policy_run",
                                                                         "status_quo_run"}
    assert option["xAxis"]["data"] == ["实习", "专家互聘", "联合培养", "联合研发/技术服务"]
    assert str(int(model.firms.employees[firm])) in option["title"]["text"]


def test_the_net_alone_is_the_ledgers_net(model):
    from sim.app.firm_ledger import firm_net

    for size in SIZE_CLASSES:
        firm = typical_firm(model, size)
        np.testing.assert_array_equal(firm_net(model, firm), firm_ledger(model, firm).net)
