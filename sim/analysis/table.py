"""The long table of indices written to ``sensitivity.csv``: one row per index value.

Columns (exactly): ``output, method, lever, lever2, index, value, conf_low, conf_high``.
``lever`` is a factor name, a factor group (grouped Sobol'/Morris) or a scenario name
(scenario comparisons); ``lever2`` is empty except for second-order (``S2``) rows and
one-factor-at-a-time rows (method ``ofat``), where it names the centre the lever moved around.
``conf_low``/``conf_high`` bound the confidence interval at the analysis' confidence level
(empty when the method gives none).
"""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

COLUMNS: tuple[str, ...] = ("output", "method", "lever", "lever2", "index", "value",
                            "conf_low", "conf_high")


def row(output: str, method: str, lever: str, index: str, value: float,
        conf_low: float | None = None, conf_high: float | None = None,
        lever2: str = "") -> dict:
    """One row of the sensitivity table (missing bounds become NaN)."""
    nan = math.nan
    return {"output": output, "method": method, "lever": lever, "lever2": lever2,
            "index": index, "value": float(value),
            "conf_low": nan if conf_low is None else float(conf_low),
            "conf_high": nan if conf_high is None else float(conf_high)}


def frame(rows: Iterable[dict]) -> pd.DataFrame:
    """A sensitivity table with exactly :data:`COLUMNS` (empty table if no rows)."""
    df = pd.DataFrame(list(rows), columns=list(COLUMNS))
    return df.astype({"value": float, "conf_low": float, "conf_high": float})
