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
from dataclasses import dataclass
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
