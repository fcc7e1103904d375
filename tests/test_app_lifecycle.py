"""A closed page's session is freed (memory handed back), also when it was playing."""

from __future__ import annotations

import gc

import ipyvuetify as v
import solara
from waiting import wait_until

from sim.app.lifecycle import LIVE, release_memory, rss_mb
from sim.app.pace import PACE
from sim.app.page import Page


def test_closing_a_playing_page_frees_its_session():
    freed = LIVE.freed
    box, rc = solara.render(Page(), handle_error=False)
    assert LIVE.alive >= 1
    turns = PACE.turns
    rc.find(v.Btn, children=["Play"]).widget.click()
    wait_until(lambda: PACE.turns > turns, "a play step")  # the play thread is running
    rc.close()
    del box, rc

    def gone() -> bool:
        gc.collect()  # what solara does after closing a session
        return LIVE.freed > freed

    wait_until(gone, "the closed page's session freed")  # the play thread let it go too


def test_release_memory_reports_resident_memory():
    assert 0 < release_memory() and 0 < rss_mb()
