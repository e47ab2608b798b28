"""Targets in headless Chromium: controlling sets a target on the page Zielwerte, the
leadership sees its status on the Übersicht (symbol and word); screenshots of both."""

from __future__ import annotations

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import,
# and so do the demo server and browser of the page tests.
from tests.browser import test_pages
from tests.browser.test_pages import ARTIFACTS, Recorder, _login, _settle

server = test_pages.server  # module-scoped fixtures: this module gets its own server
browser = test_pages.browser


def _choose(page, component: str, text: str) -> None:
    """Pick an option of a dcc.Dropdown by typing into its search."""
    page.locator(f"#{component}").click()
    page.keyboard.type(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    page.keyboard.press("Escape")


def test_b20_controlling_sets_a_target_and_leadership_sees_its_status(server, browser) -> None:
    base, logins = server
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["controlling"])
    page.goto(base + "/zielwerte")
    _settle(page)
    # Arbeitslosenquote of the city: 5,20 % in 2020, 4,99 % in 2025. Falling to 4,0 % by
    # 2030, the path stands at 4,60 % in 2025: behind it, but better than in 2020.
    _choose(page, "targets-indicator", "Arbeitslosenquote (Anteil")
    _choose(page, "targets-area", "Musterstadt")
    page.wait_for_timeout(500)  # the base periods follow indicator and area
    _choose(page, "targets-base", "2020")
    page.get_by_role("textbox", name="Zieljahr").fill("2030")
    page.get_by_label("sinken").check()
    # a bad input first: German message, nothing saved
    page.get_by_role("textbox", name="Zielwert").fill("viel")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Zielwert: „viel“ ist keine Zahl.").wait_for()
    assert page.locator(".targets-row").count() == 0
    page.get_by_role("textbox", name="Zielwert").fill("4,0")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("gespeichert").wait_for()
    _settle(page)
    row = page.locator(".targets-row").first
    assert "Arbeitslosenquote" in row.inner_text() and "gefährdet" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "zielwerte-controlling.png"), full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
    page = context.new_page()
    leader = Recorder(page, base)
    _login(page, base, *logins["leadership"])
    card = page.locator("#overview-card-arbeitslosenquote")
    text = card.inner_text()
    assert "Ziel 2030: 4,0" in text and "(sinken)" in text
    assert "⚠" in text and "gefährdet" in text
    assert "Zielpfad 2025: 4,6" in text
    assert page.locator("#overview-card-sgb2_quote .target-status").count() == 0
    assert page.get_by_role("link", name="Zielwerte").count() == 0  # not in their menu
    page.screenshot(path=str(ARTIFACTS / "uebersicht-zielwerte.png"), full_page=True)
    card.screenshot(path=str(ARTIFACTS / "uebersicht-zielwerte-karte.png"))
    response = page.goto(base + "/zielwerte")
    _settle(page)
    assert "Zielwerte pflegen nur Controlling und Administration." in page.content()
    context.close()
    for who, rec in (("controlling", recorder), ("leadership", leader)):
        assert rec.foreign == [] and rec.errors == [], who
        assert rec.failed == [], who
    assert response is not None
