"""Sessions are counted until freed, with a signal and a log line per freed session.

That a closed tab's session is freed by the real server (also while it was playing) is
checked end to end in ``tests/test_app_browser.py`` (``solara.render``, used for the other
in-process tests, keeps every click handler of a closed page alive, so it cannot show it).
"""

from __future__ import annotations

import gc
import io
import threading

from waiting import SAFETY_TIMEOUT_S

from sim.app.lifecycle import FREED_LINE, SESSION_LOG_ENV, LiveSessions, release_memory, rss_mb


class _Session:
    pass


def test_a_freed_session_is_counted_signalled_and_logged(monkeypatch):
    monkeypatch.setenv(SESSION_LOG_ENV, "1")
    log = io.StringIO()
    live = LiveSessions(log)
    sessions = [_Session(), _Session()]
    for s in sessions:
        live.track(s)
    assert (live.alive, live.built, live.freed) == (2, 2, 0)
    waiter = threading.Thread(target=live.wait_freed, args=(2, SAFETY_TIMEOUT_S))
    waiter.start()
    del s
    sessions.clear()
    gc.collect()
    waiter.join(SAFETY_TIMEOUT_S)
    assert not waiter.is_alive()  # the signal came
    assert (live.alive, live.freed) == (0, 2)
    lines = log.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [FREED_LINE] * 2
    assert lines[-1].startswith(f"{FREED_LINE} (0 open, server ")


def test_no_log_line_unless_asked(monkeypatch):
    monkeypatch.delenv(SESSION_LOG_ENV, raising=False)
    log = io.StringIO()
    live = LiveSessions(log)
    live.track(_Session())  # freed at once: nothing else refers to it
    assert live.wait_freed(1, SAFETY_TIMEOUT_S)
    assert log.getvalue() == ""


def test_release_memory_reports_resident_memory():
    assert 0 < release_memory() and 0 < rss_mb()


def test_collect_soon_frees_a_session_left_in_a_reference_cycle():
    from sim.app.lifecycle import collect_soon

    live = LiveSessions(log=io.StringIO())
    gc.collect()
    gc.disable()  # only the asked-for collection may free it
    try:
        session = _Session()
        session.me = session  # a cycle: not freed when the last name goes
        live.track(session)
        del session
        assert live.alive == 1
        collect_soon()
        assert live.wait_freed(1, SAFETY_TIMEOUT_S)
    finally:
        gc.enable()
