"""Partner search: which enterprises a college contacts, without a pass over every firm.

A college contacts a firm with probability proportional to

    ``w(i, j) = visibility_j x [college i offers sector_j] x (1 if same city, else
    1 - distance_penalty)``

(``visibility = real firms the agent stands for x employees ^ contact_size_elasticity``),
excluding its current partners: a contact is with one real firm, a member of the agent drawn
uniformly (:mod:`sim.population`), so a college may partner with several firms of one agent
and one real firm with several colleges. Contacts are events of a Poisson process (``k`` of
them in a step): each is drawn independently from these weights, so a firm may be contacted
twice in a step as it may be in two steps, and the contacts of a year do not depend on how the
year is cut into steps. (The cell-based search as first merged made the ``k`` contacts of a step
distinct, successive sampling: a highly visible firm could be contacted once a step, at most
twice a year at 2 steps a year but twelve times at 12, which moved contacts toward large firms
at short steps.) The
weights are those of :mod:`sim.ties` before version 2.1, which built ``w`` for every firm and
college at every step (``O(colleges x firms)``, two minutes of a national run).

Here firms are grouped once into cells (city x sector). Each draw picks a cell in proportion
to its total visibility times the college's factor for the cell (``O(cells)`` per college),
then a firm within the cell in proportion to its visibility (a binary search). A draw that
hits a current partner (the same real firm) is rejected and drawn again: rejection gives
exactly the distribution over the real firms that are not partners. A college whose draws
keep being rejected (nearly every reachable firm is already a partner) falls back to the
exact weights over all firms, so no college is ever refused a partner the old search found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.network import find_sorted
from sim.sectors import N_SECTORS

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel

MAX_REJECTION_ROUNDS = 4
"""Numerical safeguard: batches of candidate draws per college before the exact fallback
(each batch draws twice the contacts still missing, plus two); structural, not a behaviour."""


@dataclass(frozen=True)
class FirmCells:
    """Enterprises grouped by (city, sector) cell, with cumulative visibility within each cell.

    Attributes:
        order: firm indices sorted by cell (stable).
        start: position in ``order`` where each cell begins (length ``n_cells + 1``).
        visibility: total visibility of each cell.
        position_cdf: for the firms in ``order``, ``cell + cumulative share of the cell's
            visibility`` (increasing, so one binary search finds a firm in any cell).
        cell_city, cell_sector: city and sector of each cell.

    """

    order: np.ndarray
    start: np.ndarray
    visibility: np.ndarray
    position_cdf: np.ndarray
    cell_city: np.ndarray
    cell_sector: np.ndarray


def firm_cells(city: np.ndarray, sector: np.ndarray, visibility: np.ndarray,
               n_cities: int) -> FirmCells:
    """Group firms into (city, sector) cells (once per run: firms do not move or resize)."""
    n_cells = n_cities * N_SECTORS
    cell = np.asarray(city) * N_SECTORS + np.asarray(sector)
    order = np.argsort(cell, kind="stable")
    start = np.searchsorted(cell[order], np.arange(n_cells + 1))
    vis = np.asarray(visibility, dtype=float)[order]
    totals = np.bincount(cell, weights=np.asarray(visibility, dtype=float), minlength=n_cells)
    within = np.zeros(vis.size)
    for c in (totals > 0).nonzero()[0]:
        seg = slice(start[c], start[c + 1])
        cum = np.cumsum(vis[seg])
        within[seg] = cum / cum[-1]
    sorted_cell = cell[order]
    return FirmCells(order=order, start=start, visibility=totals,
                     position_cdf=sorted_cell + within,
                     cell_city=np.arange(n_cells) // N_SECTORS,
                     cell_sector=np.arange(n_cells) % N_SECTORS)


def visibility(m: "CooperationModel") -> np.ndarray:
    """How visible each firm is to a searching college: real firms x size effect."""
    return m.firms.members * m.firms.employees ** m.params.behaviour.contact_size_elasticity


def cells_of(m: "CooperationModel") -> FirmCells:
    """The model's firm cells, built on first use."""
    cells = getattr(m, "_firm_cells", None)
    if cells is None:
        cells = firm_cells(m.firms.city, m.firms.sector, visibility(m), m.params.world.n_cities)
        m._firm_cells = cells
    return cells


def exact_weights(m: "CooperationModel", i: int, excluded: np.ndarray) -> np.ndarray:
    """Contact weight of every firm agent for college ``i``, without ``excluded`` real firms.

    An agent's weight falls in proportion to its members that are excluded.
    """
    b = m.params.behaviour
    f = m.firms
    eligible = m.colleges.offers[i][f.sector]
    weight = np.where(f.city == m.colleges.city[i], 1.0,
                      1.0 - b.distance_penalty) * eligible * visibility(m)
    taken = np.bincount(f.agent_of(excluded), minlength=f.n)
    return weight * np.maximum(f.members - taken, 0) / f.members


def free_member(m: "CooperationModel", agent: int, taken: set[int],
                rng: np.random.Generator) -> int:
    """A real firm of ``agent`` drawn uniformly among those not in ``taken`` (-1 if none)."""
    first, n = int(m.firms.first_real[agent]), int(m.firms.members[agent])
    free = [r for r in range(first, first + n) if r not in taken]
    return free[int(rng.random() * len(free))] if free else -1


def draw_candidates(cells: FirmCells, cdf: np.ndarray, rows: np.ndarray,
                    u: np.ndarray) -> np.ndarray:
    """Firm agents drawn by uniforms ``u`` (n, 2+), each for the college of its row of ``cdf``.

    ``cdf`` holds each searching college's cumulative cell weights normalised to end at 1;
    the first uniform picks a cell, the second a firm within it in proportion to visibility.
    Returns -1 for a draw that lands on an empty cell (only through rounding).
    """
    n_cells = cells.visibility.size
    flat = (cdf + np.arange(cdf.shape[0])[:, None]).ravel()  # row r spans [r, r + 1]
    pos = flat.searchsorted(rows + u[:, 0], side="right")
    # Integer clips as maximum / minimum (the same numbers; np.clip's dispatch costs more).
    cell = np.minimum(np.maximum(pos - rows * n_cells, 0), n_cells - 1)
    lo, hi = cells.start[cell], cells.start[cell + 1]
    firm_pos = np.minimum(np.maximum(cells.position_cdf.searchsorted(cell + u[:, 1],
                                                                   side="right"), lo),
                          np.maximum(hi - 1, lo))
    return np.where(hi > lo, cells.order[np.minimum(firm_pos, cells.order.size - 1)], -1)


def real_firms(m: "CooperationModel", agents: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Real firm drawn uniformly among the members of each agent (uniforms ``u``; -1 stays)."""
    agents = np.asarray(agents)
    ok = agents >= 0
    a = np.where(ok, agents, 0)
    member = np.minimum((u * m.firms.members[a]).astype(np.int64), m.firms.members[a] - 1)
    return np.where(ok, m.firms.first_real[a] + member, -1)


def first_batch(m: "CooperationModel", searching: np.ndarray, partners: list[np.ndarray],
                draw_row: np.ndarray, first: np.ndarray, reals: np.ndarray, k: np.ndarray,
                total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every college's first batch of candidates at once (it takes no draws of its own).

    A college takes its first ``k`` candidates in the order drawn that are real firms and not
    partners. Returns which candidates are taken and the colleges (rows of ``searching``)
    left short, which :func:`search_partners` then serves batch by batch as before.
    """
    n_real = np.int64(m.firms.n_real)
    held = np.concatenate([np.zeros(0, np.int64), *partners]).astype(np.int64)
    partner_keys = np.sort(np.repeat(np.arange(len(partners), dtype=np.int64),
                                     [len(f) for f in partners]) * n_real + held)
    draw_keys = searching[draw_row] * n_real + reals
    usable = reals >= 0
    if partner_keys.size:
        usable &= ~find_sorted(partner_keys, draw_keys)[1]
    seen = usable.cumsum()
    before = np.concatenate([[0], seen])[first[:-1]][draw_row]  # usable draws of earlier rows
    taken = usable & (seen - before <= k[draw_row])
    got = np.bincount(draw_row[taken], minlength=searching.size)
    return taken, ((got < k) & (total > 0)).nonzero()[0]


def search_partners(m: "CooperationModel", counts: np.ndarray,
                    partners: list[np.ndarray], rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contacts of every college: ``counts[i]`` independent draws for college ``i``, none a partner.

    ``partners[i]`` holds the real firms college ``i`` has a tie with. A real firm may be drawn
    more than once (contacts are independent events; see the module docstring). Returns
    ``(colleges, agents, real firms)`` of the contacts, colleges in increasing order. Draws
    come from ``rng`` (the ``contacts`` stream): one block of candidates for all colleges
    (twice the contacts plus two each), then, for a college with too many rejections,
    further blocks of its own.
    """
    cells = cells_of(m)
    far = 1.0 - m.params.behaviour.distance_penalty
    searching = counts.nonzero()[0]
    city = m.colleges.city[searching]
    weight = (m.colleges.offers[searching][:, cells.cell_sector]
              * np.where(cells.cell_city[None, :] == city[:, None], 1.0, far)
              * cells.visibility[None, :])
    cdf = weight.cumsum(axis=1)
    total = cdf[:, -1].copy()
    cdf = np.divide(cdf, total[:, None], out=np.zeros_like(cdf), where=total[:, None] > 0)
    k = counts[searching].astype(np.int64)
    n_draws = np.where(total > 0, 2 * k + 2, 0)
    draw_row = np.repeat(np.arange(searching.size), n_draws)
    u = rng.random((draw_row.size, 3))
    reals = real_firms(m, draw_candidates(cells, cdf, draw_row, u), u[:, 2])
    first = np.concatenate([[0], n_draws.cumsum()])
    taken_now, short = first_batch(m, searching, partners, draw_row, first, reals, k, total)
    if short.size == 0:  # every college found its contacts in the first batch (the rule)
        real = reals[taken_now]
        return searching[draw_row[taken_now]], m.firms.agent_of(real), real
    bounds = first.tolist()
    reals = reals.tolist()
    out_c: list[int] = []
    out_r: list[int] = []
    for r, i in enumerate(searching.tolist()):
        if total[r] <= 0:
            continue
        want = int(k[r])
        taken = set(partners[i].tolist())  # partners only: contacts are independent draws
        chosen: list[int] = []
        candidates = reals[bounds[r]:bounds[r + 1]]
        for round_ in range(MAX_REJECTION_ROUNDS):
            if round_ > 0:
                extra = rng.random((2 * (want - len(chosen)) + 2, 3))
                candidates = real_firms(m, draw_candidates(
                    cells, cdf[r:r + 1], np.zeros(len(extra), int), extra), extra[:, 2]).tolist()
            for j in candidates:
                if j >= 0 and j not in taken:
                    chosen.append(j)
                    if len(chosen) == want:
                        break
            if len(chosen) == want:
                break
        else:  # nearly every reachable firm already taken: exact weights over the rest
            weight_i = exact_weights(m, i, np.fromiter(taken, dtype=np.int64, count=len(taken)))
            if np.count_nonzero(weight_i):
                agents = rng.choice(m.firms.n, size=want - len(chosen),
                                    p=weight_i / weight_i.sum())
                for a in agents.tolist():
                    j = free_member(m, a, taken, rng)
                    if j >= 0:
                        chosen.append(j)
        out_c.extend([i] * len(chosen))
        out_r.extend(chosen)
    real = np.array(out_r, dtype=np.int64)
    return np.array(out_c, dtype=np.int64), m.firms.agent_of(real), real
