"""Models with known answers, for checking the experiment and sensitivity pipeline end to end.

``ishigami`` is the standard test function of global sensitivity analysis (Ishigami & Homma
1990, "An importance quantification technique in uncertainty analysis for computer models"):

    y = sin(x1) + a sin(x2)^2 + b x3^4 sin(x1),   x1, x2, x3 ~ U[-pi, pi],

with ``a = 7`` and ``b = 0.1``. Its first-order and total Sobol' indices have closed forms
(:func:`ishigami_indices`): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437). An
experiment with ``model = "ishigami"`` sweeps it like the cooperation model, so a Sobol'
analysis of the resulting folder can be compared with these values.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

ISHIGAMI_A = 7.0
"""Coefficient ``a`` of the Ishigami function (dimensionless; the literature's standard)."""
ISHIGAMI_B = 0.1
"""Coefficient ``b`` of the Ishigami function (dimensionless; the literature's standard)."""


@dataclass(frozen=True)
class TestFactor:
    """An input of a test model: name, bounds and meaning (dimensionless)."""

    name: str
    low: float
    high: float
    label: str


ISHIGAMI_FACTORS: Mapping[str, TestFactor] = {
    f"x{i}": TestFactor(f"x{i}", -math.pi, math.pi, f"Ishigami input x{i}") for i in (1, 2, 3)
}
"""The three inputs, each uniform on [-pi, pi]."""
ISHIGAMI_OUTPUTS: tuple[str, ...] = ("y",)
"""The single output column."""


def ishigami(x1, x2, x3, a: float = ISHIGAMI_A, b: float = ISHIGAMI_B):
    """The Ishigami function, elementwise on numbers or numpy arrays (dimensionless)."""
    s1 = np.sin(x1)
    return s1 + a * np.sin(x2) ** 2 + b * np.power(x3, 4) * s1


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, tuple]:
    """Analytic variance and Sobol' indices of the Ishigami function on [-pi, pi]^3.

    Returns:
        ``{"variance": V, "S1": (S1_1, S1_2, S1_3), "ST": (ST_1, ST_2, ST_3)}``.

    """
    pi4, pi8 = math.pi ** 4, math.pi ** 8
    v1 = 0.5 * (1.0 + b * pi4 / 5.0) ** 2
    v2 = a ** 2 / 8.0
    v13 = b ** 2 * pi8 * (1.0 / 18.0 - 1.0 / 50.0)
    var = v1 + v2 + v13
    return {"variance": var,
            "S1": (v1 / var, v2 / var, 0.0),
            "ST": ((v1 + v13) / var, v2 / var, v13 / var)}


def simulate_ishigami(values: Mapping[str, float],
                      seed: int | None = None) -> dict[str, np.ndarray]:
    """One "run" of the Ishigami model, shaped like a one-row time series.

    Args:
        values: ``x1``, ``x2``, ``x3`` (missing inputs are 0, the middle of the range).
        seed: accepted for a uniform interface and ignored: the function is deterministic.

    Returns:
        Columns ``step`` (0), ``year`` (0.0) and ``y``, each a length-1 numpy array.

    """
    del seed  # deterministic
    y = ishigami(float(values.get("x1", 0.0)), float(values.get("x2", 0.0)),
                 float(values.get("x3", 0.0)))
    return {"step": np.zeros(1, dtype=np.int64), "year": np.zeros(1), "y": np.array([y])}


# ---------------------------------------------------------------------------------------------
# Noisy synthetic policy models with known effects, for statistical checks of the analysis.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticPolicyModel:
    """A stochastic stand-in for the cooperation model whose true lever effects are known.

    Two outputs per run, shaped like the cooperation model's:

    * ``joint_rd_per_100_firms`` (ties per 100 firms) =
      ``max(0, base + sum_i effect_i * u_i + replicate shock + run noise)``, where ``u_i`` is
      lever ``i`` scaled to [0, 1] over its bounds. The floor at 0 makes the output
      zero-inflated when ``base`` is small, like joint R&D in the status quo.
    * ``public_cost`` (CNY million per year) = ``cost_base + sum_i cost_i * u_i`` plus run
      noise of ``cost_sd``.

    A calibrated parameter (``calibrated``, a declared short name such as ``trust_step``)
    shifts the lever effects: lever ``i`` moves the outcome by ``effect_i + slope_i * (theta -
    calibrated_centre)`` over its range, where ``theta`` is the run's value of the parameter
    (``calibrated_centre`` when not given) and ``slope_i`` is ``effect_slopes[i]``. Drawing
    ``theta`` from a posterior therefore spreads each effect by ``slope_i^2 Var(theta)`` of
    calibration uncertainty, on top of the replicate noise: a known decomposition.

    Common random numbers: the replicate shock (sd ``replicate_sd``) depends only on the
    replicate's seed, so it is shared by every design point of that replicate, as in
    ``ieisim sweep``; the run noise (sd ``run_sd``) is drawn from a stream keyed by the seed
    *and* the point's lever values, so it is the same whenever the same setting is re-run
    with the same seed. Defaults are of the size measured on the cooperation model's demo
    sweep (status quo, 10 years): joint R&D per 100 firms about 2, run-to-run sd about 1.

    Attributes:
        factors: lever name -> bounds (``TestFactor``).
        effects: lever name -> change of the outcome over the lever's full range (ties per
            100 firms); levers not named have no effect.
        cost_effects: lever name -> change of public cost over the full range (CNY million
            per year).
        base, replicate_sd, run_sd: outcome level and noise (ties per 100 firms).
        cost_base, cost_sd: cost level and noise (CNY million per year).
        calibrated: short name of the calibrated parameter that shifts the effects.
        calibrated_centre: its value at which the effects are ``effects``.
        effect_slopes: lever name -> change of its effect per unit of the calibrated
            parameter (ties per 100 firms per unit); levers not named are not shifted.

    """

    factors: Mapping[str, TestFactor]
    effects: Mapping[str, float]
    cost_effects: Mapping[str, float]
    base: float = 2.0
    replicate_sd: float = 0.5
    run_sd: float = 1.0
    cost_base: float = 50.0
    cost_sd: float = 2.0
    calibrated: str = "trust_step"
    calibrated_centre: float = 0.0
    effect_slopes: Mapping[str, float] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Lever names in column order."""
        return list(self.factors)

    def scaled(self, x: np.ndarray) -> np.ndarray:
        """Levers scaled to [0, 1] over their bounds (points x levers)."""
        lows = np.array([f.low for f in self.factors.values()])
        highs = np.array([f.high for f in self.factors.values()])
        return (np.asarray(x, dtype=float) - lows) / (highs - lows)

    def replicates(self, x: np.ndarray, seeds: list[int],
                   theta: np.ndarray | float | None = None) -> dict[str, np.ndarray]:
        """Every output for every (replicate seed, design point).

        Arrays of shape (len(seeds), len(x)), vectorised (a 200-point, 10-replicate sweep
        takes milliseconds). ``theta``: the calibrated parameter of each replicate (one value
        per seed, or one for all; default ``calibrated_centre``).
        """
        u = self.scaled(x)
        centre = self.calibrated_centre
        thetas = np.broadcast_to(np.asarray(centre if theta is None else theta, dtype=float),
                                 (len(seeds),))
        slopes = np.array([self.effect_slopes.get(n, 0.0) for n in self.names])
        ceff = np.array([self.cost_effects.get(n, 0.0) for n in self.names])
        keys = [zlib.crc32(np.ascontiguousarray(row).tobytes()) for row in np.asarray(x, float)]
        outcome = np.empty((len(seeds), len(x)))
        cost = np.empty_like(outcome)
        for r, seed in enumerate(seeds):
            eff = np.array([self.effects.get(n, 0.0) for n in self.names]) + \
                slopes * (thetas[r] - centre)
            shock = np.random.default_rng([seed, 0]).normal(0.0, self.replicate_sd)
            noise = np.array([np.random.default_rng([seed, 1, k]).normal(0.0, 1.0, 2)
                              for k in keys])
            outcome[r] = np.maximum(0.0, self.base + u @ eff + shock + self.run_sd * noise[:, 0])
            cost[r] = self.cost_base + u @ ceff + self.cost_sd * noise[:, 1]
        return {"joint_rd_per_100_firms": outcome, "public_cost": cost}

    def simulate(self, values: Mapping[str, float], seed: int) -> dict[str, np.ndarray]:
        """One run, shaped like a one-row time series (``step``, ``year``, outputs)."""
        x = np.array([[float(values.get(n, f.low)) for n, f in self.factors.items()]])
        out = self.replicates(x, [seed], float(values.get(self.calibrated,
                                                           self.calibrated_centre)))
        return {"step": np.zeros(1, dtype=np.int64), "year": np.zeros(1),
                **{k: v[0] for k, v in out.items()}}


SYNTHETIC_FACTORS: Mapping[str, TestFactor] = {
    f"lever{i}": TestFactor(f"lever{i}", 0.0, 1.0, f"synthetic lever {i}") for i in range(1, 5)
}
"""Four levers on [0, 1] (dimensionless)."""

NO_EFFECT = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={}, cost_effects={})
"""No lever moves anything: every difference between design points is replicate noise."""

KNOWN_EFFECT = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 1.5},
                                    cost_effects={"lever1": 6.0})
"""``lever1`` raises joint R&D by 1.5 ties per 100 firms over its range (run noise sd 1, the
size of the cooperation model's larger lever effects) and public cost by CNY 6 million a
year; the other levers do nothing."""


def run_synthetic_policy(ctx, scenario: str, values: Mapping[str, float], seed: int) -> dict:
    """A sweep runner (``runner="sim.testmodels:run_synthetic_policy"``) of :data:`CALIBRATED`.

    Maps the cooperation model's levers ``tax_credit`` and ``intern_subsidy`` (declared
    bounds; the run's values, else the base scenario's) onto the synthetic ``lever1`` and
    ``lever2`` and reads the calibrated parameter from the run's values, so an experiment
    with ``[uncertainty]`` runs it through the sweep engine in milliseconds.
    """
    from sim.params import BY_NAME

    base = ctx.bases[scenario]
    mapped = {}
    for lever, name in (("lever1", "tax_credit"), ("lever2", "intern_subsidy")):
        p = BY_NAME[name]
        value = values[name] if name in values else base[p.key]
        mapped[lever] = (float(value) - p.low) / (p.high - p.low)
    model = CALIBRATED
    if model.calibrated in values:
        mapped[model.calibrated] = float(values[model.calibrated])
    out = model.simulate(mapped, seed)
    return {k: np.asarray(v) for k, v in out.items() if k in ("step", "year", *ctx.outputs)}


CALIBRATED = SyntheticPolicyModel(SYNTHETIC_FACTORS, effects={"lever1": 1.5, "lever2": 1.0},
                                  cost_effects={"lever1": 6.0}, base=10.0,
                                  calibrated="trust_step", calibrated_centre=0.25,
                                  effect_slopes={"lever1": 10.0})
"""``lever1``'s effect (1.5 ties per 100 firms at ``trust_step`` = 0.25) grows by 1 per 0.1 of
``trust_step``; ``lever2``'s (1.0) does not depend on it. A base of 10 keeps the outcome off
its floor at 0, so the effects add exactly. Run noise sd 1, replicate shock sd 0.5."""


# ---------------------------------------------------------------------------------------------
# A model with a known posterior, for checking the calibration (ABC-SMC) end to end.
# ---------------------------------------------------------------------------------------------

NORMAL_MEAN_N = 10
"""Observations per synthetic dataset of the normal-mean model."""
NORMAL_MEAN_SD = 1.0
"""Known standard deviation of each observation (dimensionless)."""
NORMAL_MEAN_FACTORS: Mapping[str, TestFactor] = {
    "theta": TestFactor("theta", -5.0, 5.0, "unknown mean of the observations"),
}
"""The single parameter, uniform prior on [-5, 5] (dimensionless)."""
NORMAL_MEAN_STATISTICS: tuple[str, ...] = ("sample_mean", "sample_sd")
"""Statistics of one run: the mean of ``NORMAL_MEAN_N`` draws (sufficient for ``theta``) and
their standard deviation (uninformative about ``theta``: a second statistic for checks of
the distance's scaling)."""


def simulate_normal_mean(values: Mapping[str, float], seed: int) -> dict[str, float]:
    """One run: mean and sd of ``NORMAL_MEAN_N`` draws from N(theta, NORMAL_MEAN_SD^2)."""
    rng = np.random.default_rng(seed)
    theta = float(values.get("theta", 0.0))
    y = rng.normal(theta, NORMAL_MEAN_SD, NORMAL_MEAN_N)
    return {"sample_mean": float(np.mean(y)), "sample_sd": float(np.std(y, ddof=1))}


def normal_mean_posterior_interval(sample_mean: float, level: float = 0.9,
                                   low: float = -5.0, high: float = 5.0) -> tuple[float, float]:
    """Exact central credible interval of ``theta`` given an observed sample mean.

    With a uniform prior on ``[low, high]`` the posterior is N(sample_mean, sd^2 / n)
    truncated to the prior's range.
    """
    from scipy.stats import truncnorm

    scale = NORMAL_MEAN_SD / math.sqrt(NORMAL_MEAN_N)
    a, b = (low - sample_mean) / scale, (high - sample_mean) / scale
    dist = truncnorm(a, b, loc=sample_mean, scale=scale)
    return float(dist.ppf((1 - level) / 2)), float(dist.ppf((1 + level) / 2))
