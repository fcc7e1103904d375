"""Whether each scenario meets a target, judged on the interval of its mean, not the mean.

A scenario's mean over its replicates carries replicate noise, so comparing the mean with a
threshold would call a scenario "met" or "not met" by chance when the threshold lies inside
its interval. Here each output the target names gets the t interval of the scenario's mean
over its replicates (run summaries, ``conf`` level, one interval per scenario and output),
and each condition ``output op threshold`` is

* *met* when the whole interval lies on the target's side of the threshold,
* *not met* when the whole interval lies on the other side,
* *undetermined* when the interval straddles the threshold.

Conditions joined by ``and``: the target is met when every condition is met, not met when
any condition is not met, and undetermined otherwise.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.analysis.discovery import _OPS, Target
from sim.analysis.intervals import mean_interval

MET, NOT_MET, UNDETERMINED = "met", "not_met", "undetermined"
"""The three verdicts."""


def _condition(op: str, threshold: float, low: float, high: float) -> str:
    """Verdict of one condition from the interval ``[low, high]`` of a mean."""
    favourable, unfavourable = (high, low) if op in (">=", ">") else (low, high)
    if bool(_OPS[op](unfavourable, threshold)):
        return MET
    if not bool(_OPS[op](favourable, threshold)):
        return NOT_MET
    return UNDETERMINED


def scenario_verdicts(target: Target, runs: pd.DataFrame, scenarios: list[str],
                      conf: float) -> dict[str, dict[str, Any]]:
    """Per scenario: ``status`` (met, not_met, undetermined) and the intervals used.

    Args:
        target: the target (its main output and any ``and`` conditions).
        runs: one row per run with a ``scenario`` column and the outputs' run summaries.
        scenarios: the scenarios, in report order.
        conf: confidence level (0-1) of each scenario's interval.

    Returns:
        ``{scenario: {"status", "intervals": {output: [mean, low, high, n]}}}``.

    """
    conditions = [(target.output, target.op, target.threshold), *target.conditions]
    out: dict[str, dict[str, Any]] = {}
    for scn in scenarios:
        sub = runs[runs["scenario"] == scn]
        intervals: dict[str, list[float]] = {}
        verdicts = []
        for output, op, thr in conditions:
            mean, low, high, n = mean_interval(sub[output].to_numpy(dtype=float), conf)
            intervals[output] = [mean, low, high, n]
            verdicts.append(_condition(op, thr, low, high) if n else UNDETERMINED)
        status = (NOT_MET if NOT_MET in verdicts else
                  MET if all(v == MET for v in verdicts) else UNDETERMINED)
        out[scn] = {"status": status, "intervals": intervals}
    return out


def names_by_status(verdicts: dict[str, dict[str, Any]], status: str) -> list[str]:
    """The scenarios with the given verdict, in their order."""
    return [s for s, v in verdicts.items() if v["status"] == status]

