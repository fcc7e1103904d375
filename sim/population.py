"""The simulated population: enterprises by size class and ownership, colleges by capability.

Enterprises
-----------
China's enterprises are overwhelmingly micro firms: at the end of 2018 the fourth national
economic census counted 15.439 M micro, 2.392 M small and 0.239 M medium enterprise legal
units, 18.07 M SMEs in all, 99.8% of the enterprises classified by size; SMEs employ 79.4% of
enterprise employment, so the remaining 0.2% (large firms) employ 20.6% (NBS 2019, see
``docs/sources.md``). Size classes follow the statistical classification of enterprises by
size (NBS 2017, industrial thresholds): micro < 20 employees, small 20-299, medium 300-999,
large >= 1,000.

A region of a few hundred firm agents drawn in proportion would hold less than one large firm,
so agents are sampled *by size class* (stratified). The region holds ``R = round(scale x N)``
real firms (``N`` agents, ``scale`` = ``world.enterprise_scale``), ``R_c`` of them in class
``c`` (census shares, largest-remainder rounding). Class ``c`` gets ``n_c`` agents (census
share^(1 - ``world.firm_sample_tilt``), never more agents than real firms), and each agent
stands for a whole number of *identical real firms*, its ``members`` (``R_c`` spread over the
class's agents, so each agent holds ``floor`` or ``ceil`` of ``R_c / n_c``). A tie is always
between a college and *one* real firm: member ``k`` of agent ``a`` (real firm id
``first_real[a] + k``). The members share their agent's traits and beliefs; each has its own
ties, supervision capacity, vacancies and tax-credit account. So a count of firms is a count
of real firms and a flow of a tie is the flow of one real tie, whatever the oversampling or the
number of agents: at one real firm per agent the sample is proportional, and with a realistic
``enterprise_scale`` the oversampling only changes how many distinct kinds of firm the region
holds (tested: ``calibration/numerics.py``, ``tests/test_population.py``).

Ownership (private, state-owned, foreign including Hong Kong, Macao and Taiwan) is drawn by
size class, matching the census shares overall (1.3% state-controlled, 1.2% foreign), with
state and foreign ownership more frequent among larger firms.

Colleges
--------
Colleges differ in research and technical-service capacity with a heavy tail: a log-normal
factor (Double High colleges shifted up). Their research and social-service funding
(科研社会服务经费: vertical research grants, technical-service income, non-degree training
income) is reported per college and summarised by :func:`service_funding_10m_share` (206 of
about 1,486 higher vocational colleges had more than CNY 10 M in 2021).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TIERS = ("ordinary", "double_high")
"""College tiers: ordinary and the elite "Double High" plan colleges (MOE/MOF 2019)."""

SIZE_CLASSES: tuple[str, ...] = ("micro", "small", "medium", "large")
"""Enterprise size classes, smallest first (NBS 2017 statistical classification by size)."""
SIZE_BOUNDS: tuple[int, ...] = (20, 300, 1000)
"""Lower employee bound of small, medium and large firms (industrial thresholds, NBS 2017)."""
CENSUS_COUNTS_10K = np.array([1543.9, 239.2, 23.9, 3.6])
"""Enterprise legal units by size class at the end of 2018, in units of 10,000 (fourth national
economic census, NBS 2019). Micro, small and medium as published; large = the 0.2% of
classified enterprises that are not SMEs (18.07 M SMEs are 99.8%)."""
CENSUS_SHARES = CENSUS_COUNTS_10K / CENSUS_COUNTS_10K.sum()
"""Share of each size class among the enterprises classified by size (sums to 1)."""
CENSUS_SME_EMPLOYMENT_SHARE = 0.794
"""Share of enterprise employment in SMEs (fourth national economic census): large firms hold
the remaining 20.6%. Used to check the within-class size distribution (tests, docs)."""

OWNERSHIPS: tuple[str, ...] = ("private", "state", "foreign")
"""Ownership types: private (incl. collective and other domestic), state-owned, foreign (incl.
Hong Kong, Macao and Taiwan)."""
OWNERSHIP_SHARES = np.array([
    [0.982, 0.008, 0.010],  # micro
    [0.950, 0.030, 0.020],  # small
    [0.860, 0.080, 0.060],  # medium
    [0.650, 0.250, 0.100],  # large
])
"""Ownership shares by size class (rows: micro..large; columns: :data:`OWNERSHIPS`).

Constrained by the fourth economic census (end of 2018): 242,000 state-controlled enterprises,
1.3% of all enterprises but 15.7% of their employment (NBS 2019, via China Daily 2019-11-28);
103,000 foreign and 119,000 Hong Kong/Macao/Taiwan-funded of 18.6 M corporations, 1.2% (via
BOFIT Weekly 2019/49). The rise of both shares with size is an assumption (no table by size
and ownership was used); weighted by the census size shares the rows give 1.2% state-owned and
1.2% foreign."""


def size_class(employees: np.ndarray) -> np.ndarray:
    """Size-class index (0 micro, 1 small, 2 medium, 3 large) from employees."""
    return np.searchsorted(np.asarray(SIZE_BOUNDS), np.asarray(employees), side="right")


def class_agent_shares(tilt: float, census_shares: np.ndarray = CENSUS_SHARES) -> np.ndarray:
    """Share of firm agents drawn in each size class: ``census_share^(1 - tilt)``, normalised.

    ``tilt = 0`` samples in proportion to the census (a few hundred agents then hold no large
    firm); ``tilt = 1`` gives every class the same number of agents.
    """
    if not 0.0 <= tilt <= 1.0:
        raise ValueError(f"tilt must be in [0, 1], got {tilt}")
    w = np.asarray(census_shares, dtype=float) ** (1.0 - tilt)
    return w / w.sum()


def class_counts(n: int, agent_shares: np.ndarray) -> np.ndarray:
    """Agents per class: largest-remainder rounding of ``n x shares``, at least one per class.

    Deterministic (no draws), so the classes' scale factors do not depend on the seed.
    """
    k = len(agent_shares)
    if n < k:
        raise ValueError(f"need at least {k} enterprise agents (one per size class), got {n}")
    raw = n * np.asarray(agent_shares, dtype=float)
    counts = np.maximum(np.floor(raw).astype(int), 1)
    while counts.sum() > n:  # only when the floor of 1 pushed past n
        counts[np.argmax(counts)] -= 1
    remainder = raw - np.floor(raw)
    for idx in np.argsort(-remainder, kind="stable"):
        if counts.sum() >= n:
            break
        counts[idx] += 1
    return counts


def class_real_firms(n_real: int, census_shares: np.ndarray = CENSUS_SHARES) -> np.ndarray:
    """Real firms of each class: largest-remainder rounding of ``n_real x census share``.

    Deterministic, sums exactly to ``n_real``.
    """
    raw = n_real * np.asarray(census_shares, dtype=float)
    real = np.floor(raw).astype(np.int64)
    for idx in np.argsort(-(raw - real), kind="stable")[: n_real - int(real.sum())]:
        real[idx] += 1
    return real


def cap_agents(counts: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Agents per class with no class given more agents than it has real firms.

    Agents a class cannot use go, one at a time, to the class with the most real firms per
    agent (deterministic), so the total stays ``counts.sum()``. Needs ``real.sum() >=
    counts.sum()``.
    """
    real = np.asarray(real, dtype=np.int64)
    want = int(np.asarray(counts).sum())
    if int(real.sum()) < want:
        raise ValueError(f"{want} enterprise agents need at least as many real firms, "
                         f"got {int(real.sum())}")
    capped = np.minimum(np.asarray(counts, dtype=np.int64), real)
    for _ in range(want - int(capped.sum())):
        per_agent = np.where(capped < real, real / np.maximum(capped, 1) + (capped == 0)
                             * real.sum(), -1.0)
        capped[int(np.argmax(per_agent))] += 1
    return capped


def class_members(counts: np.ndarray, real: np.ndarray) -> list[np.ndarray]:
    """Members (real firms) of each agent of each class: ``real_c`` spread over ``counts_c``.

    The first ``real_c mod counts_c`` agents of a class hold one firm more than the others.
    """
    out = []
    for n_c, r_c in zip(np.asarray(counts).tolist(), np.asarray(real).tolist(), strict=True):
        base, extra = divmod(int(r_c), int(n_c)) if n_c else (0, 0)
        m = np.full(int(n_c), base, dtype=np.int64)
        m[:extra] += 1
        out.append(m)
    return out


def truncated_pareto(rng: np.random.Generator, n: int, x_min: float, x_max: float,
                     alpha: float) -> np.ndarray:
    """Draw ``n`` values from a Pareto(alpha) distribution truncated to [x_min, x_max)."""
    u = rng.random(n)
    ratio = (x_min / x_max) ** alpha
    return x_min * (1.0 - u * (1.0 - ratio)) ** (-1.0 / alpha)


@dataclass(frozen=True)
class FirmDraw:
    """A drawn enterprise population (arrays of one element per agent).

    Attributes:
        size_class: class index (see :data:`SIZE_CLASSES`).
        employees: employees (whole numbers, within the class bounds).
        members: real enterprises the agent stands for (a whole number, at least 1).
        ownership: ownership index (see :data:`OWNERSHIPS`).

    """

    size_class: np.ndarray
    employees: np.ndarray
    members: np.ndarray
    ownership: np.ndarray


def draw_firms(rng: np.random.Generator, n: int, *, tilt: float, scale: float,
               size_min: float, size_max: float, alpha: float) -> FirmDraw:
    """Draw ``n`` enterprise agents by size class, each a whole number of real firms.

    Sizes within a class are Pareto(``alpha``) truncated to the class bounds (micro from
    ``size_min``; large up to ``size_max``). A region restricted to ``[size_min, size_max]``
    keeps only the classes that overlap it, with their census shares renormalised
    (``size_min == size_max`` gives identical firms). Agents are shuffled so the class does
    not follow the agent index.

    Args:
        rng: the world stream.
        n: number of agents.
        tilt: oversampling of rare classes (:func:`class_agent_shares`).
        scale: ``world.enterprise_scale`` (mean real firms per agent).
        size_min: smallest firm (employees).
        size_max: largest firm (employees).
        alpha: Pareto tail exponent within each class.

    """
    lows = np.maximum(np.array([1, *SIZE_BOUNDS], dtype=float), size_min)
    highs = np.minimum(np.array([*SIZE_BOUNDS, np.inf]), size_max + 1.0)
    present = (highs > lows).nonzero()[0]
    shares = CENSUS_SHARES[present] / CENSUS_SHARES[present].sum()
    real = class_real_firms(int(round(scale * n)), shares)
    counts = cap_agents(class_counts(n, class_agent_shares(tilt, shares)), real)
    members = np.concatenate(class_members(counts, real))
    order = rng.permutation(n)  # agents shuffled so the class does not follow the index
    slot = np.repeat(np.arange(present.size), counts)[order]
    members = members[order]
    cls = present[slot]
    lo, hi = lows[cls], highs[cls]
    u_size = rng.random(n)
    ratio = (lo / hi) ** alpha
    employees = np.clip(np.floor(lo * (1.0 - u_size * (1.0 - ratio)) ** (-1.0 / alpha)),
                        lo, hi - 1)
    cum = np.cumsum(OWNERSHIP_SHARES[cls], axis=1)
    cum[:, -1] = 1.0
    ownership = np.sum(rng.random(n)[:, None] >= cum, axis=1)
    return FirmDraw(cls, employees, members, ownership)


def college_capacity(rng: np.random.Generator, tier: np.ndarray, sigma: float,
                     elite_shift: float) -> np.ndarray:
    """Research and technical-service capacity of each college (median 1 among ordinary ones).

    Log-normal: ``exp(sigma x z + elite_shift x [Double High])``; heavy-tailed, so a few
    colleges hold most of the capacity (Quality Annual Report 2022: the leading college earned
    CNY 121 M of technical-service income, about twice the second).
    """
    z = rng.standard_normal(np.asarray(tier).size)
    return np.exp(sigma * z + elite_shift * (np.asarray(tier) == 1))


def research_service_funding(capacity: np.ndarray, grant_per_capacity: float,
                             service_income: np.ndarray) -> np.ndarray:
    """Research and social-service funding of each college (CNY million per year).

    ``capacity x grant_per_capacity`` (vertical grants and non-degree training income, which
    scale with a college's research capacity) plus the technical-service income its ties
    actually paid (``service_income``, CNY million per year).
    """
    return np.asarray(capacity) * grant_per_capacity + np.asarray(service_income)


def service_funding_10m_share(funding_million: np.ndarray, threshold: float = 10.0) -> float:
    """Share of colleges with research and social-service funding above ``threshold`` CNY M.

    The indicator of the national Quality Annual Report (206 of about 1,486 colleges above
    CNY 10 M in 2021). ``threshold`` is the report's line, not a model parameter.
    """
    f = np.asarray(funding_million, dtype=float)
    return float(np.mean(f > threshold)) if f.size else 0.0
