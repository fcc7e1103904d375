"""Sessions of the classroom server as they are built and freed, and the memory handed back.

Solara closes a browser tab's session (its virtual kernel) ``SOLARA_KERNEL_CULL_TIMEOUT``
after the tab's connection goes (``ieisim app`` sets 45 s: a student whose Wi-Fi drops
for less keeps their run), then collects garbage. :data:`LIVE` counts the
:class:`~sim.app.session.ClassroomSession` objects still alive (a weak reference each, so
counting keeps nothing alive), tells a waiting benchmark or test when a session is freed
(a signal, not a sleep), and hands the freed heap back to the operating system (glibc's
``malloc_trim``), so the server's resident memory falls when a class leaves. With
``IEISIM_APP_SESSION_LOG=1`` the server prints one line per freed session.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import resource
import sys
import threading
import weakref

SESSION_LOG_ENV = "IEISIM_APP_SESSION_LOG"
"""Set to ``1`` to print ``ieisim app: session freed (...)`` for each freed session."""
FREED_LINE = "ieisim app: session freed"


def rss_mb() -> float:
    """Resident memory of this process (MB)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


def trim_heap() -> bool:
    """Return freed heap pages to the operating system (glibc only); True if it could."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is None:
        return False
    trim(0)
    return True


def release_memory() -> float:
    """Collect garbage and trim the heap; return the resident memory afterwards (MB)."""
    gc.collect()
    trim_heap()
    return rss_mb()


class LiveSessions:
    """How many classroom sessions of this process are alive; a signal when one is freed."""

    def __init__(self, log=None) -> None:
        self._log = log  # where the freed lines go (default: standard error at the time)
        self._cond = threading.Condition()
        self.alive = 0
        self.built = 0
        self.freed = 0

    def track(self, session: object) -> None:
        """Count ``session`` until it is freed."""
        with self._cond:
            self.alive += 1
            self.built += 1
        weakref.finalize(session, self._freed)

    def _freed(self) -> None:
        with self._cond:
            self.alive -= 1
            self.freed += 1
            alive = self.alive
            self._cond.notify_all()
        trim_heap()
        if os.environ.get(SESSION_LOG_ENV) == "1":
            print(f"{FREED_LINE} ({alive} open, server {rss_mb():.0f} MB)",
                  file=self._log or sys.stderr, flush=True)

    def wait_freed(self, count: int, timeout: float | None = None) -> bool:
        """Wait until at least ``count`` sessions have been freed; False on ``timeout`` (s)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.freed >= count, timeout)


LIVE = LiveSessions()
"""The server's session count (every :class:`~sim.app.session.ClassroomSession` joins it)."""
