"""Panel titles are wrapped to their panel: neighbouring titles never run into each other."""

from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.figures import style
from sim.figures.layout import (
    fit_panel_titles,
    new_figure,
    panel_title,
    text_units,
    wrap_to_width,
)

LONG = {
    "en": ["Ties holding joint R&D per 100 firms", "Share of ties at joint R&D or technical "
           "service", "Mean rung of ties"],
    "zh": ["每百家企业中开展联合研发的合作关系数", "处于联合研发或技术服务层级的合作关系占比",
           "合作关系平均层级"],
}


def test_wrap_breaks_at_spaces_and_between_chinese_characters():
    assert wrap_to_width("short title", 20) == "short title"
    wrapped = wrap_to_width("Share of ties at joint R&D or technical service", 15)
    assert wrapped.replace("\n", " ") == "Share of ties at joint R&D or technical service"
    assert all(text_units(line) <= 15 for line in wrapped.splitlines())
    zh = wrap_to_width("处于联合研发或技术服务层级的合作关系占比", 6)
    assert zh.replace("\n", "") == "处于联合研发或技术服务层级的合作关系占比"
    assert [len(line) for line in zh.splitlines()] == [6, 6, 6, 2]
    assert wrap_to_width("Supercalifragilistic", 3) == "Supercalifragilistic"  # one word stays


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_neighbouring_panel_titles_do_not_overlap(lang):
    if lang == "zh" and style.find_cjk_font() is None:
        pytest.skip("no Chinese TrueType font (apt-get install fonts-wqy-microhei)")
    with style.styled(lang):
        fig, grid = new_figure("double", 1, 3)
        for i, (ax, text) in enumerate(zip(grid[0], LONG[lang], strict=True)):
            panel_title(ax, i, text)
            ax.barh(range(3), [1, 2, 3])
        # long tick labels make the first panel's axes much narrower than its cell (as in
        # the Sobol' figure, whose first panel carries the lever names)
        grid[0][0].set_yticks(range(3), ["Tax credit for integration enterprises"] * 3)
        fit_panel_titles(fig)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        boxes = [ax._left_title.get_window_extent(renderer) for ax in grid[0]]
    assert any("\n" in ax.get_title(loc="left") for ax in grid[0])  # long ones were wrapped
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.x1 < right.x0, (left, right)
