"""Scenario discovery: the lever ranges PRIM found for each target, against the swept range.

Reads ``discovery.csv`` (``ieisim analyze``: one row per restricted lever of each box, with
the box's coverage and density). One panel per target showing its first box; each
restricted lever is a bar of the range found drawn over its full swept range, both as
positions in the swept range (0 = low end, 1 = high end) so levers with different units
share one axis; the tick label gives the range found in the lever's own units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.discovery import parse_target
from sim.errors import UsageError
from sim.figures.labels import Labels
from sim.figures.layout import legend_below, new_figure, panel_title
from sim.figures.style import HIGHLIGHT_COLOR, MUTED_COLOR, REFERENCE_COLOR

BAR_HEIGHT = 0.55
"""Height of a range bar, in units of the spacing between levers."""
PER_LEVER_IN = 0.22
"""Panel height per restricted lever, inches."""
PANEL_BASE_IN = 1.0
"""Panel height besides its levers (title, axis), inches."""


def _target_text(target: str, labels: Labels) -> str:
    """``"joint_rd_per_100_firms >= 5"`` with the output's display label."""
    try:
        name, op, threshold = parse_target(str(target))
    except UsageError:  # e.g. a combined target "a >= 3 and b <= 150"
        text = str(target)
        for ascii_op in (">=", "<=", "!="):
            text = text.replace(ascii_op, labels.op(ascii_op))
        return text
    return (f"{labels.metric(name, unit=False) if name else ''} {labels.op(op)} "
            f"{threshold:.3g}").strip()


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def discovery_ranges(disc: pd.DataFrame, factors: list[dict], labels: Labels):
    """PRIM's first box of each target, over the swept ranges of ``factors``.

    The first box is the main finding (largest coverage at the density sought); later boxes
    cover what remains and stay in ``discovery.csv``. ``factors``: the sweep manifest's
    factor dicts (``name, low, high``). Data columns: ``output, target, box, n_boxes, lever,
    low, high, swept_low, swept_high, low_position, high_position, coverage, density``.
    """
    bounds = {f["name"]: (float(f["low"]), float(f["high"])) for f in factors}
    known = disc[disc["lever"].astype(str).isin(bounds)]
    n_boxes = known.groupby("target", sort=False)["box"].nunique()
    first = known.groupby("target", sort=False)["box"].transform("min")
    data = known[known["box"] == first].copy()
    data["n_boxes"] = data["target"].map(n_boxes).astype(int)
    data["swept_low"] = [bounds[n][0] for n in data["lever"]]
    data["swept_high"] = [bounds[n][1] for n in data["lever"]]
    data = data.astype({c: float for c in ("low", "high", "swept_low", "swept_high")})
    span = (data["swept_high"] - data["swept_low"]).replace(0.0, np.nan)
    data["low_position"] = ((data["low"] - data["swept_low"]) / span).clip(0, 1)
    data["high_position"] = ((data["high"] - data["swept_low"]) / span).clip(0, 1)
    # each restriction's quasi-p (Bryant & Lempert 2010): above 0.05 it is not significant
    data["qp_value"] = (data["qp_value"].astype(float) if "qp_value" in data
                        else np.nan)
    data["significant"] = (data["significant"].astype(str).str.lower().isin(["true", "1"])
                           if "significant" in data else True)
    data = data[["output", "target", "box", "n_boxes", "lever", "low", "high", "swept_low",
                 "swept_high", "low_position", "high_position", "coverage", "density",
                 "qp_value", "significant"]]
    data = data.reset_index(drop=True)
    targets = list(dict.fromkeys(data["target"]))
    counts = [int((data["target"] == t).sum()) for t in targets]
    heights = [PANEL_BASE_IN + PER_LEVER_IN * c for c in counts] or [1.0]
    fig, grid = new_figure("double", rows=len(heights), height=sum(heights),
                           gridspec_kw={"height_ratios": heights})
    axes = list(grid[:, 0])
    handles = []
    for i, (ax, target) in enumerate(zip(axes, targets, strict=False)):
        d = data[data["target"] == target]
        y = np.arange(len(d))[::-1].astype(float)
        full = ax.barh(y, np.ones(len(d)), height=BAR_HEIGHT, color="white",
                       edgecolor=MUTED_COLOR, linewidth=0.6, hatch="////",
                       label=labels.word("full_range"))
        sig = d["significant"].to_numpy(dtype=bool)
        found = ax.barh(y[sig], (d["high_position"] - d["low_position"])[sig],
                        left=d["low_position"][sig], height=BAR_HEIGHT, color=HIGHLIGHT_COLOR,
                        edgecolor="black", linewidth=0.5, label=labels.word("found_range"))
        weak = ax.barh(y[~sig], (d["high_position"] - d["low_position"])[~sig],
                       left=d["low_position"][~sig], height=BAR_HEIGHT, color=MUTED_COLOR,
                       edgecolor=REFERENCE_COLOR, linewidth=0.5,
                       label=labels.word("not_significant"))
        handles = [full, found, weak]
        ax.set_yticks(y, [f"{labels.lever(r['lever'], unit=False)} "
                          f"[{_fmt(r['low'])}, {_fmt(r['high'])}]"
                          + (f"  qp = {r['qp_value']:.2g}" if np.isfinite(r["qp_value"])
                             else "") for _, r in d.iterrows()])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(d) - 0.4)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1])
        ax.set_xlabel(labels.word("lever_position") if i == len(targets) - 1 else "")
        r0 = d.iloc[0]
        panel_title(ax, i, labels.word("box_title", target=_target_text(target, labels),
                                       box=r0["box"], n=r0["n_boxes"],
                                       coverage=r0["coverage"], density=r0["density"]))
    legend_below(fig, handles, [h.get_label() for h in handles])
    return fig, data
