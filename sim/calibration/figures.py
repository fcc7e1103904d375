"""Figures of a calibration folder: posterior marginals, parameter pairs, predictive checks.

Drawn by ``ieisim figures DIR`` when ``DIR`` is a calibration folder (its ``manifest.json``
says ``kind = "calibration"``), into ``DIR/figures/`` (replaced whole, atomically; files
ieisim did not write there are refused), with the same conventions as the run and sweep
figures (:mod:`sim.figures.output`: PDF, PNG and the plotted data as CSV, and a README).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UsageError

BINS = 20
"""Histogram bins of a marginal or a predictive distribution."""
MAX_PAIRS = 6
"""Parameters shown in the pairs figure (the most constrained ones)."""


def _load(folder: Path):
    info = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))
    if info.get("status") != "finished" or not (folder / "posterior.parquet").exists():
        raise UsageError(f"{folder}: the calibration has not finished; run 'ieisim "
                         "calibrate' again to resume it first")
    return (info, pd.read_parquet(folder / "posterior.parquet"),
            pd.read_parquet(folder / "predictive.parquet"))


def make_calibration_figures(folder: str | Path) -> list:
    """Write the calibration figures into ``folder/figures/``; return their records."""
    from sim.figures.layout import new_figure
    from sim.figures.output import save_figure, write_index
    from sim.outputs import FIGURES, check_figures_folder, staging_folder, swap_in

    folder = Path(folder)
    info, post, pred = _load(folder)
    final = folder / FIGURES
    check_figures_folder(final)
    priors = {p["name"]: p for p in info["priors"]}
    names = list(info["params"])
    w = post["weight"].to_numpy(float)
    records = []
    with staging_folder(final) as tmp:
        # marginals
        cols = min(3, len(names))
        rows = math.ceil(len(names) / cols)
        fig, axes = new_figure("double", rows, cols)
        data = []
        for i, n in enumerate(names):
            ax = axes[i // cols][i % cols]
            p = priors[n]
            x = post[n].to_numpy(float)
            edges = (np.logspace(math.log10(p["low"]), math.log10(p["high"]), BINS + 1)
                     if p["log"] else np.linspace(p["low"], p["high"], BINS + 1))
            h, _ = np.histogram(x, edges, weights=w)
            ax.stairs(h, edges, fill=True, alpha=0.6)
            if p["log"]:
                ax.set_xscale("log")
            ax.set_xlim(p["low"], p["high"])
            ax.set_xlabel(n)
            data += [{"parameter": n, "bin_low": a, "bin_high": b, "weight": c}
                     for a, b, c in zip(edges[:-1], edges[1:], h, strict=True)]
        for j in range(len(names), rows * cols):
            axes[j // cols][j % cols].set_visible(False)
        records.append(save_figure(fig, pd.DataFrame(data), tmp, "posterior_marginals",
                                   "Posterior marginal of each parameter over its prior range",
                                   "posterior.parquet"))
        # pairs
        summary = {s["name"]: s["width_ratio"] for s in info.get("posterior_summary", [])}
        shown = sorted(names, key=lambda n: summary.get(n, 1.0))[:MAX_PAIRS]
        k = len(shown)
        fig, axes = new_figure("double", k, k, height=1.2 * k + 0.5)
        for i, a in enumerate(shown):
            for j, b in enumerate(shown):
                ax = axes[i][j]
                if i == j:
                    ax.hist(post[a], bins=BINS, weights=w)
                else:
                    ax.scatter(post[b], post[a], s=3, alpha=0.5, c=w, cmap="viridis")
                    for nm, setter in ((a, ax.set_yscale), (b, ax.set_xscale)):
                        if priors[nm]["log"]:
                            setter("log")
                if i == k - 1:
                    ax.set_xlabel(b, fontsize=6)
                if j == 0:
                    ax.set_ylabel(a, fontsize=6)
                ax.tick_params(labelsize=5)
        records.append(save_figure(fig, post[shown + ["weight"]], tmp, "posterior_pairs",
                                   "Posterior particles of the most constrained parameters, "
                                   "pair by pair (colour: weight)", "posterior.parquet"))
        # predictive checks
        checks = info.get("target_checks", [])
        targets = {t["name"]: t for t in info["targets"]["targets"]}
        cols = min(3, max(1, len(checks)))
        rows = max(1, math.ceil(len(checks) / cols))
        fig, axes = new_figure("double", rows, cols)
        data = []
        pw = pred["weight"].to_numpy(float)
        for i, c in enumerate(checks):
            ax = axes[i // cols][i % cols]
            t = targets[c["target"]]
            y = pred[c["statistic"]].to_numpy(float) if c["statistic"] in pred else \
                np.array([np.nan])
            ok = np.isfinite(y)
            if ok.any():
                ax.hist(y[ok], bins=BINS, weights=pw[ok] if ok.size == pw.size else None)
            low, high = float(t["low"]), float(t["high"])
            lo_d = low if math.isfinite(low) else np.nanmin(y) if ok.any() else 0.0
            hi_d = high if math.isfinite(high) else np.nanmax(y) if ok.any() else 1.0
            ax.axvspan(lo_d, hi_d, color="tab:orange", alpha=0.25, lw=0)
            ax.set_title(f"{c['target']} ({t['use']}{'' if c['met'] else ', not met'})",
                         fontsize=6)
            ax.tick_params(labelsize=5)
            data.append({"target": c["target"], "statistic": c["statistic"], "low": low,
                         "high": high, "predictive_median": c["median"],
                         "predictive_lo90": c["lo90"], "predictive_hi90": c["hi90"],
                         "met": c["met"], "use": t["use"]})
        for j in range(len(checks), rows * cols):
            axes[j // cols][j % cols].set_visible(False)
        records.append(save_figure(fig, pd.DataFrame(data), tmp, "predictive_checks",
                                   "Posterior-predictive distribution of each target's "
                                   "statistic (bars) against the observed interval (band)",
                                   "predictive.parquet, calibration.json"))
        write_index(records, tmp, "Calibration figures",
                    f"Posterior of the calibration to `{info['targets']['name']}` "
                    f"(scenario `{info['scenario']}`).", f"ieisim figures {folder}")
        swap_in(tmp, final)
    return records
