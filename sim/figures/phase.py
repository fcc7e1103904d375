"""Phase diagrams: outcomes over two levers of a grid design, with the target contours.

Each cell, centred on a grid point and cut at the swept range, is the replicate mean of
the outcome's run summary (final value; mean over the run for yearly flows, as the
analysis summarises it) at that grid point; when the grid has
more than two levers, the cell averages over the others. The target of each outcome
(``analysis.json``: the analysis' target, explicit or its default quantile) is drawn as a
dashed contour line. One panel per outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.figures.labels import Labels
from sim.figures.layout import panel_grid, panel_title
from sim.figures.style import HIGHLIGHT_COLOR, SEQUENTIAL_CMAP

ROW_HEIGHT_IN = 2.6
"""Height of a row of phase panels, inches."""


def phase_table(points: pd.DataFrame, x: str, y: str, output: str) -> pd.DataFrame:
    """Mean of ``output`` at each (``x``, ``y``) grid level: columns ``x, y, value``."""
    return (points.groupby([x, y], sort=True)[output].mean().rename("value").reset_index())


def _panel(ax, fig, table: pd.DataFrame, x: str, y: str, output: str, labels: Labels,
           target: tuple[str, float] | None) -> None:
    xs = np.sort(table[x].unique())
    ys = np.sort(table[y].unique())
    grid = (table.pivot(index=y, columns=x, values="value")
            .reindex(index=ys, columns=xs).to_numpy(dtype=float))
    # cells centred on the grid levels, cut at the swept range (no value drawn outside it)
    mesh = ax.pcolormesh(xs, ys, grid, cmap=SEQUENTIAL_CMAP, shading="nearest")
    if len(xs) > 1:
        ax.set_xlim(xs[0], xs[-1])
    if len(ys) > 1:
        ax.set_ylim(ys[0], ys[-1])
    fig.colorbar(mesh, ax=ax, label=labels.unit(output) or labels.metric(output))
    if target is not None:
        op, value = target
        finite = grid[np.isfinite(grid)]
        text = labels.word("target", op=op, value=value)
        if len(xs) > 1 and len(ys) > 1 and finite.size and finite.min() < value < finite.max():
            cs = ax.contour(xs, ys, grid, levels=[value], colors=HIGHLIGHT_COLOR,
                            linewidths=1.5, linestyles="--")
            ax.clabel(cs, fmt={value: text}, fontsize=6)
        else:
            ax.text(0.98, 0.02, labels.word("target_outside", target=text), fontsize=6,
                    ha="right", va="bottom", transform=ax.transAxes,
                    bbox={"facecolor": "white", "alpha": 0.85, "linewidth": 0, "pad": 1.5})
    ax.set_xlabel(labels.lever(x, wrap=True))
    ax.set_ylabel(labels.lever(y, wrap=True))


def phase_diagrams(points: pd.DataFrame, x: str, y: str,
                   outputs: dict[str, tuple[str, float] | None], labels: Labels):
    """Heatmaps of each outcome over levers ``x`` and ``y`` with its target contour.

    ``points``: one row per design point with the lever columns and the outcomes (replicate
    means); ``outputs``: outcome -> ``(operator, threshold)`` of its target, or None.
    Data columns: ``output, <x>, <y>, value, target_op, target_threshold``.
    """
    tables = {o: phase_table(points, x, y, o) for o in outputs}
    fig, axes = panel_grid(len(tables), max_cols=2, row_height=ROW_HEIGHT_IN)
    for i, (ax, (output, table)) in enumerate(zip(axes, tables.items(), strict=False)):
        _panel(ax, fig, table, x, y, output, labels, outputs[output])
        panel_title(ax, i, labels.metric(output, unit=False))
    parts = []
    for output, table in tables.items():
        target = outputs[output]
        parts.append(table.assign(output=output,
                                  target_op=target[0] if target else "",
                                  target_threshold=target[1] if target else np.nan))
    data = pd.concat(parts, ignore_index=True)
    return fig, data[["output", x, y, "value", "target_op", "target_threshold"]]
