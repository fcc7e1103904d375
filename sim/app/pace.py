"""Sharing the server's processor among a class: a student's click goes before Play.

The server is one Python process, so every session's model steps and page renders share
one interpreter lock (one core's worth of Python at a time). Forty pages playing at once
can ask for more than that; if every playing page simply competed, every page would slow
down alike and a student's Step would wait behind dozens of renders. Instead, playing pages
take turns (one page's step and render at a time, first come first served) and a turn does
not start while any student's own action (Step, Reset, a slider, a preset) is waiting or
running. A click is answered at once; when the machine is full, Play runs slower than
asked, and every playing page slows down by the same share.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


class Pace:
    """Turns for playing pages, and priority for students' actions, in one server."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._actions = 0  # students' actions waiting or running
        self._next_ticket = 0  # the next play turn to hand out
        self._serving = 0  # the play turn that may run now
        self.turns = 0
        """Play turns taken since start (a benchmark reads the play rate from it)."""

    @contextmanager
    def action(self) -> Iterator[None]:
        """A student's action: runs at once; no play turn starts until it is done."""
        with self._cond:
            self._actions += 1
        try:
            yield
        finally:
            with self._cond:
                self._actions -= 1
                self._cond.notify_all()

    @contextmanager
    def play_turn(self) -> Iterator[None]:
        """One playing page's step and render, in first-come order, after every action."""
        with self._cond:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._cond.wait_for(lambda: self._serving == ticket and self._actions == 0)
        try:
            yield
        finally:
            with self._cond:
                self._serving += 1
                self.turns += 1
                self._cond.notify_all()


PACE = Pace()
"""The server's one pace: every session of this process takes its play turns here."""
