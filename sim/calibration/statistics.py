"""Statistics of one model run that calibration targets can name (the registry).

A target (:mod:`sim.calibration.targets`) names one statistic from :data:`STATISTICS`. Three
kinds exist:

* ``reporter``: a model reporter (:data:`sim.metrics.OUTPUTS`) at the end of a given year
  (the target's ``year``), e.g. ``share_internship`` at year 10;
* ``final``: a statistic of the final state of the run (firms, colleges and ties at the end
  of the last year), computed the way the pattern's source measured it as far as the model
  allows (:func:`firm_statistics`): shares of firms or colleges, ratios and orders between
  size classes;
* ``quantile``: a quantile of a per-college quantity at the end of the run.

Every statistic is a number per particle: one run (one seed), or, when the targets file says
``replicates = K``, K runs with their own seeds pooled as one survey of K regions
(:func:`pool_statistics`); replicate noise is part of the fit either way. Indicators
(``partner_order``, ``costly_by_size``) are 0 or 1 per particle.

The firm-level pattern statistics were written for the search of issue 9, item 10
(``calibration/search.py``, which imports them from here).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel


@dataclass(frozen=True)
class Statistic:
    """A named statistic of one run.

    Attributes:
        name: registry name (what a target's ``statistic`` says).
        kind: ``reporter`` (a reporter at a year), ``final`` (end-of-run state) or
            ``quantile`` (a quantile over colleges at the end of the run).
        unit: unit of the value.
        description: what it measures, in plain words.

    """

    name: str
    kind: str
    unit: str
    description: str


MAIN_PARTNERS = 3
"""Partner firms a college counts as its main partners: its deepest ties, the longest-standing
first among equally deep ones. An assumption (plausible 2-5): the survey behind the partner
order (1,207 college leaders, 2025) reports that 67% of colleges have small or micro partners,
which cannot be a share of colleges with any such partner when each college has dozens of
partner firms (34 in the model's status quo) and most firms are small; leaders name the
few partners that matter to them. docs/calibration.md shows the shares for 1-10."""


def main_partner_mask(college: np.ndarray, rung: np.ndarray, age: np.ndarray,
                      k: int = MAIN_PARTNERS) -> np.ndarray:
    """Which of the given ties are among their college's ``k`` main partners.

    Ties are ranked within their college by rung (deepest first), then age (oldest first),
    then row order.

    Args:
        college: each active tie's college.
        rung: its deepest activity (:data:`sim.ladder.ACTIVITIES` index).
        age: its age (years).
        k: main partners per college.

    """
    order = np.lexsort((np.arange(college.size), -age, -rung, college))
    sorted_college = college[order]
    first = np.searchsorted(sorted_college, sorted_college, side="left")
    rank = np.arange(college.size) - first
    mask = np.zeros(college.size, bool)
    mask[order[rank < k]] = True
    return mask


def partner_class_shares(m: "CooperationModel", rows: np.ndarray) -> np.ndarray:
    """Share of colleges with a small or micro, a medium and a large partner among tie ``rows``."""
    has = np.zeros((m.colleges.n, 3), bool)
    cls = m.firms.size_cls[m.ties.firm[rows]]
    has[m.ties.college[rows], np.minimum(np.maximum(cls - 1, 0), 2)] = True
    return has.mean(axis=0)


def firm_statistics(m: "CooperationModel") -> dict[str, float]:
    """Pattern statistics of one model at the end of its run (one seed).

    Host firms' profit or loss is what the surveys (Ran & Shi 2020, Ran 2022) measured: each
    firm's *realised* short-term ledger of the last academic year's interns (apprentices)
    (``model.host_ledger``: the payoff functions called on realised quantities: students
    hosted, their realised productivity, payout paid; recruits kept are apart). The mean is
    per student, as the surveys report costs and returns per student, so a few large hosts
    do not dominate it; the shares losing or profiting are shares of firms. Counts
    (``intern_firms``, ``intern_students``, ``intern_net_sum``, ``intern_losing``,
    ``intern_profiting`` and the same for ``apprentice``) let a caller pool host firms over
    seeds as one survey (``calibration/search.py``); the per-run values are returned too.

    Returns (units in brackets): the counts above, ``intern_mean_net`` (CNY thousand per
    hosted intern and year, realised), ``intern_loss_share`` (share of hosting firms losing),
    ``apprentice_mean_net``, ``apprentice_profit_share``, ``deep_ties_per_100_partner_firms``
    (ties at joint R&D or technical service per 100 real firms with a tie),
    ``partner_small_micro``, ``partner_medium``, ``partner_large`` (share of colleges with at
    least one partner of that size class) and ``costly_0`` .. ``costly_3`` (share of the real
    partner firms of size class 0-3 whose deepest tie is joint training or deeper: Yang & Yue
    2018 compare firms that report taking part). NaN where no firm qualifies.
    """
    from sim.ladder import JOINT_RD, JOINT_TRAINING

    rows = m.ties.active_rows()
    rung = m.ties.rung[rows]
    cls = m.firms.size_cls
    out: dict[str, float] = {}
    for name, app in (("intern", False), ("apprentice", True)):
        _, net, students = m.host_ledger.per_firm(app)
        n = float(net.size)
        hosted = float(students.sum())
        out[f"{name}_firms"] = n
        out[f"{name}_students"] = hosted
        out[f"{name}_net_sum"] = float(net.sum())
        out[f"{name}_losing"] = float((net < 0).sum())
        out[f"{name}_profiting"] = float((net > 0).sum())
        out[f"{name}_mean_net"] = float(net.sum()) / hosted if hosted > 0 else np.nan
        out[f"{name}_loss_share"] = float((net < 0).mean()) if n else np.nan
        out[f"{name}_profit_share"] = float((net > 0).mean()) if n else np.nan
    reals, inv = np.unique(m.ties.real[rows], return_inverse=True)
    deep = float((rung >= JOINT_RD).sum())
    out["deep_ties_per_100_partner_firms"] = (100.0 * deep / reals.size
                                            if reals.size else np.nan)
    # Colleges with at least one partner per size class: medium >= large > small and micro.
    share = partner_class_shares(m, rows)
    out.update({"partner_small_micro": float(share[0]), "partner_medium": float(share[1]),
                "partner_large": float(share[2])})
    # The same among each college's main partners only (MAIN_PARTNERS).
    main = main_partner_mask(m.ties.college[rows], rung, m.ties.age[rows])
    share = partner_class_shares(m, rows[main])
    out.update({"main_partner_small_micro": float(share[0]),
                "main_partner_medium": float(share[1]), "main_partner_large": float(share[2])})
    # Costly cooperation (joint training or deeper) by size class, among real partner firms.
    top = np.full(reals.size, -1)
    np.maximum.at(top, inv, rung)
    cls_real = cls[m.firms.agent_of(reals)]
    costly = [np.mean(top[cls_real == c] >= JOINT_TRAINING) if np.any(cls_real == c)
              else np.nan for c in range(4)]
    out.update({f"costly_{c}": float(v) for c, v in enumerate(costly)})
    return out


def pattern_indicators(stats: Mapping[str, float]) -> dict[str, float]:
    """The order patterns of issue 9, item 10, as 0/1 indicators of one run's statistics.

    ``partner_order``: colleges with a medium partner >= with a large one > with a small or
    micro one (2025 survey of 1,207 college leaders). ``costly_by_size``: costly cooperation
    more frequent among the largest than the smallest firms and among medium than small
    (Yang & Yue 2018). NaN inputs make the indicator 0.
    """
    p = stats
    order = p["partner_medium"] >= p["partner_large"] > p["partner_small_micro"]
    costly = p["costly_3"] > p["costly_0"] and p["costly_2"] >= p["costly_1"]
    main = (p.get("main_partner_medium", np.nan) >= p.get("main_partner_large", np.nan)
            > p.get("main_partner_small_micro", np.nan))
    return {"partner_order": float(bool(order)), "costly_by_size": float(bool(costly)),
            "main_partner_order": float(bool(main))}


def _final_statistics() -> dict[str, Statistic]:
    f = "final"
    rows = [
        ("intern_mean_net", "CNY thousand per hosted intern and year",
         "realised short-term net of the year's interns per intern hosted"),
        ("intern_loss_share", "share of hosting firms",
         "hosting firms whose realised ledger of interns is a loss"),
        ("apprentice_mean_net", "CNY thousand per hosted apprentice and year",
         "realised short-term net of the year's apprentices per apprentice hosted"),
        ("apprentice_profit_share", "share of apprenticing firms",
         "apprenticing firms whose realised ledger of apprentices is a profit"),
        ("deep_ties_per_100_partner_firms", "ties per 100 enterprises with a tie",
         "ties at joint R&D or technical service per 100 real firms with a tie"),
        ("partner_small_micro", "share of colleges", "colleges with a small or micro partner"),
        ("partner_medium", "share of colleges", "colleges with a medium partner"),
        ("partner_large", "share of colleges", "colleges with a large partner"),
        *[(f"costly_{c}", f"share of size-class-{c} firms",
           f"partner firms of size class {c} (0 micro .. 3 large) at joint training or deeper")
          for c in range(4)],
        ("partner_order", "indicator (0/1)",
         "colleges with a partner ordered medium >= large > small and micro"),
        ("main_partner_small_micro", "share of colleges",
         f"colleges with a small or micro firm among their {MAIN_PARTNERS} main partners"),
        ("main_partner_medium", "share of colleges",
         f"colleges with a medium firm among their {MAIN_PARTNERS} main partners"),
        ("main_partner_large", "share of colleges",
         f"colleges with a large firm among their {MAIN_PARTNERS} main partners"),
        ("main_partner_order", "indicator (0/1)",
         "colleges with a main partner ordered medium >= large > small and micro"),
        ("costly_by_size", "indicator (0/1)", "costly cooperation more frequent among larger "
         "firms"),
        ("partner_medium_over_large", "ratio",
         "colleges with a medium partner divided by those with a large partner"),
    ]
    return {n: Statistic(n, f, u, d) for n, u, d in rows}


def _reporter_statistics() -> dict[str, Statistic]:
    from sim.metrics import OUTPUT_INFO

    return {n: Statistic(n, "reporter", info[1], info[0]) for n, info in OUTPUT_INFO.items()}


QUANTILES: Mapping[str, tuple[str, float, str]] = MappingProxyType({
    "service_funding_q90": ("service_funding", 0.9, "CNY million per year"),
    "service_funding_median": ("service_funding", 0.5, "CNY million per year"),
})
"""Quantile statistics: name -> (per-college quantity, quantile, unit)."""


def _quantile_statistics() -> dict[str, Statistic]:
    return {n: Statistic(n, "quantile", unit, f"{q:.0%} quantile of colleges' research and "
                         "social-service funding")
            for n, (_, q, unit) in QUANTILES.items()}


def registry() -> dict[str, Statistic]:
    """Every statistic a target may name, by name."""
    return {**_reporter_statistics(), **_final_statistics(), **_quantile_statistics()}


def college_funding(m: "CooperationModel") -> np.ndarray:
    """Each college's research and social-service funding in the last year (CNY million)."""
    return np.asarray(m.colleges.research_funding(), float)


def final_statistics(m: "CooperationModel") -> dict[str, float]:
    """Every ``final`` statistic of a finished run."""
    return pool_final([firm_statistics(m)])


HOST_COUNTS = ("firms", "students", "net_sum", "losing", "profiting")
"""Host-ledger counts per programme that :func:`pool_final` adds up over runs."""


def pool_final(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """``final`` statistics of several runs pooled as one survey (one run: that run's).

    Shares and rates are means over the runs (each run's region has the same number of
    colleges); host firms are pooled, as one survey of many firms: the net per student
    hosted is the pooled net over the pooled students, the shares losing or profiting are
    shares of the pooled host firms; the order indicators are read from the pooled shares.
    ``calibration/search.py`` summarises seeds with this function.
    """
    keys = dict.fromkeys(k for r in rows for k in r)
    out: dict[str, float] = {}
    for k in keys:
        v = np.array([float(r.get(k, np.nan)) for r in rows], float)
        out[k] = float(np.mean(v[np.isfinite(v)])) if np.isfinite(v).any() else np.nan
    for name in ("intern", "apprentice"):
        tot = {c: float(sum(float(r[f"{name}_{c}"]) for r in rows)) for c in HOST_COUNTS}
        out.update({f"{name}_{c}": tot[c] for c in HOST_COUNTS})
        hosted, n = tot["students"], tot["firms"]
        out[f"{name}_mean_net"] = tot["net_sum"] / hosted if hosted > 0 else np.nan
        out[f"{name}_loss_share"] = tot["losing"] / n if n else np.nan
        out[f"{name}_profit_share"] = tot["profiting"] / n if n else np.nan
    out.update(pattern_indicators(out))
    large = out["partner_large"]
    out["partner_medium_over_large"] = out["partner_medium"] / large if large > 0 else np.nan
    return out


def record_steps(wanted: Mapping[str, int], steps_per_year: int) -> frozenset[int]:
    """The steps whose reporters :func:`run_record` reads: each wanted reporter's year end.

    A calibration's runs record their reporters only there (the reporters read the state and
    change nothing, so every statistic is the same as with a record at every step; they cost
    about 13% of a status-quo run at every step).
    """
    reg = registry()
    return frozenset(int(round(year * steps_per_year)) for name, year in wanted.items()
                     if reg[name].kind == "reporter")


def run_record(m: "CooperationModel", wanted: Mapping[str, int],
               final_year: int) -> dict[str, Any]:
    """What :func:`pool_statistics` needs of one finished run (``wanted``: name -> year).

    Reporters at their years (keys as :func:`stat_key`), the firm statistics of the final
    state (``final``, when a ``final`` statistic is wanted) and each college's funding
    (``funding``, when a quantile is wanted).
    """
    reg = registry()
    by_year: dict[int, dict[str, Any]] = {}
    for rec in m.records:  # the last record of each year is its year-end state
        by_year[int(np.ceil(float(rec["year"]) - 1e-9))] = rec
    out: dict[str, Any] = {"reporters": {}}
    for name, year in wanted.items():
        kind = reg[name].kind
        if kind == "reporter":
            out["reporters"][stat_key(name, year, final_year)] = float(
                by_year.get(year, {}).get(name, np.nan))
        elif kind == "quantile" and "funding" not in out:
            out["funding"] = college_funding(m)
        elif kind == "final" and "final" not in out:
            out["final"] = firm_statistics(m)
    return out


def pool_statistics(records: Sequence[Mapping[str, Any]], wanted: Mapping[str, int],
                    final_year: int) -> dict[str, float]:
    """The statistics ``wanted`` of one or more runs (:func:`run_record`), pooled.

    One run gives that run's statistics. Several runs (a particle of a calibration whose
    targets file says ``replicates``) are pooled as one survey of their regions together:
    reporters are means over the runs, quantiles are taken over the colleges of all runs,
    ``final`` statistics as :func:`pool_final`.
    """
    reg = registry()
    out: dict[str, float] = {}
    final: dict[str, float] | None = None
    for name, year in wanted.items():
        kind = reg[name].kind
        key = stat_key(name, year, final_year)
        if kind == "reporter":
            v = np.array([r["reporters"][key] for r in records], float)
            out[key] = float(np.mean(v[np.isfinite(v)])) if np.isfinite(v).any() else np.nan
        elif kind == "quantile":
            quantity, q, _ = QUANTILES[name]
            values = np.concatenate([np.asarray(r["funding"], float) for r in records])
            out[key] = float(np.quantile(values, q)) if values.size else np.nan
        else:
            if final is None:
                final = pool_final([r["final"] for r in records])
            out[key] = float(final[name])
    return out


def run_statistics(m: "CooperationModel", wanted: Mapping[str, int],
                   final_year: int) -> dict[str, float]:
    """The statistics ``wanted`` (name -> year) of a finished run.

    Args:
        m: the model after ``run()``.
        wanted: statistic name -> the year it is read at (reporters; others: the final year).
        final_year: the run's last year.

    Returns:
        name -> value (NaN where undefined). Keys are ``name`` for statistics read at the
        final year and ``name@year`` for reporters read at another year.

    """
    return pool_statistics([run_record(m, wanted, final_year)], wanted, final_year)


def stat_key(name: str, year: int, final_year: int) -> str:
    """Column name of a statistic read at ``year``: ``name``, or ``name@year`` before the end."""
    return name if year == final_year else f"{name}@{year}"


STATISTIC_FUNCTIONS: Mapping[str, Callable] = MappingProxyType({
    "firm_statistics": firm_statistics, "final_statistics": final_statistics})
"""The functions behind the ``final`` statistics (for readers of this module)."""
