"""A chart drawn in the browser by ECharts with its SVG renderer, from an option dict.

Solara's own ``FigureEcharts`` starts ECharts with its canvas renderer and names its script
through a version variable, which an offline cache cannot see; this widget names the exact
file (``echarts@5.4.0/dist/echarts.min.js``, collected by :mod:`sim.app.assets`) and draws
SVG, so chart text is real text in CSS pixels: crisp on a projector and growing with the
browser's zoom. Each new option replaces the previous one; the element's
``data-rendered`` attribute tells tests which option version the browser has drawn.
"""

from __future__ import annotations

from pathlib import Path

import ipyvuetify
import solara
import traitlets

TEMPLATE = Path(__file__).with_name("echart.vue")
"""The Vue template (scanned by :mod:`sim.app.assets` for the script it loads)."""


class SvgChartWidget(ipyvuetify.VuetifyTemplate):
    """The front-end widget: an ECharts instance with the SVG renderer."""

    template_file = (__file__, "echart.vue")
    attributes = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    option = traitlets.Any({}).tag(sync=True)
    option_version = traitlets.Int(0).tag(sync=True)
    clicked = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    """Set by the browser when a data item naming a firm is clicked: ``{firm, n}``."""


@solara.component
def SvgChart(option: dict, version: int, height: str, classes: list[str], on_click=None,
             feed=None, name: str | None = None):
    """One chart of ``height`` (a CSS length) and full width; ``version`` counts updates.

    ``on_click`` (optional) is called with the widget's ``clicked`` value when a data item
    that names a firm is clicked. With a ``feed`` (:class:`sim.app.feed.ChartFeed`), the
    chart's later options arrive through it under ``name``, without a re-render.
    """
    extra = {"on_clicked": on_click} if on_click is not None else {}
    element = SvgChartWidget.element(option=option, option_version=version,
                                     attributes={"style": f"width: 100%; height: {height};",
                                                 "class": " ".join(classes)}, **extra)

    def attach():
        if feed is not None:
            return feed.attach(name, solara.get_widget(element))
        return None

    solara.use_effect(attach, [feed, name])
    return element
