"""Model reporters: functions of a model that return one number each, recorded every step.

Names are fixed (experiments, analysis, figures and the app rely on them). Shares of ties by
rung are over active ties and sum to 1 whenever a tie exists (all 0 without ties).
Willingness is revealed: the share of feasible one-rung upgrades each side accepted over the
last year. Graduate outcomes refer to the latest graduation (NaN before the first one).
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import JOINT_RD, RUNGS, enterprise_payoff, holds, policy_payments
from sim.population import OWNERSHIPS, TIERS, service_funding_10m_share
from sim.sectors import SECTORS, SIZE_CLASSES
from sim.ties import context_of_rows

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

_SIZE_ZH = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}
_OWNERSHIP_ZH = {"private": "民营", "state": "国有", "foreign": "外资"}
_TIER_EN = {"ordinary": "ordinary", "double_high": "Double High"}
_TIER_ZH = {"ordinary": "普通", "double_high": "“双高”"}

CITY_COLUMNS = 3
"""Cities broken down by the per-city reporters: the first three (city indices 0-2, columns
``..._city1`` to ``..._city3``), all the cities of the regional scenarios (``world.n_cities``
= 3 in ``configs/status_quo.toml`` and the single-reform scenarios). A world with fewer
cities records NaN for the missing ones; a larger world (Guangdong, national) has only its
first three cities broken down. Column names must not depend on the world, so the count is
fixed here."""


def _group_names() -> dict[str, tuple[str, ...]]:
    """Categories of each enterprise breakdown, in column order."""
    return {"ownership": OWNERSHIPS, "sector": tuple(s.name for s in SECTORS),
            "size_class": SIZE_CLASSES,
            "city": tuple(f"city{k + 1}" for k in range(CITY_COLUMNS))}


def _group_label(breakdown: str, category: str, lang: str) -> str:
    """A category's words for a reporter label ("state-owned", "先进制造业", "city 1")."""
    if breakdown == "sector":
        sector = next(s for s in SECTORS if s.name == category)
        return sector.label.lower() if lang == "en" else sector.label_zh
    if breakdown == "ownership":
        return ({"private": "private", "state": "state-owned", "foreign": "foreign-funded"}
                [category] if lang == "en" else _OWNERSHIP_ZH[category])
    if breakdown == "size_class":
        return category if lang == "en" else _SIZE_ZH[category]
    k = category[len("city"):]
    return f"city {k}" if lang == "en" else f"城市 {k} "


def _breakdown_info() -> dict[str, tuple[str, str, str]]:
    """Label, unit and Chinese label of each reporter of :func:`breakdown_reporters`."""
    info: dict[str, tuple[str, str, str]] = {}
    for breakdown, names in _group_names().items():
        for c in names:
            en, zh = _group_label(breakdown, c, "en"), _group_label(breakdown, c, "zh")
            firms = f"enterprises in {en}" if breakdown == "city" else f"{en} enterprises"
            info[f"enterprise_participation_{c}"] = (
                f"Participation of {firms}", "share of enterprises", f"{zh}企业参与率")
            if breakdown != "size_class":  # the size classes' R&D columns exist already
                info[f"rd_ties_per_100_firms_{c}"] = (
                    f"Joint R&D ties per 100 {firms}", "ties per 100 enterprises",
                    f"每百家{zh}企业联合研发数")
    for t in TIERS:
        info[f"ties_per_college_{t}"] = (
            f"Active ties per {_TIER_EN[t]} college", "ties per college",
            f"{_TIER_ZH[t]}院校校均合作关系数")
        info[f"rd_ties_per_college_{t}"] = (
            f"Joint R&D ties per {_TIER_EN[t]} college", "ties per college",
            f"{_TIER_ZH[t]}院校校均联合研发数")
    return info


OUTPUT_INFO = MappingProxyType({
    "share_internship": ("Share of ties at internship", "share of active ties", "实习层级占比"),
    "share_expert_exchange": ("Share of ties at expert exchange", "share of active ties",
                              "专家互聘层级占比"),
    "share_joint_training": ("Share of ties at joint training", "share of active ties",
                             "联合培养层级占比"),
    "share_joint_rd": ("Share of ties at joint R&D or technical service", "share of active ties",
                       "联合研发/技术服务层级占比"),
    "joint_rd_per_100_firms": ("Ties holding joint R&D per 100 firms", "ties per 100 enterprises",
                               "每百家企业联合研发数"),
    "mean_rung": ("Mean rung of ties", "rung (0 internship - 3 joint R&D)", "平均合作层级"),
    "enterprise_participation": ("Enterprise participation", "share of enterprises",
                                 "企业参与率"),
    "college_willingness": ("College willingness", "share of feasible upgrades accepted",
                            "院校意愿"),
    "enterprise_willingness": ("Enterprise willingness", "share of feasible upgrades accepted",
                               "企业意愿"),
    "willingness_gap": ("Willingness gap (college - enterprise)", "share", "意愿差距(院校-企业)"),
    "dual_qualified_share": ("Dual-qualified teachers", "share of full-time teachers",
                             "双师型教师比例"),
    "graduate_match_rate": ("Graduates in matching jobs", "share of graduates", "毕业生专业对口率"),
    "graduate_retention": ("Recruits retained by training firm", "share after one year",
                           "毕业生留任率"),
    "public_cost": ("Public spending", "CNY million per year", "公共支出"),
    "cumulative_public_cost": ("Cumulative public spending", "CNY million", "累计公共支出"),
    "n_ties": ("Active ties", "ties", "合作关系数"),
    "subsidy_deadweight_share": ("Deadweight of fiscal payments",
                                 "share of subsidy and tax credit", "补贴无谓损失占比"),
    "service_funding_10m_share": ("Colleges above CNY 10 M research and service funding",
                                  "share of colleges", "科研社会服务经费超千万院校占比"),
    **{f"rd_ties_per_100_firms_{cls}": (f"Joint R&D ties per 100 {cls} firms",
                                         f"ties per 100 {cls} enterprises",
                                         f"每百家{_SIZE_ZH.get(cls, cls)}企业联合研发数")
       for cls in SIZE_CLASSES},
    "rd_ties_per_100_partner_firms": ("Ties holding joint R&D per 100 partner firms",
                                      "ties per 100 enterprises with a tie",
                                      "每百家合作企业联合研发数"),
    **_breakdown_info(),
})
"""Reporter name -> (label, unit, Chinese label)."""

BREAKDOWN_OUTPUTS: tuple[str, ...] = tuple(_breakdown_info())
"""The reporters of :func:`breakdown_reporters`, in column order (after the others)."""

OUTPUTS: tuple[str, ...] = tuple(OUTPUT_INFO)
"""Reporter names in column order (after ``step`` and ``year``)."""


def rung_shares(model: "CooperationModel") -> np.ndarray:
    """Share of active ties on each rung (zeros without ties)."""
    rows = model.ties.active_rows()
    counts = np.bincount(model.ties.rung[rows], minlength=len(RUNGS)).astype(float)
    return counts / counts.sum() if rows.size else counts


def willingness(model: "CooperationModel", side: str) -> float:
    """Share of feasible upgrades ``side`` accepted over the last year (NaN if none)."""
    window = model.upgrade_decisions[side][-model.steps_per_year:]
    accepted = sum(a for a, _ in window)
    feasible = sum(f for _, f in window)
    return accepted / feasible if feasible else math.nan


def deadweight_share(model: "CooperationModel") -> float:
    """Share of expected fiscal payments going to ties that pay off for the firm without them.

    A tie whose expected net benefit is non-negative without subsidy and tax credit would
    exist anyway: what it receives is deadweight.
    """
    rows = model.ties.active_rows()
    if rows.size == 0:
        return 0.0
    ctx = context_of_rows(model, rows)
    port = model.ties.activities[rows]
    payments = policy_payments(port, ctx, model.terms)
    total = payments.sum()
    if total <= 0:
        return 0.0
    anyway = enterprise_payoff(port, ctx, model.terms, with_policy=False) >= 0
    return float(payments[anyway].sum() / total)


def partner_firms(model: "CooperationModel") -> tuple[np.ndarray, np.ndarray]:
    """Real firms with at least one active tie, and each one's agent (sorted by real id)."""
    reals = model.ties.partner_firms()
    return reals, model.firms.agent_of(reals)


def rd_ties_per_100_firms_by_size(model: "CooperationModel") -> np.ndarray:
    """Ties holding joint R&D per 100 real firms of each size class (0 for an empty class)."""
    rows = model.ties.active_rows()
    cls = model.firms.size_class()
    rd_firms = model.ties.firm[rows[holds(model.ties.activities[rows], JOINT_RD)]]
    ties = np.bincount(cls[rd_firms], minlength=len(SIZE_CLASSES)).astype(float)
    firms = np.bincount(cls, weights=model.firms.members, minlength=len(SIZE_CLASSES))
    return 100.0 * np.divide(ties, firms, out=np.zeros(len(SIZE_CLASSES)), where=firms > 0)


def _rates(groups: np.ndarray, n_groups: int, counted: np.ndarray, scale: float,
           sizes: np.ndarray | None = None) -> np.ndarray:
    """``scale x`` (counted items) / (members) per group; NaN for a group without members.

    ``groups``: group index of every agent, each standing for ``sizes`` members (1 each by
    default); ``counted``: group index of each counted item (repeats count again).
    """
    num = np.bincount(counted, minlength=n_groups)[:n_groups].astype(float)
    den = np.bincount(groups, weights=sizes, minlength=n_groups)[:n_groups].astype(float)
    out = np.full(n_groups, np.nan)
    np.divide(scale * num, den, out=out, where=den > 0)
    return out


def breakdown_reporters(model: "CooperationModel",
                        partners: tuple[np.ndarray, np.ndarray] | None = None
                        ) -> dict[str, float]:
    """Participation and joint R&D by ownership, sector, size class and city; ties by tier.

    Enterprise side, per category: ``enterprise_participation_<category>`` (share of the
    category's real firms with at least one active tie) and ``rd_ties_per_100_firms_<category>``
    (active ties holding joint R&D of the category's firms per 100 of its real firms; the size
    classes' columns are recorded by :func:`rd_ties_per_100_firms_by_size`). Both count real
    firms, as ``enterprise_participation`` and ``joint_rd_per_100_firms`` do, so the
    categories of a breakdown average back to those, weighted by real firms. Cities: the first
    :data:`CITY_COLUMNS` (``city1`` is city index 0).

    College side, per tier (ordinary, Double High): ``ties_per_college_<tier>`` (active
    ties per college of the tier) and ``rd_ties_per_college_<tier>`` (of them, ties holding
    joint R&D).

    A category without members (no foreign firm in a small world, a city the world lacks)
    gives NaN. Cost: a handful of ``bincount`` calls over the active ties and the firms.
    """
    rows = model.ties.active_rows()
    firm_of_tie = model.ties.firm[rows]
    rd = holds(model.ties.activities[rows], JOINT_RD)
    # the agent of each real partner firm (``partners``: :func:`partner_firms`, if known)
    _, part = partner_firms(model) if partners is None else partners
    f = model.firms
    groups = {"ownership": f.ownership, "sector": f.sector, "size_class": f.size_class(),
              "city": f.city}
    out: dict[str, float] = {}
    for breakdown, names in _group_names().items():
        g = np.asarray(groups[breakdown])
        k = len(names)
        share = _rates(g, k, g[part], 1.0, f.members)
        per100 = _rates(g, k, g[firm_of_tie[rd]], 100.0, f.members)
        for j, c in enumerate(names):
            out[f"enterprise_participation_{c}"] = float(share[j])
            if breakdown != "size_class":
                out[f"rd_ties_per_100_firms_{c}"] = float(per100[j])
    tier = model.colleges.tier
    college_of_tie = tier[model.ties.college[rows]]
    per_college = _rates(tier, len(TIERS), college_of_tie, 1.0)
    rd_per_college = _rates(tier, len(TIERS), college_of_tie[rd], 1.0)
    for j, t in enumerate(TIERS):
        out[f"ties_per_college_{t}"] = float(per_college[j])
        out[f"rd_ties_per_college_{t}"] = float(rd_per_college[j])
    return {name: out[name] for name in BREAKDOWN_OUTPUTS}


def collect(model: "CooperationModel") -> dict[str, float]:
    """All reporters of the current state, with ``step`` and ``year``."""
    shares = rung_shares(model)
    rows = model.ties.active_rows()
    n_rd = int(holds(model.ties.activities[rows], JOINT_RD).sum())
    partners = partner_firms(model)
    participating = partners[0].size
    cw, ew = willingness(model, "college"), willingness(model, "enterprise")
    t = model.teachers
    dq = t.dual_qualified(model.params)[~t.professor]
    return {
        "step": model.steps_done,
        "year": model.year,
        "share_internship": float(shares[0]),
        "share_expert_exchange": float(shares[1]),
        "share_joint_training": float(shares[2]),
        "share_joint_rd": float(shares[3]),
        "joint_rd_per_100_firms": 100.0 * n_rd / model.firms.n_real,
        "rd_ties_per_100_partner_firms": 100.0 * n_rd / participating if participating else 0.0,
        "mean_rung": float(np.mean(model.ties.rung[rows])) if rows.size else 0.0,
        "enterprise_participation": participating / model.firms.n_real,
        "college_willingness": cw,
        "enterprise_willingness": ew,
        "willingness_gap": cw - ew,
        "dual_qualified_share": float(dq.mean()) if dq.size else 0.0,
        "graduate_match_rate": model.last_graduation["match_rate"],
        "graduate_retention": model.last_graduation["retention"],
        "public_cost": model.ledger.paid_last_year(model.steps_per_year),
        "cumulative_public_cost": model.ledger.cumulative,
        "n_ties": float(rows.size),
        "subsidy_deadweight_share": deadweight_share(model),
        "service_funding_10m_share": service_funding_10m_share(model.colleges.research_funding()),
        **{f"rd_ties_per_100_firms_{cls}": float(v)
           for cls, v in zip(SIZE_CLASSES, rd_ties_per_100_firms_by_size(model), strict=True)},
        **breakdown_reporters(model, partners),
    }
