"""Decision rules and behavioural responses, as pure functions of numbers and arrays.

Boundedly rational agents: choices are logit (McFadden 1974) over expected payoffs;
expectations adapt to realised outcomes and to peers (adaptive expectations with learning
rate ``alpha``). Every function here is written out in docs/ODD.md ("Submodels").
"""

from __future__ import annotations

import numpy as np


def event_probability(rate: np.ndarray | float, dt: float) -> np.ndarray:
    """Probability that an event with an annual ``rate`` happens within ``dt`` years.

    ``1 - exp(-rate * dt)`` (a Poisson process): the same annual rate gives the same expected
    number of events per year at any step length. The same share is the part of a gap closed
    in ``dt`` years by a process relaxing at ``rate`` per year (``dx/dt = rate * (target - x)``).
    """
    return -np.expm1(-np.asarray(rate, dtype=float) * dt)


def relax(x: np.ndarray, target: np.ndarray, rate: float | np.ndarray,
          decay: float | np.ndarray, dt: float) -> np.ndarray:
    """State after ``dt`` years of ``dx/dt = rate * (target - x) - decay * x`` (exact).

    Learning toward a target at ``rate`` per year while the frontier ages the skill at
    ``decay`` per year: ``x* + (x - x*) exp(-(rate + decay) dt)`` with
    ``x* = rate * target / (rate + decay)``. Exact for a target constant over the step, so
    the result does not depend on how a year is cut into steps.
    """
    rate = np.asarray(rate, dtype=float)
    total = rate + np.asarray(decay, dtype=float)
    scaled = rate * target
    positive = total > 0
    if positive.all():  # the usual case: the same values without the masked division
        steady = scaled / total
    else:
        steady = np.divide(scaled, total, where=positive,
                           out=np.zeros(np.broadcast_shapes(scaled.shape, total.shape)))
        steady = np.where(positive, steady, x)
    return steady + (x - steady) * np.exp(-total * dt)


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function, numerically safe for large arguments."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def accept_probability(gain: np.ndarray | float, intensity: float) -> np.ndarray:
    """Binary logit: probability of accepting a change worth ``gain`` over the status quo."""
    return sigmoid(intensity * np.asarray(gain, dtype=float))


def logit_choice_probabilities(utilities: np.ndarray, intensity: float,
                               available: np.ndarray | None = None) -> np.ndarray:
    """Multinomial logit over the last axis; unavailable options get probability 0.

    Args:
        utilities: array (..., k) of expected payoffs.
        intensity: logit sensitivity (per unit of payoff); 0 gives uniform choice.
        available: boolean mask of the same shape (default: all available).

    """
    u = intensity * np.asarray(utilities, dtype=float)
    if available is not None:
        u = np.where(available, u, -np.inf)
    u = u - u.max(axis=-1, keepdims=True)
    w = np.exp(u)
    return w / w.sum(axis=-1, keepdims=True)


def draw_choices(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Index of the chosen option per row, from probabilities (n, k) and uniforms (n,)."""
    cum = np.cumsum(probabilities, axis=-1)
    cum[..., -1] = 1.0
    return np.sum(uniforms[:, None] >= cum, axis=-1)


def stationary_ties(contacts: float, accept: float, end_probability: float) -> float:
    """Stationary expected number of ties of one college with homogeneous firms.

    Each step the college makes ``contacts`` contacts on average (its yearly contact rate
    times the step length), each accepted with probability ``accept``; then every tie ends
    with probability ``end_probability`` (``1 - exp(-review rate x P(end) x dt)``). With
    ties recorded after the reviews, ``T = (T + contacts * accept) * (1 - q)``, so
    ``T = contacts * accept * (1 - q) / q``.
    Valid while the college never runs out of firms to contact.
    """
    q = end_probability
    return contacts * accept * (1.0 - q) / q


def practice_reward(practice_weight: float, contribution_evaluation: float,
                    passthrough: float) -> float:
    """Effective weight teachers' evaluation puts on practice and technical service (0-1).

    Title evaluation weight (paper 4.3) plus the part of colleges' contribution evaluation
    (4.5) that colleges pass on to their teachers.
    """
    return float(np.clip(practice_weight + passthrough * contribution_evaluation
                         * (1.0 - practice_weight), 0.0, 1.0))


def teacher_effort(practice_skill: np.ndarray, research_skill: np.ndarray, reward: float,
                   requirement: float, sensitivity: float, max_share: float,
                   gaming: float) -> tuple[np.ndarray, np.ndarray]:
    """Teachers' time in enterprise practice: (genuine share, logged share) of working time.

    Voluntary practice follows the evaluation reward of each activity, weighted by the
    teacher's skill in it: ``max_share * sigmoid(s * (R * practice - (1 - R) * research))``.
    A requirement above the voluntary share must be logged; of the extra time, a share
    ``gaming * (1 - R)`` is nominal only (cheap certification when practice is not rewarded).
    """
    voluntary = max_share * sigmoid(sensitivity * (reward * practice_skill
                                                   - (1.0 - reward) * research_skill))
    shortfall = np.maximum(requirement - voluntary, 0.0)
    genuine = voluntary + shortfall * (1.0 - gaming * (1.0 - reward))
    logged = voluntary + shortfall
    return genuine, logged


def poaching_hazard(free_rider_share: np.ndarray, base: float, free_rider: float,
                    agreement: np.ndarray | float = 0.0) -> np.ndarray:
    """Yearly probability that a recruit leaves the firm that trained them.

    ``(base + free_rider * share of non-training firms in the same sector and city)`` times
    ``(1 - agreement)`` where a service agreement covers the recruit (paper 3.1: the more
    firms free-ride, the likelier a trained graduate is hired away).
    """
    h = base + free_rider * np.asarray(free_rider_share, dtype=float)
    return np.clip(h * (1.0 - np.asarray(agreement, dtype=float)), 0.0, 1.0)


def adapt(belief: np.ndarray, observed: np.ndarray, rate: float,
          mask: np.ndarray | None = None) -> np.ndarray:
    """Adaptive expectations: move ``belief`` toward ``observed`` by ``rate`` where ``mask``."""
    updated = belief + rate * (np.asarray(observed, dtype=float) - belief)
    return updated if mask is None else np.where(mask, updated, belief)


def peer_average(values: np.ndarray, groups: np.ndarray, n_groups: int,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """Mean of ``values`` within each group, broadcast back to members (own value if alone)."""
    w = np.ones_like(values, dtype=float) if weights is None else weights.astype(float)
    sums = np.bincount(groups, weights=values * w, minlength=n_groups)
    counts = np.bincount(groups, weights=w, minlength=n_groups)
    mean = np.divide(sums, counts, out=np.zeros(n_groups), where=counts > 0)
    return np.where(counts[groups] > 0, mean[groups], values)


def saturating(x: np.ndarray | float, half: float) -> np.ndarray:
    """``x / (x + half)``: effect with diminishing returns (0 at 0, 0.5 at ``half``)."""
    x = np.asarray(x, dtype=float)
    return np.divide(x, x + half, out=np.zeros_like(x), where=(x + half) > 0)
