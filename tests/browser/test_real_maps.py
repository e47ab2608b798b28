"""Screenshots of the real examples' maps: Köln's Stadtteile and Germany's 10,997 Gemeinden.

Each example is built through the command line (tests/conftest.py) and served by
`cockpit serve` as a user would; the comparison page is opened in headless Chromium and
the map is photographed to test-artifacts/. Needs ../shared/samples (CI has it) and
Debian's chromium.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.test_pages import (  # noqa: F401 - the browser fixture
    ARTIFACTS,
    Recorder,
    _free_port,
    _login,
    browser,
)
from tests.examples.setup import PASSWORD, Example

pytestmark = pytest.mark.samples


def _serve(example: Example, log: Path):
    port = _free_port()
    env = {**os.environ, **example.env, "COCKPIT_SECRET_KEY": "screenshot-test-key"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT, text=True,  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return proc, base
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(log.read_text())


def _settle_slowly(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    page.wait_for_timeout(300)


def _photograph_map(browser, example: Example, path: str, name: str,  # noqa: F811
                    tmp_path: Path) -> tuple[Path, str, Recorder]:
    proc, base = _serve(example, tmp_path / f"{name}-server.log")
    try:
        context = browser.new_context(viewport={"width": 1600, "height": 1000},
                                      locale="de-DE")
        page = context.new_page()
        # 10,997 Gemeinden take their time (how fast pages are at that scale is the speed
        # issue's subject); the screenshot is about what is drawn.
        page.set_default_timeout(300_000)
        recorder = Recorder(page, base)
        _login(page, base, "statistik", PASSWORD)
        page.goto(base + path, timeout=300_000)
        _settle_slowly(page)
        # The map is drawn when its polygons are in the page (plotly's SVG paths).
        page.wait_for_function(
            "() => document.querySelectorAll('#compare-map path.choroplethlocation').length"
            " > 0")
        page.wait_for_timeout(1000)
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"{name}.png"
        page.locator("#compare-map").screenshot(path=str(shot))
        page.screenshot(path=str(ARTIFACTS / f"{name}-page.png"))  # the first screen
        caption = page.locator("#compare-caption").inner_text()
        polygons = page.evaluate(
            "() => document.querySelectorAll('#compare-map path.choroplethlocation').length")
        context.close()
        return shot, f"{caption}|{polygons}", recorder
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_koeln_comparison_map(browser, koeln_example: Example, tmp_path: Path) -> None:  # noqa: F811
    shot, seen, recorder = _photograph_map(
        browser, koeln_example,
        "/vergleich?indicator=auslaenderanteil&level=stadtteil&period=2012",
        "koeln-vergleich-stadtteile", tmp_path)
    caption, polygons = seen.rsplit("|", 1)
    assert int(polygons) == 86
    assert "2012" in caption
    assert shot.stat().st_size > 20_000
    assert recorder.foreign == [] and recorder.errors == [] and recorder.failed == []


@pytest.mark.slow
def test_germany_gemeinde_map(browser, deutschland_example: Example,  # noqa: F811
                              tmp_path: Path) -> None:
    shot, seen, recorder = _photograph_map(
        browser, deutschland_example,
        "/vergleich?indicator=frauenanteil&level=gemeinde&period=2015",
        "deutschland-vergleich-gemeinden", tmp_path)
    caption, polygons = seen.rsplit("|", 1)
    assert int(polygons) >= 10_700  # Gemeinden with a value (the others have none)
    assert "2015" in caption
    assert shot.stat().st_size > 50_000
    assert recorder.foreign == [] and recorder.errors == [] and recorder.failed == []
