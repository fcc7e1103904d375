"""After a step, chart data goes straight to the chart widgets; the rest of the page stays."""

from __future__ import annotations

import ipyvuetify as v
import solara
from waiting import wait_until

from sim.app.controls import LeverPanel
from sim.app.echart import SvgChartWidget
from sim.app.feed import ChartFeed
from sim.app.page import (
    Captions,
    Controller,
    LedgerPanel,
    LineCharts,
    NetworkPanel,
    Page,
    Readout,
)


def _charts(rc) -> dict[str, SvgChartWidget]:
    out = {}
    for found in rc.find(SvgChartWidget):
        classes = (found.widget.attributes or {}).get("class", "").split()
        out[classes[-1].removeprefix("ieisim-chart-").removeprefix("ieisim-")] = found.widget
    return out


def _points(widget: SvgChartWidget) -> int:
    return max(len(s["data"]) for s in widget.option["series"] if s["type"] == "line")


def test_a_step_sends_new_chart_data_without_rendering_the_charts_or_the_sidebar():
    box, rc = solara.render(Page(), handle_error=False)
    try:
        charts = _charts(rc)
        assert {"joint_rd", "participation", "spending", "ledger",
                "network-policy_run"} <= set(charts)
        before = _points(charts["joint_rd"])
        views = (LeverPanel, LineCharts, LedgerPanel, NetworkPanel)
        counts = [c.render_count for c in views]
        rc.find(v.Btn, children=["Step"]).widget.click()
        (tick_span,) = [w.widget for w in rc.find(solara.widgets.HTML)
                        if "ieisim-tick" in (w.widget.attributes or {}).get("class", "")]
        tick = int(tick_span.unsafe_innerHTML)
        after = _charts(rc)
        assert after["joint_rd"] is charts["joint_rd"]  # the same widgets, new options
        assert _points(after["joint_rd"]) == before + 1
        # every chart carries the version the browser marks as drawn (data-rendered)
        assert {w.option_version for w in after.values()} == {tick}
        assert [c.render_count for c in views] == counts  # none re-rendered for a step
    finally:
        rc.close()


class _Widget:
    def __init__(self):
        self.option, self.option_version, self.held = None, 0, 0

    def hold_sync(self):
        import contextlib

        self.held += 1
        return contextlib.nullcontext()


def test_push_sends_each_group_to_its_attached_widgets_only():
    feed = ChartFeed()
    a, b = _Widget(), _Widget()
    feed.source("lines", lambda: {"a": {"v": 1}, "gone": {"v": 2}})
    feed.source("network", lambda: {"b": {"v": 3}})
    detach = feed.attach("a", a)
    feed.attach("b", b)
    feed.push(("lines",), 7)
    assert (a.option, a.option_version, b.option) == ({"v": 1}, 7, None)
    assert feed.pushes == 1  # "gone" has no widget
    detach()
    feed.push(("lines", "network"), 8)
    assert a.option_version == 7 and (b.option, b.option_version) == ({"v": 3}, 8)
    feed.clear()
    feed.push(("lines", "network"), 9)
    assert b.option_version == 8


def test_side_by_side_adds_the_status_quo_charts_at_once_and_feeds_them():
    box, rc = solara.render(Page(), handle_error=False)
    try:
        assert "shares_status_quo_run" not in _charts(rc)
        (switch,) = [w.widget for w in rc.find(v.Switch)
                     if "ieisim-compare" in (w.widget.class_ or "")]
        switch.v_model = True
        charts = _charts(rc)
        assert {"shares_status_quo_run", "network-status_quo_run"} <= set(charts)
        rc.find(v.Btn, children=["Step"]).widget.click()
        assert _points(_charts(rc)["shares_status_quo_run"]) == 2  # year 0 and the step
    finally:
        rc.close()


def _html(rc, css_class: str):
    (widget,) = [w.widget for w in rc.find(solara.widgets.HTML)
                 if css_class in (w.widget.attributes or {}).get("class", "").split()]
    return widget


def _year(rc) -> float:
    """The year the counter shows now ("Year 1.5 of 15" -> 1.5)."""
    return float(rc.find(v.Html, class_="ieisim-year").widget.children[0].split()[1])


def test_a_playing_page_is_not_re_rendered_its_texts_and_charts_are_sent():
    box, rc = solara.render(Page(), handle_error=False)
    try:
        rc.find(v.Btn, children=["Play"]).widget.click()
        # A playing page shows each half-year for one play interval, or less when it runs
        # behind, and a loaded machine may look only after it has moved on: the waits ask
        # for a year reached, never for a year shown (CI once waited 600 s for "Year 1.0").
        # The first step re-renders (the buttons, "submit"); from the second on, nothing.
        wait_until(lambda: _year(rc) >= 1.0, "two steps played")
        views = (Controller, Captions, Readout, LineCharts, LedgerPanel, NetworkPanel)
        counts = [c.render_count for c in views]
        start = _year(rc)
        wait_until(lambda: _year(rc) >= start + 1.0, "two more steps played")
        assert [c.render_count for c in views] == counts
        tick = int(_html(rc, "ieisim-tick").unsafe_innerHTML)
        assert tick >= 4  # the drawn version arrived with the year
        # captions follow the model (none fires at some steps): wait for one to be sent
        wait_until(lambda: "ieisim-caption" in _html(rc, "ieisim-captions").unsafe_innerHTML,
                   "a caption sent to the playing page")
        assert "<table" in _html(rc, "ieisim-readout").unsafe_innerHTML
        assert max(w.option_version for w in _charts(rc).values()) >= 4
        rc.find(v.Btn, children=["Pause"]).widget.click()
        # paused: the page catches up, every chart at the version the page shows
        wait_until(lambda: {w.option_version for w in _charts(rc).values()}
                   == {int(_html(rc, "ieisim-tick").unsafe_innerHTML)},
                   "every chart at the shown version")
    finally:
        rc.close()
