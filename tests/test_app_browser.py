"""End-to-end tests of ``ieisim app`` in headless Chromium (Debian's, found on PATH).

Without a browser these tests skip with the reason; with ``IEISIM_REQUIRE_BROWSER=1`` (CI) a
missing browser is a failure. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``ieisim app`` on a free loopback port; yields its URL, stops it afterwards."""
    _chromium()  # skip before starting a server nobody can look at
    from sim.app.assets import missing

    if missing():  # the server must not fall back to the internet: see NO_CDN
        _skip_or_fail("solara's front-end assets are not installed for offline use "
                      "(python -m sim.app.assets install)")
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
           "SOLARA_ASSETS_CDN": NO_CDN}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
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


def _open(context, url):
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    _wait_image(page, ".ieisim-charts")
    _wait_image(page, ".ieisim-network")
    return page


def _wait_image(page, selector: str) -> None:
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && "
        "i.naturalWidth > 0; }", arg=selector, timeout=LOAD_TIMEOUT_MS)


def _image_src(page, selector: str) -> str:
    return page.locator(selector).get_attribute("src")


def _year(page) -> str:
    return page.locator(".ieisim-year").inner_text()


def _wait_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => { const e = document.querySelector(s); "
                           "return e && e.innerText.includes(t); }", arg=[selector, text],
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

    charts = _image_src(page, ".ieisim-charts")
    _step(page, 3)
    assert _year(page).startswith("Year 1.5")
    assert _image_src(page, ".ieisim-charts") != charts  # the charts were redrawn

    # move a slider with the keyboard; the value applies on Reset
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
    _wait_text(page, ".v-alert", "apply when you press Reset")
    page.get_by_role("button", name="Reset", exact=True).click()
    _wait_text(page, ".ieisim-year", "Year 0.0")
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
    _wait_text(page, ".ieisim-year", "Year 1.0")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled()
    # over several play intervals at most the one step already under way at the click lands
    # (playing on would add one per interval; a slow machine can only show fewer steps)
    seen = observe_for(PLAY_INTERVAL_S * 6, lambda: _year(page))
    assert len(set(seen)) <= 2, seen
    page.get_by_role("button", name="Reset", exact=True).click()
    _wait_text(page, ".ieisim-year", "Year 0.0")

    # side by side: the network shows two panels
    width = page.evaluate("document.querySelector('.ieisim-network').naturalWidth")
    page.locator(".ieisim-compare input").check()
    page.wait_for_function("w => document.querySelector('.ieisim-network').naturalWidth > w",
                           arg=width, timeout=LOAD_TIMEOUT_MS)
    _step(page, 2)
    _wait_image(page, ".ieisim-charts")
    page.screenshot(path=str(ARTIFACTS / "app-side-by-side.png"), full_page=True)

    # language switch
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="单步", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    assert _year(page).startswith("第 1.0 年")
    _wait_image(page, ".ieisim-charts")
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
    _wait_image(page, ".ieisim-charts")
    _step(page)
    assert _year(page).startswith("Year 0.5")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-offline.png"), full_page=True)
    local_failures = [u for u in failed if u not in blocked]
    assert local_failures == [], local_failures
    context.close()
