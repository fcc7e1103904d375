"""The posterior of a finished calibration: particles, weights, summaries and predictive runs.

``posterior.parquet`` holds the last generation's accepted particles: one column per fitted
parameter by short name, in the parameter's own unit, plus ``weight`` (normalised to sum to
1). The statistics of the runs that produced those particles (one seed each) are the
posterior-predictive sample (``predictive.parquet``: a column per statistic, ``_seed`` and
``weight``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.priors import Prior

CREDIBLE = 0.9
"""Level of the credible intervals reported."""
CONSTRAINED_WIDTH = 0.5
"""A parameter is *constrained* when its 90% interval is at most this share of the 90%
interval of its prior (on the prior's sampling scale: log10 for log-uniform priors)."""
STRONG_CORRELATION = 0.5
"""|weighted posterior correlation| at or above which a pair is reported as trading off."""


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantile(s) ``q`` of ``x`` under weights ``w`` (inverse of the weighted CDF, midpoints)."""
    x = np.asarray(x, float)
    w = np.asarray(w, float)
    ok = np.isfinite(x) & (w > 0)
    x, w = x[ok], w[ok]
    if not x.size:
        return np.full(np.shape(q), np.nan)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, x)


def read_history(db: Path, abc_id: int = 1):
    """The pyabc ``History`` of a calibration database."""
    import pyabc

    h = pyabc.History(f"sqlite:///{Path(db).resolve()}", _id=abc_id)
    return h


def posterior_frame(history, priors: tuple[Prior, ...], t: int | None = None) -> pd.DataFrame:
    """Particles of generation ``t`` (default: the last) by short name, plus ``weight``."""
    df, w = history.get_distribution(m=0, t=t)
    out = pd.DataFrame({p.name: [p.natural(v) for v in df[p.abc_name].to_numpy(float)]
                        for p in priors})
    out["weight"] = np.asarray(w, float) / np.sum(w)
    return out


def predictive_frame(history, t: int | None = None) -> pd.DataFrame:
    """Statistics of the runs behind generation ``t``'s particles, plus ``weight``."""
    w, stats = history.get_weighted_sum_stats(t=t)
    df = pd.DataFrame([{k: float(v) for k, v in s.items()} for s in stats])
    df["weight"] = np.asarray(w, float) / np.sum(w)
    return df


@dataclass(frozen=True)
class ParameterSummary:
    """Prior and posterior of one parameter (own unit)."""

    name: str
    prior: str
    low: float
    high: float
    median: float
    lo90: float
    hi90: float
    width_ratio: float

    @property
    def constrained(self) -> bool:
        """Whether the data pin it down (interval at most half the prior's)."""
        return self.width_ratio <= CONSTRAINED_WIDTH


def summarise_parameters(post: pd.DataFrame, priors: tuple[Prior, ...],
                         level: float = CREDIBLE) -> list[ParameterSummary]:
    """Median, credible interval and width ratio to the prior of each parameter."""
    q = np.array([(1 - level) / 2, 0.5, (1 + level) / 2])
    w = post["weight"].to_numpy(float)
    out = []
    for p in priors:
        lo, med, hi = weighted_quantile(post[p.name].to_numpy(float), w, q)
        if p.log:
            width = math.log10(hi) - math.log10(lo) if lo > 0 else math.nan
            prior_width = level * (math.log10(p.high) - math.log10(p.low))
        else:
            width = hi - lo
            prior_width = level * (p.high - p.low)
        out.append(ParameterSummary(p.name, p.kind, p.low, p.high, float(med), float(lo),
                                    float(hi), float(width / prior_width)))
    return out


def strong_pairs(post: pd.DataFrame, priors: tuple[Prior, ...],
                 threshold: float = STRONG_CORRELATION) -> list[tuple[str, str, float]]:
    """Parameter pairs whose weighted posterior correlation is at least ``threshold``.

    Correlations are on the prior's sampling scale (log10 for log-uniform parameters).
    """
    w = post["weight"].to_numpy(float)
    cols = {}
    for p in priors:
        x = post[p.name].to_numpy(float)
        cols[p.name] = np.log10(np.maximum(x, p.low)) if p.log else x
    out = []
    names = list(cols)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            r = weighted_corr(cols[a], cols[b], w)
            if math.isfinite(r) and abs(r) >= threshold:
                out.append((a, b, r))
    return sorted(out, key=lambda x: -abs(x[2]))


def weighted_corr(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """Weighted Pearson correlation (NaN when either is constant)."""
    w = w / w.sum()
    mx, my = np.sum(w * x), np.sum(w * y)
    cov = np.sum(w * (x - mx) * (y - my))
    vx, vy = np.sum(w * (x - mx) ** 2), np.sum(w * (y - my) ** 2)
    return float(cov / math.sqrt(vx * vy)) if vx > 0 and vy > 0 else math.nan


def significant(value: float, digits: int, integer: bool = False) -> float | int:
    """``value`` to ``digits`` significant digits (a whole number when ``integer``)."""
    if integer:
        return int(round(value))
    if value == 0:
        return 0.0
    places = digits - 1 - int(math.floor(math.log10(abs(value))))
    return float(round(value, places))


POINT_DIGITS = 3
"""Significant digits of a posterior's point estimate: an ABC posterior carries no more."""


def point_estimate(folder: Path, digits: int = POINT_DIGITS) -> dict[str, float | int]:
    """The point estimate of the calibration in ``folder``: weighted posterior medians.

    Each calibrated parameter's weighted median over the final population, to ``digits``
    significant digits (a whole number for an integer parameter). The shipped scenarios'
    defaults are this estimate of the shipped status-quo posterior
    (``calibration/apply_defaults.py --posterior``).
    """
    from sim.params import BY_NAME

    post = pd.read_parquet(Path(folder) / "posterior.parquet")
    w = post["weight"].to_numpy(float)
    return {c: significant(float(weighted_quantile(post[c].to_numpy(float), w, 0.5)), digits,
                           BY_NAME[c].dtype is int)
            for c in post.columns if c != "weight"}

