"""The cooperation network as an ECharts graph (SVG in the browser) on a fixed layout.

Colleges sit on an inner ring and enterprises on an outer ring (grouped by sector when the
graph's nodes carry one), so a node never moves from step to step and the class watches the
ties change colour as they climb the ladder. The layout is deterministic: it needs no random
numbers, so it cannot disturb the model's streams. The chart keeps a square plot and its
legend inside its own panel, at any width.
"""

from __future__ import annotations

import math
from typing import Hashable

import networkx as nx
import numpy as np

from sim.app.charts import FONT_FAMILY, FONT_PX, TITLE_PX
from sim.app.style import NO_TIE_COLOUR, RUNG_COLOURS
from sim.app.text import rung_label, tr

COLLEGE_RING = 0.35
"""Radius of the colleges' ring (the enterprises' ring has radius 1)."""
ENTERPRISE_RING = 1.0
COLLEGE_SYMBOL_PX = {False: 20, True: 26}
ENTERPRISE_SYMBOL_PX = {False: 8, True: 11}
"""Node sizes (CSS px), normal and projector mode."""
TIE_WIDTH = (1.0, 1.6, 2.6, 3.6)
"""Line width (CSS px) of a tie at each rung: deeper ties are drawn thicker."""
COLLEGE_COLOUR = "#333333"
NETWORK_HEIGHT = {False: "min(70vh, 560px)", True: "min(80vh, 720px)"}
"""Height of one network panel (CSS)."""


def _ring(nodes: list[Hashable], radius: float) -> dict[Hashable, tuple[float, float]]:
    n = max(len(nodes), 1)
    return {node: (radius * math.cos(2 * math.pi * k / n + math.pi / 2),
                   radius * math.sin(2 * math.pi * k / n + math.pi / 2))
            for k, node in enumerate(nodes)}


class NetworkLayout:
    """Node positions of one model's cooperation network, fixed at construction.

    Args:
        graph: the model's ``network`` (nodes ``("c", i)`` and ``("e", j)``).

    """

    def __init__(self, graph: nx.Graph):
        colleges = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "college")
        enterprises = sorted((n for n, d in graph.nodes(data=True)
                              if d.get("kind") == "enterprise"),
                             key=lambda n: (str(graph.nodes[n].get("sector", "")), n))
        self.positions: dict[Hashable, tuple[float, float]] = {
            **_ring(colleges, COLLEGE_RING), **_ring(enterprises, ENTERPRISE_RING)}
        self.colleges = colleges
        self.enterprises = enterprises

    def xy(self, nodes: list[Hashable]) -> np.ndarray:
        """Positions of ``nodes`` as an ``(n, 2)`` array (unknown nodes at the centre)."""
        return np.array([self.positions.get(n, (0.0, 0.0)) for n in nodes]).reshape(-1, 2)


def _highest_rung(graph: nx.Graph, node: Hashable) -> int:
    rungs = [d.get("rung", 0) for _, _, d in graph.edges(node, data=True)]
    return max(rungs) if rungs else -1


def firm_of_node(node: Hashable) -> int | None:
    """The firm index of an enterprise node ``("e", j)``, else None (a college)."""
    if isinstance(node, tuple) and len(node) == 2 and node[0] == "e":
        return int(node[1])
    return None


def picked_firm(clicked: dict | None) -> int | None:
    """The firm a click on the network picked (the widget's ``clicked`` value), or None."""
    if not isinstance(clicked, dict):
        return None
    firm = clicked.get("firm")
    return int(firm) if isinstance(firm, (int, float)) and firm >= 0 else None


def network_option(graph: nx.Graph, layout: NetworkLayout, title: str, lang: str,
                   projector: bool = False, picked: int | None = None) -> dict:
    """ECharts option of one network: nodes at their fixed places, ties coloured by rung.

    Enterprises are coloured by their highest rung (grey without a tie); the legend names the
    rungs, "no tie" and "college" (legend entries are the graph's node categories). Each
    enterprise node carries its firm index (``firm``): clicking it picks that firm for the
    ledger; the ``picked`` firm is drawn larger with a black ring.
    """
    size = FONT_PX[projector]
    text = {"fontSize": size, "fontFamily": FONT_FAMILY, "color": "#222"}
    categories = [rung_label(r, lang) for r in range(len(RUNG_COLOURS))]
    categories += [tr("no_ties", lang), tr("college", lang)]
    colours = [*RUNG_COLOURS, NO_TIE_COLOUR, COLLEGE_COLOUR]
    no_tie, college = len(RUNG_COLOURS), len(RUNG_COLOURS) + 1
    nodes = []
    for node in layout.colleges:
        x, y = layout.positions[node]
        nodes.append({"name": str(node), "x": x, "y": -y, "category": college,
                      "symbol": "rect", "symbolSize": COLLEGE_SYMBOL_PX[projector]})
    for node in layout.enterprises:
        x, y = layout.positions[node]
        top = _highest_rung(graph, node)
        firm = firm_of_node(node)
        entry = {"name": str(node), "x": x, "y": -y, "category": top if top >= 0 else no_tie,
                 "symbolSize": ENTERPRISE_SYMBOL_PX[projector], "firm": firm}
        if firm is not None and firm == picked:
            entry["symbolSize"] = 2 * ENTERPRISE_SYMBOL_PX[projector]
            entry["itemStyle"] = {"borderColor": "#000000", "borderWidth": 3}
        nodes.append(entry)
    edges = sorted(graph.edges(data=True), key=lambda e: e[2].get("rung", 0))
    links = [{"source": str(u), "target": str(v),
              "lineStyle": {"color": RUNG_COLOURS[d.get("rung", 0)],
                            "width": TIE_WIDTH[d.get("rung", 0)]}} for u, v, d in edges]
    legend_rows = 2 if len(categories) * 110 > 440 else 1
    return {
        "animation": False,
        "textStyle": text,
        "title": {"text": title, "left": 4, "top": 2,
                  "textStyle": {**text, "fontSize": TITLE_PX[projector], "fontWeight": "bold"}},
        "legend": {"bottom": 4, "left": "center", "textStyle": text, "itemGap": 14,
                   "data": categories},
        "series": [{
            "type": "graph", "layout": "none", "roam": False, "silent": False,
            "cursor": "pointer", "emphasis": {"scale": False},
            "categories": [{"name": n, "itemStyle": {"color": c}}
                           for n, c in zip(categories, colours, strict=True)],
            "data": nodes, "links": links, "lineStyle": {"opacity": 0.85},
            "itemStyle": {"borderColor": "#ffffff", "borderWidth": 1},
            "top": TITLE_PX[projector] + 16, "bottom": legend_rows * (size * 1.3 + 14) + 12,
            "left": 12, "right": 12, "label": {"show": False}}],
    }
