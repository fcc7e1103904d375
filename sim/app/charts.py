"""The live charts: rung shares (stacked), joint R&D, participation and willingness, cost.

All panels live in one matplotlib figure that is built once per (language, mode) and then
only fed new data after each step; axes, ticks and text are drawn once and cached
(:class:`~sim.app.style.CachedCanvas`) until an axis limit changes, which is what makes a
step plus re-render fit the classroom budget (``benchmarks/bench_app.py``).
In side-by-side mode the rung shares get one stacked panel per run and the line panels show
the chosen policy (solid) over the status quo (dashed).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim import units
from sim.app.style import BASELINE_STYLE, POLICY_STYLE, RUNG_COLOURS, CachedCanvas, new_figure, rc
from sim.app.text import LANGUAGES, rung_label, tr
from sim.ladder import RUNGS
from sim.metrics import OUTPUT_INFO

SHARE_COLUMNS = tuple(f"share_{r}" for r in RUNGS)
"""Reporters of the stacked panel, lowest rung first."""
LINE_PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("joint_rd_per_100_firms", ("joint_rd_per_100_firms",)),
    ("participation_willingness", ("enterprise_participation", "college_willingness",
                                   "enterprise_willingness")),
    ("public_cost", ("public_cost",)),
)
"""The line panels: (title key: a reporter name or an interface string key, reporters)."""
LINE_COLOURS = {"joint_rd_per_100_firms": RUNG_COLOURS[-1], "enterprise_participation": "#2ca02c",
                "college_willingness": "#9467bd", "enterprise_willingness": "#8c564b",
                "public_cost": "#555555"}
FIG_WIDTH, ROW_HEIGHT = 9.0, 2.7
"""Size of the chart figure in inches (height per row of panels)."""
MARGINS = {"left": 0.07, "right": 0.98, "bottom": 0.08, "hspace": 0.55, "wspace": 0.18}
"""Fixed subplot margins (a layout engine would re-measure all text on every draw)."""
KEY_HEIGHT = 0.55
"""Inches above the panels for the figure-level keys (rungs; policy vs status quo)."""
ROLES = ("status_quo_run", "policy_run")
HEADROOM, LEGEND_HEADROOM = 1.1, 1.7
"""Room above the highest value of a line panel, without and with a legend inside."""
_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= ``value`` (1 for 0).

    Line panels use it as their upper limit, so the axis changes rarely while stepping.
    """
    if not np.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return next(m * power for m in _NICE if m * power >= value * (1 - 1e-12))


def output_label(name: str, lang: str, unit_shown: bool = True) -> str:
    """Label of reporter ``name`` from ``OUTPUT_INFO``, optionally with its unit."""
    label, unit, label_zh = OUTPUT_INFO[name]
    text = label if lang == LANGUAGES[0] else label_zh
    return f"{text} ({units.unit_text(unit, lang)})" if unit_shown and unit else text


def _title(key: str, lang: str) -> str:
    return output_label(key, lang) if key in OUTPUT_INFO else tr(key, lang)


class ChartBoard:
    """The chart figure of one page in one language and mode, updated in place.

    Args:
        compare: side-by-side mode (status quo and policy) or the policy alone.
        horizon: years on the x axes (fixed, so the axes do not jump while stepping).
        lang: interface language.

    """

    def __init__(self, compare: bool, horizon: float, lang: str):
        self.compare, self.horizon, self.lang = compare, horizon, lang
        self.roles = ROLES if compare else ROLES[1:]
        with matplotlib.rc_context(rc()):
            rows = 3 if compare else 2
            height = ROW_HEIGHT * rows
            self.fig = new_figure(FIG_WIDTH, height)
            self.fig.subplots_adjust(**{**MARGINS, "top": 1 - KEY_HEIGHT / height})
            panels = list(self.fig.subplots(rows, 2).flat)
            self.share_axes = {role: panels.pop(0) for role in self.roles}
            self.bands = {role: self._setup_shares(ax, role)
                          for role, ax in self.share_axes.items()}
            self.lines: dict[tuple[str, str], Line2D] = {}
            self.line_axes = []
            for (key, columns), ax in zip(LINE_PANELS, panels, strict=False):  # + a spare panel
                self._setup_lines(ax, key, columns)
                self.line_axes.append(ax)
            for ax in panels[len(LINE_PANELS):]:
                ax.axis("off")
            self._setup_keys()
        self._limits: list[float] | None = None
        self.canvas = CachedCanvas(self.fig)
        self._columns = tuple(dict.fromkeys(c for _, cols in LINE_PANELS for c in cols))

    def _setup_keys(self) -> None:
        """Figure-level keys above the panels (outside the data, so drawn once)."""
        rungs = [Patch(color=c, label=rung_label(i, self.lang))
                 for i, c in enumerate(RUNG_COLOURS)]
        self.fig.legend(handles=rungs, loc="upper left", ncol=len(rungs), fontsize=8,
                        frameon=False)
        if self.compare:  # solid = policy, dashed = status quo, in every line panel
            runs = [Line2D([], [], color="#333333", label=tr(role, self.lang),
                           **(BASELINE_STYLE if role == "status_quo_run" else POLICY_STYLE))
                    for role in self.roles]
            self.fig.legend(handles=runs, loc="upper right", ncol=len(runs), fontsize=8,
                            frameon=False)

    def _frame(self, ax: Axes, title: str) -> None:
        ax.set_xlim(0, self.horizon)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(tr("year_axis", self.lang))

    def _setup_shares(self, ax: Axes, role: str) -> list[PolyCollection]:
        title = tr("ties_by_rung", self.lang)
        if self.compare:
            title = f"{title} · {tr(role, self.lang)}"
        self._frame(ax, title)
        ax.set_ylim(0, 1)
        bands = [PolyCollection([], facecolors=c, edgecolors="none") for c in RUNG_COLOURS]
        for band in bands:
            ax.add_collection(band, autolim=False)
        return bands

    def _setup_lines(self, ax: Axes, key: str, columns: tuple[str, ...]) -> None:
        self._frame(ax, _title(key, self.lang))
        handles = []
        for role in self.roles:
            style = BASELINE_STYLE if role == "status_quo_run" else POLICY_STYLE
            for col in columns:
                (line,) = ax.plot([], [], color=LINE_COLOURS[col], **style)
                self.lines[(role, col)] = line
                if role == "policy_run" and len(columns) > 1:
                    line.set_label(output_label(col, self.lang, unit_shown=False))
                    handles.append(line)
        if handles:  # inside the axes, above the data (LEGEND_HEADROOM keeps lines below)
            ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper left")

    def render(self, runs: list[tuple[str, pd.DataFrame]]) -> bytes:
        """PNG of the charts for ``(role, time series)`` runs (roles as in ``ROLES``)."""
        with matplotlib.rc_context(rc()):
            for role, df in runs:
                year = df["year"].to_numpy(dtype=float)
                shares = np.nan_to_num(np.stack([df[c].to_numpy(dtype=float)
                                                 for c in SHARE_COLUMNS]))
                tops = np.cumsum(shares, axis=0)
                for band, top, bottom in zip(self.bands[role], tops,
                                             np.vstack([np.zeros_like(year), tops[:-1]]),
                                             strict=True):
                    band.set_verts([np.column_stack([np.r_[year, year[::-1]],
                                                     np.r_[top, bottom[::-1]]])])
                for (line_role, col), line in self.lines.items():
                    if line_role == role:
                        line.set_data(year, df[col].to_numpy(dtype=float))
            limits = []
            for ax in self.line_axes:
                top = max((np.nanmax(np.append(line.get_ydata(), 0.0)) for line in ax.lines),
                          default=0.0)
                headroom = HEADROOM if ax.get_legend() is None else LEGEND_HEADROOM
                limits.append(nice_ceiling(top * headroom))
                ax.set_ylim(0, limits[-1])
            if limits != self._limits:  # an axis changed: redraw ticks and labels once
                self._limits = limits
                self.canvas.invalidate()
            dynamic: list = []
            for role, ax in self.share_axes.items():  # spines stay visible over the bands
                dynamic += [*self.bands[role], ax.spines["left"], ax.spines["bottom"]]
            dynamic += list(self.lines.values())
            return self.canvas.png(dynamic)


def render_charts(runs: list[tuple[str, pd.DataFrame]], horizon: float, lang: str) -> bytes:
    """One-off PNG of the charts (the page keeps a :class:`ChartBoard` instead)."""
    return ChartBoard(len(runs) > 1, horizon, lang).render(runs)
