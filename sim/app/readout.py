"""The numbers behind the charts at the current step, as a small table.

In side-by-side mode it reads "status quo | chosen policy | difference", which is the
question the class asks: what does the policy change, and what does it cost?
"""

from __future__ import annotations

import html
import math

import pandas as pd

from sim import units
from sim.app.charts import output_label
from sim.app.text import tr
from sim.metrics import OUTPUT_INFO

READOUT_OUTPUTS: tuple[str, ...] = (
    "joint_rd_per_100_firms", "share_joint_training", "mean_rung", "enterprise_participation",
    "college_willingness", "enterprise_willingness", "public_cost", "cumulative_public_cost",
)
"""Reporters shown in the table, in order."""
SIGNIFICANT_DIGITS = 3
CELL_STYLE = "padding: 1px 10px; border-bottom: 1px solid #e0e0e0; text-align: left;"
NUMBER_STYLE = "text-align: right; font-variant-numeric: tabular-nums;"


def fmt(value: float) -> str:
    """``value`` with SIGNIFICANT_DIGITS significant digits; a dash if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def readout_rows(runs: list[tuple[str, pd.DataFrame | dict[str, float]]],
                 lang: str) -> list[list[str]]:
    """Header and one row per output: label, unit, each run's latest value.

    Each run is its time series (the last row is read) or its latest reporters as a dict.
    With two runs (status quo first) a last column gives the difference, policy minus
    status quo.
    """
    latest = [(role, (df.iloc[-1] if len(df) else pd.Series(dtype=float))
               if isinstance(df, pd.DataFrame) else df) for role, df in runs]
    header = ["", tr("unit", lang)] + [tr(role, lang) for role, _ in latest]
    if len(latest) == 2:
        header.append(tr("difference", lang))
    rows = [header]
    for name in READOUT_OUTPUTS:
        values = [float(row.get(name, math.nan)) for _, row in latest]
        cells = [output_label(name, lang, unit_shown=False),
                 units.unit_text(OUTPUT_INFO[name][1], lang)]
        cells += [fmt(v) for v in values]
        if len(values) == 2:
            diff = values[1] - values[0]
            cells.append(("+" if diff > 0 else "") + fmt(diff))
        rows.append(cells)
    return rows


def readout_html(rows: list[list[str]]) -> str:
    """The rows as an HTML table (first row as header)."""
    def tag(cells: list[str], name: str) -> str:
        return "".join(f"<{name} style='{CELL_STYLE}{NUMBER_STYLE if i > 1 else ''}'>"
                       f"{html.escape(c)}</{name}>" for i, c in enumerate(cells))

    head, *body = rows
    lines = [f"<tr>{tag(head, 'th')}</tr>"] + [f"<tr>{tag(r, 'td')}</tr>" for r in body]
    return f"<table style='border-collapse: collapse'>{''.join(lines)}</table>"
