"""The comparison page on 540 areas in headless Chromium: a compact ranking with its
gap label and distribution, a scrolling grid that renders only the rows in view, and a
click in the table that highlights the row in the browser (issue 9)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cockpit.appdb import create_demo_users
from cockpit.context import Installation
from cockpit.settings import load_settings

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import.
from tests.browser.test_pages import ARTIFACTS, CHROMIUM, _free_port, playwright_api

ROOT = Path(__file__).resolve().parents[2]


def _build(home: Path) -> tuple[str, str]:
    spec = importlib.util.spec_from_file_location("scale_city", ROOT / "bench" / "scale_city.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_city", module)
    spec.loader.exec_module(module)
    inst = Installation(load_settings(home=str(home)))
    module.build(inst, districts=18, areas=540)
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="001", department="jugendamt")
    return next((u.name, pw) for u, pw in created if u.role == "committee")


@pytest.fixture(scope="module", params=["browser rows", "server blocks"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("compare-540")
    login = _build(home)
    port = _free_port()
    env = {**os.environ, "COCKPIT_SECRET_KEY": "browser-compare-scale"}
    if request.param == "server blocks":
        # 540 rows above the limit: the grid's infinite row model asks the server for blocks
        env["COCKPIT_GRID_CLIENT_ROWS"] = "100"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--home", str(home), "serve", "--port", str(port),
         "--workers", "1"],
        stdout=open(home / "server.log", "w"), stderr=subprocess.STDOUT, text=True,  # noqa: SIM115
        env=env,
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
    yield base, login, request.param.replace(" ", "-")
    proc.terminate()
    proc.wait(timeout=30)


def test_compact_ranking_scrolling_grid_and_highlight(server) -> None:
    base, (name, password), mode = server
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/login")
        page.get_by_label("Benutzername").fill(name)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.goto(base + "/vergleich?indicator=sgb2_quote&level=subdistrict")
        page.wait_for_selector("#compare-bar .main-svg", timeout=30_000)
        page.locator("#compare-bar text", has_text="weitere Gebiete").first.wait_for(
            timeout=30_000)
        text = page.locator("#compare-bar").text_content()
        assert "vollständige Liste in der Tabelle" in text
        assert "Verteilung aller" in text
        bar_height = page.locator("#compare-bar").bounding_box()["height"]
        assert bar_height < 3000  # 50 bars, a gap and the distribution, not 540 bars
        page.wait_for_selector("#compare-grid .ag-row", timeout=30_000)
        rendered = page.locator("#compare-grid .ag-center-cols-container .ag-row").count()
        assert 0 < rendered < 100  # virtual rows: only what is in view, not 540
        # sorting by name asks again (server blocks) or sorts in the browser: same first row
        page.locator("#compare-grid .ag-header-cell-text", has_text="Gebiet").first.click()
        page.locator("#compare-grid .ag-center-cols-container .ag-row[row-index='0']",
                     has_text="Gemeinde 1-1").first.wait_for(timeout=15_000)
        page.locator("#compare-grid .ag-header-cell-text", has_text="Gebiet").first.click()
        page.locator("#compare-grid .ag-center-cols-container .ag-row[row-index='0']",
                     has_text="Gemeinde 9-").first.wait_for(timeout=15_000)
        page.locator("#compare-grid .ag-header-cell-text", has_text="Gebiet").first.click()
        grid_height = page.locator("#compare-grid").bounding_box()["height"]
        assert grid_height < 700
        first = page.locator(
            "#compare-grid .ag-center-cols-container .ag-row[row-index='0'][row-id]").first
        first.wait_for(timeout=15_000)
        row_id = first.get_attribute("row-id")
        assert row_id and row_id != "None"
        first.locator(".ag-cell").nth(1).click()
        page.wait_for_selector(
            f"#compare-grid .ag-center-cols-container .ag-row[row-id='{row_id}']"
            ".compare-highlight-row, #compare-grid .ag-center-cols-container "
            f".ag-row.compare-highlight-row[row-id='{row_id}']", timeout=15_000)
        assert page.locator("#compare-grid .compare-highlight-row").count() >= 1
        # the ranking marks it too: its bar in the highlight colour (plotly draws the fill)
        page.locator("#compare-bar path[style*='rgb(213, 94, 0)']").first.wait_for(
            timeout=15_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"compare-540-{mode}.png"), full_page=True)
        browser.close()
    assert not errors, errors
