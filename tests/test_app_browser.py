"""End-to-end tests of ``ieisim app`` in headless Chromium (Debian's, found on PATH).

Without a browser these tests skip with the reason; with ``IEISIM_REQUIRE_BROWSER=1`` (CI) a
missing browser is a failure. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from waiting import observe_for, wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
LOAD_TIMEOUT_MS = 60_000
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
NO_CDN = "http://127.0.0.1:9/npm/"
"""Where the server's CDN proxy would fetch a missing asset: the discard port, so a cache
miss fails instead of reaching the internet (the offline test then sees the failure)."""


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    _skip_or_fail("no chromium on PATH (apt-get install chromium chromium-driver)")


def _skip_or_fail(message: str) -> None:
    if os.environ.get("IEISIM_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; IEISIM_REQUIRE_BROWSER=1 forbids skipping")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def _serve(log: Path, *extra: str, env_extra: dict[str, str] | None = None):
    """``ieisim app`` on a free loopback port with ``extra`` options; yields its URL."""
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
           "SOLARA_ASSETS_CDN": NO_CDN, **(env_extra or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port),
                                 *extra], stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        try:
            wait_until(answers, f"ieisim app to answer on {url}", proc=proc)
        except AssertionError as exc:
            pytest.fail(f"{exc}: {log.read_text()}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``ieisim app`` on a free loopback port; yields its URL, stops it afterwards."""
    _chromium()  # skip before starting a server nobody can look at
    from sim.app.assets import missing

    if missing():  # the server must not fall back to the internet: see NO_CDN
        _skip_or_fail("solara's front-end assets are not installed for offline use "
                      "(python -m sim.app.assets install)")
    with _serve(tmp_path_factory.mktemp("app") / "server.log") as url:
        yield url


def _open(context, url):
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    _wait_charts(page)
    return page


def _wait_charts(page) -> None:
    """Every SVG chart on the page has drawn the newest option the server sent."""
    page.wait_for_function(
        "() => { const c = [...document.querySelectorAll('.ieisim-chart, .ieisim-network')]; "
        "const tick = document.querySelector('.ieisim-tick'); "
        "return tick && c.length > 1 && c.every(e => e.querySelector('svg text') && "
        "e.dataset.rendered === tick.textContent); }",
        timeout=LOAD_TIMEOUT_MS)


_FONT_PROBE = "校企合作"


def _wait_font(page) -> None:
    """The Chinese web font is loaded (from the page's server) and can draw Chinese."""
    page.wait_for_function(
        "p => document.fonts.check('16px \"Noto Sans SC\"', p) && [...document.fonts].some("
        "f => f.family.replace(/[\"']/g, '') === 'Noto Sans SC' && f.status === 'loaded')",
        arg=_FONT_PROBE, timeout=LOAD_TIMEOUT_MS)


_TEXT_SIZES = """() => [...document.querySelectorAll('.ieisim-chart svg text')]
  .filter(t => t.textContent.trim() && t.getBoundingClientRect().height > 0)
  .map(t => ({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize),
              height: t.getBoundingClientRect().height * window.devicePixelRatio,
              family: getComputedStyle(t).fontFamily}))"""
"""Every chart text: its computed size (CSS px) and drawn height (device pixels)."""


def _year(page) -> str:
    return page.locator(".ieisim-year").inner_text()


def _wait_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => { const e = document.querySelector(s); "
                           "return e && e.innerText.includes(t); }", arg=[selector, text],
                           timeout=LOAD_TIMEOUT_MS)


def _wait_year(page, at_least: float) -> None:
    """Wait until the year counter shows ``at_least`` or more.

    A playing page shows each half-year for one play interval (less when it runs behind),
    so a test of a playing page waits for a year reached, never for a year shown.
    """
    page.wait_for_function("y => { const e = document.querySelector('.ieisim-year'); "
                           "const m = e && e.innerText.match(/[0-9]+([.][0-9]+)?/); "
                           "return m !== null && parseFloat(m[0]) >= y; }", arg=at_least,
                           timeout=LOAD_TIMEOUT_MS)


def _step(page, times: int = 1) -> None:
    for _ in range(times):
        before = _year(page)
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function("b => document.querySelector('.ieisim-year').innerText !== b",
                               arg=before, timeout=LOAD_TIMEOUT_MS)


def _running_policy(page) -> str:
    panel = page.locator(".ieisim-running-panel")
    if not panel.locator(".ieisim-running").is_visible():
        panel.locator(".v-expansion-panel-title").click()
    return panel.locator(".ieisim-running").inner_text()


def test_classroom_flow(browser, server):
    from playwright.sync_api import expect

    from sim.app.controls import main_sliders
    from sim.app.page import PLAY_INTERVAL_S
    from sim.app.presets import preset_label, preset_levers

    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, server)
    assert _year(page).startswith("Year 0.0")

    page.locator(".ieisim-question", has_text="Why do firms stop at internships?").wait_for()
    charts = page.locator(".ieisim-chart-shares_policy_run svg").inner_html()
    _step(page, 3)
    assert _year(page).startswith("Year 1.5")
    page.wait_for_function("c => document.querySelector('.ieisim-chart-shares_policy_run svg')"
                           ".innerHTML !== c", arg=charts, timeout=LOAD_TIMEOUT_MS)

    # the firm's ledger: the items of a tie at each rung; another size, another firm
    def ledger_texts():
        return page.evaluate("[...document.querySelectorAll('.ieisim-chart-ledger svg text')]"
                             ".map(t => t.textContent)")

    texts = ledger_texts()
    assert {"Training cost", "Lost to poaching", "Subsidies and credits"} <= set(texts)
    title = next(t for t in texts if t.startswith("A firm of "))
    page.locator(".ieisim-ledger-size button", has_text="Large firm").click()
    page.wait_for_function("t => ![...document.querySelectorAll('.ieisim-chart-ledger svg "
                           "text')].some(e => e.textContent === t)", arg=title,
                           timeout=LOAD_TIMEOUT_MS)

    # move a slider with the keyboard: the running model takes it from the next step on
    spec = main_sliders()[0]
    lever = page.locator(".ieisim-lever", has_text=spec.label("en"))
    slider = lever.get_by_role("slider")
    slider.focus()
    for _ in range(10):  # one key at a time: wait for the server's caption to follow
        caption = lever.inner_text()
        slider.press("ArrowRight")
        page.wait_for_function("([s, c]) => [...document.querySelectorAll('.ieisim-lever')]"
                               ".find(e => e.innerText.startsWith(s)).innerText !== c",
                               arg=[spec.label("en"), caption], timeout=LOAD_TIMEOUT_MS)
    expected = spec.clip(float(slider.get_attribute("aria-valuenow")))
    assert expected > spec.param.default
    assert page.locator(".v-alert").count() == 0  # nothing waits for Reset
    assert _year(page).startswith("Year 1.5")  # the run goes on
    _wait_text(page, ".ieisim-running-panel", "running model: Custom policy")
    assert f"{spec.label('en')}: {expected:g} " in _running_policy(page)
    # every chart marks the change with a labelled vertical line at year 1.5
    mark = f"{spec.label('en')} → {expected:g}"
    page.wait_for_function("m => [...document.querySelectorAll('.ieisim-chart:not("
                           ".ieisim-chart-ledger)')].every(c => "
                           "[...c.querySelectorAll('svg text')].some(t => t.textContent === m))",
                           arg=mark, timeout=LOAD_TIMEOUT_MS)
    _step(page)
    assert _year(page).startswith("Year 2.0")
    # a caption chosen by the rules from the model's state points at the change
    _wait_text(page, ".ieisim-story", "You changed the policy at the vertical line")
    # the seed still needs Reset, and the page says so
    page.locator(".ieisim-seed input").fill("4242")
    _wait_text(page, ".v-alert", "applies when you press Reset")
    page.get_by_role("button", name="Reset", exact=True).click()
    _wait_text(page, ".ieisim-year", "Year 0.0")
    _wait_text(page, ".ieisim-running-panel", "seed 4242")
    assert f"{spec.label('en')}: {expected:g} " in _running_policy(page)

    # a preset is one click: sliders set, model restarted with the package
    _step(page)
    page.get_by_role("button", name=preset_label("reform_package", "en")).click()
    _wait_text(page, ".ieisim-year", "Year 0.0")
    _wait_text(page, ".ieisim-running-panel", "running model: Full reform package")
    text = _running_policy(page)
    for spec in main_sliders():
        assert f"{spec.label('en')}: {preset_levers('reform_package')[spec.name]:g} " in text

    # play runs the model until paused
    page.get_by_role("button", name="Play", exact=True).click()
    _wait_year(page, 1.0)
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    # over several play intervals at most the one step already under way at the click lands
    # (playing on would add one per interval; a slow machine can only show fewer steps)
    seen = observe_for(PLAY_INTERVAL_S * 6, lambda: _year(page))
    assert len(set(seen)) <= 2, seen
    page.get_by_role("button", name="Reset", exact=True).click()
    _wait_text(page, ".ieisim-year", "Year 0.0")

    # side by side: the network shows two panels, each with its whole legend inside it
    page.locator(".ieisim-compare input").check()
    page.wait_for_function("() => document.querySelectorAll('.ieisim-network svg').length == 2",
                           timeout=LOAD_TIMEOUT_MS)
    _step(page, 2)
    _wait_charts(page)
    outside = page.evaluate("""() => [...document.querySelectorAll('.ieisim-network')].flatMap(
        n => { const box = n.getBoundingClientRect();
               return [...n.querySelectorAll('svg text')].filter(t => t.textContent.trim())
                 .map(t => t.getBoundingClientRect())
                 .filter(r => r.left < box.left - 1 || r.right > box.right + 1
                              || r.top < box.top - 1 || r.bottom > box.bottom + 1); })""")
    assert outside == []
    legend = page.evaluate("[...document.querySelectorAll('.ieisim-network-policy_run svg "
                           "text')].map(t => t.textContent)")
    assert {"Internship", "Joint R&D / technical service", "College"} <= set(legend)
    page.screenshot(path=str(ARTIFACTS / "app-side-by-side.png"), full_page=True)

    # language switch
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="单步", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    # the page re-renders piece by piece: the year's label may follow the buttons a moment
    # later (a loaded machine showed "Year 1.0 of 15" just after 单步 appeared), so wait for it
    _wait_text(page, ".ieisim-year", "第 1.0 年")
    assert _year(page).startswith("第 1.0 年")
    _wait_charts(page)
    page.screenshot(path=str(ARTIFACTS / "app-zh.png"), full_page=True)
    context.close()


def test_two_sessions_have_their_own_models(browser, server):
    first = browser.new_context()
    second = browser.new_context()
    a, b = _open(first, server), _open(second, server)
    _step(a, 3)
    assert _year(a).startswith("Year 1.5")
    assert _year(b).startswith("Year 0.0")
    _step(b)  # a shared model would now be at 2.0
    assert _year(b).startswith("Year 0.5")
    assert _year(a).startswith("Year 1.5")
    b.reload()  # a new load of the page gets a new, fresh model
    b.get_by_role("button", name="Step", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    assert _year(b).startswith("Year 0.0")
    _step(a)
    assert _year(a).startswith("Year 2.0")
    first.close()
    second.close()


def test_page_renders_with_every_non_loopback_request_blocked(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def only_loopback(route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    failed: list[str] = []
    page = context.new_page()
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.goto(server)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    _wait_charts(page)  # ECharts, from the local cache
    _step(page)
    assert _year(page).startswith("Year 0.5")
    page.get_by_role("button", name="中文").click()
    _wait_font(page)  # the Chinese web font, from the local cache
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-offline.png"), full_page=True)
    local_failures = [u for u in failed if u not in blocked]
    assert local_failures == [], local_failures
    context.close()


def _sizes(page) -> list[dict]:
    return page.evaluate(_TEXT_SIZES)


def test_chart_text_is_projector_sized_and_grows_with_zoom(browser, server):
    """At 1024x768 every chart text is >= 16 px; zoom (150%) and projector mode enlarge it."""
    from sim.app.charts import FONT_PX

    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = _open(context, server)
    _step(page, 4)
    _wait_charts(page)
    normal = _sizes(page)
    assert len(normal) > 20
    assert min(t["px"] for t in normal) >= FONT_PX[False] >= 16, normal
    assert all(t["family"].startswith('"Noto Sans SC"') for t in normal)
    # the charts fit the viewport's width (no horizontal scrolling of a chart)
    widths = page.evaluate("[...document.querySelectorAll('.ieisim-chart')].map(c => "
                           "c.getBoundingClientRect().right)")
    assert max(widths) <= 1024
    page.screenshot(path=str(ARTIFACTS / "app-1024x768-en.png"))
    page.locator(".ieisim-projector-toggle input").check()
    page.wait_for_function(f"() => ({_TEXT_SIZES})().every(t => t.px >= {FONT_PX[True]})",
                           timeout=LOAD_TIMEOUT_MS)
    projector = _sizes(page)
    assert min(t["px"] for t in projector) >= FONT_PX[True], projector
    # the page's own text grows too; its stylesheet may apply after the charts re-render,
    # so wait for it (a signal, not a sleep) before reading it
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 16",
        timeout=LOAD_TIMEOUT_MS)
    root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root > 16
    page.screenshot(path=str(ARTIFACTS / "app-1024x768-projector.png"))
    context.close()

    # browser zoom 150% = a 1.5x device pixel ratio on a viewport 1.5x narrower (CSS px)
    zoomed_context = browser.new_context(viewport={"width": 683, "height": 512},
                                         device_scale_factor=1.5)
    zoomed = _open(zoomed_context, server)
    title_height = {t["text"]: t["height"] for t in normal}
    grown = [t["height"] / title_height[t["text"]] for t in _sizes(zoomed)
             if t["text"] in title_height]
    assert grown and sorted(grown)[len(grown) // 2] >= 1.45 and min(grown) > 1.3, grown
    zoomed_context.close()


def test_chinese_page_uses_the_served_web_font(browser, server):
    """In Chinese, the charts' text is drawn with Noto Sans SC served by the app."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    fonts: list[str] = []
    page = context.new_page()
    page.on("response", lambda r: fonts.append(r.url) if "noto-sans-sc" in r.url
            and r.status == 200 else None)
    page.goto(server)
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="单步", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    _wait_charts(page)
    # the charts drawn before the switch count as rendered for this tick too: wait for the
    # redrawn (Chinese) chart text itself, whatever the machine's load
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ieisim-chart svg text')]"
        ".some(t => /[\\u4e00-\\u9fff]/.test(t.textContent))", timeout=LOAD_TIMEOUT_MS)
    _wait_font(page)
    assert any(u.endswith(".woff2") and "/_solara/cdn/@fontsource/" in u for u in fonts)
    texts = _sizes(page)
    chinese = [t for t in texts if re.search("[\u4e00-\u9fff]", t["text"])]
    assert chinese and all(t["family"].startswith('"Noto Sans SC"') for t in chinese)
    # no tofu: a glyph the font lacks would be drawn by another font, with another width
    widths = page.evaluate("""p => { const c = document.createElement('canvas').getContext('2d');
        c.font = '32px "Noto Sans SC"'; const a = c.measureText(p).width;
        c.font = '32px monospace'; const b = c.measureText(p).width; return [a, b]; }""",
                           _FONT_PROBE)
    assert widths[0] == pytest.approx(32 * len(_FONT_PROBE), rel=0.05)  # full-width glyphs
    page.locator(".ieisim-question", has_text="为什么企业止步于实习").wait_for()
    body = page.inner_text("body")
    from sim.app.text import stray_cjk_spaces

    assert stray_cjk_spaces(body) == []
    page.screenshot(path=str(ARTIFACTS / "app-1024x768-zh.png"))
    context.close()


def test_class_board_round_trip_through_a_server_restart(browser, server, tmp_path):
    """Students submit; after a restart the teacher's page shows them and replays a run."""
    board = tmp_path / "board.sqlite"
    options = ("--class", "econ1", "--board", str(board))
    with _serve(tmp_path / "first.log", *options) as url:
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        page = _open(context, url)
        _step(page, 2)
        page.locator(".ieisim-lever", has_text="City consortia").get_by_role("slider").focus()
        caption = page.locator(".ieisim-lever", has_text="City consortia").inner_text()
        page.keyboard.press("PageUp")
        page.wait_for_function("c => [...document.querySelectorAll('.ieisim-lever')].find(e => "
                               "e.innerText.startsWith('City consortia')).innerText !== c",
                               arg=caption, timeout=LOAD_TIMEOUT_MS)
        _step(page, 2)
        page.locator(".ieisim-student-name input").fill("Chen")
        page.get_by_role("button", name="Submit my policy").click()
        _wait_text(page, ".ieisim-submitted", "Submitted as number 1")
        numbers = page.locator(".ieisim-readout").inner_text()
        context.close()
    assert board.is_file()
    with _serve(tmp_path / "second.log", *options) as url:  # a new server process
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        page = context.new_page()
        page.goto(url + "?teacher")
        page.locator(".ieisim-submissions", has_text="Chen").wait_for(timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function("() => [...document.querySelectorAll('.ieisim-plane svg text')]"
                               ".some(t => t.textContent === 'Chen')", timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(ARTIFACTS / "app-class-board.png"))
        page.get_by_role("button", name="Replay Chen").click()
        _wait_text(page, ".ieisim-replaying", "Chen")
        page.wait_for_function("() => document.querySelector('.ieisim-replay-participation svg "
                               "text')", timeout=LOAD_TIMEOUT_MS)
        # the replayed run ends where the student's did (exact equality: test_app_classboard);
        # the readout may render a moment after the chart, so wait for it, then compare
        try:
            page.wait_for_function("n => { const e = document.querySelector("
                                   "'.ieisim-replay-readout'); return e && e.innerText === n; }",
                                   arg=numbers, timeout=LOAD_TIMEOUT_MS)
        finally:
            assert page.locator(".ieisim-replay-readout").inner_text() == numbers
        marks = page.evaluate("[...document.querySelectorAll('.ieisim-replay-joint_rd svg "
                              "text')].map(t => t.textContent)")
        assert "City consortia and platforms → 0.2" in marks  # the timed change, replayed
        page.screenshot(path=str(ARTIFACTS / "app-class-board-replay.png"), full_page=True)
        context.close()


RETRY_CLICK_MS = 5_000
"""After this long without an answer a click is repeated (the test's limit is wait_until's)."""


def test_clicking_a_firms_dot_shows_its_ledger(browser, server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _open(context, server)
    _step(page, 2)
    _wait_charts(page)  # no redraw under way when we click
    network = page.locator(".ieisim-network-policy_run")
    network.scroll_into_view_if_needed()
    picked = ("() => [...document.querySelectorAll('.ieisim-chart-ledger svg text')]"
              ".some(t => t.textContent.startsWith('Firm 5 ('))")

    def click_firm_5() -> bool:
        # where ECharts draws firm 5's dot now (the chart instance is kept on its element)
        x, y = page.evaluate("""() => {
            const chart = document.querySelector('.ieisim-network-policy_run').ieisimChart;
            const node = chart.getOption().series[0].data.find(n => n.firm === 5);
            return chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]); }""")
        network.click(position={"x": x, "y": y})  # a real mouse click at that point
        try:  # a missed click is retried (not failed) however long the answer takes
            page.wait_for_function(picked, timeout=RETRY_CLICK_MS)
            return True
        except PlaywrightTimeout:
            return False

    # a click can land while the page re-lays itself out (a loaded machine): click again
    wait_until(click_firm_5, "firm 5's ledger after clicking its dot")
    context.close()


def test_a_closed_tab_frees_its_session_also_while_playing(browser, tmp_path):
    """The server frees a closed tab's session after the cull time (1 s here)."""
    from sim.app.lifecycle import FREED_LINE, SESSION_LOG_ENV

    _chromium()
    log = tmp_path / "server.log"
    env = {SESSION_LOG_ENV: "1", "SOLARA_KERNEL_CULL_TIMEOUT": "1s"}
    with _serve(log, env_extra=env) as url:
        contexts = [browser.new_context() for _ in range(2)]
        pages = [_open(c, url) for c in contexts]
        pages[1].get_by_role("button", name="Play", exact=True).click()
        _wait_year(pages[1], 0.5)  # playing
        for c in contexts:
            c.close()
        wait_until(lambda: log.read_text().count(FREED_LINE) >= 2, "both sessions freed")
        assert "(0 open, server " in log.read_text()


def test_with_two_workers_each_page_stays_on_its_own_worker(browser, tmp_path):
    """``--workers 2``: the front sends the pages to both workers; each page works there."""
    _chromium()
    with _serve(tmp_path / "server.log", "--workers", "2") as url:
        contexts = [browser.new_context() for _ in range(2)]
        try:
            pages = [_open(c, url) for c in contexts]
            front = urlparse(url).port
            assert {urlparse(p.url).port for p in pages} == {front + 1, front + 2}
            for page in pages:
                _step(page)
                assert _year(page).startswith("Year 0.5")
                _wait_charts(page)  # its charts came from its own worker's websocket
        finally:
            for c in contexts:
                c.close()
