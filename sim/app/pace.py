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
from collections import deque
from contextlib import contextmanager
from typing import Iterator


class Pace:
    """Turns for playing pages, and priority for students' actions, in one server.

    Each waiting turn has its own event and only the next one is woken: with forty pages
    playing, waking every waiting page to check whose turn it is (a shared condition)
    cost the interpreter about a tenth of its time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._actions = 0  # students' actions waiting or running
        self._waiting: deque[threading.Event] = deque()  # play turns asked for, in order
        self._running = False  # a play turn is running
        self.queued = 0
        """Play turns asked for since start (tests wait on it)."""
        self.turns = 0
        """Play turns taken since start (a benchmark reads the play rate from it)."""

    def _start_next(self) -> None:
        """Let the first waiting turn run if no turn and no action is running (lock held)."""
        if not self._running and self._actions == 0 and self._waiting:
            self._running = True
            self._waiting.popleft().set()

    @contextmanager
    def action(self) -> Iterator[None]:
        """A student's action: runs at once; no play turn starts until it is done."""
        with self._lock:
            self._actions += 1
        try:
            yield
        finally:
            with self._lock:
                self._actions -= 1
                self._start_next()

    @contextmanager
    def play_turn(self) -> Iterator[None]:
        """One playing page's step and render, in first-come order, after every action."""
        mine = threading.Event()
        with self._lock:
            self._waiting.append(mine)
            self.queued += 1
            self._start_next()
        mine.wait()
        try:
            yield
        finally:
            with self._lock:
                self._running = False
                self.turns += 1
                self._start_next()


PACE = Pace()
"""The server's one pace: every session of this process takes its play turns here."""
