"""The college-enterprise cooperation network.

Ties are the working state of the model (one row per college and *real* firm that ever
cooperated, in arrays so that payoffs are computed for all ties at once). An enterprise agent
stands for ``members`` identical real firms (:mod:`sim.population`); each row is a tie with one
of them (``real``, its real-firm id), so a college may hold several ties with one agent, each
with its own portfolio and trust. The networkx graph
``model.network`` is the public view of the active ties: whenever it is read it holds exactly the
active ties with their ``rung``, ``trust`` and ``age`` (see :meth:`TieTable.sync_graph`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.ladder import INTERNSHIP, N_ACTIVITIES, bit, deepest

RUNG_OF_PORTFOLIO = deepest(np.arange(1 << N_ACTIVITIES))
"""Rung of every portfolio (indexed by its bit mask): :func:`sim.ladder.deepest`, tabulated."""


def college_node(i: int) -> tuple[str, int]:
    """Graph node of college ``i``."""
    return ("c", int(i))


def enterprise_node(j: int) -> tuple[str, int]:
    """Graph node of enterprise ``j``."""
    return ("e", int(j))


def find_sorted(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each ``query`` value sits in the sorted, non-empty ``keys``, and whether it is there.

    Returns ``(at, found)``: ``keys[at] == query`` exactly where ``found``; ``at`` is a valid
    index everywhere. The one lookup of integer keys (real firms, pairs) the model uses.
    """
    at = np.minimum(keys.searchsorted(query), keys.size - 1)
    return at, keys[at] == query


def sorted_unique(values: np.ndarray, return_counts: bool = False):
    """The distinct values of an integer array, sorted (and how often each occurs).

    ``np.unique(values[, return_counts=True])``, the same values and dtype, by one sort:
    numpy 2's ``unique`` without indices hashes the values, then sorts them, which on the
    model's arrays of real-firm ids (hundreds to thousands, spread over millions) takes 10-15
    times as long. Non-negative values below 2**31 are sorted as 32-bit integers (numpy's
    vectorised sort takes half the time or less).
    """
    values = np.asarray(values).ravel()
    narrow = (values.dtype.kind in "iu" and values.size > 0 and values.min() >= 0
              and values.max() < 2**31)
    s = np.sort(values.astype(np.int32) if narrow else values)
    keep = np.empty(s.size, dtype=bool)
    keep[:1] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    distinct = s[keep].astype(values.dtype, copy=False)
    if not return_counts:
        return distinct
    starts = keep.nonzero()[0]
    return distinct, np.diff(np.append(starts, s.size))


class TieTable:
    """Arrays of ties: college, enterprise agent, real firm, activities, rung, trust, age, active.

    ``firm`` is the enterprise agent (row of ``model.firms``) and ``real`` the real firm of the
    agent the tie is with (:attr:`sim.agents.EnterprisePopulation.first_real`).

    ``activities`` is each tie's portfolio (a bit mask over :data:`sim.ladder.ACTIVITIES`);
    ``rung`` is its deepest activity, kept in step by :meth:`set_activities`.

    Over the current academic year, ``net`` holds the firm's realised value of the tie and
    ``expected`` the value it expected of the exchanges that took place (CNY thousand);
    ``exchanged`` says whether any took place (students hosted, experts exchanged).
    ``places`` holds the student places each tie offered in this year's placement season (the
    firm's chosen intern places plus the apprentice places students accept, real students;
    :func:`sim.ladder.intake_by_type`) and ``productivity`` the realised productivity of the
    trainees it hosts in that year (mean 1; 1 at ties that offered no place).

    A pair keeps its row when the tie ends (``active`` becomes False) and reuses it when the
    pair cooperates again (trust then restarts).
    """

    def __init__(self, capacity: int = 256):
        capacity = max(int(capacity), 16)
        self.college = np.zeros(capacity, dtype=np.int64)
        self.firm = np.zeros(capacity, dtype=np.int64)
        self.real = np.zeros(capacity, dtype=np.int64)
        self.rung = np.zeros(capacity, dtype=np.int64)
        self.activities = np.zeros(capacity, dtype=np.int64)
        self.trust = np.zeros(capacity)
        self.age = np.zeros(capacity)
        self.active = np.zeros(capacity, dtype=bool)
        self.net = np.zeros(capacity)  # firm's realised value of the tie this academic year
        self.expected = np.zeros(capacity)  # value the firm expected of the same exchange
        self.exchanged = np.zeros(capacity, dtype=bool)  # hosted students this academic year
        self.places = np.zeros(capacity)  # places offered in this year's placement season
        self.productivity = np.ones(capacity)  # trainees' realised productivity this year
        self.n = 0
        # Pairs that ever cooperated: sorted keys (college << 32 | real firm), their rows.
        self._pair_keys = np.zeros(0, dtype=np.int64)
        self._pair_rows = np.zeros(0, dtype=np.int64)
        self.version = 0  # changes whenever a tie starts, ends, changes activities or places

    def _grow(self) -> None:
        for name in ("college", "firm", "real", "rung", "activities", "trust", "age", "active",
                     "net", "expected", "exchanged", "places", "productivity"):
            arr = getattr(self, name)
            new = (np.ones if name == "productivity" else np.zeros)(arr.size * 2, dtype=arr.dtype)
            new[: arr.size] = arr
            setattr(self, name, new)
        self.version += 1

    @staticmethod
    def pair_key(college: np.ndarray | int, real: np.ndarray | int) -> np.ndarray:
        """One integer per (college, real firm) pair (real-firm ids are below 2**32)."""
        return (np.asarray(college, dtype=np.int64) << 32) | np.asarray(real, dtype=np.int64)

    def rows_of(self, college: np.ndarray, real: np.ndarray) -> np.ndarray:
        """Row of each (college, real firm) pair, -1 where the pair never cooperated."""
        keys = self.pair_key(college, real)
        if self._pair_keys.size == 0:
            return np.full(keys.shape, -1, dtype=np.int64)
        at, found = find_sorted(self._pair_keys, keys)
        return np.where(found, self._pair_rows[at], -1)

    def index_of(self, college: int, real: int) -> int | None:
        """Row of the college and real firm, or None if they never cooperated."""
        k = int(self.rows_of(np.array([college]), np.array([real]))[0])
        return None if k < 0 else k

    def is_active(self, college: int, real: int) -> bool:
        """Whether the college and the real firm have an active tie."""
        k = self.index_of(college, real)
        return k is not None and bool(self.active[k])

    def start(self, college: int, firm: int, real: int, trust: float,
              portfolio: int = bit(INTERNSHIP)) -> int:
        """Start a tie of ``college`` with real firm ``real`` of agent ``firm``; return its row.

        The tie holds ``portfolio`` (internship places by default).
        """
        return int(self.start_many(np.array([college]), np.array([firm]), np.array([real]),
                                   trust, np.array([portfolio]))[0])

    def start_many(self, college: np.ndarray, firm: np.ndarray, real: np.ndarray,
                   trust: float, portfolio: np.ndarray) -> np.ndarray:
        """Start ties of ``college[i]`` with real firm ``real[i]`` of agent ``firm[i]``.

        Each holds ``portfolio[i]`` at ``trust``. A pair that cooperated before reuses its row;
        new pairs get new rows in the order given (each pair at most once per call). Returns
        the rows.
        """
        college = np.asarray(college, dtype=np.int64)
        real = np.asarray(real, dtype=np.int64)
        rows = self.rows_of(college, real)
        fresh = (rows < 0).nonzero()[0]
        if fresh.size:
            new = self.n + np.arange(fresh.size)
            rows[fresh] = new
            while self.n + fresh.size > self.college.size:
                self._grow()
            self.college[new] = college[fresh]
            self.firm[new] = np.asarray(firm, dtype=np.int64)[fresh]
            self.real[new] = real[fresh]
            self.n += fresh.size
            keys = self.pair_key(college[fresh], real[fresh])
            order = keys.argsort()
            # Merged in, kept sorted: where each new key lands among the old and new ones.
            at = self._pair_keys.searchsorted(keys[order]) + np.arange(fresh.size)
            old = np.ones(self._pair_keys.size + fresh.size, dtype=bool)
            old[at] = False
            merged_keys = np.empty(old.size, dtype=np.int64)
            merged_rows = np.empty(old.size, dtype=np.int64)
            merged_keys[at], merged_rows[at] = keys[order], new[order]
            merged_keys[old], merged_rows[old] = self._pair_keys, self._pair_rows
            self._pair_keys, self._pair_rows = merged_keys, merged_rows
        portfolio = np.asarray(portfolio, dtype=np.int64)
        self.activities[rows] = portfolio
        self.rung[rows] = RUNG_OF_PORTFOLIO[portfolio]
        self.trust[rows] = trust
        self.age[rows] = 0.0
        self.net[rows] = 0.0
        self.expected[rows] = 0.0
        self.exchanged[rows] = False
        self.places[rows] = 0.0
        self.productivity[rows] = 1.0
        self.active[rows] = True
        self.version += 1
        return rows

    def set_activities(self, rows: np.ndarray, portfolio: np.ndarray) -> None:
        """Give ``rows`` new portfolios; their rung follows, and an empty portfolio ends a tie."""
        rows = np.asarray(rows, dtype=np.int64)
        portfolio = np.asarray(portfolio, dtype=np.int64)
        self.activities[rows] = portfolio
        self.rung[rows] = RUNG_OF_PORTFOLIO[portfolio]
        self.active[rows[portfolio == 0]] = False
        self.version += 1

    def set_places(self, rows: np.ndarray, places: np.ndarray,
                   productivity: np.ndarray | None = None) -> None:
        """Set the season's places: ``places`` at ``rows``, none at every other tie.

        ``productivity``: the trainees' realised productivity at ``rows`` this year (1, the
        mean, at every other tie and where not given).
        """
        self.places[:] = 0.0
        self.places[rows] = places
        self.productivity[:] = 1.0
        if productivity is not None:
            self.productivity[rows] = productivity
        self.version += 1

    def partners_by_college(self, n_colleges: int) -> list[np.ndarray]:
        """Real firms with an active tie, for each college."""
        rows = self.active_rows()
        order = self.college[rows].argsort(kind="stable")
        bounds = self.college[rows][order].searchsorted(np.arange(n_colleges + 1))
        firms = self.real[rows][order]
        return [firms[bounds[i]:bounds[i + 1]] for i in range(n_colleges)]

    def partner_firms(self) -> np.ndarray:
        """Real firms with at least one active tie (sorted, each once)."""
        return sorted_unique(self.real[self.active_rows()])

    def active_rows(self) -> np.ndarray:
        """Rows of the active ties."""
        return self.active[: self.n].nonzero()[0]

    def sync_graph(self, graph: nx.Graph) -> None:
        """Make ``graph``'s edges exactly the active ties, with their attributes.

        One edge per college and enterprise agent: ``ties`` is the number of real ties it
        stands for (with different real firms of the agent), ``rung`` the deepest of them,
        ``trust`` their mean and ``age`` the oldest.
        """
        rows = self.active_rows()
        wanted: dict[tuple, list[int]] = {}
        for k in rows.tolist():
            wanted.setdefault((college_node(self.college[k]), enterprise_node(self.firm[k])),
                              []).append(k)
        stale = [(u, v) for u, v in graph.edges() if (u, v) not in wanted
                 and (v, u) not in wanted]
        graph.remove_edges_from(stale)
        for (u, v), ks in wanted.items():
            graph.add_edge(u, v, rung=int(self.rung[ks].max()),
                           trust=float(self.trust[ks].mean()), age=float(self.age[ks].max()),
                           ties=len(ks))
