"""A whole class on one machine: 40 sessions of the classroom page, the others playing.

Server-side and in-process: each page is rendered with ``solara.render`` (solara's test
utilities), which runs exactly what the server runs for a click (the model step, the
re-render of every component, the chart options, the widget diff) minus the websocket.
Measured:

- **open**: time to render a fresh page (a new session: its models, layout and charts);
- **step under load**: while ``sessions - 1`` pages play (a background thread clicks their
  Step buttons round-robin, at most one step per page per ``PLAY_INTERVAL_S``, as Play
  does), the time one page's Step click takes, p50 and p95;
- **play rate**: steps per second the playing pages actually achieved, against the rate
  Play asks for (``(sessions - 1) / PLAY_INTERVAL_S``);
- **CPU per step**: process CPU time per Step click (all threads), which does not depend
  on what else the machine runs, and from it how many students can play at once per core
  (the server is one Python process: its clicks share one core);
- **memory**: resident memory added per open page, and how much of it is returned when
  the pages are closed (solara closes a tab's kernel ``SOLARA_KERNEL_CULL_TIMEOUT`` after
  its websocket goes; ``ieisim app`` sets that to one minute; the cull itself is not timed
  here).

Targets (issue 13): open <= 5 s, step p95 <= 1 s, <= 15 MB per session.

    python benchmarks/bench_app.py [--sessions 40] [--clicks 20] [--json]
    python benchmarks/bench_app.py --browser 8 [--clicks 20]    # real server, Chromium pages
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import threading
import time

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

TARGETS = {"open_s": 5.0, "step_p95_ms": 1000.0, "memory_mb_per_session": 15.0}
CLICK_GAP_S = 0.5
"""Pause between the measured page's clicks (a student pressing Step)."""


def _rss_mb() -> float:
    import resource

    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _button(rc, label: str):
    import ipyvuetify as v

    return rc.find(v.Btn, children=[label]).widget


def _step_or_reset(rc) -> None:
    step = _button(rc, "Step")
    if step.disabled:  # the horizon: start again, as a student would
        _button(rc, "Reset").click()
    else:
        step.click()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(sessions: int, clicks: int) -> dict:
    """Open ``sessions`` pages, play all but one, time the last one's Step clicks."""
    import solara

    from sim.app.page import PLAY_INTERVAL_S, Page

    warm = solara.render(Page(), handle_error=False)[1]  # imports and caches out of the way
    _button(warm, "Step").click()
    gc.collect()
    before = _rss_mb()
    pages, opens = [], []
    for _ in range(sessions):
        t0 = time.perf_counter()
        pages.append(solara.render(Page(), handle_error=False)[1])
        opens.append(time.perf_counter() - t0)
    gc.collect()
    per_session = (_rss_mb() - before) / sessions
    lock = threading.Lock()  # one click at a time per page, as one browser tab would
    stop = threading.Event()
    played = [0]

    def play() -> None:
        others = pages[1:]
        while not stop.is_set():
            cycle = time.perf_counter()
            for rc in others:
                if stop.is_set():
                    return
                with lock:
                    _step_or_reset(rc)
                played[0] += 1
            rest = PLAY_INTERVAL_S - (time.perf_counter() - cycle)
            if rest > 0:
                stop.wait(rest)

    player = threading.Thread(target=play, daemon=True)
    started, cpu_started = time.perf_counter(), time.process_time()
    player.start()
    times = []
    for _ in range(clicks):
        time.sleep(CLICK_GAP_S)
        t0 = time.perf_counter()
        with lock:
            _step_or_reset(pages[0])
        times.append((time.perf_counter() - t0) * 1000)
    stop.set()
    player.join()
    elapsed = time.perf_counter() - started
    cpu_per_step = (time.process_time() - cpu_started) / (played[0] + clicks)
    for rc in pages:
        rc.close()
    warm.close()
    gc.collect()
    freed = (before + per_session * sessions - _rss_mb()) / sessions
    return {
        "sessions": sessions,
        "open_s_median": round(statistics.median(opens), 2),
        "open_s_max": round(max(opens), 2),
        "step_ms_p50": round(statistics.median(times), 1),
        "step_ms_p95": round(_percentile(times, 0.95), 1),
        "play_steps_per_s": round(played[0] / elapsed, 1),
        "play_steps_per_s_asked": round((sessions - 1) / PLAY_INTERVAL_S, 1),
        "cpu_ms_per_step": round(cpu_per_step * 1000, 1),
        "students_playing_per_core": round(PLAY_INTERVAL_S / cpu_per_step, 1),
        "memory_mb_per_session": round(per_session, 1),
        "memory_mb_freed_per_session": round(freed, 1),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def measure_browser(contexts: int, clicks: int) -> dict:
    """Headless Chromium: ``contexts`` pages on a real ``ieisim app``, all but one playing.

    Times, in the one page, from the Step click to the new year shown (server and browser
    together), and each page's open time (until its charts are drawn).
    """
    import shutil
    import socket
    import subprocess
    import tempfile
    import urllib.request
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = Path(tempfile.mkdtemp()) / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    ready = "() => document.querySelectorAll('.ieisim-chart svg text').length > 10"
    try:
        for _ in range(600):  # the server answers within a minute or the run fails
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            pages, opens = [], []
            for _ in range(contexts):
                t0 = time.perf_counter()
                page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
                page.goto(url)
                page.wait_for_function(ready, timeout=120_000)
                opens.append(time.perf_counter() - t0)
                pages.append(page)
            for page in pages[1:]:
                page.get_by_role("button", name="Play", exact=True).click()
            me, times = pages[0], []
            for _ in range(clicks):
                before = me.locator(".ieisim-year").inner_text()
                t0 = time.perf_counter()
                me.get_by_role("button", name="Step", exact=True).click()
                me.wait_for_function("b => document.querySelector('.ieisim-year').innerText "
                                     "!== b", arg=before, timeout=120_000)
                times.append((time.perf_counter() - t0) * 1000)
                if "15.0" in me.locator(".ieisim-year").inner_text():
                    me.get_by_role("button", name="Reset", exact=True).click()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"browser_contexts": contexts, "browser_open_s_max": round(max(opens), 2),
            "browser_step_ms_p50": round(statistics.median(times), 1),
            "browser_step_ms_p95": round(_percentile(times, 0.95), 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the class benchmark; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=40, help="pages open at once")
    parser.add_argument("--clicks", type=int, default=20, help="timed Step clicks")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--browser", type=int, default=0, metavar="N",
                        help="instead: N headless Chromium pages on a real server")
    args = parser.parse_args(argv)
    if args.browser:
        r = measure_browser(args.browser, args.clicks)
        print(json.dumps(r))
        return 0 if (r["browser_open_s_max"] <= TARGETS["open_s"]
                     and r["browser_step_ms_p95"] <= TARGETS["step_p95_ms"]) else 1
    r = measure(args.sessions, args.clicks)
    ok = (r["open_s_max"] <= TARGETS["open_s"] and r["step_ms_p95"] <= TARGETS["step_p95_ms"]
          and r["memory_mb_per_session"] <= TARGETS["memory_mb_per_session"])
    if args.json:
        print(json.dumps({"targets": TARGETS, "ok": ok, **r}))
    else:
        print(f"{r['sessions']} sessions on {r['cpus']} cores (load {r['load_average_1m']}): "
              f"open median {r['open_s_median']} s, max {r['open_s_max']} s; Step while the "
              f"others play p50 {r['step_ms_p50']} ms, p95 {r['step_ms_p95']} ms; play "
              f"{r['play_steps_per_s']} steps/s of {r['play_steps_per_s_asked']} asked; "
              f"CPU {r['cpu_ms_per_step']} ms per step ({r['students_playing_per_core']} "
              "students playing per core); "
              f"{r['memory_mb_per_session']} MB per session, "
              f"{r['memory_mb_freed_per_session']} MB freed on close")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
