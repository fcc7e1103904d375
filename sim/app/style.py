"""Colours, fonts and PNG rendering shared by the app's charts and network view."""

from __future__ import annotations

import io
from functools import lru_cache

from matplotlib import font_manager
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
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "SimHei")


@lru_cache(maxsize=1)
def font_families() -> list[str]:
    """DejaVu Sans, then the first installed CJK font as fallback for Chinese labels."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans"] + [f for f in _CJK_FAMILIES if f in installed][:1]


def rc() -> dict:
    """Matplotlib settings for the app's figures (use with ``matplotlib.rc_context``)."""
    return {"font.family": font_families(), "font.size": 9, "axes.spines.top": False,
            "axes.spines.right": False}


def new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure (thread-safe: every session draws its own)."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
