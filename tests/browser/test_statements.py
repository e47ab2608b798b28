"""Kernaussagen in headless Chromium: controlling adds and publishes a statement and hides a
generated one on the page Kernaussagen; a committee member sees the card on the
comparison page, the hand-written statement marked; screenshots of both."""

from __future__ import annotations

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import,
# and so do the demo server and browser of the page tests.
from tests.browser import test_pages
from tests.browser.test_pages import ARTIFACTS, Recorder, _login, _settle

server = test_pages.server  # module-scoped fixtures: this module gets its own server
browser = test_pages.browser
CHOICE = "indicator=sgb2_quote&level=subdistrict&period=2024"
#: The page's layout has arrived (_settle also passes while the scripts that will ask for
#: it still run on a loaded machine; leaving then aborts that request).
ARRIVED = ("() => { const c = document.getElementById('_pages_content');"
           " return c !== null && c.childElementCount > 0; }")


def _open(page, url: str) -> None:
    """Go to `url` once the current page has its layout, and wait for the new one's."""
    page.wait_for_function(ARRIVED, timeout=60000)
    page.goto(url)
    page.wait_for_function(ARRIVED, timeout=60000)
    _settle(page)
OWN = "Im Hafen bleibt die SGB-II-Quote mit Abstand am höchsten; das Quartiersmanagement wirkt."


def test_b30_controlling_publishes_a_statement_and_committee_reads_it(server, browser) -> None:
    base, logins = server
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["controlling"])
    _open(page, f"{base}/kernaussagen?{CHOICE}")
    generated = page.locator("#statements-generated")
    generated.get_by_text("Unter den 24 Gebieten mit Wert").wait_for()
    # a bad input first: German message, nothing saved
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Bitte einen Text eingeben.").wait_for()
    page.get_by_label("Text (deutsch)").fill(OWN)
    page.get_by_label("Veröffentlichen (im Stadtteilvergleich zeigen)").check()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Kernaussage gespeichert.").wait_for()
    page.locator('[data-statement="trend"]').get_by_role("button", name="Ausblenden").click()
    page.get_by_text("ist ausgeblendet").wait_for()
    _settle(page)
    preview = page.locator("#statements-preview").inner_text()
    assert OWN in preview and "von Hand geschrieben" in preview and "Trend" not in preview
    page.screenshot(path=str(ARTIFACTS / "kernaussagen-bearbeiten.png"), full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    reader = Recorder(page, base)
    _login(page, base, *logins["committee"])
    _open(page, f"{base}/vergleich?{CHOICE}")
    card = page.locator(".statements-card")
    card.wait_for()
    text = card.inner_text()
    assert "Kernaussagen" in text and OWN in text and "✎ von Hand geschrieben" in text
    assert "Unter den 24 Gebieten mit Wert hat Hafen den höchsten Wert (21,0" in text
    assert "Trend 20" not in text  # hidden by controlling
    page.screenshot(path=str(ARTIFACTS / "vergleich-kernaussagen.png"), full_page=False)
    card.screenshot(path=str(ARTIFACTS / "vergleich-kernaussagen-karte.png"))
    # A new choice redraws the card through its own callback (the entry is for 2024).
    page.locator("#compare-period").click()
    page.get_by_role("option").filter(has_text="2023").first.click()
    page.wait_for_function(
        "() => { const c = document.querySelector('.statements-card');"
        " return c && c.innerText.includes('Gegenüber 2022'); }", timeout=60000)
    assert OWN not in page.locator(".statements-card").inner_text()
    _settle(page)
    # Many suppressed cells (uebergang_hauptschule): counted, never named.
    _open(page, f"{base}/vergleich?indicator=uebergang_hauptschule&level=subdistrict"
                "&period=2024")
    hidden = page.locator(".statements-card").inner_text()
    assert "Gebiete sind ohne Wert (Geheimhaltung oder fehlende Daten)" in hidden
    page.locator(".statements-card").screenshot(
        path=str(ARTIFACTS / "vergleich-kernaussagen-geheimhaltung.png"))
    assert page.get_by_role("link", name="Kernaussagen").count() == 0  # not in their menu
    _open(page, base + "/kernaussagen")
    assert "Kernaussagen pflegen nur Controlling und Administration." in page.content()
    context.close()
    for who, rec in (("controlling", recorder), ("committee", reader)):
        assert rec.foreign == [] and rec.errors == [], who
        # A load the browser drops when the test moves on (a font, on a loaded machine) is
        # no failure; every HTTP error and every other network failure is.
        assert [f for f in rec.failed if not f.endswith("net::ERR_ABORTED")] == [], who
