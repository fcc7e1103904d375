"""Seeds of a sweep, all derived from the experiment's master seed with numpy's SeedSequence.

A run is identified by (design point, replicate). Its seed depends on the replicate alone:
replicate ``r`` is the ``r``-th child of ``SeedSequence(master)`` (``spawn_key == (r,)``), so
every design point sees the same random numbers in replicate ``r`` (common random numbers),
and the seeds do not depend on the executor, the number of workers or the completion order.
The design sampler (LHS, Sobol', Morris) draws from its own child stream, separate from all
replicates', and so does the resampling of a calibrated posterior (``[uncertainty]``).
"""

from __future__ import annotations

import numpy as np

SEED_BITS = 63
"""Run seeds are non-negative 63-bit integers (the range of ``run.seed``)."""
DESIGN_STREAM = (2**32 - 1, 0)
"""Spawn key of the design sampler's stream: two entries, so it never equals a replicate's."""
POSTERIOR_STREAM = (2**32 - 1, 1)
"""Spawn key of the stream that draws posterior particles (``[uncertainty]``): separate from
the design's and every replicate's, so changing the design or a lever leaves the draws alone."""


def replicate_seed(master: int, replicate: int) -> int:
    """The seed of every run of ``replicate`` (0-based) under master seed ``master``."""
    ss = np.random.SeedSequence(master, spawn_key=(replicate,))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(64 - SEED_BITS))


def replicate_seeds(master: int, replicates: int) -> list[int]:
    """Seeds of replicates ``0 .. replicates - 1``."""
    return [replicate_seed(master, r) for r in range(replicates)]


def design_rng(master: int) -> np.random.Generator:
    """The generator the design sampler draws from (independent of all replicate seeds)."""
    return np.random.default_rng(np.random.SeedSequence(master, spawn_key=DESIGN_STREAM))


def posterior_rng(master: int) -> np.random.Generator:
    """The generator that picks posterior draws (independent of the design and the seeds)."""
    return np.random.default_rng(np.random.SeedSequence(master, spawn_key=POSTERIOR_STREAM))
