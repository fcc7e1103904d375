"""The only place a test may pause: wait for a condition, never for a fixed time.

A loaded CI machine can be many times slower than a laptop, so a test that sleeps "long
enough" and then acts (send Ctrl-C after 4 s, read a value after 2 play intervals) fails on it.
Tests instead wait for a signal the code under test gives: a file appears, a line is printed,
a port answers. ``tests/test_waiting.py`` scans every test module and fails when any other
module calls a sleep or reads the clock.

- :func:`wait_until` polls a condition until it holds; its timeout is only a safety net
  against a hang (minutes, not a speed budget), and it stops early when a watched process dies.
- :func:`observe_for` is for negative checks only ("nothing moves while paused"): it returns
  what a probe saw over a window, and the caller must assert a bound that holds however slow
  the machine is (a slow machine may miss a bug, never fail a correct program).
- :func:`compute_for` stands in for the compute time of a model run inside test runners.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import traceback
from typing import Callable, TypeVar

T = TypeVar("T")

POLL_INTERVAL_S = 0.02
"""Seconds between two looks at a condition."""
SAFETY_TIMEOUT_S = 600.0
"""Give up (and fail) after this many seconds: a hang, not a slow machine."""


def thread_stacks() -> str:
    """Where every thread of this process is now (a hang's diagnosis in a failure message)."""
    names = {t.ident: t.name for t in threading.enumerate()}
    parts = []
    for ident, frame in sys._current_frames().items():
        parts.append(f"--- thread {names.get(ident, ident)}\n"
                     + "".join(traceback.format_stack(frame)))
    return "\n".join(parts)


def wait_until(condition: Callable[[], T], what: str, timeout: float = SAFETY_TIMEOUT_S,
               proc: subprocess.Popen | None = None) -> T:
    """Poll ``condition()`` until it returns a true value and return that value.

    Args:
        condition: checked every :data:`POLL_INTERVAL_S` seconds.
        what: what is awaited, for the failure message.
        timeout: safety net in seconds (a hang); never a speed requirement.
        proc: a process whose early exit means the condition can no longer come true.

    Raises:
        AssertionError: ``proc`` exited first, or ``timeout`` passed.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            value = condition()  # it may have come true just before the exit
            if value:
                return value
            raise AssertionError(f"the process exited with {proc.returncode} before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {what}; "
                                 f"this process's threads then:\n{thread_stacks()}")
        time.sleep(POLL_INTERVAL_S)


def observe_for(seconds: float, probe: Callable[[], T]) -> list[T]:
    """What ``probe()`` returned, looking every :data:`POLL_INTERVAL_S` over ``seconds``.

    For negative checks only; assert a bound that a slow machine cannot break.
    """
    seen = [probe()]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(POLL_INTERVAL_S)
        seen.append(probe())
    return seen


def compute_for(seconds: float) -> None:
    """Stand-in for ``seconds`` of a model run's compute (test runners only, never waiting)."""
    time.sleep(seconds)
