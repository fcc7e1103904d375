"""Scenario discovery: the lever ranges PRIM found for each target, against the swept range.

Reads ``discovery.csv`` (``ieisim analyze``: one row per restricted lever of each box, with
the box's coverage and density). One panel per (target, box); each restricted lever is a bar
of the range found drawn over its full swept range, both as positions in the swept range
(0 = low end, 1 = high end) so levers with different units share one axis; the ends are
labelled in the lever's own units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.discovery import parse_target
from sim.errors import UsageError
from sim.figures.labels import Labels
from sim.figures.style import (HIGHLIGHT_COLOR, MUTED_COLOR, legend_below, new_figure,
                               panel_title)

BAR_HEIGHT = 0.55
"""Height of a range bar, in units of the spacing between levers."""
PER_LEVER_IN = 0.22
"""Panel height per restricted lever, inches."""
PANEL_BASE_IN = 0.75
"""Panel height besides its levers (title, axis), inches."""


def _target_text(target: str, labels: Labels) -> str:
    """``"joint_rd_per_100_firms >= 5"`` with the output's display label."""
    try:
        name, op, threshold = parse_target(str(target))
    except UsageError:
        return str(target)
    return f"{labels.metric(name, unit=False) if name else ''} {op} {threshold:.3g}".strip()


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def discovery_ranges(disc: pd.DataFrame, factors: list[dict], labels: Labels):
    """Found lever ranges per target and box, over the swept ranges of ``factors``.

    ``factors``: the sweep manifest's factor dicts (``name, low, high``).
    Data columns: ``output, target, box, lever, low, high, swept_low, swept_high,
    low_position, high_position, coverage, density``.
    """
    bounds = {f["name"]: (float(f["low"]), float(f["high"])) for f in factors}
    data = disc[disc["lever"].astype(str).isin(bounds)].copy()
    data["swept_low"] = [bounds[n][0] for n in data["lever"]]
    data["swept_high"] = [bounds[n][1] for n in data["lever"]]
    data = data.astype({c: float for c in ("low", "high", "swept_low", "swept_high")})
    span = (data["swept_high"] - data["swept_low"]).replace(0.0, np.nan)
    data["low_position"] = ((data["low"] - data["swept_low"]) / span).clip(0, 1)
    data["high_position"] = ((data["high"] - data["swept_low"]) / span).clip(0, 1)
    data = data[["output", "target", "box", "lever", "low", "high", "swept_low", "swept_high",
                 "low_position", "high_position", "coverage", "density"]]
    data = data.reset_index(drop=True)
    boxes = list(dict.fromkeys(zip(data["target"], data["box"])))
    counts = [int(((data["target"] == t) & (data["box"] == b)).sum()) for t, b in boxes]
    fig, grid = new_figure("double", rows=max(len(boxes), 1),
                           height=sum(PANEL_BASE_IN + PER_LEVER_IN * c for c in counts),
                           gridspec_kw={"height_ratios": [PANEL_BASE_IN + PER_LEVER_IN * c
                                                          for c in counts] or [1]})
    axes = list(grid[:, 0])
    handles = []
    for i, (ax, (target, box)) in enumerate(zip(axes, boxes)):
        d = data[(data["target"] == target) & (data["box"] == box)]
        y = np.arange(len(d))[::-1].astype(float)
        full = ax.barh(y, np.ones(len(d)), height=BAR_HEIGHT, color="white",
                       edgecolor=MUTED_COLOR, linewidth=0.6, hatch="////",
                       label=labels.word("full_range"))
        found = ax.barh(y, d["high_position"] - d["low_position"], left=d["low_position"],
                        height=BAR_HEIGHT, color=HIGHLIGHT_COLOR, edgecolor="black",
                        linewidth=0.5, label=labels.word("found_range"))
        handles = [full, found]
        for yy, (_, r) in zip(y, d.iterrows()):
            ax.text(r["low_position"] - 0.01, yy, _fmt(r["low"]), ha="right", va="center",
                    fontsize=6)
            ax.text(r["high_position"] + 0.01, yy, _fmt(r["high"]), ha="left", va="center",
                    fontsize=6)
        ax.set_yticks(y, [labels.lever(n, unit=False) for n in d["lever"]])
        ax.set_ylim(-0.6, len(d) - 0.4)
        ax.set_xlim(-0.15, 1.15)
        ax.set_xticks([0, 0.5, 1])
        ax.set_xlabel(labels.word("lever_position") if i == len(boxes) - 1 else "")
        first = d.iloc[0]
        panel_title(ax, i, labels.word("box_title", target=_target_text(target, labels), box=box,
                                       coverage=first["coverage"], density=first["density"]))
    legend_below(fig, handles, [h.get_label() for h in handles])
    return fig, data
