"""Figure layout in the ieisim style: column-wide figures, panel grids, legends, labels.

Legends never cover data, and point labels are placed apart from each other.

Sizes come from :mod:`sim.figures.style`; call these inside :func:`~sim.figures.style.styled`.
"""

from __future__ import annotations

import re
import unicodedata

from matplotlib import rcParams
from matplotlib.figure import Figure

from sim.figures.style import (
    DOUBLE_COLUMN_IN,
    FONT_SIZE_PT,
    PANEL_HEIGHT_IN,
    SINGLE_COLUMN_IN,
    SMALL_FONT_SIZE_PT,
)


def new_figure(width: str = "single", rows: int = 1, cols: int = 1, height: float | None = None,
               **subplot_kw) -> tuple[Figure, object]:
    """A figure ``width`` ("single" or "double" column) wide with a grid of panels.

    ``height`` (inches) defaults to :data:`PANEL_HEIGHT_IN` per row. Returns
    ``(figure, axes)`` like :func:`matplotlib.pyplot.subplots` with ``squeeze=False``, but
    the figure is not registered with pyplot (no global state; nothing to close).
    """
    widths = {"single": SINGLE_COLUMN_IN, "double": DOUBLE_COLUMN_IN}
    if width not in widths:
        raise ValueError(f"width {width!r}: expected 'single' or 'double'")
    size = (widths[width], height if height is not None else PANEL_HEIGHT_IN * rows)
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False, **subplot_kw)


TITLE_EM_PER_CHAR = 0.55
"""Mean advance of a Latin character in the figures' sans-serif font, in ems (a Chinese
character takes one em): used to wrap panel titles to their panel's width."""


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
WRAP_TOKENS = re.compile(f"[{_WIDE}]\\s*|[^\\s{_WIDE}]+\\s*|\\s+")
"""Where a title may break: after a word and its spaces, or after any Chinese character."""


def text_units(text: str) -> float:
    """Width of ``text`` in ems at the title font (Chinese and other wide characters 1 em)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else TITLE_EM_PER_CHAR
               for c in text)


def wrap_to_width(text: str, ems: float) -> str:
    """``text`` broken into lines of at most ``ems`` ems (estimated, :func:`text_units`).

    Breaks at spaces, and between characters in Chinese (which has no spaces); a single
    word longer than a line stays whole.
    """
    return _greedy_wrap(text, lambda line: text_units(line) <= ems)


def _greedy_wrap(text: str, fits) -> str:
    """``text`` broken at :data:`WRAP_TOKENS` into as few lines as ``fits(line)`` allows."""
    lines: list[str] = []
    line = ""
    for token in WRAP_TOKENS.findall(text):
        if line and not fits((line + token).rstrip()):
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def panel_title(ax, i: int, text: str) -> None:
    """Title panel ``i`` as "(a) text", "(b) text", ... at its top left.

    The title is wrapped to its panel's cell here, and to the room it really has once the
    figure is laid out by :func:`fit_panel_titles` (called when a figure is saved), so
    that the titles of neighbouring panels never run into each other.
    """
    title = f"({chr(ord('a') + i)}) {text}"
    ax._ieisim_title = title  # the unwrapped title, for fit_panel_titles
    spec = ax.get_subplotspec()
    if spec is not None:
        cols = spec.colspan
        share = (cols.stop - cols.start) / spec.get_gridspec().ncols
        fig = ax.figure  # a Figure or a SubFigure: its width in inches from its box
        title = wrap_to_width(title, fig.bbox.width / fig.dpi * share * 72.0 / FONT_SIZE_PT)
    ax.set_title(title, loc="left", fontsize=FONT_SIZE_PT)


TITLE_GAP_EM = 0.8
"""Space kept between a panel title and the next panel to its right (ems)."""


def fit_panel_titles(fig, rounds: int = 2) -> None:
    """Re-wrap every panel title to the width it has in the laid-out figure.

    A panel's title may run from its axes' left edge to the left edge of the next panel in
    its row (less :data:`TITLE_GAP_EM`), or to the figure's edge; the axes of a panel with
    long tick labels are much narrower than its cell. The figure is drawn to lay it out,
    titles are re-wrapped to the measured room, and this is repeated (``rounds``) because
    taller titles move the layout a little.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    root = fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig
    canvas = FigureCanvasAgg(root) if not hasattr(root.canvas, "get_renderer") else root.canvas
    for _ in range(rounds):
        canvas.draw()
        renderer = canvas.get_renderer()
        axes = [ax for ax in root.get_axes() if ax.get_visible() and ax.axison]
        boxes = {ax: ax.get_window_extent(renderer) for ax in axes}
        changed = False
        for ax in axes:
            full = getattr(ax, "_ieisim_title", None)
            if not full:
                continue
            box = boxes[ax]
            right = root.bbox.x1
            for other, ob in boxes.items():
                if other is not ax and ob.x0 > box.x0 + 1 and ob.y0 < box.y1 and ob.y1 > box.y0:
                    right = min(right, ob.x0)
            em_px = ax._left_title.get_fontsize() * root.dpi / 72.0
            room_px = right - box.x0 - TITLE_GAP_EM * em_px
            title = _wrap_measured(full, room_px, ax._left_title, renderer)
            if title != ax.get_title(loc="left"):
                ax.set_title(title, loc="left", fontsize=ax._left_title.get_fontsize())
                changed = True
        if not changed:
            break


def _wrap_measured(text: str, room_px: float, artist, renderer) -> str:
    """``text`` wrapped to lines no wider than ``room_px`` as ``artist`` draws them."""
    def fits(line: str) -> bool:
        width, _, _ = renderer.get_text_width_height_descent(
            line, artist.get_fontproperties(), ismath=False)
        return width <= room_px

    return _greedy_wrap(text, fits)


def panel_grid(n: int, max_cols: int = 4, width: str = "auto",
               row_height: float = PANEL_HEIGHT_IN, **subplot_kw):
    """A figure with ``n`` panels in rows of at most ``max_cols``; spare axes are hidden.

    ``width`` "auto" is a single column for one panel, a double column otherwise.
    Returns ``(figure, axes)`` with ``axes`` a flat list of the ``n`` visible panels
    followed by the hidden spares (useful to hold a legend).
    """
    cols = max(1, min(n, max_cols))
    rows = -(-n // cols)
    if width == "auto":
        width = "single" if n == 1 else "double"
    fig, grid = new_figure(width, rows, cols, height=row_height * rows, **subplot_kw)
    flat = list(grid.ravel())
    for ax in flat[n:]:
        ax.set_axis_off()
    return fig, flat


def legend_columns(fig, labels, wanted: int) -> int:
    """At most ``wanted`` legend columns, fewer when the widest label would not fit.

    A column is estimated as the handle, the gaps and the widest label's characters at
    the legend's font size, so a long label wraps the legend onto more rows instead of
    widening the figure beyond its column.
    """
    size = float(rcParams["legend.fontsize"]) if not isinstance(
        rcParams["legend.fontsize"], str) else SMALL_FONT_SIZE_PT
    widest = max((len(str(t)) for t in labels), default=0)
    column_pt = (2.5 + 0.8 + 1.2) * size + widest * _CHAR_WIDTH * size
    fits = int(fig.get_figwidth() * 72 // max(column_pt, 1.0))
    return max(1, min(wanted, fits))


def legend_below(fig, handles, labels, ncol: int | None = None) -> None:
    """One legend for the whole figure, centred below the panels (never over data)."""
    ncol = legend_columns(fig, labels, ncol or min(len(labels), 4))
    fig.legend(handles, labels, loc="outside lower center",
               ncol=ncol, handlelength=2.5, columnspacing=1.2)


LABEL_OFFSETS_PT = ((3, 2), (3, -8), (-3, 2), (-3, -8), (5, -3), (-5, -3), (3, 11), (-3, 11),
                    (3, -17), (-3, -17), (3, 20), (-3, 20))
"""Candidate label offsets from a point (points), tried in turn to avoid overlaps; a
negative x offset puts the label on the left of the point."""
LEADER_BEYOND_PT = 8.0
"""Labels placed farther than this (points, vertically) from their point get a leader line."""
_CHAR_WIDTH = 0.6
"""Approximate width of a character, in units of the font size."""
_MARKER_PT = 2.0
"""Half-size of a marker kept free of labels, points."""


def annotate_apart(ax, xs, ys, texts, fontsize: float = SMALL_FONT_SIZE_PT - 1,
                   colors=None, avoid=None) -> None:
    """Label points with ``texts`` beside them, apart from each other and from the markers.

    Each label is placed inside the axes where it overlaps
    no earlier label nor any marker at the points ``avoid`` (``(xs, ys)``; default the
    labelled points), falling back to the first candidate offset when none fits.

    Positions come from the laid-out figure, so call this after the data are drawn and the
    limits set. Labels are kept out of the layout computation, so they do not move it.
    """
    ax.autoscale_view()
    ax.figure.draw_without_rendering()  # run the layout: the axes take their final place
    to_pt = 72.0 / ax.figure.dpi
    frame = ax.get_window_extent()
    left, right = frame.x0 * to_pt, frame.x1 * to_pt
    bottom, top = frame.y0 * to_pt, frame.y1 * to_pt
    ax_, ay_ = avoid if avoid is not None else (xs, ys)
    placed: list[tuple[float, float, float, float]] = []
    for x, y in zip(ax_, ay_, strict=False):
        px, py = (v * to_pt for v in ax.transData.transform((x, y)))
        placed.append((px - _MARKER_PT, py - _MARKER_PT, px + _MARKER_PT, py + _MARKER_PT))
    colors = colors if colors is not None else ["black"] * len(texts)
    for x, y, text, color in zip(xs, ys, texts, colors, strict=False):
        px, py = (v * to_pt for v in ax.transData.transform((x, y)))
        w, h = _CHAR_WIDTH * fontsize * len(text), fontsize
        chosen = LABEL_OFFSETS_PT[0]
        for dx, dy in LABEL_OFFSETS_PT:
            x0 = px + dx if dx >= 0 else px + dx - w
            y0 = py + dy
            inside = left <= x0 and x0 + w <= right and bottom <= y0 and y0 + h <= top
            if inside and not any(x0 < b[2] and b[0] < x0 + w and y0 < b[3] and b[1] < y0 + h
                                  for b in placed):
                chosen = (dx, dy)
                break
        dx, dy = chosen
        x0 = px + dx if dx >= 0 else px + dx - w
        placed.append((x0, py + dy, x0 + w, py + dy + h))
        far = abs(dy) > LEADER_BEYOND_PT  # a label set away gets a thin leader line
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points",
                            ha="left" if dx >= 0 else "right", va="bottom",
                            fontsize=fontsize, color=color,
                            arrowprops={"arrowstyle": "-", "linewidth": 0.4, "color": "0.5",
                                        "shrinkA": 0, "shrinkB": 2} if far else None)
        label.set_in_layout(False)
