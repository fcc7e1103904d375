"""Phase diagrams: outcomes over two levers of a grid design, with the target contours.

Each cell, centred on a grid point and cut at the swept range, is the replicate mean of
the outcome's run summary (final value; mean over the run for yearly flows, as the
analysis summarises it) at that grid point; when the grid has
more than two levers, the cell averages over the others. The target of each outcome
(``analysis.json``: the analysis' target, explicit or its default quantile) is drawn as a
dashed contour line -- unless noise dominates the outcome (the whole-replicate noise check
of :func:`sim.analysis.noise.noise_check`: replicate noise over half of the variance of the
cell means), when the contour is hidden and the panel says why. Thin grey lines are isolines
of mean yearly public cost (CNY million per year), labelled, so that a reader sees what
crossing the target costs. One panel per outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.cost import COST_OUTPUT
from sim.figures.labels import Labels
from sim.figures.layout import panel_grid, panel_title
from sim.figures.style import HIGHLIGHT_COLOR, MUTED_COLOR, SEQUENTIAL_CMAP

COST_ISOLINES = 5
"""Number of public-cost isolines drawn per panel."""

ROW_HEIGHT_IN = 2.6
"""Height of a row of phase panels, inches."""


def phase_table(points: pd.DataFrame, x: str, y: str, output: str) -> pd.DataFrame:
    """Mean of ``output`` at each (``x``, ``y``) grid level: columns ``x, y, value``."""
    return (points.groupby([x, y], sort=True)[output].mean().rename("value").reset_index())


def _grid(table: pd.DataFrame, x: str, y: str, column: str = "value"):
    xs = np.sort(table[x].unique())
    ys = np.sort(table[y].unique())
    grid = (table.pivot(index=y, columns=x, values=column)
            .reindex(index=ys, columns=xs).to_numpy(dtype=float))
    return xs, ys, grid


def _cost_isolines(ax, cost: pd.DataFrame | None, x: str, y: str) -> None:
    if cost is None:
        return
    xs, ys, grid = _grid(cost, x, y)
    finite = grid[np.isfinite(grid)]
    if len(xs) < 2 or len(ys) < 2 or finite.size == 0 or finite.min() == finite.max():
        return
    levels = np.unique(np.round(np.linspace(finite.min(), finite.max(), COST_ISOLINES + 2)
                                [1:-1], 1))
    cs = ax.contour(xs, ys, grid, levels=levels, colors=MUTED_COLOR, linewidths=0.6,
                    linestyles=":")
    ax.clabel(cs, fmt="%g", fontsize=5, colors="white")


def _panel(ax, fig, table: pd.DataFrame, x: str, y: str, output: str, labels: Labels,
           target: tuple[str, float] | None, cost: pd.DataFrame | None = None,
           noisy: bool = False) -> None:
    xs, ys, grid = _grid(table, x, y)
    # cells centred on the grid levels, cut at the swept range (no value drawn outside it)
    mesh = ax.pcolormesh(xs, ys, grid, cmap=SEQUENTIAL_CMAP, shading="nearest")
    if len(xs) > 1:
        ax.set_xlim(xs[0], xs[-1])
    if len(ys) > 1:
        ax.set_ylim(ys[0], ys[-1])
    fig.colorbar(mesh, ax=ax, label=labels.unit(output) or labels.metric(output))
    _cost_isolines(ax, cost, x, y)
    if target is not None and noisy:
        ax.text(0.98, 0.02, labels.word("contour_hidden"), fontsize=5.5, ha="right",
                va="bottom", transform=ax.transAxes, in_layout=False,
                bbox={"facecolor": "white", "alpha": 0.85, "linewidth": 0, "pad": 1.5})
    elif target is not None:
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
                   outputs: dict[str, tuple[str, float] | None], labels: Labels,
                   noisy: dict[str, bool] | None = None):
    """Heatmaps of each outcome over levers ``x`` and ``y`` with its target contour.

    ``points``: one row per design point with the lever columns and the outcomes (replicate
    means); ``outputs``: outcome -> ``(operator, threshold)`` of its target, or None;
    ``noisy``: outcome -> True when noise dominates it (its contour is then hidden).
    Data columns: ``output, <x>, <y>, value, public_cost, target_op, target_threshold,
    contour_shown``.
    """
    noisy = noisy or {}
    tables = {o: phase_table(points, x, y, o) for o in outputs}
    cost = phase_table(points, x, y, COST_OUTPUT) if COST_OUTPUT in points else None
    fig, axes = panel_grid(len(tables), max_cols=2, row_height=ROW_HEIGHT_IN)
    for i, (ax, (output, table)) in enumerate(zip(axes, tables.items(), strict=False)):
        _panel(ax, fig, table, x, y, output, labels, outputs[output], cost,
               bool(noisy.get(output)))
        panel_title(ax, i, labels.metric(output, unit=False))
    parts = []
    for output, table in tables.items():
        target = outputs[output]
        costs = (cost["value"].to_numpy() if cost is not None else np.full(len(table), np.nan))
        parts.append(table.assign(output=output, public_cost=costs,
                                  target_op=target[0] if target else "",
                                  target_threshold=target[1] if target else np.nan,
                                  contour_shown=target is not None
                                  and not bool(noisy.get(output))))
    if cost is not None:
        fig.suptitle(labels.word("cost_isolines", unit=labels.metric(COST_OUTPUT)))
    data = pd.concat(parts, ignore_index=True)
    return fig, data[["output", x, y, "value", "public_cost", "target_op", "target_threshold",
                      "contour_shown"]]
