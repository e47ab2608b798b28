"""German texts inside AG Grid and dcc.Dropdown in the browser (no English component text)."""

from __future__ import annotations

from tests.browser import test_pages
from tests.browser.test_pages import _login, _settle

server = test_pages.server
browser = test_pages.browser


def test_grid_and_dropdown_speak_german(server, browser) -> None:
    base, logins = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    _login(page, base, *logins["leadership"])
    page.goto(base + "/zeitreihe?indicator=einwohner&areas=01,02,03")
    _settle(page)
    text = page.locator("#timeseries-areas").inner_text()
    assert "ausgewählt" in text and "selected" not in text, text
    page.goto(base + "/vergleich?indicator=kinderarmut&level=subdistrict")
    _settle(page)
    grid = page.locator("#compare-grid")
    grid.get_by_label("Gebiet Filtereingang").fill("zzzz-kein-gebiet")
    overlay = grid.locator(".ag-overlay-no-matching-rows-center")
    overlay.filter(has_text="Keine passenden Zeilen").wait_for()
    assert "No Matching Rows" not in grid.inner_text()
    context.close()
