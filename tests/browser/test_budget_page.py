"""The Haushalt page in headless Chromium (controlling, committee), and the comparison
page's note for a city-only budget indicator; screenshots go to test-artifacts/."""

from __future__ import annotations

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import.
from tests.browser.test_pages import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Recorder,
    _login,
    _settle,
    browser,
    server,
)


def test_h01_budget_page_as_controlling_with_drill_down(server, browser) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["controlling"])
    page.goto(base + "/haushalt?year=2024")
    _settle(page)
    assert page.get_by_role("heading", name="Haushalt: Plan und Ergebnis").is_visible()
    assert page.get_by_role("heading", name="Ergebnishaushalt").is_visible()
    assert page.get_by_role("heading", name="Finanzhaushalt").is_visible()
    grid = page.locator("#budget-grid-ergebnis")
    grid.get_by_text("06 Kinder-, Jugend- und Familienhilfe").first.wait_for()
    assert page.locator("#budget-chart-finanz .main-svg").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "haushalt-controlling.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "haushalt-controlling-screen.png"))
    # A click on a Produktbereich opens its Produktgruppen.
    grid.get_by_text("06 Kinder-, Jugend- und Familienhilfe").first.click()
    grid.get_by_text("0603 Hilfen zur Erziehung").first.wait_for()
    _settle(page)
    assert "bereich=06" in page.url
    assert page.get_by_text("Produktgruppen des Produktbereichs 06").is_visible()
    page.get_by_label("EUR je Einwohner").check()
    page.get_by_text("Je Einwohner: geteilt durch").wait_for()
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / "haushalt-drilldown-je-einwohner.png"),
                    full_page=True)
    page.get_by_role("button", name="Zurück zu allen Produktbereichen").click()
    grid.get_by_text("01 Innere Verwaltung").first.wait_for()
    assert not recorder.errors, recorder.errors
    assert not recorder.failed, recorder.failed
    assert not recorder.foreign, recorder.foreign
    context.close()


def test_h02_committee_sees_the_internal_budget(server, browser) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="de-DE")
    page = context.new_page()
    _login(page, base, *logins["committee"])
    toggle = page.get_by_role("button", name="Navigation ein- oder ausblenden")
    if toggle.is_visible():  # the menu is collapsed at tablet width
        toggle.click()
    page.get_by_role("link", name="Haushalt").first.click()
    _settle(page)
    finanz = page.locator("#budget-grid-finanz")
    finanz.get_by_text("03 Schulträgeraufgaben").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "haushalt-committee-tablet.png"), full_page=True)
    # A full-page capture leaves the grid below the fold unpainted; as a reader scrolls:
    finanz.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "haushalt-committee-tablet-finanzhaushalt.png"))
    context.close()


def test_h03_city_only_indicator_shows_a_note_instead_of_a_map(server, browser) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
    page = context.new_page()
    _login(page, base, *logins["controlling"])
    page.goto(base + "/vergleich?indicator=investitionen_umsetzungsquote&level=city")
    _settle(page)
    page.get_by_text("Dieser Indikator liegt nur für die Gesamtstadt vor").wait_for()
    page.screenshot(path=str(ARTIFACTS / "vergleich-nur-gesamtstadt.png"), full_page=True)
    context.close()
