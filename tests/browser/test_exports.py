"""Exports in headless Chromium: the chart toolbar speaks German (PNG download), the
profile's PDF and the comparison's CSV download from their links."""

from __future__ import annotations

from pathlib import Path

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import,
# and so do the demo server and browser of the page tests.
from tests.browser import test_pages
from tests.browser.test_pages import ARTIFACTS, Recorder, _login, _settle

server = test_pages.server  # module-scoped fixtures: this module gets its own server
browser = test_pages.browser


def _png_button_title(page) -> str:
    graph = page.locator("#compare-bar")
    graph.hover()
    button = graph.locator(".modebar-btn[data-attr='zoom'], .modebar-btn").filter(
        has=page.locator("svg")).first
    button.wait_for(state="attached")
    return page.evaluate("""() => {
        const b = document.querySelector('#compare-bar .modebar-btn[data-title*="PNG"]');
        return b ? b.getAttribute('data-title') : null; }""")


def test_b30_chart_toolbar_is_german_and_exports_download(server, browser) -> None:
    base, logins = server
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="de-DE",
                                  accept_downloads=True)
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["leadership"])
    page.goto(base + "/vergleich?indicator=einwohner&level=district")
    _settle(page)
    assert _png_button_title(page) == "Graphen als PNG herunterladen"
    # the locale came from our own server, registered with plotly
    assert page.evaluate("() => !!(window.Plotly && Plotly.register)")
    page.screenshot(path=str(ARTIFACTS / "export-modebar-de.png"))
    with page.expect_download() as png:
        page.locator('#compare-bar .modebar-btn[data-title="Graphen als PNG herunterladen"]'
                     ).click()
    assert png.value.suggested_filename.endswith(".png")
    with page.expect_download() as csv_file:
        page.locator("#compare-downloads-csv").click()
    assert csv_file.value.suggested_filename.startswith("Einwohnerinnen_und_Einwohner_")
    text = Path(csv_file.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Gebietsschlüssel;Gebiet;Ebene;Zeitraum;Wert")

    page.goto(base + "/profil?area=0103")
    _settle(page)
    with page.expect_download() as pdf:
        page.locator(".export-links a", has_text="PDF").click()
    assert pdf.value.suggested_filename == "Stadtteilprofil_Bahnhofsviertel_0103.pdf"
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    page.screenshot(path=str(ARTIFACTS / "export-profile-links.png"))

    page.goto(base + "/lang/en?next=/vergleich?indicator=einwohner%26level=district")
    _settle(page)
    assert _png_button_title(page) == "Download plot as a PNG"
    assert not recorder.errors, recorder.errors
    assert not recorder.foreign, recorder.foreign
    context.close()


def test_b31_catalogue_links_into_the_comparison(server, browser) -> None:
    base, logins = server
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["committee"])
    page.goto(base + "/indikatoren")
    _settle(page)
    assert page.locator("#catalogue-results .card").count() > 30
    assert page.locator("#ind-hze_je_1000_unter_21").count() == 0  # restricted: not shown
    page.screenshot(path=str(ARTIFACTS / "export-catalogue.png"))
    page.locator("#catalogue-results .card", has=page.locator("#ind-sgb2_quote")).get_by_role(
        "link", name="Im Vergleich öffnen").click()
    page.wait_for_url("**/vergleich?indicator=sgb2_quote*")
    _settle(page)
    assert page.locator("#compare-grid .ag-row").count() > 3
    assert not recorder.errors, recorder.errors
    context.close()
