"""Scenario comparisons: paired differences against a baseline using common random numbers.

In a ``scenarios`` design replicate ``r`` runs every scenario with the same seed, so the
difference ``Y[s, r] - Y[baseline, r]`` removes the noise the scenarios share. For each
scenario and output (run summaries, see :mod:`sim.analysis.loading`):

* ``mean_diff``: mean paired difference with a t interval (n - 1 degrees of freedom);
* ``p_value`` (paired t test) and ``p_holm``: Holm-adjusted over the whole family of
  scenario x output comparisons of the analysis (set by :func:`holm_family`); a difference
  is *established* only when ``p_holm`` is at most ``1 - conf``;
* ``relative_change``: scenario mean / baseline mean - 1 with a Fieller interval (Fieller
  1954, for the ratio of two correlated means); omitted when the baseline mean is not
  distinguishable from 0 (the interval is then unbounded) -- absolute differences come
  first;
* ``effect_size_dz``: paired Cohen's d_z = mean_diff / sd(differences) with the normal
  approximation interval ``d_z +/- z sqrt(1/n + d_z^2 / (2n))``; omitted when the
  differences have no spread (the difference is then exact);
* ``time_to_effect_years``: the first recorded year from which the *simultaneous* band of
  the paired difference over time (max-|t| bootstrap over whole replicates, so the band
  covers the whole path with the stated confidence) excludes 0 at every later recorded
  year. An effect that first appears at the horizon is "not established"
  (``effect_over_time = "not_established"``); the band is kept in ``band`` for figures
  (needs the full time series and at least two replicates).
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as student_t

from sim.analysis.intervals import t_half_width
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
    half = t_half_width(sd, n, conf)
    return mean, sd, mean - half, mean + half


def paired(runs: pd.DataFrame, output: str, baseline: str, scenario: str) -> np.ndarray:
    """Paired differences scenario - baseline, one per replicate present in both."""
    wide = runs.pivot_table(index="replicate", columns="scenario", values=output,
                            aggfunc="mean")
    if baseline not in wide or scenario not in wide:  # a partial sweep: no runs of one yet
        return np.empty(0)
    both = wide[[baseline, scenario]].dropna()
    return (both[scenario] - both[baseline]).to_numpy(dtype=float)


BAND_RESAMPLES = 1000
"""Whole-replicate bootstrap resamples for the simultaneous band over time."""


def simultaneous_band(ts: pd.DataFrame, output: str, baseline: str, scenario: str,
                      conf: float, rng: np.random.Generator) -> dict[str, list] | None:
    """Paired difference over time with a simultaneous band (max-|t| over years).

    Replicates are resampled whole (all years of a replicate together); each resample's
    deviation from the mean path is divided by each year's observed standard error, and the
    band's critical value is the ``conf`` quantile of the largest such |t| over the years
    (at least the pointwise t quantile), so the band covers the whole path at once, not
    each year separately.

    Returns:
        ``{"year", "mean", "low", "high"}`` lists, or ``None`` without two replicates.

    """
    data = ts[ts["scenario"].isin([baseline, scenario])]
    wide = data.pivot_table(index=["replicate", "year"], columns="scenario", values=output,
                            aggfunc="mean")
    if wide.empty or scenario not in wide or baseline not in wide:
        return None
    diff = (wide[scenario] - wide[baseline]).unstack("year").dropna()
    d = diff.to_numpy(dtype=float)  # (replicates, years)
    n = d.shape[0]
    if n < 2:
        return None
    mean = d.mean(axis=0)
    se = d.std(axis=0, ddof=1) / math.sqrt(n)
    draws = rng.integers(0, n, size=(BAND_RESAMPLES, n))
    bmean = d[draws].mean(axis=1)
    # standardised by each year's observed standard error, not the resample's: early years
    # where few replicates differ give resamples with a standard error near 0, and a
    # resample-studentised |t| then explodes (critical values in the hundreds) and the band
    # covers everything. A year without spread (se = 0) cannot deviate.
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, np.abs(bmean - mean) / se, 0.0)
    crit = float(np.quantile(t.max(axis=1), conf))
    crit = max(crit, float(student_t.ppf(0.5 + conf / 2, n - 1)))
    return {"year": [float(y) for y in diff.columns], "mean": mean.tolist(),
            "low": (mean - crit * se).tolist(), "high": (mean + crit * se).tolist(),
            "critical_value": crit}


def paired_levels(runs: pd.DataFrame, output: str, baseline: str,
                  scenario: str) -> tuple[np.ndarray, np.ndarray]:
    """(scenario values, baseline values), one pair per replicate present in both."""
    wide = runs.pivot_table(index="replicate", columns="scenario", values=output,
                            aggfunc="mean")
    both = wide[[baseline, scenario]].dropna()
    return both[scenario].to_numpy(dtype=float), both[baseline].to_numpy(dtype=float)


def time_to_effect(band: dict[str, list] | None) -> tuple[float | None, str]:
    """First year from which the simultaneous band excludes 0 for good, and a status.

    Status: ``established``, ``not_established`` (it first appears at the horizon) or
    ``none``.
    """
    if band is None:
        return None, "none"
    signs = [1 if lo > 0 else (-1 if hi < 0 else 0) for lo, hi in zip(band["low"],
                                                                      band["high"],
                                                                      strict=True)]
    final = signs[-1]
    if final == 0:
        return None, "none"
    start = len(signs)
    while start > 0 and signs[start - 1] == final:
        start -= 1
    if start == len(signs) - 1:
        return None, "not_established"
    return float(band["year"][start]), "established"


def ratio_moments(num: np.ndarray, den: np.ndarray) -> list[float]:
    """``[n, mean(num), mean(den), var of mean(num), var of mean(den), their covariance]``."""
    n = len(num)
    if n < 2:
        return [float(n), math.nan, math.nan, math.nan, math.nan, math.nan]
    return [float(n), float(num.mean()), float(den.mean()), float(num.var(ddof=1)) / n,
            float(den.var(ddof=1)) / n, float(np.cov(num, den, ddof=1)[0, 1]) / n]


def fieller_from_moments(moments: list[float], conf: float) -> tuple[float, float, float] | None:
    """Fieller interval of ``mean(num) / mean(den)`` from :func:`ratio_moments`.

    ``None`` when the denominator's mean is not distinguishable from 0 at level ``conf`` (the
    interval is unbounded) or there are fewer than two pairs.
    """
    n, mn, md, vn, vd, cov = moments
    if n < 2:
        return None
    t = float(student_t.ppf(0.5 + conf / 2, int(n) - 1))
    if md == 0 or t * t * vd >= md * md:
        return None
    ratio = mn / md
    g = t * t * vd / (md * md)
    centre = ratio - g * cov / vd if vd > 0 else ratio
    disc = vn - 2 * ratio * cov + ratio * ratio * vd - g * (vn - (cov * cov / vd if vd > 0
                                                                  else 0.0))
    half = t / abs(md) * math.sqrt(max(disc, 0.0))
    return ratio, (centre - half) / (1 - g), (centre + half) / (1 - g)


def fieller(num: np.ndarray, den: np.ndarray, conf: float) -> tuple[float, float, float] | None:
    """Ratio of two paired means ``mean(num) / mean(den)`` with its Fieller interval.

    ``None`` when the denominator's mean is not distinguishable from 0 (the interval is
    unbounded) or there are fewer than two pairs.
    """
    return fieller_from_moments(ratio_moments(num, den), conf)


def holm_levels(p: np.ndarray, alpha: float) -> np.ndarray:
    """Per comparison, the confidence level of its Holm-compatible interval.

    Holm (1979) tests the k-th smallest of m p-values at ``alpha / (m - k + 1)`` and stops
    at the first step that fails (step j*). A comparison at step k gets the interval of
    level ``1 - alpha / (m - min(k, j*) + 1)``: every rejected comparison's interval then
    excludes 0 (its p is below its step's threshold) and every other one's contains 0 (its
    p is at least that of step j*, which failed there). So the interval shown excludes 0
    exactly when the Holm-adjusted p is at most ``alpha`` -- for a t test with its own t
    interval (and the Fieller interval of the same paired data). NaN p-values get NaN.
    """
    p = np.asarray(p, dtype=float)
    levels = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = order.size
    stop = None
    for k, idx in enumerate(order):  # k = step - 1
        if stop is None and p[idx] > alpha / (m - k):
            stop = k
        levels[idx] = 1 - alpha / (m - (k if stop is None else stop))
    return levels


def holm_family(detail: dict[str, dict[str, dict]], conf: float) -> list[dict]:
    """Holm-adjust the p-values of every scenario x output comparison.

    Sets ``p_holm``, ``established`` and ``family_size`` in place; returns the ``p_holm``
    table rows.
    """
    from sim.analysis.elementary import holm

    keys = [(o, s) for o, comps in detail.items() for s in comps]
    p = np.array([detail[o][s].get("p_value", math.nan) for o, s in keys], dtype=float)
    adj = holm(p)
    levels = holm_levels(p, 1 - conf)
    rows = []
    for (o, s), a, level in zip(keys, adj, levels, strict=True):
        info = detail[o][s]
        info["p_holm"] = None if not np.isfinite(a) else float(a)
        info["established"] = bool(np.isfinite(a) and a <= 1 - conf)
        info["family_size"] = len(keys)
        if np.isfinite(a):
            rows.append(row(o, "paired", s, "p_holm", float(a)))
        if np.isfinite(level):
            rows += _holm_intervals(o, s, info, float(level))
    return rows


def _holm_intervals(output: str, scenario: str, info: dict, level: float) -> list[dict]:
    """Holm-compatible intervals of the difference and the relative change (in place).

    Sets ``holm_conf``, ``holm_low``, ``holm_high`` and, when the baseline is
    distinguishable from 0 at that level, ``relative_change_holm_low`` / ``_high``;
    returns their sensitivity-table rows (indices ``mean_diff_holm``,
    ``relative_change_holm``).
    """
    n, mean, sd = info["n_pairs"], info["mean_diff"], info["sd_diff"]
    half = t_half_width(sd, n, level) if sd > 0 else 0.0
    info["holm_conf"] = level
    info["holm_low"], info["holm_high"] = mean - half, mean + half
    rows = [row(output, "paired", scenario, "mean_diff_holm", mean, mean - half, mean + half)]
    ratio = fieller_from_moments(info["ratio_moments"], level) if "ratio_moments" in info \
        else None
    if ratio is not None and "relative_change" in info:
        info["relative_change_holm_low"] = ratio[1] - 1
        info["relative_change_holm_high"] = ratio[2] - 1
        rows.append(row(output, "paired", scenario, "relative_change_holm", ratio[0] - 1,
                        ratio[1] - 1, ratio[2] - 1))
    return rows


def compare(runs: pd.DataFrame, timeseries: pd.DataFrame | None, outputs: list[str],
            baseline: str, scenarios: list[str], conf: float,
            seed: int = 0) -> tuple[list[dict], dict]:
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
            if n > 1:
                info["p_value"] = (float(2 * student_t.sf(abs(mean) / (sd / math.sqrt(n)),
                                                          n - 1)) if sd > 0 else
                                   (0.0 if mean != 0 else 1.0))
            num, den = paired_levels(runs, output, baseline, scn)
            info["ratio_moments"] = ratio_moments(num, den)
            ratio = fieller_from_moments(info["ratio_moments"], conf)
            if ratio is not None:
                rel, rlo, rhi = ratio[0] - 1, ratio[1] - 1, ratio[2] - 1
                info["relative_change"] = rel
                info["relative_change_low"], info["relative_change_high"] = rlo, rhi
                rows.append(row(output, "paired", scn, "relative_change", rel, rlo, rhi))
            else:
                info["relative_change_suppressed"] = (
                    "baseline mean not distinguishable from 0" if n > 1 else
                    "one replicate: no interval")
            if n > 1 and sd > 0:
                dz = mean / sd
                half = z * math.sqrt(1 / n + dz * dz / (2 * n))
                info["effect_size_dz"] = dz
                rows.append(row(output, "paired", scn, "effect_size_dz", dz, dz - half,
                                dz + half))
            tte, status, band = None, "none", None
            if timeseries is not None and "scenario" in timeseries:
                band = simultaneous_band(timeseries, output, baseline, scn, conf,
                                         np.random.default_rng(
                    [seed, zlib.crc32(output.encode()), zlib.crc32(scn.encode())]))
                tte, status = time_to_effect(band)
            info["time_to_effect_years"] = tte
            info["effect_over_time"] = status
            info["band"] = band
            if tte is not None:
                rows.append(row(output, "paired", scn, "time_to_effect_years", tte))
            detail[output][scn] = info
    return rows, detail
