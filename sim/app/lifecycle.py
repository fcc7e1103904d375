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
import time
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


COLLECT_DELAY_S = 2.0
"""A gone page's garbage is collected this long after the page unmounts (seconds)."""
_collect_pending = threading.Event()


def collect_soon() -> None:
    """Collect garbage once, :data:`COLLECT_DELAY_S` after a page is gone.

    A page's session lives in reference cycles, freed only by a collection. Solara runs one
    after a closed session's kernel, but coalesces requests: a page whose close ends while
    that collection runs would wait for the next full collection (a class leaving all at
    once left one session of eight alive for minutes). Requests are coalesced here too,
    and the thread runs outside the closing session (Solara's threads otherwise keep the
    session they start in alive).
    """
    if _collect_pending.is_set():
        return
    _collect_pending.set()

    def collect() -> None:
        time.sleep(COLLECT_DELAY_S)
        _collect_pending.clear()
        gc.collect()

    thread = threading.Thread(target=collect, daemon=True, name="ieisim-collect-soon")
    thread.current_context = None  # type: ignore[attr-defined]  # solara: no kernel context
    thread.start()


LIVE = LiveSessions()
"""The server's session count (every :class:`~sim.app.session.ClassroomSession` joins it)."""
