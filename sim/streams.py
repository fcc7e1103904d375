"""Random-number streams: one generator per stochastic process, spawned from the scenario seed.

Each process draws from its own stream (Starsim's approach), so changing one lever does not
reshuffle the draws of unrelated processes, and two policies run with the same seed differ only
through their effects (common random numbers). Streams are keyed by name, not by creation
order, so adding a process later does not shift the others.
"""

from __future__ import annotations

import zlib

import numpy as np

STREAMS = (
    "world",       # initial population: sectors, sizes, cities, majors, skills
    "contacts",    # which enterprises a college approaches
    "entry",       # whether a new tie is accepted by the enterprise
    "climb",       # climb acceptance draws of both sides
    "proposal",    # whether a deepening of a tie is proposed in a step
    "review",      # review events and keep / step-down / end choices
    "placement",   # which students are placed with which tie
    "hiring",      # hiring and matching at graduation
    "retention",   # whether a recruit stays with the training firm
    "rd",          # success of joint R&D projects
    "enrolment",   # majors of the new cohort
    "technology",  # shocks to the technology frontier
    "professors",  # industry-professor searches and acceptances
    "trainee_work",  # realised productivity of each tie's trainees in a year
)


class Streams:
    """Named, independent ``numpy.random.Generator`` objects derived from one seed."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._gens = {name: np.random.default_rng(
            np.random.SeedSequence([self.seed, zlib.crc32(name.encode())]))
            for name in STREAMS}

    def __getitem__(self, name: str) -> np.random.Generator:
        return self._gens[name]

    def __getattr__(self, name: str) -> np.random.Generator:
        try:
            return self._gens[name]
        except KeyError:
            raise AttributeError(f"no random stream named {name!r}") from None


def binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``rng.binomial(n, p)`` drawn only where ``n > 0`` and ``p > 0`` (the same draws).

    numpy returns 0 for ``n == 0`` or ``p == 0`` without drawing, so the other elements get
    exactly the numbers, and the stream exactly the state, of the full call (a test checks
    it); graduation's arrays are mostly such zeros (students not hired, hires not poached).
    Invalid input (``n < 0``, ``p`` outside [0, 1] or NaN) raises numpy's own error.
    """
    n = np.asarray(n, dtype=np.int64)
    p = np.asarray(p, dtype=float)
    if p.shape != n.shape:
        p = np.broadcast_to(p, n.shape)
    # reductions, not elementwise tests (a NaN makes min NaN: refused); a run makes 40 calls
    if n.size and not (n.min() >= 0 and p.min() >= 0 and p.max() <= 1):
        return rng.binomial(n, p)  # raises numpy's ValueError, naming the bad argument
    out = np.zeros(n.shape, dtype=np.int64)
    draw = (n > 0) & (p > 0)
    out[draw] = rng.binomial(n[draw], p[draw])
    return out
