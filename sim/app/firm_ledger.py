"""A typical firm's ledger: what each cooperation activity costs and brings it, per rung.

The one adapter between the app and the model's payoff functions: every number here comes
from :func:`sim.ladder.enterprise_payoff` (with and without the policy payments) evaluated
on the model's own :class:`~sim.ladder.TieContext` (``model.tie_context``); no formula is
written a second time. The payoff is a sum of separate terms, so each item is the
difference the payoff makes when that item's economic terms are set to zero (for example
recruits = payoff - payoff with ``recruit_value = 0``); the items add up to the payoff
exactly (tested). When the payoff functions move (the model's "payoffs written once"),
only this module needs re-pointing.

Money: CNY thousand per tie per year, as in :mod:`sim.ladder`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.ladder import (
    RUNGS,
    PayoffTerms,
    cash_flow,
    enterprise_payoff,
    ladder,
    placements,
    rd_value,
    recruit_value,
)
from sim.model import CooperationModel

SIZE_CLASSES = ("small", "medium", "large")
"""Typical firms: the median-sized firm of each third of the size distribution."""
ITEMS = ("recruits", "poaching", "training_cost", "expert_exchange", "rd_value", "rd_outlay",
         "coordination", "subsidies_and_credits")
"""Ledger items, in the order of the waterfall."""


@dataclass(frozen=True)
class FirmLedger:
    """Items (CNY thousand a year) of holding one tie at each rung, and the net.

    ``items[name][r]`` is item ``name`` at rung ``r``; ``net[r]`` their sum.
    """

    firm: int
    college: int
    employees: int
    items: dict[str, np.ndarray]
    net: np.ndarray


def typical_firm(model: CooperationModel, size: str) -> int:
    """Index of the median-sized firm within the ``size`` third of firms (by employees)."""
    order = np.argsort(model.firms.employees, kind="stable")
    third = np.array_split(order, len(SIZE_CLASSES))[SIZE_CLASSES.index(size)]
    return int(third[len(third) // 2])


def partner_college(model: CooperationModel, firm: int) -> int:
    """The firm's partner college if it has one, else the first college in its city."""
    rows = model.ties.active_rows()
    mine = rows[model.ties.firm[rows] == firm]
    if mine.size:
        return int(model.ties.college[mine[np.argmax(model.ties.rung[mine])]])
    same_city = np.flatnonzero(model.colleges.city == model.firms.city[firm])
    return int(same_city[0]) if same_city.size else 0


def _payoff(rungs, ctx, terms: PayoffTerms, students, **zero) -> np.ndarray:
    """The payoff without policy payments at fixed ``students`` (interns, apprentices).

    The ``zero`` terms are set; the same functions as :func:`sim.ladder.enterprise_payoff`.
    """
    t = dataclasses.replace(terms, **zero)
    interns, apprentices = students
    return (recruit_value(interns, apprentices, rungs, ctx, t) + rd_value(rungs, ctx, t)
            + cash_flow(rungs, interns, apprentices, ctx, t, 0.0))


def same_terms(a: PayoffTerms, b: PayoffTerms) -> bool:
    """Whether two sets of payoff terms are equal in every field (arrays element-wise)."""
    return all(np.array_equal(getattr(a, f.name), getattr(b, f.name))
               for f in dataclasses.fields(PayoffTerms))


def firm_net(model: CooperationModel, firm: int, college: int | None = None) -> np.ndarray:
    """The net of :func:`firm_ledger` alone (one payoff evaluation instead of ten).

    What the captions read after every step: the firm's payoff of a tie at each rung.
    """
    college = partner_college(model, firm) if college is None else college
    rungs = ladder(np.arange(len(RUNGS)))
    ctx = model.tie_context(np.full(rungs.size, college), np.full(rungs.size, firm))
    return enterprise_payoff(rungs, ctx, model.terms)


def firm_ledger(model: CooperationModel, firm: int, terms: PayoffTerms | None = None,
                college: int | None = None) -> FirmLedger:
    """The ledger of a tie between ``firm`` and ``college`` at every rung, as the model sees it now.

    ``terms`` defaults to the running policy's (``model.terms``); pass the status quo's terms
    to see the same firm under the status quo.
    """
    terms = terms or model.terms
    college = partner_college(model, firm) if college is None else college
    rungs = ladder(np.arange(len(RUNGS)))  # the portfolio of each rung: its activities so far
    ctx = model.tie_context(np.full(rungs.size, college), np.full(rungs.size, firm))
    # The items are taken at the students the firm chooses under ``terms`` (sim.ladder.intake).
    q = placements(rungs, ctx, terms)
    full = _payoff(rungs, ctx, terms, q)
    no_poaching = dataclasses.replace(ctx, retention=np.ones_like(ctx.retention))
    recruits_kept = full - _payoff(rungs, ctx, terms, q, recruit_value=0.0)
    recruits_all = (_payoff(rungs, no_poaching, terms, q)
                    - _payoff(rungs, no_poaching, terms, q, recruit_value=0.0))
    no_rd_value = _payoff(rungs, ctx, terms, q, rd_value=0.0)
    items = {
        "recruits": recruits_all,
        "poaching": recruits_kept - recruits_all,
        "training_cost": full - _payoff(rungs, ctx, terms, q, intern_gross_cost=0.0,
                                        apprentice_gross_cost=0.0, supervision_cost=0.0),
        "expert_exchange": full - _payoff(rungs, ctx, terms, q, expert_exchange_value=0.0,
                                          expert_exchange_cost=0.0),
        "rd_value": full - no_rd_value,
        "rd_outlay": no_rd_value - _payoff(rungs, ctx, terms, q, rd_value=0.0,
                                           rd_project_cost=0.0),
        "coordination": full - _payoff(rungs, ctx, terms, q, governance_cost=0.0),
    }
    net = enterprise_payoff(rungs, ctx, terms)
    # subsidies, tax credit and R&D co-funding: what the policy payments add to the payoff
    items["subsidies_and_credits"] = net - full
    return FirmLedger(firm, college, int(model.firms.employees[firm]), items, net)


ITEM_COLOURS = {"recruits": "#2ca02c", "poaching": "#98df8a", "training_cost": "#ff7f0e",
                "expert_exchange": "#9467bd", "rd_value": "#d62728", "rd_outlay": "#ff9896",
                "coordination": "#8c564b", "subsidies_and_credits": "#1f77b4"}
ITEM_LABELS = {
    "recruits": ("Recruits' value", "招到的人才价值"),
    "poaching": ("Lost to poaching", "被挖走的损失"),
    "training_cost": ("Training cost", "培养成本"),
    "expert_exchange": ("Expert exchange", "专家互聘收支"),
    "rd_value": ("R&D value", "研发收益"),
    "rd_outlay": ("R&D outlay", "研发投入"),
    "coordination": ("Coordination cost", "协调成本"),
    "subsidies_and_credits": ("Subsidies and credits", "补贴与税收抵免"),
}
"""Display names (English, Chinese) of the ledger items."""


def ledger_option(policy: FirmLedger, status_quo: FirmLedger, lang: str,
                  projector: bool = False, picked: bool = False) -> dict:
    """ECharts option: per rung, items stacked (gains up, costs down) and the net.

    The chosen policy and the status quo stand side by side at each rung. ``picked``: the
    firm was picked in the network (the title names it), not a typical firm of a size class.
    """
    from sim.app.charts import FONT_FAMILY, FONT_PX, TITLE_PX, fit_legend
    from sim.app.text import LANGUAGES, pick, rung_label, tr

    size = FONT_PX[projector]
    text = {"fontSize": size, "fontFamily": FONT_FAMILY, "color": "#222"}
    labels = [rung_label(r, lang) for r in range(len(RUNGS))]
    series = []
    for role, ledger in (("policy_run", policy), ("status_quo_run", status_quo)):
        for name in ITEMS:
            series.append({"type": "bar", "name": pick(ITEM_LABELS[name], lang),
                           "stack": role, "barMaxWidth": 40,
                           "itemStyle": {"color": ITEM_COLOURS[name],
                                         "opacity": 1 if role == "policy_run" else 0.45},
                           "data": [round(float(v), 2) for v in ledger.items[name]]})
        series.append({"type": "scatter", "name": f"{tr('net', lang)} · {tr(role, lang)}",
                       "symbol": "diamond" if role == "policy_run" else "rect",
                       "symbolSize": 16, "z": 5,
                       "itemStyle": {"color": "#000" if role == "policy_run" else "#777"},
                       "data": [round(float(v), 2) for v in ledger.net]})
    sep = " " if lang == LANGUAGES[0] else ""
    option = {
        "animation": False, "textStyle": text,
        "title": {"text": tr("ledger_title_picked", lang, firm=policy.firm,
                             employees=policy.employees) if picked
                  else tr("ledger_title", lang, employees=policy.employees),
                  "textStyle": {**text, "fontSize": TITLE_PX[projector], "fontWeight": "bold"}},
        "legend": {"top": TITLE_PX[projector] + 10, "left": 4, "textStyle": text,
                   "itemGap": 14, "data": [pick(ITEM_LABELS[n], lang) for n in ITEMS]
                   + [f"{tr('net', lang)} · {tr(r, lang)}"
                      for r in ("policy_run", "status_quo_run")]},
        "grid": {"left": 12, "right": 24, "bottom": 10, "containLabel": True},
        "tooltip": {"trigger": "axis", "textStyle": text},
        "xAxis": {"type": "category", "data": labels, "axisLabel": text},
        "yAxis": {"type": "value", "name": f"{tr('ledger_unit', lang)}{sep}",
                  "nameTextStyle": {**text, "align": "left"}, "axisLabel": text},
        "series": series,
    }
    fit_legend(option, projector)
    return option
