"""Runners: one run of a model, as the sweep engine calls it (see :mod:`sim.experiment.worker`).

Each takes ``(ctx, scenario, values, seed)``: the shared :class:`RunContext`, the base
scenario's name, the factor values of the design point (short names) and the run's seed,
and returns ``{"step", "year", <outputs>}`` as arrays.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

RUNNERS = {"cooperation": "sim.experiment.models:run_cooperation",
           "ishigami": "sim.experiment.models:run_ishigami"}
"""Default runner of each model name."""


def cooperation_scenario(ctx, scenario: str, values: Mapping[str, Any]):
    """The :class:`~sim.params.Scenario` of one run: base values plus the point's factors."""
    from sim.params import Scenario

    base = Scenario(dict(ctx.bases[scenario]), name=scenario)
    return base.with_overrides(dict(values)) if values else base


def run_cooperation(ctx, scenario: str, values: Mapping[str, Any], seed: int) -> dict:
    """One cooperation-model run (:func:`sim.run.final_record` when the final step is kept)."""
    from sim.run import final_record, simulate

    scn = cooperation_scenario(ctx, scenario, values)
    columns = ("step", "year", *ctx.outputs)
    if ctx.keep_final:
        last = final_record(scn, seed=seed, years=ctx.years)
        return {c: np.array([last[c]]) for c in columns}
    df = simulate(scn, seed=seed, years=ctx.years, every=max(1, ctx.every))
    return {c: df[c].to_numpy() for c in columns}


def run_ishigami(ctx, scenario: str, values: Mapping[str, Any], seed: int) -> dict:
    """One evaluation of the Ishigami function (a one-row "time series")."""
    from sim.testmodels import simulate_ishigami

    del ctx, scenario
    out = simulate_ishigami(values, seed)
    return {k: np.asarray(v) for k, v in out.items()}
