"""Colours, fonts and PNG rendering shared by the app's charts and network view."""

from __future__ import annotations

import io
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

RUNG_COLOURS: tuple[str, ...] = ("#9ecae1", "#4292c6", "#fd8d3c", "#d62728")
"""Colour of each rung, internship to joint R&D (light blue to red: deeper is hotter)."""
NO_TIE_COLOUR = "#d9d9d9"
"""Enterprises without any tie."""
POLICY_STYLE = {"linestyle": "-", "linewidth": 2.0}
BASELINE_STYLE = {"linestyle": "--", "linewidth": 1.4, "alpha": 0.8}
"""Lines of the chosen policy and of the status-quo twin in side-by-side mode."""
DPI = 90
"""Resolution of the PNGs sent to the browser (sharp enough, small enough to step fast)."""
PNG_COMPRESSION = 1
"""zlib level of the PNGs: fast to encode; size matters little on a classroom network."""


@lru_cache(maxsize=1)
def font_families() -> list[str]:
    """DejaVu Sans, then an installed Chinese font as fallback for Chinese labels.

    The Chinese font is found as ``ieisim figures --lang zh`` finds it
    (:func:`sim.figures.style.find_cjk_font`: checks the font file has the glyphs).
    """
    from sim.figures.style import LATIN_FONT, find_cjk_font

    cjk = find_cjk_font()
    return [LATIN_FONT] + ([cjk] if cjk else [])


def rc() -> dict:
    """Matplotlib settings for the app's figures (use with ``matplotlib.rc_context``)."""
    return {"font.family": font_families(), "font.size": 9, "axes.spines.top": False,
            "axes.spines.right": False}


def new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure (thread-safe: every session draws its own)."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


class CachedCanvas:
    """Draw a figure's static parts once; per update draw only the artists that change.

    Redrawing axes, ticks and text is most of the cost of a matplotlib frame, and in the
    app only the data change from step to step. The first :meth:`png` (and the first after
    :meth:`invalidate`, e.g. when an axis limit changed) draws everything except the dynamic
    artists and caches that background; later calls restore it, draw the dynamic artists in
    the order given, and encode the pixels.
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        self._background = None

    def invalidate(self) -> None:
        """Redraw the static parts at the next :meth:`png`."""
        self._background = None

    def png(self, dynamic: list) -> bytes:
        """PNG of the static background with ``dynamic`` artists drawn on top, in order."""
        from PIL import Image

        canvas = self.fig.canvas
        if self._background is None:
            for artist in dynamic:
                artist.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            for artist in dynamic:
                artist.set_visible(True)
        canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in dynamic:
            artist.draw(renderer)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA",
                                 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=PNG_COMPRESSION)
        return buf.getvalue()
