"""Effects by enterprise size class with replicate intervals, from a scenarios sweep.

The size-class case of :mod:`sim.figures.group_breakdowns` (one module draws every
breakdown dimension): the sweep records, per run, joint R&D ties per 100 firms of each size
class (``rd_ties_per_100_firms_<class>``, :mod:`sim.metrics`) and the participation of each
class; the run summary is the value at the horizon. Levels carry the t interval of the
replicate mean, paired differences from the baseline a t interval made simultaneous over the
scenarios x size classes of a measure (Bonferroni), filled only where it excludes 0.

Small classes are noisy: a world of a few hundred firms holds only a handful of large ones,
so their per-100-firm rate moves in big steps; the intervals show how much.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis import intervals
from sim.figures import group_breakdowns
from sim.figures.labels import Labels
from sim.sectors import SIZE_CLASSES

PREFIX = "rd_ties_per_100_firms_"
"""Reporter name of a size class's joint R&D rate, without the class."""


def size_outputs(columns) -> list[str]:
    """The per-size-class reporters present in ``columns``, smallest class first."""
    return [PREFIX + c for c in SIZE_CLASSES if PREFIX + c in set(columns)]


def size_class_table(runs: pd.DataFrame, baseline: str, scenarios: list[str],
                     conf: float = intervals.CONF_LEVEL) -> pd.DataFrame:
    """Joint R&D per 100 firms: levels and paired differences by scenario and size class.

    :func:`sim.figures.group_breakdowns.breakdown_table` for the size classes' joint R&D
    reporters, with the category column named ``size_class``: ``scenario, size_class,
    output, n, mean, low, high, diff, diff_low, diff_high, excludes_zero, family_conf,
    zero_share`` (family-wise over scenarios x size classes).
    """
    dim = group_breakdowns.DIMENSIONS["size_class"]
    table = group_breakdowns.breakdown_table(runs, "size_class", baseline, scenarios, conf,
                                             measures=[dim.measures[0]])
    table = table.rename(columns={"category": "size_class"})
    return table[["scenario", "size_class", "output", "n", "mean", "low", "high", "diff",
                  "diff_low", "diff_high", "excludes_zero", "family_conf", "zero_share"]]


def size_class_breakdown(runs: pd.DataFrame, baseline: str, scenarios: list[str],
                         labels: Labels, conf: float = intervals.CONF_LEVEL):
    """Joint R&D per 100 firms and participation by size class per scenario, and differences.

    :func:`sim.figures.group_breakdowns.breakdown_figure` for ``size_class``.
    """
    return group_breakdowns.breakdown_figure(runs, "size_class", baseline, scenarios, labels,
                                             conf)
