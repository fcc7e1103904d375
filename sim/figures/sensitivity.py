"""Global sensitivity figures from ``sensitivity.csv``: Sobol' bars, S2 heatmaps, Morris.

``sensitivity.csv`` has exactly the columns ``output, method, lever, lever2, index, value,
conf_low, conf_high`` (written by ``ieisim analyze``); the rows used here are those with
``method`` "sobol" (``index`` S1, ST and, with ``lever2``, S2) and "morris" (``index``
mu_star and sigma).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.labels import Labels
from sim.figures.layout import annotate_apart, legend_below, new_figure, panel_grid, panel_title
from sim.figures.style import (
    HIGHLIGHT_COLOR,
    MUTED_COLOR,
    REFERENCE_COLOR,
    SEQUENTIAL_CMAP,
    SERIES_COLORS,
)

SOBOL, MORRIS = "sobol", "morris"
"""``method`` values of the Sobol' and Morris rows."""
FIRST, TOTAL, SECOND = "S1", "ST", "S2"
"""``index`` values of the Sobol' first-order, total and second-order rows."""
MU_STAR, SIGMA = "mu_star", "sigma"
P_NOISE = "p_noise_holm"
"""``index`` of the Morris rows with mu*'s Holm-adjusted p against replicate noise."""
"""``index`` values of the Morris rows."""
BAR_HEIGHT = 0.38
"""Height of one bar, in units of the spacing between levers."""
ROW_PER_LEVER_IN = 0.16
"""Height added to a row of Sobol' panels per lever, inches."""
S2_BASE_IN = 1.2
"""Height of an S2 heatmap before its rows, inches."""
S2_PER_LEVER_IN = 0.26
"""Height per heatmap row, inches."""
LIGHT_CELL = 0.6
"""Heatmap cells lighter than this (normalised colour 0-1) get black text, others white."""
MORRIS_LABEL_SHARE = 0.08
"""Morris points are numbered when mu* or sigma reaches this share of the panel's largest."""
PAD_SHARE = 0.04
"""Room left below zero on the Morris axes, as a share of the axis range."""
MORRIS_RATIOS = (0.1, 0.5, 1.0)
"""Reference lines sigma / mu* drawn on the Morris plot: below 0.1 a lever acts almost
linearly and alone, above 1 its effect depends strongly on the other levers (or is
non-monotone); Garcia Sanchez et al. (2014)."""
MORRIS_ROW_IN = 2.5
"""Height of a row of Morris panels, inches."""
_COLS = 3
MORRIS_COLS = 2
"""Morris panels per row: two, since each axis carries a two-line label with the unit."""


def _outputs(sens: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(sens["output"]))


def _ci(d: pd.DataFrame) -> np.ndarray:
    """Error-bar half-lengths (2 x n) from the conf_low/conf_high columns (0 where missing)."""
    lo = (d["value"] - d["conf_low"]).fillna(0.0).clip(lower=0.0)
    hi = (d["conf_high"] - d["value"]).fillna(0.0).clip(lower=0.0)
    return np.vstack([lo.to_numpy(), hi.to_numpy()])


def sobol_bars(sens: pd.DataFrame, labels: Labels, levers: list[str],
               analytic: dict[tuple[str, str], float] | None = None, alpha: float = 0.05):
    """S1 and ST with confidence intervals as horizontal bars, one panel per outcome.

    ``levers`` gives the bar order (top to bottom). ``analytic`` (``(lever, index) ->
    value``, e.g. the Ishigami function's exact indices) adds a marker on each bar at the
    analytic value. Where the analysis measured replicate noise, each ST bar carries a dashed
    tick at its noise floor (the ST replicate noise alone gives a lever with no effect; S1's
    is 0) and an index not distinguishable from noise (the analysis' Holm-adjusted
    ``ST_p_noise_holm`` / ``S1_p_noise_holm`` above ``alpha``) is drawn grey.
    Data: the S1/ST rows of ``sens`` and columns ``analytic`` (NaN where none),
    ``noise_floor``, ``p_noise_holm`` (NaN: not checked) and ``beyond_noise``.
    """
    analytic = analytic or {}
    data = sens[(sens["method"] == SOBOL) & sens["index"].isin([FIRST, TOTAL])]
    data = data.reset_index(drop=True)
    data["analytic"] = [analytic.get((lv, ix), np.nan)
                        for lv, ix in zip(data["lever"], data["index"], strict=True)]
    extra = sens[(sens["method"] == SOBOL)].set_index(["output", "lever", "index"])["value"]
    extra = extra[~extra.index.duplicated()]

    def lookup(suffix: str) -> np.ndarray:
        at = pd.MultiIndex.from_arrays([data["output"], data["lever"],
                                        data["index"] + suffix])
        return extra.reindex(at).to_numpy(dtype=float) if len(extra) else np.full(len(data),
                                                                                 np.nan)

    data["noise_floor"] = np.where(data["index"] == FIRST, 0.0, lookup("_noise_floor"))
    data["noise_floor"] = data["noise_floor"].where(np.isfinite(lookup("_p_noise_holm")))
    data["p_noise_holm"] = lookup("_p_noise_holm")
    data["beyond_noise"] = np.where(np.isfinite(data["p_noise_holm"]),
                                    (data["p_noise_holm"] <= alpha) & (data["value"] > 0), True)
    outputs = _outputs(data)
    fig, axes = panel_grid(len(outputs), max_cols=_COLS, sharey=True,
                           row_height=1.0 + ROW_PER_LEVER_IN * len(levers))
    y = np.arange(len(levers))[::-1].astype(float)
    handles = []
    extras: dict[str, object] = {}  # noise-floor legend entries, once for all panels
    for i, (ax, out) in enumerate(zip(axes, outputs, strict=False)):
        handles = []
        for k, (index, shift, word) in enumerate(((FIRST, BAR_HEIGHT / 2, "first_order"),
                                                  (TOTAL, -BAR_HEIGHT / 2, "total_order"))):
            d = (data[(data["output"] == out) & (data["index"] == index)]
                 .set_index("lever").reindex(levers))
            real = d["beyond_noise"].fillna(True).astype(bool).to_numpy()
            edge = [SERIES_COLORS[2] if r else MUTED_COLOR for r in real]
            fill = [(e if k == 0 else "white") for e in edge]
            handles.append(ax.barh(y + shift, d["value"].fillna(0.0), height=BAR_HEIGHT,
                                   color=fill, edgecolor=edge, linewidth=0.6,
                                   hatch="" if k == 0 else "////",
                                   xerr=_ci(d), error_kw={"elinewidth": 0.6, "capsize": 1.5,
                                                          "ecolor": REFERENCE_COLOR},
                                   label=labels.word(word)))
            if k == 1 and d["noise_floor"].notna().any():
                floor = d["noise_floor"].to_numpy(dtype=float)
                for yy, f in zip(y + shift, floor, strict=True):
                    if np.isfinite(f):
                        ax.plot([f, f], [yy - BAR_HEIGHT * 0.75, yy + BAR_HEIGHT * 0.75],
                                color=REFERENCE_COLOR, linewidth=1.1, linestyle="--",
                                zorder=5)
                noisy = Line2D([], [], color=REFERENCE_COLOR, linewidth=1.1, linestyle="--",
                               label=labels.word("st_noise_floor"))
                extras[noisy.get_label()] = noisy
                if not data["beyond_noise"].all():
                    grey = labels.word("not_distinguishable_noise", alpha=alpha)
                    extras[grey] = (Patch(facecolor=MUTED_COLOR, edgecolor=MUTED_COLOR,
                                          label=grey))
            if analytic:
                exact = [analytic.get((lv, index), np.nan) for lv in levers]
                mark = ax.scatter(exact, y + shift, marker="|", s=60, color=HIGHLIGHT_COLOR,
                                  linewidths=1.4, zorder=4, label=labels.word("analytic"))
                if k == 1:
                    handles.append(mark)
        ax.axvline(0.0, color=REFERENCE_COLOR, linewidth=0.5)
        ax.set_yticks(y, [labels.lever(lv, unit=False) for lv in levers])
        ax.set_xlabel(labels.word("sobol_index"))
        panel_title(ax, i, labels.metric(out, unit=False))
    handles = handles + list(extras.values())
    legend_below(fig, handles, [h.get_label() for h in handles])
    return fig, data


def sobol_second_order(sens: pd.DataFrame, labels: Labels, levers: list[str], output: str):
    """Heatmap of the second-order indices S2 of one outcome (upper triangle, annotated).

    Rows are named and numbered, columns numbered, in the order of ``levers``.

    Data: the S2 rows of ``sens`` for ``output``.
    """
    data = sens[(sens["method"] == SOBOL) & (sens["index"] == SECOND)
                & (sens["output"] == output)].reset_index(drop=True)
    n = len(levers)
    at = {lv: k for k, lv in enumerate(levers)}
    grid = np.full((n, n), np.nan)  # upper triangle, without the diagonal
    for a, b, v in zip(data["lever"], data["lever2"], data["value"], strict=False):
        if a in at and b in at and a != b:
            i, j = sorted((at[a], at[b]))
            grid[i, j] = v
    fig, axes = new_figure("double", height=S2_BASE_IN + S2_PER_LEVER_IN * n)
    ax = axes[0, 0]
    finite = grid[np.isfinite(grid)]
    vmax = max(float(finite.max(initial=0.0)), 1e-9)
    image = ax.imshow(grid, cmap=SEQUENTIAL_CMAP, vmin=min(0.0, float(finite.min(initial=0.0))),
                      vmax=vmax)
    for i, j in zip(*np.nonzero(np.isfinite(grid)), strict=False):
        light = image.norm(grid[i, j]) > LIGHT_CELL
        ax.text(j, i, f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=6,
                color="black" if light else "white")
    # rows carry names and numbers, columns the numbers only: nothing needs rotating
    ax.set_xticks(range(n), [str(k + 1) for k in range(n)])
    ax.set_yticks(range(n), [f"{labels.lever(lv, unit=False)}  {k + 1}"
                             for k, lv in enumerate(levers)])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    ax.set_title(f"{labels.word('second_order')}: {labels.metric(output, unit=False)}")
    fig.colorbar(image, ax=ax, shrink=0.8, label=labels.word("second_order"))
    return fig, data


def morris_scatter(sens: pd.DataFrame, labels: Labels, levers: list[str],
                   alpha: float = 0.05):
    """Morris mu* against sigma, one panel per outcome; points numbered by lever.

    Numbers follow ``levers`` (the same in every panel) and are keyed below the panels, so
    names never overlap the data; points near the origin (below
    :data:`MORRIS_LABEL_SHARE` of the panel's largest value) stay unnumbered.
    mu* carries its interval as a horizontal error bar (``conf_low``/``conf_high`` of the
    mu_star rows); dotted and dashed lines mark sigma/mu* = 0.1, 0.5 and 1; axes are in the
    output's unit per full lever range (elementary effects of SALib's Morris method are
    taken on inputs scaled to 0-1).
    Points whose mu* does not exceed replicate noise (the analysis' ``p_noise_holm`` above
    ``alpha``) are hollow.
    Data columns: ``output, lever, number, mu_star, sigma, mu_star_low, mu_star_high,
    p_noise_holm, detectable, labelled``.
    """
    rows = sens[(sens["method"] == MORRIS) & sens["index"].isin([MU_STAR, SIGMA])]
    data = (rows.pivot_table(index=["output", "lever"], columns="index", values="value",
                             sort=False)
            .reindex(columns=[MU_STAR, SIGMA]).reset_index())
    mu = rows[rows["index"] == MU_STAR].set_index(["output", "lever"])
    at = pd.MultiIndex.from_frame(data[["output", "lever"]])
    data["mu_star_low"] = mu["conf_low"].reindex(at).to_numpy(dtype=float)
    data["mu_star_high"] = mu["conf_high"].reindex(at).to_numpy(dtype=float)
    # the noise floor of the analysis (Holm-adjusted p of mu* against replicate noise)
    noise = sens[(sens["method"] == MORRIS) & (sens["index"] == P_NOISE)]
    data["p_noise_holm"] = (noise.set_index(["output", "lever"])["value"].reindex(at)
                            .to_numpy(dtype=float) if not noise.empty else np.nan)
    data["detectable"] = np.where(np.isfinite(data["p_noise_holm"]),
                                  data["p_noise_holm"] <= alpha, True)
    numbers = {lv: k + 1 for k, lv in enumerate(levers)}
    for lv in dict.fromkeys(data["lever"]):
        numbers.setdefault(lv, len(numbers) + 1)
    data.insert(2, "number", data["lever"].map(numbers).astype(int))
    # points crowded at the origin (negligible effects) are left unnumbered
    scale = data.groupby("output", sort=False)[[MU_STAR, SIGMA]].transform("max").max(axis=1)
    data["labelled"] = (data[[MU_STAR, SIGMA]].max(axis=1) >= MORRIS_LABEL_SHARE * scale)
    outputs = _outputs(data)
    fig, axes = panel_grid(len(outputs), max_cols=MORRIS_COLS, row_height=MORRIS_ROW_IN)
    for i, (ax, out) in enumerate(zip(axes, outputs, strict=False)):
        d = data[data["output"] == out]
        top = max(float(np.nanmax(d[[MU_STAR, SIGMA, "mu_star_high"]].to_numpy(),
                                   initial=0.0)), 1e-12) * 1.12
        for ratio in MORRIS_RATIOS:  # sigma / mu* = ratio, labelled where it leaves the box
            end = (top, ratio * top) if ratio <= 1 else (top / ratio, top)
            ax.plot([0, end[0]], [0, end[1]], color=MUTED_COLOR, linewidth=0.6,
                    linestyle=":" if ratio < 1 else "--", zorder=1)
            ax.text(end[0], end[1], f"σ/μ* = {ratio:g}", fontsize=5.5, color=REFERENCE_COLOR,
                    ha="right", va="bottom", rotation=0)
        lo = (d[MU_STAR] - d["mu_star_low"]).fillna(0.0).clip(lower=0.0)
        hi = (d["mu_star_high"] - d[MU_STAR]).fillna(0.0).clip(lower=0.0)
        ax.errorbar(d[MU_STAR], d[SIGMA], xerr=[lo.to_numpy(), hi.to_numpy()], fmt="none",
                    ecolor=REFERENCE_COLOR, elinewidth=0.5, capsize=1.2, zorder=2)
        det = d["detectable"].to_numpy(dtype=bool)
        ax.scatter(d[MU_STAR][det], d[SIGMA][det], s=10, color=SERIES_COLORS[2], zorder=3)
        ax.scatter(d[MU_STAR][~det], d[SIGMA][~det], s=10, facecolor="white",
                   edgecolor=SERIES_COLORS[2], linewidth=0.7, zorder=3)
        pad = -PAD_SHARE * top  # points at zero stay whole
        ax.set_xlim(pad, top)
        ax.set_ylim(pad, top)
        shown = d[d["labelled"]].sort_values(MU_STAR, ascending=False, kind="stable")
        annotate_apart(ax, shown[MU_STAR], shown[SIGMA], [str(n) for n in shown["number"]],
                       avoid=(d[MU_STAR], d[SIGMA]))
        unit = labels.unit(out)
        per = labels.word("per_range", unit=unit) if unit else labels.word("per_range_unitless")
        ax.set_xlabel(f"{labels.word('mu_star')}\n{per}")
        ax.set_ylabel(f"{labels.word('sigma')}\n{labels.word('same_unit')}")
        panel_title(ax, i, labels.metric(out, unit=False))
    used = sorted(set(data["number"]))
    by_number = {v: k for k, v in numbers.items()}
    keys = [Line2D([], [], linestyle="none") for _ in used]
    fig.legend(keys, [f"{n}  {labels.lever(by_number[n], unit=False)}" for n in used],
               loc="outside lower center", ncol=3, handlelength=0, handletextpad=0,
               columnspacing=1.5)
    if not data["detectable"].all():
        marks = [Line2D([], [], linestyle="none", marker="o", color=SERIES_COLORS[2]),
                 Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                        color=SERIES_COLORS[2])]
        fig.legend(marks, [labels.word("detectable", alpha=alpha),
                           labels.word("not_detectable")], loc="outside upper center",
                   ncol=2)
    return fig, data
