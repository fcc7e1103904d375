"""A pyabc sampler that runs particles through ieisim's executors, reproducibly.

pyabc hands a sampler a function ``simulate_one`` that draws a parameter set (from the prior
or the perturbed previous generation), runs the model on it, computes the distance and
decides acceptance. :class:`ExecutorSampler` sends batches of such calls to an executor of
:mod:`sim.experiment.executors` (serial, a process pool, or Dask), so worker handling,
preloading and speed work on sweeps reach calibration too.

Reproducibility: the k-th call of generation ``t`` seeds NumPy's and Python's global
generators (which pyabc draws parameters from) with a seed derived from ``(seed, t, k)``
only; the model run of that particle takes its own seed from the same stream. The sample of
a generation is the first ``n`` accepted calls *in call order* and every call before the
n-th accepted one, whatever order workers finish in. A generation's particles therefore
depend only on the master seed and the previous generations, not on the number of workers,
the executor or the timing: every executor here is bit-for-bit reproducible from a seed.
Calls beyond the n-th accepted one that were already in flight are computed and discarded.
"""

from __future__ import annotations

import hashlib
import random
from contextvars import ContextVar
from typing import Any

import numpy as np
import pyabc

BATCH_SIZE = 4
"""Particles per executor task: amortises sending ``simulate_one`` to a worker (tens of KB)
against idle workers at the end of a generation."""
CALIBRATION_T = -1
"""pyabc's generation index of the calibration sample drawn from the prior."""

_CACHE: dict[str, Any] = {}


def particle_seed(seed: int, t: int, k: int) -> int:
    """The 32-bit seed of call ``k`` of generation ``t`` under master ``seed``."""
    state = np.random.SeedSequence([int(seed), int(t) + 2, int(k)]).generate_state(1)
    return int(state[0])


PARTICLE_STREAM: ContextVar[np.random.Generator | None] = ContextVar("particle_stream",
                                                                    default=None)
"""The named generator of the particle call being simulated, seeded from ``(seed, t, k)``
like the global one pyabc draws from; ieisim's own proposal draws
(:class:`sim.calibration.transition.DefensiveTransition`) take theirs from it."""

PROPOSAL_STREAM_KEY = 1
"""Spawn key that separates the proposal stream from the particle's global seed."""


def particle_stream() -> np.random.Generator:
    """The generator of the particle call being simulated (see :data:`PARTICLE_STREAM`)."""
    rng = PARTICLE_STREAM.get()
    if rng is None:
        raise RuntimeError("no particle is being simulated: set PARTICLE_STREAM first")
    return rng


def simulate_batch(batch: tuple[bytes, str, int, int, tuple[int, ...]]) -> list[tuple]:
    """Worker side: run calls ``ids`` of ``simulate_one`` with their own seeds.

    Returns:
        ``(k, particle)`` per call.

    """
    import cloudpickle

    payload, digest, seed, t, ids = batch
    fn = _CACHE.get(digest)
    if fn is None:
        _CACHE.clear()  # one generation's function at a time
        fn = _CACHE[digest] = cloudpickle.loads(payload)
    out = []
    for k in ids:
        s = particle_seed(seed, t, k)
        np.random.seed(s)  # noqa: NPY002 - pyabc draws parameters from the global generator
        random.seed(s)
        PARTICLE_STREAM.set(np.random.default_rng([s, PROPOSAL_STREAM_KEY]))
        out.append((k, fn()))
    return out


class ExecutorSampler(pyabc.sampler.Sampler):
    """pyabc sampler over an ieisim executor (see the module docstring).

    Args:
        executor: an executor from :func:`sim.experiment.executors.make_executor`.
        seed: master seed.
        batch_size: calls per executor task.

    Attributes:
        max_runs: runs this sampler may still start (the budget); ``None`` for no limit.
        runs_started: runs computed so far, discarded ones included (for runs per second).
        last_sample: the last generation's sample (its accepted particles, as stored).

    """

    def __init__(self, executor, seed: int, batch_size: int = BATCH_SIZE):
        super().__init__()
        self.executor = executor
        self.seed = int(seed)
        self.batch_size = max(1, int(batch_size))
        self.max_runs: int | None = None
        self.runs_started = 0
        self.last_sample = None

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):
        """The first ``n`` accepted calls in call order, with every call before them."""
        import cloudpickle

        payload = cloudpickle.dumps(simulate_one)
        digest = hashlib.sha1(payload).hexdigest()
        limit = max_eval if self.max_runs is None else min(max_eval, self.max_runs)
        results: dict[int, Any] = {}
        accepted: list[int] = []
        state = {"next": 0}

        def enough() -> bool:
            return len(accepted) >= n

        def batches():
            while not enough() and state["next"] < limit:
                start = state["next"]
                stop = int(min(start + self.batch_size, limit))
                state["next"] = stop
                yield (payload, digest, self.seed, int(t), tuple(range(start, stop)))

        for _batch, res in self.executor.imap_unordered(simulate_batch, batches()):
            if isinstance(res, BaseException):
                raise res
            for k, particle in res:
                results[k] = particle
                if particle.accepted:
                    accepted.append(k)
        self.runs_started += len(results)
        sample = self._create_empty_sample()
        order = sorted(results)
        accepted.sort()
        last = accepted[n - 1] if len(accepted) >= n else (order[-1] if order else -1)
        for k in order:
            if k > last:
                break
            sample.append(results[k])
        self.nr_evaluations_ = last + 1
        if sample.n_accepted < n:
            sample.ok = False
        self.last_sample = sample
        return sample
