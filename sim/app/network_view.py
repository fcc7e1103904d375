"""The cooperation network drawn with a layout that is computed once per model.

Colleges sit on an inner ring and enterprises on an outer ring (grouped by sector when the
graph's nodes carry one), so a node never moves from step to step and the class watches the
ties change colour as they climb the ladder. The layout is deterministic: it needs no random
numbers, so it cannot disturb the model's streams.
"""

from __future__ import annotations

import math
from typing import Hashable

import matplotlib
import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from sim.app.style import NO_TIE_COLOUR, RUNG_COLOURS, CachedCanvas, new_figure, rc
from sim.app.text import rung_label

COLLEGE_RING = 0.35
"""Radius of the colleges' ring (the enterprises' ring has radius 1)."""
ENTERPRISE_RING = 1.0
COLLEGE_MARKER_SIZE = 140.0
ENTERPRISE_MARKER_SIZE = 18.0
PANEL_SIZE = 4.2
"""Width and height of one network panel (inches)."""
TIE_WIDTH = (0.6, 1.0, 1.6, 2.4)
"""Line width of a tie at each rung: deeper ties are drawn thicker."""


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


class NetworkPanel:
    """One network drawn on ``ax``: nodes placed once, ties and colours updated each step."""

    def __init__(self, ax: Axes, layout: NetworkLayout, title: str):
        self.ax, self.layout = ax, layout
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.axis("off")
        lim = ENTERPRISE_RING * 1.08
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        self.ties = LineCollection([], alpha=0.8, zorder=1)
        ax.add_collection(self.ties)
        pts = layout.xy(layout.enterprises)
        self.firms = ax.scatter(pts[:, 0], pts[:, 1], s=ENTERPRISE_MARKER_SIZE,
                                c=[NO_TIE_COLOUR] * len(pts), zorder=2, edgecolors="white",
                                linewidths=0.3)
        pts = layout.xy(layout.colleges)
        self.colleges = ax.scatter(pts[:, 0], pts[:, 1], s=COLLEGE_MARKER_SIZE, marker="s",
                                   c="#333333", zorder=3, edgecolors="white", linewidths=0.8)

    def update(self, graph: nx.Graph) -> list:
        """Show the ties of ``graph`` now; return the artists that changed, in drawing order.

        Ties are coloured and sized by rung, the deepest drawn on top.
        """
        edges = sorted(graph.edges(data=True), key=lambda e: e[2].get("rung", 0))
        rungs = [d.get("rung", 0) for _, _, d in edges]
        self.ties.set_segments([self.layout.xy([u, v]) for u, v, _ in edges])
        self.ties.set_colors([RUNG_COLOURS[r] for r in rungs])
        self.ties.set_linewidths([TIE_WIDTH[r] for r in rungs])
        top = [_highest_rung(graph, n) for n in self.layout.enterprises]
        self.firms.set_facecolors([RUNG_COLOURS[r] if r >= 0 else NO_TIE_COLOUR for r in top])
        return [self.ties, self.firms, self.colleges]


class NetworkBoard:
    """The network figure of one page: a panel per running model, updated in place.

    Args:
        panels: ``(title, layout)`` of each panel, left to right.
        lang: interface language of the legends.

    """

    def __init__(self, panels: list[tuple[str, NetworkLayout]], lang: str):
        with matplotlib.rc_context(rc()):
            self.fig = new_figure(PANEL_SIZE * len(panels), PANEL_SIZE)
            self.fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.1, wspace=0.05)
            axes = self.fig.subplots(1, len(panels), squeeze=False)[0]
            self.panels = [NetworkPanel(ax, layout, title)
                           for ax, (title, layout) in zip(axes, panels, strict=True)]
            handles = [Line2D([], [], color=c, lw=2, label=rung_label(r, lang))
                       for r, c in enumerate(RUNG_COLOURS)]
            self.fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
                            frameon=False)
        self.canvas = CachedCanvas(self.fig)

    def render(self, graphs: list[nx.Graph]) -> bytes:
        """PNG of the panels showing ``graphs`` (one per panel, same order)."""
        with matplotlib.rc_context(rc()):
            dynamic = []
            for panel, graph in zip(self.panels, graphs, strict=True):
                dynamic += panel.update(graph)
            return self.canvas.png(dynamic)
