"""One ABC particle: a parameter set, its model run(s) with their own seeds, its statistics.

:class:`RunModel` is the pyabc model: called with pyabc's sampled values, it converts them to
the parameters' own units (:mod:`sim.calibration.priors`), draws the particle's seed from the
sampler's per-call stream (:mod:`sim.calibration.sampler`), runs the cooperation model (or
the test model) and returns every target's statistic (fitted and held out) plus the seed
(``_seed``). Replicate noise is therefore part of the likelihood-free fit.

With ``replicates = K`` (the targets file), a particle is K runs of the same parameter set
with seeds :func:`replicate_seeds` of the particle's seed, their statistics pooled as one
survey of K regions (:func:`sim.calibration.statistics.pool_statistics`): the published
patterns are national surveys of many more colleges and firms than one region holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from sim.calibration.priors import Prior, to_natural

SEED_KEY = "_seed"
"""The run's seed, stored beside the statistics in the pyabc database."""
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class RunModel:
    """The model pyabc calls: parameter values -> statistics of one run.

    Attributes:
        model: ``ieisim`` or ``normal_mean`` (the test model).
        scenario: the base scenario (``ieisim``), with ``run.years`` set to the targets' year.
        priors: the fitted parameters.
        wanted: statistic name -> year it is read at.
        final_year: the run's last year.
        replicates: model runs pooled per particle (each counts against the budget).

    """

    model: str
    scenario: Any
    priors: tuple[Prior, ...]
    wanted: tuple[tuple[str, int], ...]
    final_year: int
    replicates: int = 1

    def __call__(self, abc_values: Mapping[str, float]) -> dict[str, float]:
        """Statistics of one run at these parameter values (pyabc's model interface)."""
        seed = int(np.random.randint(0, MAX_SEED))  # noqa: NPY002 - seeded per call by the sampler
        return self.simulate(to_natural(self.priors, abc_values), seed)

    def simulate(self, values: Mapping[str, float], seed: int) -> dict[str, float]:
        """Statistics of one run at ``values`` (short names, own units) with ``seed``."""
        if self.model == "normal_mean":
            from sim.testmodels import simulate_normal_mean

            runs = [simulate_normal_mean(values, s)
                    for s in replicate_seeds(seed, self.replicates)]
            out = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        else:
            from sim.calibration.statistics import pool_statistics, record_steps, run_record
            from sim.model import CooperationModel

            scn = self.scenario.with_overrides(dict(values))
            wanted = dict(self.wanted)
            steps = record_steps(wanted, scn.run.steps_per_year)
            records = []
            for s in replicate_seeds(seed, self.replicates):
                m = CooperationModel(scn, seed=s, record_steps=steps.__contains__)
                m.run()
                records.append(run_record(m, wanted, self.final_year))
            out = pool_statistics(records, wanted, self.final_year)
        out[SEED_KEY] = float(seed)
        return out


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seeds of a particle's runs: its own seed, then ``replicates - 1`` drawn from it."""
    rest = np.random.default_rng(int(seed)).integers(0, MAX_SEED, max(0, replicates - 1))
    return [int(seed), *(int(x) for x in rest)]
