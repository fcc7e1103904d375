"""Figures over time: a run's model snapshot panels and rung shares, a sweep's rung bands.

Each function takes plain DataFrames and a :class:`~sim.figures.labels.Labels` and returns
``(figure, data)``: ``data`` is the tidy table of exactly the numbers drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.labels import Labels
from sim.figures.layout import legend_below, panel_grid, panel_title
from sim.figures.style import BAND_ALPHA, REFERENCE_COLOR, RUNG_STYLE, series_style
from sim.ladder import RUNGS

SNAPSHOT_OUTPUTS = ("enterprise_participation", "willingness_gap", "dual_qualified_share",
                    "graduate_match_rate", "public_cost", "cumulative_public_cost")
"""Outputs of the model snapshot panels, in panel order."""
SHARE_COLUMNS = tuple(f"share_{rung}" for rung in RUNGS)
"""Time-series columns holding the share of ties on each rung."""
BAND_PCT = 90.0
"""Width of the band across replicates, percent (mean with the 5th-95th percentiles)."""
_SNAPSHOT_COLS = 3


def snapshot_panels(runs: dict[str, pd.DataFrame], labels: Labels):
    """One panel per snapshot output over years, one line per run (``runs``: name -> series).

    Data columns: ``run, year`` and one column per output of :data:`SNAPSHOT_OUTPUTS`.
    """
    outputs = [o for o in SNAPSHOT_OUTPUTS if all(o in ts for ts in runs.values())]
    data = pd.concat([ts[["year", *outputs]].assign(run=name) for name, ts in runs.items()],
                     ignore_index=True)[["run", "year", *outputs]]
    fig, axes = panel_grid(len(outputs), max_cols=_SNAPSHOT_COLS)
    handles = []
    for i, (ax, out) in enumerate(zip(axes, outputs, strict=False)):
        for k, (name, ts) in enumerate(runs.items()):
            st = series_style(k)
            (line,) = ax.plot(ts["year"], ts[out], color=st.color, linestyle=st.linestyle,
                              label=labels.scenario(name))
            if i == 0:
                handles.append(line)
        panel_title(ax, i, labels.metric(out, unit=False))
        ax.set_ylabel(labels.unit(out))
        ax.set_xlabel(labels.word("year"))
        if out == "willingness_gap":
            ax.axhline(0.0, color="0.6", linewidth=0.5)
    if len(runs) > 1:
        legend_below(fig, handles, [h.get_label() for h in handles])
    return fig, data


def _stack(ax, years: np.ndarray, shares: pd.DataFrame, labels: Labels) -> list:
    handles = []
    bottom = np.zeros(len(years))
    for rung, col in zip(RUNGS, SHARE_COLUMNS, strict=False):
        st = RUNG_STYLE[rung]
        top = bottom + shares[col].to_numpy(dtype=float)
        handles.append(ax.fill_between(years, bottom, top, facecolor=st.color, hatch=st.hatch,
                                       edgecolor="white", linewidth=0.4,
                                       label=labels.rung(rung)))
        bottom = top
    return handles


KEY_RUNG = "joint_rd"
"""The rung drawn again on a right-hand axis of its own scale: joint R&D, the key rung, is
a few percent of ties and would vanish as a sliver of a 0-1 axis."""


def _key_rung_axis(ax, labels: Labels, show_label: bool):
    """A right-hand axis for the share of the key rung, styled like its rung."""
    right = ax.twinx()
    right.spines["right"].set_visible(True)
    right.spines["top"].set_visible(False)
    st = RUNG_STYLE[KEY_RUNG]
    right.tick_params(axis="y", colors=st.color, labelsize=6)
    if show_label:
        right.set_ylabel(labels.word("joint_rd_right"), color=st.color)
    return right


def rung_shares_run(runs: dict[str, pd.DataFrame], labels: Labels):
    """Stacked shares of ties on each rung over years, one panel per run.

    Data columns: ``run, year`` and the four ``share_<rung>`` columns.
    """
    data = pd.concat([ts[["year", *SHARE_COLUMNS]].assign(run=name)
                      for name, ts in runs.items()], ignore_index=True)
    data = data[["run", "year", *SHARE_COLUMNS]]
    fig, axes = panel_grid(len(runs), max_cols=2)
    handles = []
    for i, (ax, (name, ts)) in enumerate(zip(axes, runs.items(), strict=False)):
        handles = _stack(ax, ts["year"].to_numpy(dtype=float), ts, labels)
        right = _key_rung_axis(ax, labels, show_label=i == len(runs) - 1)
        right.plot(ts["year"], ts[f"share_{KEY_RUNG}"], color="white", linewidth=2.4)
        right.plot(ts["year"], ts[f"share_{KEY_RUNG}"], color=RUNG_STYLE[KEY_RUNG].color,
                   linestyle=RUNG_STYLE[KEY_RUNG].linestyle, linewidth=1.2)
        right.set_ylim(bottom=0)
        ax.set_ylim(0, 1)
        ax.set_xlim(ts["year"].min(), ts["year"].max())
        ax.set_xlabel(labels.word("year"))
        ax.set_ylabel(labels.word("share_of_ties"))
        if len(runs) > 1:
            panel_title(ax, i, labels.scenario(name))
    key_line = Line2D([], [], color=RUNG_STYLE[KEY_RUNG].color,
                      linestyle=RUNG_STYLE[KEY_RUNG].linestyle)
    handles = [*handles, key_line]
    names = [h.get_label() for h in handles[:-1]] + [labels.word("joint_rd_right")]
    legend_below(fig, handles, names, ncol=5 if len(runs) > 1 else 3)
    return fig, data


def rung_bands(results: pd.DataFrame, labels: Labels, by: str = "scenario"):
    """Rung shares over years: mean and 90% band across replicates, one panel per ``by`` value.

    ``results`` holds one row per (run, recorded step) with ``by``, ``replicate``, ``year``
    and the ``share_<rung>`` columns. Panels keep the order of first appearance.
    Data columns: ``<by>, rung, year, n, mean, low, high`` (``low``/``high`` the 5th and
    95th percentiles across replicates).
    """
    lo_q, hi_q = (100.0 - BAND_PCT) / 200.0, 1.0 - (100.0 - BAND_PCT) / 200.0
    groups = list(dict.fromkeys(results[by]))
    rows = []
    for g in groups:
        sub = results[results[by] == g]
        for rung, col in zip(RUNGS, SHARE_COLUMNS, strict=False):
            stats = sub.groupby("year", sort=True)[col].agg(
                n="count", mean="mean",
                low=lambda s: float(np.quantile(s, lo_q)),
                high=lambda s: float(np.quantile(s, hi_q)))
            rows.append(stats.reset_index().assign(**{by: g, "rung": rung}))
    data = pd.concat(rows, ignore_index=True)[[by, "rung", "year", "n", "mean", "low", "high"]]
    n_rep = int(results["replicate"].nunique()) if "replicate" in results else 1
    fig, axes = panel_grid(len(groups), max_cols=4, sharex=True, sharey=True)
    handles = []
    for i, (ax, g) in enumerate(zip(axes, groups, strict=False)):
        handles = []
        for rung in RUNGS:
            st = RUNG_STYLE[rung]
            d = data[(data[by] == g) & (data["rung"] == rung)]
            ax.fill_between(d["year"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA,
                            linewidth=0)
            (line,) = ax.plot(d["year"], d["mean"], color=st.color, linestyle=st.linestyle,
                              label=labels.rung(rung))
            handles.append(line)
        panel_title(ax, i, labels.scenario(str(g)))
        d = data[(data[by] == g) & (data["rung"] == KEY_RUNG)]
        right = _key_rung_axis(ax, labels, show_label=ax.get_subplotspec().is_last_col()
                               or i == len(groups) - 1)
        st = RUNG_STYLE[KEY_RUNG]
        right.fill_between(d["year"], d["low"], d["high"], color=st.color, alpha=BAND_ALPHA / 2,
                           linewidth=0, hatch=st.hatch)
        right.plot(d["year"], d["mean"], color=st.color, linestyle=st.linestyle,
                   linewidth=1.4)
        right.set_ylim(0, max(float(data.loc[data["rung"] == KEY_RUNG, "high"].max()), 1e-3)
                       * 1.1)
        ax.set_ylim(0, 1)
        if ax.get_subplotspec().is_first_col():
            ax.set_ylabel(labels.word("share_of_ties"))
        ax.set_xlabel(labels.word("year"))
        ax.tick_params(labelbottom=True)
    band = Patch(facecolor=REFERENCE_COLOR, alpha=BAND_ALPHA, linewidth=0,
                 label=labels.word("band", pct=BAND_PCT, n=n_rep))
    handles.append(band)
    handles.append(Line2D([], [], color=RUNG_STYLE[KEY_RUNG].color, linewidth=1.4,
                          linestyle=RUNG_STYLE[KEY_RUNG].linestyle,
                          label=labels.word("joint_rd_right")))
    legend_below(fig, handles, [h.get_label() for h in handles], ncol=3 if len(groups) > 1 else 2)
    return fig, data
