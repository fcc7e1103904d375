"""One-factor-at-a-time designs: each lever's effect over its range, beyond replicate noise.

An ``ofat`` sweep moves one lever at a time over evenly spaced levels of its declared range,
the other levers held at a centre (a policy package), and runs every point of replicate r
with the same seed (common random numbers). No global index (Sobol', Morris, PAWN) applies:
the levers are never varied together. What the design supports is, per centre and lever:

* the *trend over the range*: in each replicate, the least-squares line of the output
  against the lever's levels, its slope times the swept range (output units per full
  range); averaged over the replicates, with a t interval (replicates are independent, and
  each replicate's slope removes the noise its levels share);
* a paired t test of "no trend", Holm-adjusted over the whole family of centres x levers
  (Holm 1979). A lever *moves the output* at a centre only when its Holm p is at most
  ``1 - conf``; only then is a direction (raises, lowers) claimed.

Which of two levers moves an output *more* is a separate claim (:func:`lever_order`): the
levers with a detectable trend are compared pairwise on their size in the direction of the
effect, replicate by replicate (common random numbers), Holm-adjusted over every pair
compared, and sorted into tiers; an order is stated only between tiers.

A curve that rises and falls again can have no trend; the dose-response figure
(:mod:`sim.figures.dose`) shows the whole curve with its replicate band.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from sim.analysis.elementary import holm, tiers
from sim.analysis.intervals import mean_interval
from sim.analysis.table import row as table_row

METHOD = "ofat"
"""Value of the ``method`` column of the rows written here."""


def trend_per_replicate(x: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """Change over the swept range along each replicate's least-squares line.

    The slope of each row of ``reps`` (replicates x levels) on ``x``, times the range of ``x``.
    """
    x = np.asarray(x, dtype=float)
    xc = x - x.mean()
    denom = float(xc @ xc)
    if denom == 0:
        return np.full(reps.shape[0], np.nan)
    slopes = (reps - reps.mean(axis=1, keepdims=True)) @ xc / denom
    return slopes * float(x[-1] - x[0])


def range_effects(runs: pd.DataFrame, layout: pd.DataFrame, output: str,
                  conf: float) -> tuple[list[dict], dict[str, Any]]:
    """Trend over the range of each lever at each centre, with Holm-adjusted tests.

    Args:
        runs: one row per run (``point``, ``replicate``, factor columns, ``output``).
        layout: ``point, centre, lever, level`` (:func:`sim.experiment.design.ofat_layout`).
        output: the output column.
        conf: confidence level (0-1) of the intervals; ``1 - conf`` is the Holm threshold.

    Returns:
        ``(rows, detail)``: ``sensitivity.csv`` rows (method ``ofat``, ``lever2`` = the
        centre; index ``range_effect`` with its t interval and ``p_holm``), and per centre
        and lever ``effect, low, high, p_value, p_holm, detectable, direction,
        replicates, replicate_ids, per_replicate`` (each complete replicate's trend).
        ``detectable`` is None with fewer than two complete replicates.

    """
    # (replicates x points) once; each curve is a block of columns in level order
    wide = runs.groupby(["replicate", "point"])[output].mean().unstack("point")
    first = runs.groupby("point").first()
    found: list[dict[str, Any]] = []
    for (centre, lever), curve in layout.groupby(["centre", "lever"], sort=False):
        curve = curve[curve["point"].isin(wide.columns)].sort_values("level")
        pts = curve["point"].to_numpy()
        x = first.loc[pts, lever].to_numpy(dtype=float)
        block = wide[pts].to_numpy(dtype=float)
        complete = np.isfinite(block).all(axis=1)
        full = block[complete]
        effect = trend_per_replicate(x, full) if len(full) else np.empty(0)
        mean, low, high, n = mean_interval(effect, conf)
        p = np.nan
        if n >= 2:
            sd = float(np.std(effect, ddof=1))
            p = (float(2 * student_t.sf(abs(mean) / (sd / np.sqrt(n)), n - 1)) if sd > 0
                 else (0.0 if mean != 0 else 1.0))
        found.append({"centre": str(centre), "lever": str(lever), "effect": mean,
                      "low": low, "high": high, "p_value": p, "replicates": n,
                      "replicate_ids": [int(r) for r in wide.index[complete]],
                      "per_replicate": [float(v) for v in effect]})
    pvals = np.array([f["p_value"] for f in found], dtype=float)
    tested = np.isfinite(pvals)
    adjusted = np.full(len(found), np.nan)
    if tested.any():
        adjusted[tested] = holm(pvals[tested])
    rows: list[dict] = []
    detail: dict[str, Any] = {}
    for f, ph in zip(found, adjusted, strict=True):
        checked = bool(np.isfinite(ph))
        detectable = bool(ph <= 1 - conf) if checked else None
        direction = ("raises" if f["effect"] > 0 else "lowers") if detectable else (
            "none" if checked else "not_checked")
        detail.setdefault(f["centre"], {})[f["lever"]] = {
            **{k: f[k] for k in ("effect", "low", "high", "p_value", "replicates",
                                 "replicate_ids", "per_replicate")},
            "p_holm": float(ph) if checked else None, "detectable": detectable,
            "direction": direction}
        rows.append(table_row(output, METHOD, f["lever"], "range_effect", f["effect"],
                              f["low"], f["high"], lever2=f["centre"]))
        if checked:
            rows.append(table_row(output, METHOD, f["lever"], "p_holm", float(ph),
                                  lever2=f["centre"]))
    return rows, {"effects": detail, "family_size": int(tested.sum())}


def lever_order(effects: dict[str, Any], conf: float) -> dict[str, Any]:
    """Tiers of the levers with a detectable trend: an order stated only where it is beyond noise.

    Each lever is represented by its largest detectable trend over the centres (the one the
    report names). Its *size* in replicate r is ``sign(mean trend) * trend_r`` (the trend
    in the direction of its effect). Every pair of levers is compared by the paired t test of
    the difference of sizes over the replicates both have (the same seeds: common random
    numbers), Holm-adjusted over all pairs compared. Sorted by size, a boundary between
    positions i and i + 1 is drawn only when every lever above it is established larger
    than every lever below it; the levers between two boundaries form a tier, within which
    no order is claimed.

    Args:
        effects: :func:`range_effects`' ``effects`` (per centre, per lever).
        conf: confidence level (0-1); ``1 - conf`` is the Holm threshold.

    Returns:
        ``{"tiers": [[{"lever", "centre", "effect", "direction"}, ...], ...],
        "pairs": number of pairs compared, "p_holm": {"a|b": adjusted p}}``; strongest tier
        first.

    """
    best: dict[str, dict[str, Any]] = {}
    for centre, d in effects.items():
        for lever, e in d.items():
            if e.get("detectable") and abs(e["effect"]) > abs(best.get(lever, {}).get(
                    "effect", 0.0)):
                best[lever] = {"lever": lever, "centre": centre, "effect": e["effect"],
                               "direction": e["direction"],
                               "sizes": dict(zip(e.get("replicate_ids") or [],
                                                 np.sign(e["effect"]) * np.asarray(
                                                     e.get("per_replicate") or []),
                                                 strict=True))}
    ranked = sorted(best.values(), key=lambda b: -abs(b["effect"]))
    k = len(ranked)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    p = np.full(len(pairs), np.nan)
    gap = np.zeros(len(pairs))
    for n, (i, j) in enumerate(pairs):
        a, b = ranked[i]["sizes"], ranked[j]["sizes"]
        common = sorted(set(a) & set(b))
        if len(common) < 2:
            continue
        d = np.array([a[r] - b[r] for r in common], dtype=float)
        sd = float(d.std(ddof=1))
        mean = gap[n] = float(d.mean())
        p[n] = (float(2 * student_t.sf(abs(mean) / (sd / np.sqrt(len(d))), len(d) - 1))
                if sd > 0 else (0.0 if mean != 0 else 1.0))
    adjusted = holm(p) if len(p) else p
    larger = {pair: bool(np.isfinite(a) and a <= 1 - conf and g > 0)
              for pair, a, g in zip(pairs, adjusted, gap, strict=True)}
    keep = ("lever", "centre", "effect", "direction")
    grouped = tiers([{key: lever[key] for key in keep} for lever in ranked], larger)
    return {"tiers": grouped, "pairs": len(pairs),
            "p_holm": {f"{ranked[i]['lever']}|{ranked[j]['lever']}": (
                float(a) if np.isfinite(a) else None)
                for (i, j), a in zip(pairs, adjusted, strict=True)}}
