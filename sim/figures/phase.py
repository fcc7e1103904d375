"""Phase diagram: an outcome over two levers of a grid design, with the target contour.

Each cell is the replicate mean of the outcome's run summary (final value; mean over the
run for yearly flows, as the analysis summarises it) at one grid point; when the grid has
more than two levers, the cell averages over the others. The target from the analysis
settings (``analysis.json``: ``targets``, e.g. ``">= 5"``) is drawn as a contour line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.discovery import parse_target
from sim.errors import UsageError
from sim.figures.labels import Labels
from sim.figures.style import HIGHLIGHT_COLOR, SEQUENTIAL_CMAP, new_figure

PHASE_HEIGHT_IN = 2.8
"""Height of a phase diagram, inches."""


def read_target(text: str) -> tuple[str, float] | None:
    """``(operator, threshold)`` of a target such as ``">= 5"``; None if unreadable."""
    try:
        _, op, threshold = parse_target(str(text))
    except UsageError:
        return None
    return op, threshold


def phase_table(points: pd.DataFrame, x: str, y: str, output: str) -> pd.DataFrame:
    """Mean of ``output`` at each (``x``, ``y``) grid level: columns ``x, y, output``."""
    return (points.groupby([x, y], sort=True)[output].mean().reset_index())


def _edges(levels: np.ndarray) -> np.ndarray:
    """Cell edges around sorted grid levels (midpoints; half a step beyond the ends)."""
    if len(levels) == 1:
        return np.array([levels[0] - 0.5, levels[0] + 0.5])
    mid = (levels[1:] + levels[:-1]) / 2
    return np.concatenate([[2 * levels[0] - mid[0]], mid, [2 * levels[-1] - mid[-1]]])


def phase_diagram(points: pd.DataFrame, x: str, y: str, output: str, labels: Labels,
                  target: str | None = None):
    """Heatmap of ``output`` over levers ``x`` and ``y`` with the ``target`` contour.

    ``points``: one row per design point with the lever columns and the output (replicate
    means). Data columns: ``<x>, <y>, <output>`` (one row per cell).
    """
    data = phase_table(points, x, y, output)
    xs = np.sort(data[x].unique())
    ys = np.sort(data[y].unique())
    grid = (data.pivot(index=y, columns=x, values=output)
            .reindex(index=ys, columns=xs).to_numpy(dtype=float))
    fig, axes = new_figure("single", height=PHASE_HEIGHT_IN)
    ax = axes[0, 0]
    mesh = ax.pcolormesh(_edges(xs), _edges(ys), grid, cmap=SEQUENTIAL_CMAP, shading="flat")
    fig.colorbar(mesh, ax=ax, label=labels.metric(output))
    parsed = read_target(target) if target else None
    if parsed and len(xs) > 1 and len(ys) > 1:
        op, value = parsed
        finite = grid[np.isfinite(grid)]
        if finite.size and finite.min() < value < finite.max():
            cs = ax.contour(xs, ys, grid, levels=[value], colors=HIGHLIGHT_COLOR,
                            linewidths=1.5, linestyles="--")
            ax.clabel(cs, fmt={value: labels.word("target", op=op, value=value)}, fontsize=6)
        else:
            ax.set_title(labels.word("target_outside",
                                     target=labels.word("target", op=op, value=value)),
                         fontsize=6, loc="right")
    ax.set_xlabel(labels.lever(x))
    ax.set_ylabel(labels.lever(y))
    return fig, data
