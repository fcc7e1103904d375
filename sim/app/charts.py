"""The live charts as ECharts options, drawn in the browser as SVG (:mod:`sim.app.echart`).

Panels: ties by rung (stacked shares, one panel per run), joint R&D *ties* (a count: the
classroom world holds 24,300 real firms, so a count per 100 firms is tiny and the count is
what moves), participation of large firms and willingness (shares on a fixed 0-1 axis) and
public spending over the past year (CNY million; the per-step figure zig-zags because some
items are paid once a year). In side-by-side mode the line panels show the chosen policy
(solid, coloured) and the status quo (dashed, dark, drawn on top so it stays visible where
both lie at zero). Every policy change is a labelled vertical line at the year it took
effect.

Text sizes are CSS pixels (:data:`FONT_PX`), so they grow with the browser's zoom; the
projector mode enlarges them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import units
from sim.app.style import RUNG_COLOURS
from sim.app.text import LANGUAGES, rung_label, tr
from sim.metrics import OUTPUT_INFO

SHARE_COLUMNS = ("share_internship", "share_expert_exchange", "share_joint_training",
                 "share_joint_rd")
"""Reporters of the stacked panel, lowest rung first."""
ROLES = ("status_quo_run", "policy_run")
FONT_FAMILY = "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif"
"""Chart text font: the web font served with the page first (:mod:`sim.app.assets`)."""
FONT_PX = {False: 16, True: 22}
"""Chart text size in CSS pixels: normal, projector mode."""
TITLE_PX = {False: 18, True: 26}
CHART_HEIGHT = {False: "max(300px, 44vh)", True: "max(380px, 62vh)"}
"""Height of one chart (CSS), normal and projector mode."""
LINE_COLOURS = {"joint_rd_ties": RUNG_COLOURS[-1], "enterprise_participation_large": "#2ca02c",
                "college_willingness": "#9467bd", "enterprise_willingness": "#8c564b",
                "annual_public_cost": "#1f77b4"}
STATUS_QUO_COLOUR = "#222222"
CHANGE_COLOUR = "#b8860b"
"""Colour of the vertical lines marking policy changes."""
WILLINGNESS_PANEL = ("enterprise_participation_large", "college_willingness",
                     "enterprise_willingness")
"""The shares drawn on the 0-1 panel. Participation is that of *large* firms: since model
version 3 every firm of the region is a real firm (24,300 in the classroom world), and the
share of all of them with a tie (about 0.001) would lie flat on a 0-1 axis, while about a third
of large firms cooperate and respond to the levers."""


@dataclass(frozen=True)
class PolicyMark:
    """A policy change shown on the charts: the year it took effect and its label."""

    year: float
    label: str


def joint_rd_ties(df: pd.DataFrame, n_firms: int) -> np.ndarray:
    """Joint R&D ties (a count) from the per-100-firms reporter."""
    return np.round(np.asarray(df["joint_rd_per_100_firms"], dtype=float) * n_firms / 100.0)


def annual_spending(df: pd.DataFrame, steps_per_year: int) -> np.ndarray:
    """Public money paid over the past year at each row (CNY million).

    The difference of cumulative spending over ``steps_per_year`` rows; in the first year,
    what was paid so far scaled to a year (0 at year 0). Rows must be consecutive steps.
    """
    cum = np.asarray(df["cumulative_public_cost"], dtype=float)
    years = np.asarray(df["year"], dtype=float)
    out = np.zeros_like(cum)
    for i in range(cum.size):
        if i >= steps_per_year:
            out[i] = cum[i] - cum[i - steps_per_year]
        elif years[i] > 0:
            out[i] = (cum[i] - cum[0]) / years[i]
    return out


def _points(x: np.ndarray, y: np.ndarray) -> list[list[float | None]]:
    return [[round(float(a), 4), None if not math.isfinite(float(b)) else round(float(b), 5)]
            for a, b in zip(x, y, strict=True)]


def _label(name: str, lang: str) -> str:
    label, _, label_zh = OUTPUT_INFO[name]
    return label if lang == LANGUAGES[0] else label_zh


def output_label(name: str, lang: str, unit_shown: bool = True) -> str:
    """Label of reporter ``name`` from ``OUTPUT_INFO``, optionally with its unit."""
    unit = OUTPUT_INFO[name][1]
    text = _label(name, lang)
    return f"{text} ({units.unit_text(unit, lang)})" if unit_shown and unit else text


def _base(title: str, horizon: float, lang: str, projector: bool, y_name: str,
          y_range: tuple[float | None, float | None]) -> dict:
    size, title_size = FONT_PX[projector], TITLE_PX[projector]
    text = {"fontSize": size, "fontFamily": FONT_FAMILY, "color": "#222"}
    return {
        "animation": False,
        "textStyle": text,
        "title": {"text": title, "left": 4, "top": 2,
                  "textStyle": {**text, "fontSize": title_size, "fontWeight": "bold"}},
        "grid": {"left": 12, "right": 24, "top": title_size + size * 2 + 14,
                 "bottom": size * 2 + 10, "containLabel": True},
        "legend": {"top": title_size + 10, "left": 4, "textStyle": text, "itemGap": 14},
        "tooltip": {"trigger": "axis", "textStyle": text},
        "xAxis": {"type": "value", "min": 0, "max": horizon, "name": tr("year_axis", lang),
                  "nameLocation": "middle", "nameGap": size + 10, "nameTextStyle": text,
                  "axisLabel": text, "splitLine": {"show": False}},
        "yAxis": {"type": "value", "min": y_range[0], "max": y_range[1], "name": y_name,
                  "nameTextStyle": {**text, "align": "left"}, "axisLabel": text},
        "series": [],
    }


MIN_CHART_WIDTH_PX = 440
"""Narrowest chart the page lays out (its CSS grid's minimum column width)."""


def _text_width(text: str, size: float) -> float:
    """Rough drawn width of ``text`` (CSS px): Chinese characters are square, Latin narrower."""
    return sum(size if ord(ch) > 0x2E80 else 0.58 * size for ch in text)


def fit_legend(option: dict, projector: bool) -> None:
    """Move the plot down by as many legend rows as the narrowest chart needs."""
    size = FONT_PX[projector]
    item_gap, icon = option["legend"]["itemGap"], 25 + 5
    rows, used = 1, 0.0
    for name in option["legend"].get("data", []):
        width = icon + _text_width(name, size) + item_gap
        if used and used + width > MIN_CHART_WIDTH_PX - 8:
            rows, used = rows + 1, 0.0
        used += width
    option["grid"]["top"] = TITLE_PX[projector] + 14 + rows * (1.3 * size + item_gap) + size


def _mark_lines(marks: list[PolicyMark], projector: bool) -> dict:
    return {"symbol": "none", "silent": True,
            "lineStyle": {"color": CHANGE_COLOUR, "width": 2, "type": "solid"},
            "label": {"show": True, "position": "insideEndTop", "fontSize": FONT_PX[projector],
                      "fontFamily": FONT_FAMILY, "color": CHANGE_COLOUR, "formatter": "{b}"},
            "data": [{"xAxis": m.year, "name": m.label} for m in marks]}


def _line(name: str, points: list, colour: str, status_quo: bool) -> dict:
    style = ({"color": STATUS_QUO_COLOUR, "type": "dashed", "width": 2.5} if status_quo
             else {"color": colour, "type": "solid", "width": 3.5})
    return {"type": "line", "name": name, "data": points, "showSymbol": False,
            "lineStyle": style, "itemStyle": {"color": style["color"]},
            "z": 4 if status_quo else 3}


@dataclass(frozen=True)
class RunData:
    """One run's time series and what the charts need to read it.

    ``frame``: a DataFrame, or any mapping of reporter name to values (the page passes
    :class:`sim.app.session.SeriesColumns`).
    """

    role: str
    frame: pd.DataFrame
    n_firms: int
    steps_per_year: int

    def column(self, name: str) -> np.ndarray:
        """Reporter ``name`` as a float array, step 0 first."""
        return np.asarray(self.frame[name], dtype=float)


def share_option(run: RunData, horizon: float, lang: str, projector: bool, compare: bool,
                 marks: list[PolicyMark]) -> dict:
    """Stacked shares of ties by rung for one run (0-1)."""
    title = tr("ties_by_rung", lang) + (f" · {tr(run.role, lang)}" if compare else "")
    option = _base(title, horizon, lang, projector, "", (0, 1))
    x = run.column("year")
    shares = np.nan_to_num(np.stack([run.column(c) for c in SHARE_COLUMNS]))
    tops = np.cumsum(shares, axis=0)
    # Stacked by hand (ECharts stacks along the x axis when both axes are numeric): each
    # rung's area reaches from 0 to its cumulative top, deepest rung first, so the opaque
    # areas of the lower rungs, drawn later, cover the bottom part of the deeper ones.
    for i in reversed(range(len(SHARE_COLUMNS))):
        option["series"].append({
            "type": "line", "name": rung_label(i, lang), "showSymbol": len(x) == 1,
            "symbolSize": 10, "data": _points(x, tops[i]), "lineStyle": {"width": 0},
            "areaStyle": {"color": RUNG_COLOURS[i], "opacity": 1},
            "itemStyle": {"color": RUNG_COLOURS[i]}, "z": 2})
    option["legend"]["data"] = [rung_label(i, lang) for i in range(len(SHARE_COLUMNS))]
    option["tooltip"] = {"show": False}
    fit_legend(option, projector)
    if marks and run.role == "policy_run":
        option["series"][-1]["markLine"] = _mark_lines(marks, projector)
    return option


def _line_option(key: str, columns: dict[str, callable], runs: list[RunData], horizon: float,
                 lang: str, projector: bool, unit: str, y_range, marks) -> dict:
    open_, close = ("(", ")") if lang == LANGUAGES[0] else ("\uff08", "\uff09")
    sep = " " if lang == LANGUAGES[0] else ""
    option = _base(f"{tr(key, lang)}{sep}{open_}{unit}{close}", horizon, lang, projector, "",
                   y_range)
    compare = len(runs) > 1
    for run in sorted(runs, key=lambda r: r.role != "policy_run"):  # status quo on top
        x = run.column("year")
        for col, values in columns.items():
            name = tr(col, lang) if col in ("joint_rd_ties", "annual_public_cost") \
                else _label(col, lang)
            if compare and run.role == "status_quo_run":  # dashed, explained by the key
                name = f"{name} · {tr(run.role, lang)}"
            option["series"].append(_line(name, _points(x, values(run)), LINE_COLOURS[col],
                                          run.role == "status_quo_run"))
    option["legend"]["data"] = [s["name"] for s in option["series"] if s["z"] == 3]
    fit_legend(option, projector)
    if marks:
        option["series"][0]["markLine"] = _mark_lines(marks, projector)
    return option


def chart_options(runs: list[RunData], horizon: float, lang: str, projector: bool = False,
                  marks: list[PolicyMark] | None = None) -> list[tuple[str, dict]]:
    """``(panel name, ECharts option)`` of every panel, in page order.

    Panels: ``shares_<role>`` per run, then ``joint_rd``, ``participation``, ``spending``.
    """
    marks = marks or []
    compare = len(runs) > 1
    panels = [(f"shares_{r.role}", share_option(r, horizon, lang, projector, compare, marks))
              for r in runs]
    panels.append(("joint_rd", _line_option(
        "joint_rd_ties", {"joint_rd_ties": lambda r: joint_rd_ties(r.frame, r.n_firms)}, runs,
        horizon, lang, projector, tr("ties_unit", lang), (0, None), marks)))
    panels[-1][1]["yAxis"]["minInterval"] = 1
    panels.append(("participation", _line_option(
        "participation_willingness",
        {c: (lambda r, c=c: r.column(c)) for c in WILLINGNESS_PANEL},
        runs, horizon, lang, projector, units.unit_text("share", lang), (0, 1), marks)))
    panels.append(("spending", _line_option(
        "annual_public_cost",
        {"annual_public_cost": lambda r: annual_spending(r.frame, r.steps_per_year)},
        runs, horizon, lang, projector, units.unit_text("CNY million", lang), (0, None),
        marks)))
    return panels
