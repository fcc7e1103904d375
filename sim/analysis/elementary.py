"""Elementary effects per replicate: the Morris noise floor and BCa intervals.

mu* (Morris 1991; Campolongo, Cariboni & Saltelli 2007) is a mean *absolute* elementary
effect, so it is positive even when a lever does nothing and the output is pure replicate
noise. Because replicate ``r`` of every design point shares one seed (common random
numbers), each replicate gives its own elementary effect ``EE[r, t, i]`` (trajectory ``t``,
lever ``i``); their spread over replicates is the noise in the effect of the replicate means
``EE_bar[t, i] = mean_r EE[r, t, i]`` on which mu* is computed.

* ``noise_floor`` (same unit as mu*): the mu* that replicate noise alone would give,
  ``mean_t sqrt(2 s2[t, i] / (pi R)) / c4(R)`` (the mean absolute value of a normal
  variable with the noise variance ``s2 / R`` of ``EE_bar``; ``c4`` removes the bias of a
  standard deviation from ``R`` replicates).
* ``p_noise``: the p-value of the hypothesis that lever ``i`` has no effect beyond noise: the
  ratio ``R * sum_t EE_bar^2 / sum_t s2`` (each ``EE_bar`` has mean 0 and variance ``s2 / R``
  under the hypothesis) against an F distribution with Satterthwaite degrees of freedom
  (``(sum s2)^2 / sum s2^2`` trajectories, times ``R - 1`` for the denominator), so it holds
  with as few as 2 replicates. Trajectories in which neither the effect nor its noise moves
  (e.g. a zero-inflated output at 0 on both sides) carry no information and are left out.
* ``detectable``: Holm-adjusted ``p_noise`` (over the levers of one output) at most
  ``1 - conf_level``.

Intervals for mu*, mu and sigma: bias-corrected and accelerated (BCa, Efron 1987) bootstrap
over trajectories, at least :data:`MIN_BCA_RESAMPLES` resamples (``scipy.stats.bootstrap``).

Order between levers (:func:`mu_star_order`): the same bootstrap over whole trajectories, one
resample shared by every lever (paired), gives the standard error of each pair's difference
of mu*; each pair is tested (t with ``trajectories - 1`` degrees of freedom), Holm-adjusted
over the pairs compared, and the levers are sorted into tiers (:func:`tiers`): an order is
stated only between tiers.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import stats
from scipy.special import gammaln

MIN_BCA_RESAMPLES = 1000
"""Fewest bootstrap resamples for a BCa interval."""


def c4(n: int) -> float:
    """Bias factor of a sample standard deviation from ``n`` normal values (E[s] = c4 sigma)."""
    if n < 2:
        return math.nan
    return math.sqrt(2.0 / (n - 1)) * math.exp(gammaln(n / 2) - gammaln((n - 1) / 2))


def elementary_effects(x: np.ndarray, y: np.ndarray, bounds: list[list[float]],
                       traj_len: int, groups: list[str] | None = None,
                       effects: list[str] | None = None) -> np.ndarray:
    """Elementary effects of each trajectory step, per replicate.

    Args:
        x: design (points x factors) in point order (whole trajectories of ``traj_len``).
        y: outputs, shape (points,) or (replicates, points).
        bounds: each factor's [low, high].
        traj_len: points per trajectory.
        groups: each factor's group name (grouped samples) or ``None``.
        effects: effect names in output order (factor names, or group names).

    Returns:
        array (..., trajectories, effects): the change of the output per full range of the
        factor (SALib's scaling: change over one step / the step as a share of the range).

    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lead = y.shape[:-1]
    n_traj = x.shape[0] // traj_len
    groups = groups or None
    names = effects or (list(dict.fromkeys(groups)) if groups else
                        [str(i) for i in range(x.shape[1])])
    index = ({g: names.index(g) for g in names} if groups else None)
    width = np.array([hi - lo for lo, hi in bounds], dtype=float)
    out = np.full(lead + (n_traj, len(names)), np.nan)
    for t in range(n_traj):
        for j in range(traj_len - 1):
            p = t * traj_len + j
            step = (x[p + 1] - x[p]) / width
            moved = np.flatnonzero(np.abs(step) > 1e-12)
            if moved.size == 0:
                continue
            col = int(moved[0])
            k = index[groups[col]] if groups else col
            out[..., t, k] = (y[..., p + 1] - y[..., p]) / step[col]
    return out


def noise_test(ee: np.ndarray) -> dict[str, np.ndarray]:
    """Noise floor and p-value of "no effect beyond replicate noise" for each effect.

    Args:
        ee: elementary effects per replicate, shape (replicates, trajectories, effects);
            at least 2 replicates.

    Returns:
        dict of arrays over effects: ``noise_floor`` (mu* from noise alone), ``p_noise``,
        ``df_num`` and ``df_den`` (Satterthwaite degrees of freedom).

    """
    reps = ee.shape[0]
    mean = np.nanmean(ee, axis=0)  # (T, k)
    s2 = np.nanvar(ee, axis=0, ddof=1)
    k = ee.shape[2]
    floor = np.full(k, np.nan)
    p = np.full(k, np.nan)
    df1 = np.full(k, np.nan)
    df2 = np.full(k, np.nan)
    for i in range(k):
        m, v = mean[:, i], s2[:, i]
        ok = np.isfinite(m) & np.isfinite(v)
        m, v = m[ok], v[ok]
        if m.size == 0:
            continue
        floor[i] = float(np.mean(np.sqrt(2.0 * v / (math.pi * reps)))) / c4(reps)
        live = (v > 0) | (m != 0)
        m, v = m[live], v[live]
        if m.size == 0:
            p[i] = 1.0
            continue
        if float(v.sum()) == 0.0:
            p[i] = 0.0  # deterministic and non-zero: an exact effect
            continue
        dfn = float(v.sum() ** 2 / np.sum(v ** 2))
        dfd = dfn * (reps - 1)
        ratio = reps * float(np.sum(m ** 2)) / float(np.sum(v))
        df1[i], df2[i] = dfn, dfd
        p[i] = float(stats.f.sf(ratio, dfn, dfd))
    return {"noise_floor": floor, "p_noise": p, "df_num": df1, "df_den": df2}


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values (Holm 1979), NaN kept as NaN."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if ok.size == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    m = order.size
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        out[idx] = running
    return out


def bca_interval(samples: np.ndarray, statistic, conf: float, resamples: int,
                 rng: np.random.Generator) -> tuple[float, float]:
    """BCa bootstrap interval of ``statistic`` over the rows of ``samples`` (1-D)."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[np.isfinite(samples)]
    if samples.size < 3 or np.ptp(samples) == 0:
        value = float(statistic(samples)) if samples.size else math.nan
        return value, value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap((samples,), statistic, n_resamples=max(MIN_BCA_RESAMPLES,
                                                                      resamples),
                              confidence_level=conf, method="BCa", random_state=rng,
                              vectorized=True, axis=-1)
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        boot = res.bootstrap_distribution
        alpha = (1 - conf) / 2
        lo, hi = (float(v) for v in np.nanquantile(boot, [alpha, 1 - alpha]))
    return lo, hi


def tiers(items: list[Any], larger: dict[tuple[int, int], bool]) -> list[list[Any]]:
    """Consecutive groups of ``items`` (sorted largest first) with an established order between.

    ``larger[(i, j)]`` (i < j): item i is established larger than item j. A boundary after
    position i is drawn only when every item up to i is established larger than every item
    after it; the items between two boundaries form a tier, within which no order is claimed.
    """
    k = len(items)
    out: list[list[Any]] = []
    current: list[Any] = []
    for i, item in enumerate(items):
        current.append(item)
        boundary = i < k - 1 and all(larger.get((a, b), False) for a in range(i + 1)
                                     for b in range(i + 1, k))
        if boundary or i == k - 1:
            out.append(current)
            current = []
    return out


def separated_tiers(names: list[Any], value, low, high) -> list[list[Any]]:
    """Tiers of ``names`` by ``value``, an order only where their intervals separate.

    Sorted largest first; item i counts as established larger than item j when its interval
    lies wholly above j's (``low[i] > high[j]``), and :func:`tiers` groups them. Used where only
    per-lever intervals are at hand (Sobol' ST and S1, PAWN, grid main effects, rank
    correlations): two non-overlapping 95% intervals differ beyond the noise those intervals
    carry, while overlapping ones (or a missing interval) are not ranked.
    """
    v = np.asarray(value, dtype=float)
    lo = np.asarray(low, dtype=float)
    hi = np.asarray(high, dtype=float)
    lo = np.where(np.isfinite(lo), lo, -np.inf)   # no interval: never separated
    hi = np.where(np.isfinite(hi), hi, np.inf)
    rank = list(np.argsort(-np.nan_to_num(v, nan=-np.inf), kind="stable"))
    larger = {(a, b): bool(lo[rank[a]] > hi[rank[b]])
              for a in range(len(rank)) for b in range(a + 1, len(rank))}
    return tiers([names[i] for i in rank], larger)


def mu_star_order(ee: np.ndarray, names: list[str], compared: list[str], conf: float,
                  resamples: int, rng: np.random.Generator) -> dict[str, Any]:
    """Tiers of levers by mu*: an order between two levers only where it exceeds noise.

    Whole trajectories are resampled (``scipy.stats.bootstrap``, at least
    :data:`MIN_BCA_RESAMPLES` resamples), the same resample for every lever, so each pair's
    difference of mu* is paired. Its bootstrap standard error (times ``sqrt(T / (T - 1))``,
    the small-sample correction of a bootstrap over ``T`` trajectories) gives a t statistic
    with ``T - 1`` degrees of freedom; the p-values are Holm-adjusted over the pairs
    compared and grouped by :func:`tiers` at the threshold ``1 - conf``.

    Args:
        ee: elementary effects of the replicate means (trajectories x effects).
        names: effect names in column order.
        compared: the levers to order (e.g. those beyond the noise floor).
        conf: confidence level (0-1).
        resamples: bootstrap resamples asked for.
        rng: resampling stream.

    Returns:
        ``{"tiers": [[lever, ...], ...] (largest mu* first), "pairs": pairs compared,
        "p_holm": {"a|b": adjusted p}}``.

    """
    cols = [names.index(n) for n in compared]
    e = np.asarray(ee, dtype=float)[:, cols]
    e = e[np.isfinite(e).all(axis=1)]
    n_traj = e.shape[0]
    value = mu_star_stat(e, axis=0) if n_traj else np.zeros(len(cols))
    rank = list(np.argsort(-value, kind="stable"))
    ranked = [compared[i] for i in rank]
    k = len(rank)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    p = np.full(len(pairs), np.nan)
    if pairs and n_traj >= 3:
        def stat(idx, axis=-1):
            return np.moveaxis(mu_star_stat(e[idx][..., rank], axis=-2), -1, 0)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            boot = stats.bootstrap((np.arange(n_traj),), stat, vectorized=True, axis=-1,
                                   n_resamples=max(MIN_BCA_RESAMPLES, resamples),
                                   method="percentile", random_state=rng
                                   ).bootstrap_distribution
        ordered = value[rank]
        for n, (i, j) in enumerate(pairs):
            diff = float(ordered[i] - ordered[j])
            se = float(np.std(boot[i] - boot[j], ddof=1)) * math.sqrt(n_traj / (n_traj - 1))
            p[n] = (float(2 * stats.t.sf(abs(diff) / se, n_traj - 1)) if se > 0
                    else (0.0 if diff != 0 else 1.0))
    adjusted = holm(p)
    larger = {pair: bool(np.isfinite(a) and a <= 1 - conf)
              for pair, a in zip(pairs, adjusted, strict=True)}
    return {"tiers": tiers(ranked, larger), "pairs": len(pairs),
            "p_holm": {f"{ranked[i]}|{ranked[j]}": (float(a) if np.isfinite(a) else None)
                       for (i, j), a in zip(pairs, adjusted, strict=True)}}


def mu_star_stat(e, axis=-1):
    """mu*: mean absolute elementary effect."""
    return np.mean(np.abs(e), axis=axis)


def mu_stat(e, axis=-1):
    """mu: mean signed elementary effect."""
    return np.mean(e, axis=axis)


def sigma_stat(e, axis=-1):
    """sigma: standard deviation of the elementary effects (SALib's, ddof=1)."""
    return np.std(e, axis=axis, ddof=1)


def summary_for(ee_mean: np.ndarray) -> dict[str, Any]:
    """mu*, mu and sigma of effects (trajectories x effects) of the replicate means."""
    return {"mu_star": mu_star_stat(ee_mean, axis=0), "mu": mu_stat(ee_mean, axis=0),
            "sigma": sigma_stat(ee_mean, axis=0)}
