"""The industrial sectors of the region and the majors aimed at them.

Each sector has a share of the region's enterprises, a yearly growth of graduate demand, a
speed of technical change (multiplier of ``economy.tech_drift``), a mean absorptive capacity
(R&D staff share, relative), and the weight that colleges' legacy enrolment gives it. The
directions come from the paper (2.1-2.2, 4.1): traditional manufacturing upgrades slowly and
sheds jobs, the digital economy and green energy ("dual carbon") grow fast and change fast.
The magnitudes are unsourced and documented as such in docs/ODD.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sector:
    """One industrial sector (and the major group aimed at it)."""

    name: str
    label: str
    label_zh: str
    firm_share: float  # share of the region's enterprises
    demand_growth: float  # yearly growth of graduate-level vacancies
    drift_multiplier: float  # times economy.tech_drift
    absorptive_mean: float  # mean absorptive capacity (0-1) of its firms
    legacy_enrolment: float  # weight in colleges' inherited enrolment mix


SECTORS: tuple[Sector, ...] = (
    Sector("traditional_manufacturing", "Traditional manufacturing", "传统制造业",
           0.30, -0.02, 0.6, 0.25, 0.34),
    Sector("advanced_manufacturing", "Advanced manufacturing", "先进制造业",
           0.20, 0.04, 1.3, 0.55, 0.14),
    Sector("digital_economy", "Digital economy", "数字经济",
           0.15, 0.07, 1.6, 0.60, 0.12),
    Sector("green_energy", "Green energy", "绿色能源",
           0.10, 0.06, 1.4, 0.50, 0.06),
    Sector("logistics_services", "Logistics and services", "物流与现代服务",
           0.25, 0.01, 0.7, 0.20, 0.34),
)
"""Sectors in a fixed order; arrays indexed by sector follow it."""

N_SECTORS = len(SECTORS)
SECTOR_NAMES = tuple(s.name for s in SECTORS)
FIRM_SHARES = np.array([s.firm_share for s in SECTORS])
DEMAND_GROWTH = np.array([s.demand_growth for s in SECTORS])
DRIFT_MULTIPLIER = np.array([s.drift_multiplier for s in SECTORS])
ABSORPTIVE_MEAN = np.array([s.absorptive_mean for s in SECTORS])
LEGACY_ENROLMENT = np.array([s.legacy_enrolment for s in SECTORS])


def contrasted(values: np.ndarray, contrast: float) -> np.ndarray:
    """Sector values with their spread around the firm-weighted mean scaled by ``contrast``.

    ``mean + contrast x (value - mean)``: 1 keeps the table, 0 makes every sector the mean,
    2 doubles the differences. The directions come from the paper; the magnitudes are
    assumptions, so the economy declares a contrast for each (sweepable).
    """
    v = np.asarray(values, dtype=float)
    if contrast == 1.0:
        return v  # exactly the table (no rounding from the round trip through the mean)
    mean = float(np.average(v, weights=FIRM_SHARES))
    return mean + contrast * (v - mean)

# Enterprise size classes live with the population they describe (sim.population).
from sim.population import SIZE_BOUNDS, SIZE_CLASSES, size_class  # noqa: E402,F401
