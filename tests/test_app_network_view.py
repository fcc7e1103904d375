"""Clicking a firm's dot in the network picks that firm for the firm's ledger."""

from __future__ import annotations

import solara

from sim.app.echart import SvgChartWidget
from sim.app.firm_ledger import typical_firm
from sim.app.network_view import NetworkLayout, firm_of_node, network_option, picked_firm
from sim.app.page import Page
from sim.app.session import ClassroomSession


def test_enterprise_nodes_carry_their_firm_and_the_picked_one_stands_out():
    session = ClassroomSession()
    model = session.policy
    option = network_option(model.network, NetworkLayout(model.network), "t", "en", picked=7)
    nodes = option["series"][0]["data"]
    firms = [n["firm"] for n in nodes if n.get("firm") is not None]
    assert sorted(firms) == list(range(model.firms.n))
    assert [n for n in nodes if n.get("firm") is None] == [
        n for n in nodes if n.get("symbol") == "rect"]  # colleges name no firm
    (picked,) = [n for n in nodes if n.get("firm") == 7]
    others = {n["symbolSize"] for n in nodes if n.get("firm") not in (None, 7)}
    assert picked["symbolSize"] == 2 * others.pop() and not others
    assert picked["itemStyle"]["borderWidth"] > 0
    assert option["series"][0]["silent"] is False  # clicks reach the page


def test_a_click_is_read_as_a_firm_and_anything_else_is_ignored():
    assert firm_of_node(("e", 12)) == 12 and firm_of_node(("c", 1)) is None
    assert picked_firm({"firm": 3, "n": 1}) == 3
    for bad in (None, {}, {"firm": None}, {"firm": "3"}, {"firm": -1}, [3]):
        assert picked_firm(bad) is None


def _chart(rc, cls: str) -> SvgChartWidget:
    (widget,) = [w.widget for w in rc.find(SvgChartWidget)
                 if cls in (w.widget.attributes or {}).get("class", "").split()]
    return widget


def test_clicking_a_node_shows_that_firms_ledger_and_a_size_button_goes_back():
    import ipyvuetify as v

    box, rc = solara.render(Page(), handle_error=False)
    try:
        ledger = _chart(rc, "ieisim-chart-ledger")
        assert ledger.option["title"]["text"].startswith("A firm of")
        network = _chart(rc, "ieisim-network-policy_run")
        session = ClassroomSession()  # the same world (same scenario and seed)
        firm = typical_firm(session.policy, "large")
        employees = int(session.policy.firms.employees[firm])
        network.clicked = {"firm": firm, "n": 1}  # what the browser sends on a click
        ledger = _chart(rc, "ieisim-chart-ledger")
        assert ledger.option["title"]["text"] == (
            f"Firm {firm} ({employees} employees, picked in the network): a year of one tie, "
            "by rung")
        nodes = _chart(rc, "ieisim-network-policy_run").option["series"][0]["data"]
        assert [n.get("firm") for n in nodes if "itemStyle" in n] == [firm]
        # the pick stays through a step; the ledger is that firm's, recomputed
        rc.find(v.Btn, children=["Step"]).widget.click()
        assert _chart(rc, "ieisim-chart-ledger").option["title"]["text"].startswith(
            f"Firm {firm} ")
        # a size button shows a typical firm again
        (toggle,) = [w.widget for w in rc.find(v.BtnToggle)
                     if "ieisim-ledger-size" in (w.widget.class_ or "")]
        assert toggle.v_model is None  # no size class is shown while a firm is picked
        toggle.v_model = "medium"  # what the browser sends when "Medium firm" is clicked
        title = _chart(rc, "ieisim-chart-ledger").option["title"]["text"]
        assert title.startswith("A firm of")
        nodes = _chart(rc, "ieisim-network-policy_run").option["series"][0]["data"]
        assert not [n for n in nodes if "itemStyle" in n]
    finally:
        rc.close()
