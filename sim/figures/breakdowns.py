"""Breakdowns at the end of a run: cooperation by sector, enterprise size class, college tier.

Sector and size-class panels show the share of enterprises whose highest active tie is on
each rung (or who have none); the tier panel shows the share of each tier's ties on each
rung, since every college cooperates with someone. Bars are stacked in rung order with
the rungs' fixed colours and hatches; one row of panels per run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.figures.labels import Labels
from sim.figures.layout import legend_below, new_figure, panel_title
from sim.figures.network import rung_names
from sim.figures.style import NO_TIE_COLOR, RUNG_STYLE
from sim.ladder import RUNGS
from sim.population import TIERS
from sim.sectors import SECTOR_NAMES, SIZE_CLASSES

BREAKDOWNS = ("sector", "size_class", "tier")
"""The panels of a row, left to right."""
ROW_HEIGHT_IN = 1.9
"""Height of one run's row of panels, inches."""
_NONE = "none"


def _shares(frame: pd.DataFrame, by: str, order: list, rungs: tuple[str, ...]) -> pd.DataFrame:
    counts = (frame.groupby([by, "rung"]).size().unstack(fill_value=0)
              .reindex(index=order, columns=list(rungs), fill_value=0))
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0, 1), axis=0)
    long = counts.stack().rename("count").to_frame().join(shares.stack().rename("share"))
    return long.reset_index().rename(columns={by: "category"})


def breakdown_table(enterprises: pd.DataFrame, colleges: pd.DataFrame,
                    ties: pd.DataFrame) -> pd.DataFrame:
    """Counts and shares by breakdown, category and rung for one run.

    Columns: ``breakdown, category, rung, count, share`` (share within the category; for
    "sector" and "size_class" of enterprises by highest rung including "none", for "tier" of
    ties by rung).
    """
    ent = enterprises.assign(rung=rung_names(enterprises["rung"]))
    ent_rungs = (_NONE, *RUNGS)
    sectors = [s for s in SECTOR_NAMES if s in set(ent["sector"])]
    sectors += sorted(set(ent["sector"]) - set(sectors))
    sizes = [s for s in SIZE_CLASSES if s in set(ent["size_class"])]
    sizes += sorted(set(ent["size_class"]) - set(sizes))
    tie_tiers = ties.assign(rung=rung_names(ties["rung"])).merge(
        colleges[["unique_id", "tier"]], left_on="college", right_on="unique_id", how="left")
    tiers = [t for t in TIERS if t in set(colleges["tier"])]
    tiers += sorted(set(colleges["tier"]) - set(tiers), key=str)
    parts = [
        _shares(ent, "sector", sectors, ent_rungs).assign(breakdown="sector"),
        _shares(ent, "size_class", sizes, ent_rungs).assign(breakdown="size_class"),
        _shares(tie_tiers, "tier", tiers, RUNGS).assign(breakdown="tier"),
    ]
    table = pd.concat(parts, ignore_index=True)
    return table[["breakdown", "category", "rung", "count", "share"]]


def breakdowns(runs: dict[str, dict[str, pd.DataFrame]], labels: Labels):
    """Stacked bars of cooperation by sector, size class and tier; one row per run.

    Tick labels carry each category's count (enterprises, or ties for tiers).
    Data columns: ``run, breakdown, category, rung, count, share``.
    """
    tables = {name: breakdown_table(r["enterprises"], r["colleges"], r["ties"])
              for name, r in runs.items()}
    fig, _ = new_figure("double", height=ROW_HEIGHT_IN * len(runs) + 0.4)
    fig.clear()
    rows = fig.subfigures(len(runs), 1, squeeze=False)[:, 0] if len(runs) > 1 else [fig]
    handles = {}
    for r, (row, (name, table)) in enumerate(zip(rows, tables.items(), strict=False)):
        grid = row.subplots(1, len(BREAKDOWNS), squeeze=False)[0]
        if len(runs) > 1:
            row.suptitle(labels.scenario(name), fontweight="bold")
        for c, (ax, kind) in enumerate(zip(grid, BREAKDOWNS, strict=False)):
            sub = table[table["breakdown"] == kind]
            cats = list(dict.fromkeys(sub["category"]))
            totals = sub.groupby("category", sort=False)["count"].sum()
            y = np.arange(len(cats))[::-1]
            left = np.zeros(len(cats))
            for rung in dict.fromkeys(sub["rung"]):
                vals = sub[sub["rung"] == rung].set_index("category").loc[cats, "share"]
                st = RUNG_STYLE.get(rung)
                handles[rung] = ax.barh(
                    y, vals.to_numpy(), left=left, height=0.7,
                    color=st.color if st else NO_TIE_COLOR, hatch=st.hatch if st else "",
                    edgecolor="white", linewidth=0.4, label=labels.rung(rung))
                left += vals.to_numpy()
            ax.set_yticks(y, [f"{labels.category(kind, v)} (n={int(totals[v])})" for v in cats])
            ax.tick_params(axis="y", length=0)
            ax.set_xlim(0, 1)
            ax.set_xticks([0, 0.5, 1])
            ax.set_xlabel(labels.word("share_of_colleges_ties" if kind == "tier"
                                      else "share_of_enterprises"))
            panel_title(ax, r * len(BREAKDOWNS) + c, labels.word(kind))
    order = [k for k in (_NONE, *RUNGS) if k in handles]
    legend_below(fig, [handles[k] for k in order], [handles[k].get_label() for k in order],
                 ncol=5)
    data = pd.concat([t.assign(run=n) for n, t in tables.items()], ignore_index=True)
    return fig, data[["run", "breakdown", "category", "rung", "count", "share"]]
