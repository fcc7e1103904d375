"""Scenario comparisons: paired differences against a baseline using common random numbers.

In a ``scenarios`` design replicate ``r`` runs every scenario with the same seed, so the
difference ``Y[s, r] - Y[baseline, r]`` removes the noise the scenarios share. For each
scenario and output (run summaries, see :mod:`sim.analysis.loading`):

* ``mean_diff``: mean paired difference with a t interval (n - 1 degrees of freedom);
* ``relative_change``: mean_diff / baseline mean (omitted when the baseline mean is 0),
  interval scaled the same way;
* ``effect_size_dz``: paired Cohen's d_z = mean_diff / sd(differences) with the normal
  approximation interval ``d_z +/- z sqrt(1/n + d_z^2 / (2n))``; omitted when the
  differences have no spread (the difference is then exact);
* ``time_to_effect_years``: the first recorded year from which the interval of the paired
  difference excludes 0 at every later recorded year, with the sign of the final
  difference (needs the full time series and at least two replicates).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as student_t

from sim.analysis.table import row
from sim.errors import UsageError

DEFAULT_BASELINE = "status_quo"
"""Scenario compared against when none is named and it is among the scenarios."""


def baseline_of(names: list[str], requested: str | None) -> str:
    """The baseline scenario: ``requested``, else ``status_quo``, else the first listed.

    Raises:
        UsageError: ``requested`` is not one of the scenarios.

    """
    if requested is not None:
        if requested not in names:
            raise UsageError(f"baseline {requested!r} is not a scenario of this sweep: "
                             f"{', '.join(names)}")
        return requested
    return DEFAULT_BASELINE if DEFAULT_BASELINE in names else names[0]


def _interval(diff: np.ndarray, conf: float) -> tuple[float, float, float, float]:
    """(mean, sd, low, high) of paired differences; the interval is exact when sd is 0."""
    n = len(diff)
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1)) if n > 1 else math.nan
    if n < 2:
        return mean, sd, math.nan, math.nan
    half = float(student_t.ppf(0.5 + conf / 2, n - 1)) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def paired(runs: pd.DataFrame, output: str, baseline: str, scenario: str) -> np.ndarray:
    """Paired differences scenario - baseline, one per replicate present in both."""
    wide = runs.pivot_table(index="replicate", columns="scenario", values=output,
                            aggfunc="mean")
    if baseline not in wide or scenario not in wide:  # a partial sweep: no runs of one yet
        return np.empty(0)
    both = wide[[baseline, scenario]].dropna()
    return (both[scenario] - both[baseline]).to_numpy(dtype=float)


def time_to_effect(ts: pd.DataFrame, output: str, baseline: str, scenario: str,
                   conf: float) -> float | None:
    """First year from which the paired difference's interval excludes 0 for good."""
    data = ts[ts["scenario"].isin([baseline, scenario])]
    wide = data.pivot_table(index=["year", "replicate"], columns="scenario", values=output,
                            aggfunc="mean").dropna()
    if wide.empty or scenario not in wide or baseline not in wide:
        return None
    diff = (wide[scenario] - wide[baseline]).rename("d").reset_index()
    years = sorted(diff["year"].unique())
    signs = []
    for year in years:
        d = diff.loc[diff["year"] == year, "d"].to_numpy()
        mean, sd, lo, hi = _interval(d, conf)
        if len(d) < 2:
            return None
        signs.append(1 if lo > 0 else (-1 if hi < 0 else 0))
    final = signs[-1]
    if final == 0:
        return None
    start = len(signs)
    while start > 0 and signs[start - 1] == final:
        start -= 1
    return float(years[start])


def compare(runs: pd.DataFrame, timeseries: pd.DataFrame | None, outputs: list[str],
            baseline: str, scenarios: list[str], conf: float) -> tuple[list[dict], dict]:
    """Paired comparisons of every scenario against ``baseline`` for every output.

    Returns:
        (sensitivity-table rows with method ``paired`` and ``lever`` = scenario; a dict
        ``{output: {scenario: {n_pairs, mean_diff, ..., time_to_effect_years}}}``).

    """
    z = float(norm.ppf(0.5 + conf / 2))
    rows: list[dict] = []
    detail: dict[str, Any] = {}
    base_means = runs[runs["scenario"] == baseline][outputs].mean()
    for output in outputs:
        detail[output] = {}
        for scn in scenarios:
            if scn == baseline:
                continue
            diff = paired(runs, output, baseline, scn)
            n = len(diff)
            if n == 0:
                continue
            mean, sd, lo, hi = _interval(diff, conf)
            info: dict[str, Any] = {"n_pairs": n, "mean_diff": mean, "conf_low": lo,
                                    "conf_high": hi, "sd_diff": sd,
                                    "baseline_mean": float(base_means[output])}
            rows.append(row(output, "paired", scn, "mean_diff", mean,
                            *((lo, hi) if n > 1 else (None, None))))
            base = float(base_means[output])
            if base != 0:
                rel = mean / base
                info["relative_change"] = rel
                bounds = sorted((lo / base, hi / base)) if n > 1 else [None, None]
                rows.append(row(output, "paired", scn, "relative_change", rel, *bounds))
            if n > 1 and sd > 0:
                dz = mean / sd
                half = z * math.sqrt(1 / n + dz * dz / (2 * n))
                info["effect_size_dz"] = dz
                rows.append(row(output, "paired", scn, "effect_size_dz", dz, dz - half,
                                dz + half))
            tte = None
            if timeseries is not None and "scenario" in timeseries:
                tte = time_to_effect(timeseries, output, baseline, scn, conf)
            info["time_to_effect_years"] = tte
            if tte is not None:
                rows.append(row(output, "paired", scn, "time_to_effect_years", tte))
            detail[output][scn] = info
    return rows, detail
