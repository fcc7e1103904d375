"""R&D capability of (college, sector) cells: the vectorised team mean equals the per-cell
loop it replaced, value for value (the run tables stay byte-identical)."""

import numpy as np
import pytest

from sim.learning import RD_TEAM_QUANTILE, rd_capability


def per_cell_loop(score, cell, size):
    """The reference: each cell's top scores (quantile RD_TEAM_QUANTILE up) averaged."""
    out = np.zeros(size)
    order = np.lexsort((score, cell))
    cells, starts, counts = np.unique(cell[order], return_index=True, return_counts=True)
    for c, a, k in zip(cells, starts, counts, strict=True):
        top = score[order[a + int(RD_TEAM_QUANTILE * k): a + k]]
        out[c] = top.mean() if top.size else score[order[a:a + k]].mean()
    return out


class _Teachers:
    def __init__(self, research, practice):
        self.research, self.practice = research, practice


class _Model:
    def __init__(self, teachers):
        self.teachers = teachers


@pytest.mark.parametrize("seed", range(40))
def test_team_means_equal_the_per_cell_loop_exactly(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 700))  # up to cells of 60 teachers (teams longer than 8)
    size = int(rng.integers(1, 40))
    t = _Teachers(rng.random(n), rng.random(n))
    cell = rng.integers(0, size, n)
    got = rd_capability(_Model(t), cell, size)
    want = per_cell_loop(np.sqrt(t.research * t.practice), cell, size)
    assert np.array_equal(got, want)
    assert np.all(got[np.setdiff1d(np.arange(size), cell)] == 0.0)  # cells without teachers
