"""Paired ratios of benchmark timings and a distribution-free interval for their median.

Timings taken minutes apart on a shared machine drift together (another job starts, the host
slows down); a ratio of two contenders measured in the same repeat cancels the drift, and
the median of those ratios with an interval says whether a difference exceeds the noise.
Used by ``bench_peers.py`` (tools against ``ieisim sweep``) and ``bench_compare.py`` (a
revision against another).
"""

from __future__ import annotations

import math


def median_interval(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """A distribution-free interval for the median of ``values``, with its coverage.

    The interval is ``[x_(k), x_(n-k+1)]`` of the sorted values, with the largest ``k >= 1``
    whose coverage ``1 - 2 P(Binomial(n, 1/2) < k)`` is at least ``level``; where even
    ``k = 1`` (the whole range) covers less, the whole range and its coverage are returned
    (93.8% with 5 values; at least 95% from 6 on, 97.9% with 10).
    Returns ``(low, high, coverage)``; the median itself is :func:`statistics.median`.
    """
    x = sorted(values)
    n = len(x)
    if n == 0:
        raise ValueError("no values")

    def coverage(k: int) -> float:
        return 1.0 - 2.0 * sum(math.comb(n, i) for i in range(k)) / 2.0 ** n

    k = 1
    while k + 1 <= (n + 1) // 2 and coverage(k + 1) >= level:
        k += 1
    return x[k - 1], x[n - k], coverage(k)


def paired_ratios(res: dict[str, list[dict]], ref: str, key: str) -> dict[str, list[float]]:
    """Each contender's ``key`` (e.g. wall or CPU seconds) over ``ref``'s in the same repeat."""
    return {c: [r[key] / q[key] for r, q in zip(runs, res[ref], strict=True)]
            for c, runs in res.items()}
