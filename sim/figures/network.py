"""Network snapshot: colleges and enterprises as nodes, ties coloured by rung.

The layout is a seeded force-directed layout (``networkx.spring_layout``) of the union of
the ties of all runs shown, so the same firm sits in the same place in every panel (status
quo and reform package side by side) and the same data gives the same picture. Only
enterprises with a tie in at least one run are drawn; the panel title counts them.

A province or the nation has thousands of colleges' ties (Guangdong about 3,900, the nation
about 64,000 after ten years): unreadable in a panel, and the layout's cost grows with the
square of the nodes (networkx's energy method: 26 s for Guangdong, hours for the nation).
Above :data:`MAX_DRAWN_TIES` the figure draws every tie of a seeded sample of colleges, the
same colleges in every panel, and the titles say so.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection

from sim.figures.labels import Labels
from sim.figures.layout import legend_below, panel_grid, panel_title
from sim.figures.style import REFERENCE_COLOR, RUNG_STYLE
from sim.ladder import RUNGS

LAYOUT_SEED = 20251125
"""Seed of the force-directed layout (any fixed number gives a reproducible picture)."""
LAYOUT_ITERATIONS = 100
"""Iterations of the spring layout."""
EDGE_WIDTHS_PT = (0.4, 0.7, 1.0, 1.6)
"""Width of a tie on each rung, points: thicker for higher rungs, so that with the rungs'
falling lightness the ties stay apart in grey (solid lines: dashes clutter a dense graph)."""
COLLEGE_MARKER_SIZE = 28.0
"""Area of a college marker, points squared."""
ENTERPRISE_MARKER_SIZE = 5.0
"""Area of an enterprise marker, points squared."""
PANEL_HEIGHT_IN = 3.2
"""Height of a network panel, inches (square-ish panels)."""
MAX_DRAWN_TIES = 1200
"""Most college-enterprise pairs drawn (over all panels): above it, the ties of a seeded sample
of colleges (a status-quo region's two runs hold about 850 pairs and are drawn whole)."""


def rung_names(values: pd.Series) -> pd.Series:
    """Rung names from a ``rung`` column holding names or indices 0-3."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(int).map(dict(enumerate(RUNGS)))
    return values.astype(str)


def _node(kind: str, uid) -> str:
    return f"{kind}{uid}"


def layout(ties: dict[str, pd.DataFrame], colleges: dict[str, pd.DataFrame]) -> dict:
    """Seeded positions of every college and every tied enterprise across all runs."""
    graph = nx.Graph()
    for name in sorted(colleges):
        graph.add_nodes_from(sorted(_node("c", u) for u in colleges[name]["unique_id"]))
    edges = sorted({(_node("c", c), _node("e", e)) for t in ties.values()
                    for c, e in zip(t["college"], t["enterprise"], strict=False)})
    graph.add_edges_from(edges)
    if graph.number_of_nodes() == 0:
        return {}
    return nx.spring_layout(graph, seed=LAYOUT_SEED, iterations=LAYOUT_ITERATIONS)


def drawn_colleges(ties: dict[str, pd.DataFrame], colleges: dict[str, pd.DataFrame],
                   max_ties: int | None = None) -> set | None:
    """The colleges whose ties are drawn: None for all (at most ``max_ties`` pairs).

    ``max_ties`` defaults to :data:`MAX_DRAWN_TIES`. Otherwise colleges in a seeded random
    order (:data:`LAYOUT_SEED`), each with all its ties, while the college-enterprise pairs
    over all runs stay within ``max_ties``; at least one college.
    """
    max_ties = MAX_DRAWN_TIES if max_ties is None else max_ties
    pairs = pd.concat([t[["college", "enterprise"]] for t in ties.values()]).drop_duplicates()
    if len(pairs) <= max_ties:
        return None
    ids = np.array(sorted({u for c in colleges.values() for u in c["unique_id"]}))
    order = np.random.default_rng(LAYOUT_SEED).permutation(ids)
    per_college = pairs["college"].value_counts().reindex(order, fill_value=0).to_numpy()
    keep = max(1, int(np.searchsorted(np.cumsum(per_college), max_ties, side="right")))
    return set(order[:keep].tolist())


def network_snapshot(runs: dict[str, dict[str, pd.DataFrame]], labels: Labels):
    """One panel per run (``runs``: name -> {"ties": ..., "colleges": ..., "enterprises": ...}).

    Data columns: ``run, element`` ("college", "enterprise" or "tie"), ``id``
    (``c<college>`` / ``e<enterprise>`` / ``c<college>-e<enterprise>``), ``rung`` (ties),
    ``x, y`` and, for ties, ``x2, y2``: the drawn positions. Above :data:`MAX_DRAWN_TIES`
    pairs, only the colleges of :func:`drawn_colleges` and their ties.
    """
    ties = {n: r["ties"] for n, r in runs.items()}
    colleges = {n: r["colleges"] for n, r in runs.items()}
    sample = drawn_colleges(ties, colleges)
    if sample is not None:
        ties = {n: t[t["college"].isin(sample)] for n, t in ties.items()}
        colleges = {n: c[c["unique_id"].isin(sample)] for n, c in colleges.items()}
    pos = layout(ties, colleges)
    fig, axes = panel_grid(len(runs), max_cols=2, row_height=PANEL_HEIGHT_IN)
    tied = sorted({_node("e", e) for t in ties.values() for e in t["enterprise"]})
    rows = []
    handles = {}
    for i, (ax, (name, run)) in enumerate(zip(axes, runs.items(), strict=False)):
        t = ties[name].assign(rung=rung_names(ties[name]["rung"]))
        t = t.sort_values(["rung", "college", "enterprise"],
                          key=lambda s: s.map(RUNGS.index) if s.name == "rung" else s)
        for rung, width in zip(RUNGS, EDGE_WIDTHS_PT, strict=False):
            st = RUNG_STYLE[rung]
            sub = t[t["rung"] == rung]
            segments = []
            for c, e in zip(sub["college"], sub["enterprise"], strict=False):
                (x, y), (x2, y2) = pos[_node("c", c)], pos[_node("e", e)]
                rows.append((name, "tie", f"c{c}-e{e}", rung, x, y, x2, y2))
                segments.append([(x, y), (x2, y2)])
            lines = LineCollection(segments, colors=st.color, linewidths=width,
                                   label=labels.rung(rung),
                                   zorder=1 + RUNGS.index(rung))
            ax.add_collection(lines)
            if segments:
                handles[rung] = lines
        ent = np.array([pos[n] for n in tied]).reshape(-1, 2)
        col_ids = sorted(_node("c", u) for u in colleges[name]["unique_id"])
        col = np.array([pos[n] for n in col_ids]).reshape(-1, 2)
        handles["enterprise"] = ax.scatter(ent[:, 0], ent[:, 1], s=ENTERPRISE_MARKER_SIZE,
                                           facecolor="white", edgecolor=REFERENCE_COLOR,
                                           linewidth=0.4, zorder=10,
                                           label=labels.word("enterprises"))
        handles["college"] = ax.scatter(col[:, 0], col[:, 1], s=COLLEGE_MARKER_SIZE, marker="s",
                                        facecolor=REFERENCE_COLOR, edgecolor="white",
                                        linewidth=0.5, zorder=11,
                                        label=labels.word("colleges"))
        rows += [(name, "enterprise", n, "", x, y, np.nan, np.nan)
                 for n, (x, y) in zip(tied, ent, strict=False)]
        rows += [(name, "college", n, "", x, y, np.nan, np.nan)
                 for n, (x, y) in zip(col_ids, col, strict=False)]
        n_firms = t["enterprise"].nunique()
        title = f"{labels.scenario(name)}: {labels.word('ties_label', n=len(t))}, " \
                f"{n_firms}/{len(run['enterprises'])} {labels.word('enterprises').lower()}"
        if sample is not None:
            title += "\n" + labels.word("colleges_drawn", k=len(colleges[name]),
                                        n=len(run["colleges"]))
        if len(runs) > 1:
            panel_title(ax, i, title)
        else:
            ax.set_title(title, fontsize=ax.title.get_fontsize())
        ax.set_aspect("equal")
        ax.set_axis_off()
    order = [k for k in (*RUNGS, "college", "enterprise") if k in handles]
    legend_below(fig, [handles[k] for k in order], [handles[k].get_label() for k in order],
                 ncol=3)
    data = pd.DataFrame(rows, columns=["run", "element", "id", "rung", "x", "y", "x2", "y2"])
    return fig, data
