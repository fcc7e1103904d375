"""Breakdowns with replicate intervals from a scenarios sweep, over any breakdown dimension.

A dimension is a way to split the population: enterprise size class, sector, ownership and
city (enterprise side) or college tier (college side). The sweep records, per run, one
reporter per category and measure (:func:`sim.metrics.breakdown_reporters` and the size
classes' ``rd_ties_per_100_firms_<class>``); the run summary is the value at the horizon.
For every measure, scenario and category:

* the replicate mean with the t interval of the mean (:func:`sim.analysis.intervals.mean_interval`);
* the paired difference from the baseline scenario at the same seeds (common random numbers)
  with a t interval made simultaneous over the measure's family of scenarios x categories
  (Bonferroni: each at ``1 - (1 - conf) / m``), so picking the group where a reform "works"
  does not turn noise into a finding. A difference is drawn filled only when its interval
  excludes 0.

Over time (a sweep that kept its time series): :func:`over_time_figure` draws each
category's first measure (joint R&D, the key rung: per 100 firms of the category, or per
college of a tier) per scenario at every recorded step, the replicate mean with the t
interval of the mean (:func:`sim.figures.scenario_time.outcome_bands`), one panel per
category.

Categories with few members (large, state-owned or foreign firms in a world of a few hundred
firms; the one Double High college of ten) are noisy and often exactly 0; the intervals and
the ``zero_share`` column say how much. A category no run of the sweep has (a city the world
lacks) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from sim.analysis import intervals
from sim.figures import scenario_time
from sim.figures.labels import Labels
from sim.figures.layout import legend_below, new_figure, panel_title
from sim.figures.style import REFERENCE_COLOR, series_style
from sim.metrics import CITY_COLUMNS
from sim.population import OWNERSHIPS, TIERS
from sim.sectors import SECTORS, SIZE_CLASSES

GROUP_SPAN = 0.7
"""Vertical span of one category's markers (scenarios spread within it), in rows."""
ROW_BASE_IN = 0.9
"""Height of one measure's row of panels without categories (title, axis), inches."""
ROW_PER_CATEGORY_IN = 0.42
"""Extra height of a row per category, inches (four size classes: 2.6 in)."""
TABLE_COLUMNS = ["breakdown", "measure", "scenario", "category", "output", "n", "mean", "low",
                 "high", "diff", "diff_low", "diff_high", "excludes_zero", "family_conf",
                 "zero_share"]
"""Columns of :func:`breakdown_table` (and of the figures' CSV)."""


@dataclass(frozen=True)
class Measure:
    """A per-category reporter family: column ``prefix + category``, its axis word key."""

    prefix: str
    axis_word: str


@dataclass(frozen=True)
class Dimension:
    """A breakdown dimension: its categories in display order and the measures recorded."""

    name: str
    categories: tuple[str, ...]
    measures: tuple[Measure, ...]


_RD = Measure("rd_ties_per_100_firms_", "bd_rd_per_100")
_PART = Measure("enterprise_participation_", "bd_participation")

DIMENSIONS: dict[str, Dimension] = {
    "size_class": Dimension("size_class", SIZE_CLASSES,
                            (Measure(_RD.prefix, "rd_per_100_class"), _PART)),
    "sector": Dimension("sector", tuple(s.name for s in SECTORS), (_RD, _PART)),
    "ownership": Dimension("ownership", OWNERSHIPS, (_RD, _PART)),
    "tier": Dimension("tier", TIERS, (Measure("rd_ties_per_college_", "bd_rd_per_college"),
                                      Measure("ties_per_college_", "bd_ties_per_college"))),
    "city": Dimension("city", tuple(f"city{k + 1}" for k in range(CITY_COLUMNS)),
                      (_RD, _PART)),
}
"""Every breakdown dimension, by name (joint R&D, the key rung, first in each)."""


def measure_outputs(dimension: str, measure: Measure, runs: pd.DataFrame) -> list[str]:
    """The reporters of ``measure`` present in ``runs`` with at least one finite value."""
    dim = DIMENSIONS[dimension]
    cols = [measure.prefix + c for c in dim.categories if measure.prefix + c in runs.columns]
    return [c for c in cols if np.isfinite(pd.to_numeric(runs[c], errors="coerce")).any()]


def available(dimension: str, runs: pd.DataFrame, min_categories: int = 2) -> bool:
    """Whether ``runs`` record ``dimension``: some measure has ``min_categories`` categories."""
    return any(len(measure_outputs(dimension, m, runs)) >= min_categories
               for m in DIMENSIONS[dimension].measures)


def breakdown_table(runs: pd.DataFrame, dimension: str, baseline: str, scenarios: list[str],
                    conf: float = intervals.CONF_LEVEL,
                    measures: list[Measure] | None = None) -> pd.DataFrame:
    """Levels and paired differences by measure, scenario and category.

    Args:
        runs: one row per run with ``scenario``, ``replicate`` and the per-category
            reporters (their value at the horizon).
        dimension: a key of :data:`DIMENSIONS`.
        baseline: the scenario differences are taken from.
        scenarios: scenarios in display order (the baseline among them).
        conf: family-wise confidence level (0-1) of each measure's differences.
        measures: the measures to tabulate (default: all of the dimension's present).

    Returns:
        :data:`TABLE_COLUMNS`; the difference columns are NaN for the baseline.
        ``family_conf`` is the level of each difference interval (Bonferroni over the
        measure's scenarios x categories), ``zero_share`` the share of the scenario's runs
        exactly 0.

    """
    dim = DIMENSIONS[dimension]
    others = [s for s in scenarios if s != baseline]
    rows = []
    for measure in measures or dim.measures:
        outputs = measure_outputs(dimension, measure, runs)
        if not outputs:
            continue
        m = max(1, len(others) * len(outputs))
        each = 1 - (1 - conf) / m
        means = runs.groupby(["replicate", "scenario"])[outputs].mean()
        zeros = (runs[outputs] == 0).groupby(runs["scenario"]).mean()
        for output in outputs:
            wide = means[output].unstack("scenario")
            cols = {str(k): wide[k].to_numpy(dtype=float) for k in wide.columns}
            zero = zeros[output].to_dict()
            for scenario in scenarios:
                if scenario not in cols:
                    continue
                mean, low, high, n = intervals.mean_interval(cols[scenario], conf)
                row = {"breakdown": dimension, "measure": measure.prefix.rstrip("_"),
                       "scenario": scenario, "category": output[len(measure.prefix):],
                       "output": output, "n": n, "mean": mean, "low": low, "high": high,
                       "diff": np.nan, "diff_low": np.nan, "diff_high": np.nan,
                       "excludes_zero": False, "family_conf": np.nan,
                       "zero_share": float(zero[scenario])}
                if scenario != baseline and baseline in cols:
                    # paired by replicate (same seeds); replicates missing either are dropped
                    d, dlo, dhi, k = intervals.mean_interval(cols[scenario] - cols[baseline],
                                                             each)
                    row.update(diff=d, diff_low=dlo, diff_high=dhi, family_conf=each,
                               excludes_zero=bool(k >= 2 and (dlo > 0 or dhi < 0)))
                rows.append(row)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _dots(ax, data: pd.DataFrame, scenarios: list[str], dimension: str, categories: list[str],
          value: str, labels: Labels, filled_by: str | None = None,
          styles: list[str] | None = None) -> list:
    """Dot-and-whisker per scenario within each category row.

    ``styles``: the scenarios in the order their colours are assigned (default
    ``scenarios``), so a scenario keeps its colour across panels.
    """
    styles = styles or scenarios
    handles = []
    offsets = (np.linspace(-GROUP_SPAN / 2, GROUP_SPAN / 2, len(scenarios))
               if len(scenarios) > 1 else np.zeros(1))
    for k, scenario in enumerate(scenarios):
        d = data[data["scenario"] == scenario].set_index("category").reindex(categories)
        if d[value].isna().all():
            continue
        st = series_style(styles.index(scenario))
        y = np.arange(len(categories)) - offsets[k]
        lo = (d[value] - d[f"{value}_low" if value == "diff" else "low"]).clip(lower=0)
        hi = (d[f"{value}_high" if value == "diff" else "high"] - d[value]).clip(lower=0)
        wide = ((lo.fillna(0) + hi.fillna(0)) > 0).to_numpy()  # a zero-width bar's caps
        ax.errorbar(d[value][wide], y[wide],  # would fill a hollow marker
                    xerr=np.vstack([lo.fillna(0)[wide], hi.fillna(0)[wide]]), fmt="none",
                    ecolor=st.color, elinewidth=0.7, capsize=1.2)
        filled = (d[filled_by].astype("boolean").fillna(False).astype(bool) if filled_by
                  else pd.Series(True, index=d.index))
        ax.scatter(d[value][filled], y[filled.to_numpy()], s=14, color=st.color,
                   marker=st.marker, zorder=3)
        ax.scatter(d[value][~filled], y[~filled.to_numpy()], s=14, facecolor="white",
                   edgecolor=st.color, marker=st.marker, linewidth=0.7, zorder=3)
        handles.append(Line2D([], [], color=st.color, marker=st.marker, linestyle="",
                              markersize=4, label=labels.scenario(scenario)))
    ax.set_yticks(np.arange(len(categories)),
                  [labels.category(dimension, c) for c in categories])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, len(categories) - 0.4)
    return handles


def breakdown_figure(runs: pd.DataFrame, dimension: str, baseline: str, scenarios: list[str],
                     labels: Labels, conf: float = intervals.CONF_LEVEL,
                     measures: list[Measure] | None = None):
    """Each measure by category per scenario, and the difference from the baseline.

    One row per measure: left, levels with t intervals; right, paired differences from
    ``baseline`` with family-wise intervals (filled where the interval excludes 0).

    Data: :func:`breakdown_table`.
    """
    data = breakdown_table(runs, dimension, baseline, scenarios, conf, measures)
    shown = [m for m in (measures or DIMENSIONS[dimension].measures)
             if (data["measure"] == m.prefix.rstrip("_")).any()]
    categories = [c for c in DIMENSIONS[dimension].categories if c in set(data["category"])]
    height = len(shown) * (ROW_BASE_IN + ROW_PER_CATEGORY_IN * len(categories))
    fig, axes = new_figure("double", max(1, len(shown)), 2, height=max(height, 1.5),
                           sharey=True)
    others = [s for s in scenarios if s != baseline]
    n = int(data["n"].max()) if len(data) else 0
    handles: list = []
    each = 100 * conf
    for i, measure in enumerate(shown):
        a, b = axes[i]
        part = data[data["measure"] == measure.prefix.rstrip("_")]
        hs = _dots(a, part, scenarios, dimension, categories, "mean", labels)
        handles = hs if len(hs) > len(handles) else handles
        a.set_xlabel(labels.word(measure.axis_word))
        panel_title(a, 2 * i, labels.word("level_ci", pct=100 * conf, n=n))
        _dots(b, part[part["scenario"] != baseline], others, dimension, categories, "diff",
              labels, filled_by="excludes_zero", styles=scenarios)
        b.axvline(0.0, color=REFERENCE_COLOR, linewidth=0.5)
        b.set_xlabel(labels.word("difference", ref=labels.scenario(baseline)))
        panel_title(b, 2 * i + 1, labels.word("family_ci", pct=100 * conf))
        family = part["family_conf"].dropna()
        if len(family):
            each = 100 * float(family.iloc[0])
    handles = list(handles) + [
        Line2D([], [], color=REFERENCE_COLOR, marker="o", linestyle="", markersize=4,
               label=labels.word("excludes_zero", each=each)),
        Line2D([], [], color=REFERENCE_COLOR, marker="o", linestyle="", markersize=4,
               markerfacecolor="white", label=labels.word("includes_zero"))]
    legend_below(fig, handles, [h.get_label() for h in handles], ncol=4)
    return fig, data


OVER_TIME_COLUMNS = ["breakdown", "category", "scenario", "output", "year", "n", "mean", "low",
                     "high"]
"""Columns of :func:`over_time_figure`'s data (and of its CSV)."""


def over_time_outputs(dimension: str, ts: pd.DataFrame, min_categories: int = 2) -> list[str]:
    """The reporters of ``dimension``'s first measure present in the time series ``ts``.

    Empty when fewer than ``min_categories`` categories were recorded (nothing to compare).
    """
    outputs = measure_outputs(dimension, DIMENSIONS[dimension].measures[0], ts)
    return outputs if len(outputs) >= min_categories else []


def over_time_figure(ts: pd.DataFrame, dimension: str, labels: Labels,
                     conf: float = intervals.CONF_LEVEL):
    """The dimension's first measure per category over time, a line and band per scenario.

    Args:
        ts: the sweep's time series (``scenario``, ``replicate``, ``year`` and the
            per-category reporters at every recorded step).
        dimension: a key of :data:`DIMENSIONS`.
        labels: language of the figure.
        conf: level of each year's t interval of the replicate mean (pointwise).

    Returns:
        (figure, data with :data:`OVER_TIME_COLUMNS`).

    """
    outputs = over_time_outputs(dimension, ts, min_categories=1)
    fig, data = scenario_time.outcome_bands(ts, outputs, labels, conf, max_cols=2)
    measure = DIMENSIONS[dimension].measures[0]
    categories = [o[len(measure.prefix):] for o in outputs]
    for i, (ax, category) in enumerate(zip(fig.axes, categories, strict=False)):
        # the category as the panel title, the unit on the axis (the reporter's own
        # label, e.g. "Joint R&D ties per 100 Traditional manufacturing enterprises", is
        # too long for a panel of a double column; the measure is in the caption)
        panel_title(ax, i, labels.category(dimension, category))
    data = data.assign(breakdown=dimension,
                       category=data["output"].str.slice(len(measure.prefix)))
    return fig, data[OVER_TIME_COLUMNS]
