"""Whole flows in headless Chromium: login, every page, no errors, no outside requests.

Screenshots of each page at 1920x1080, 1024x768 and 390x844 go to test-artifacts/
Needs Debian's chromium at /usr/bin/chromium (CI installs it); without it the
tests are skipped unless COCKPIT_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PAGES = {
    "uebersicht": "/",
    "vergleich": "/vergleich?indicator=kinderarmut&level=subdistrict",
    "zeitreihe": "/zeitreihe?indicator=einwohner",
    "zusammenhang": "/zusammenhang?x=sgb2_quote&y=arbeitslosenquote",
    "profil": "/profil?area=0103",
    "indikatoren": "/indikatoren",
}
VIEWPORTS = {"desktop": (1920, 1080), "tablet": (1024, 768), "phone": (390, 844)}

if not Path(CHROMIUM).exists():
    if os.environ.get("COCKPIT_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} missing but COCKPIT_REQUIRE_BROWSER=1")
    pytest.skip("Debian chromium not installed", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("browser-home")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--home", str(home), "serve", "--demo",
         "--port", str(port), "--workers", "1"],
        stdout=open(home / "server.log", "w"), stderr=subprocess.STDOUT, text=True,  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError((home / "server.log").read_text())
    logins = {}
    for line in (home / "demo-logins.txt").read_text().splitlines()[1:]:
        name, role, password = line.split("\t")
        logins[role] = (name, password)
    yield base, logins
    proc.terminate()
    proc.wait(timeout=30)
    (ARTIFACTS / "server.log").write_text((home / "server.log").read_text())


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Recorder:
    """Collects console errors, failed requests and requests to other hosts."""

    def __init__(self, page, base: str) -> None:
        self.host = urlparse(base).netloc
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url} {req.failure}"))
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != self.host:
            self.foreign.append(request.url)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} HTTP {response.status}")


def _login(page, base: str, name: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + "/")
    _settle(page)  # leaving a page mid-load would abort its requests


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    # Network quiet is no proof the renderer has drawn: while a loaded machine runs the
    # scripts (plotly.js before the renderer) nothing is on the wire for a while.
    # On a Dash page, wait for the page content (the layout can take seconds on a loaded
    # machine); plain pages (login, 404) have no React root.
    page.wait_for_function(
        "() => !document.getElementById('react-entry-point')"
        " || (document.getElementById('_pages_content') || {childElementCount: 0})"
        ".childElementCount > 0", timeout=60000)
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=20000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_b01_every_page_loads_cleanly(server, browser, viewport: str) -> None:
    base, logins = server
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["leadership"])
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in PAGES.items():
        page.goto(base + path)
        _settle(page)
        assert page.locator("h1").count() == 1, name
        assert "Traceback" not in page.content()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is {overflow}px wider than the {viewport} screen"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport}.png"), full_page=True)
    context.close()
    assert recorder.foreign == []
    assert recorder.failed == []
    assert recorder.errors == []


def test_b02_login_is_required_and_wrong_password_is_refused(server, browser) -> None:
    base, logins = server
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/vergleich")
    assert "/login" in page.url
    page.get_by_label("Benutzername").fill(logins["admin"][0])
    page.get_by_label("Passwort").fill("falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert page.get_by_role("alert").inner_text().startswith("Anmeldung fehlgeschlagen")
    context.close()


def test_b03_permalink_reproduces_the_comparison(server, browser) -> None:
    base, logins = server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _login(page, base, *logins["committee"])
    page.goto(base + "/vergleich?indicator=sgb2_quote&period=2020&level=district&area=02")
    _settle(page)
    assert "period=2020" in page.url and "area=02" in page.url
    assert page.locator(".compare-highlight-row").count() >= 1
    assert "2020" in page.locator("#compare-caption").inner_text()
    context.close()


def test_b04_no_content_security_policy_violation_and_logout_by_button(server, browser) -> None:
    """The CSP header (findings 6) breaks nothing on any page; logout is a POST form."""
    base, logins = server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    recorder = Recorder(page, base)
    # Violations are also console errors; this listener names the directive.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
    _login(page, base, *logins["controlling"])
    for path in [*PAGES.values(), "/lieferung"]:
        response = page.goto(base + path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        _settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("nav").first.screenshot(path=str(ARTIFACTS / "navbar-logout.png"))
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(base + "/login")
    page.goto(base + "/vergleich")
    assert "/login" in page.url
    context.close()
    assert recorder.foreign == []
    assert recorder.errors == []


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_b05_admin_navigation_fits_and_logout_is_reachable(server, browser, width: int) -> None:
    """The admin has the longest menu: it fits the screen or collapses, never runs off it."""
    base, logins = server
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE")
    page = context.new_page()
    _login(page, base, *logins["admin"])
    page.goto(base + "/protokoll")
    _settle(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{overflow}px wider than the screen"
    toggler = page.locator("#nav-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_timeout(500)
    logout = page.get_by_role("button", name="Abmelden")
    logout.scroll_into_view_if_needed()
    box = logout.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    page.screenshot(path=str(ARTIFACTS / f"navbar-admin-{width}.png"))
    # The administration pages sit in the "Verwaltung" dropdown, reachable by keyboard.
    page.get_by_role("button", name="Verwaltung").focus()
    page.keyboard.press("Enter")
    tokens = page.locator(".dropdown-menu").get_by_role("link", name="API-Tokens")
    tokens.wait_for()
    tokens.click()
    page.wait_for_url(base + "/tokens")
    context.close()
