"""The distance between a run and the targets: weighted, scaled misses of the intervals.

For each fitted target ``k`` with interval ``[low_k, high_k]``, a run's statistic ``s_k``
misses by ``m_k = max(low_k - s_k, 0, s_k - high_k)`` (0 inside the interval). The distance
is

    d = sqrt( sum_k w_k (m_k / c_k)^2 / sum_k w_k ),

with ``w_k`` the target's weight and ``c_k`` its scale. Scales adapt each generation (as in
Prangle 2017, "Adapting the ABC distance function", pyabc's adaptive p-norm): ``c_k`` is the
median absolute deviation of ``s_k`` over every run of the previous generation (accepted and
rejected), but never below the target's declared ``tolerance``, so a statistic that varies
widely between parameter sets does not swamp the others, and as the population concentrates
each miss is measured in units of the tolerance. A statistic that is undefined in a run (NaN,
e.g. no apprenticing firm) counts as a miss of :data:`MISSING_MISS` scale units.

The scales of every generation are kept in :attr:`IntervalDistance.scales` and stored by the
calibration after each generation, so a resumed run uses exactly the scales the uninterrupted
run would have used (pyabc's ``load()`` would recompute them from the accepted particles
only).
"""

from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

import numpy as np
import pyabc

MISSING_MISS = 3.0
"""Miss of an undefined (NaN) statistic, in scale units: a clear miss, not an infinite one
(a run with no apprenticing firm is far from a target on apprentices, not impossible)."""
MAD_TO_SD = 1.4826
"""Median absolute deviation times this estimates a normal standard deviation."""


class IntervalDistance(pyabc.Distance):
    """Adaptive weighted distance of a run's statistics to the targets' intervals.

    Args:
        targets: the fitted targets, each with ``key`` (statistic column), ``low``, ``high``,
            ``tolerance`` and ``weight`` (a mapping per target).
        adaptive: adapt scales each generation (``False``: scales are the tolerances).

    """

    def __init__(self, targets: Sequence[Mapping[str, float]], adaptive: bool = True):
        super().__init__()
        self.targets = [dict(t) for t in targets]
        self.adaptive = adaptive
        self.scales: dict[int, dict[str, float]] = {}
        self._wsum = float(sum(t["weight"] for t in self.targets))

    # -- pyabc interface ------------------------------------------------------------------
    def requires_calibration(self) -> bool:
        """Scales for the first generation come from a sample of the prior."""
        return self.adaptive

    def is_adaptive(self) -> bool:
        """Scales change between generations."""
        return self.adaptive

    def configure_sampler(self, sampler) -> None:
        """Ask the sampler for rejected runs too (they measure each statistic's spread)."""
        if self.adaptive:
            sampler.sample_factory.record_rejected()

    def initialize(self, t: int, get_sample: Callable, x_0: dict, total_sims: int) -> None:
        """Scales for generation ``t``: kept ones (a resumed run), else from the sample."""
        if t in self.scales or not self.adaptive:
            return
        self.scales[t] = self.scales_of(get_sample().all_sum_stats)

    def update(self, t: int, get_sample: Callable, total_sims: int) -> bool:
        """Scales for generation ``t`` from the previous generation's runs."""
        if not self.adaptive:
            return False
        self.scales[t] = self.scales_of(get_sample().all_sum_stats)
        return True

    def __call__(self, x: dict, x_0: dict | None = None, t: int | None = None,
                 par: dict | None = None) -> float:
        """Distance of one run's statistics ``x`` to the targets at generation ``t``."""
        return self.distance(x, self.scale_at(t))

    def get_config(self) -> dict:
        """Configuration (stored by pyabc in its database)."""
        return {"name": "IntervalDistance", "adaptive": self.adaptive,
                "targets": [t["key"] for t in self.targets]}

    # -- the formula ------------------------------------------------------------------------
    def scale_at(self, t: int | None) -> dict[str, float]:
        """Scales in force at generation ``t`` (the latest set at or before it)."""
        if not self.adaptive or not self.scales:
            return {t_["key"]: t_["tolerance"] for t_ in self.targets}
        known = [s for s in self.scales if t is None or s <= t]
        return self.scales[max(known) if known else min(self.scales)]

    def scales_of(self, sum_stats: Sequence[Mapping[str, float]]) -> dict[str, float]:
        """Each target's scale: MAD of its statistic over ``sum_stats``, floored at tolerance."""
        out = {}
        for t in self.targets:
            v = np.array([float(s.get(t["key"], np.nan)) for s in sum_stats], float)
            v = v[np.isfinite(v)]
            mad = MAD_TO_SD * float(np.median(np.abs(v - np.median(v)))) if v.size else 0.0
            out[t["key"]] = max(float(t["tolerance"]), mad)
        return out

    def distance(self, x: Mapping[str, float], scales: Mapping[str, float]) -> float:
        """The weighted root-mean-square of scaled misses."""
        total = 0.0
        for t in self.targets:
            miss = _miss(float(x.get(t["key"], math.nan)), t["low"], t["high"])
            z = MISSING_MISS if math.isnan(miss) else miss / scales[t["key"]]
            total += t["weight"] * z * z
        return math.sqrt(total / self._wsum)


def _miss(value: float, low: float, high: float) -> float:
    if math.isnan(value):
        return math.nan
    return max(low - value, 0.0, value - high)
