"""The comparison map in Chromium: its geometry is fetched once, by URL, with the session.

The map figure of every comparison callback names the versioned geometry route instead of
carrying the boundaries (cockpit/api/geometry.py); plotly.js fetches that URL with the
session cookie (same origin) and keeps it, so changing the indicator twice draws three maps
from one geometry request. Screenshot: test-artifacts/map-geometry-once.png.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.browser.test_pages import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Recorder,
    _login,
    _settle,
    browser,
    server,
)

GEOMETRY = "/api/v1/areas/geojson"
POLYGONS = "() => document.querySelectorAll('#compare-map path.choroplethlocation').length"


def _choose(page, component: str, text: str) -> None:
    """Pick an option of a Dash dropdown by its visible text, as a person would."""
    page.locator(f"#{component}").click()
    page.get_by_role("option", name=text, exact=True).click()


def test_geometry_is_fetched_once_while_the_indicator_changes(server, browser) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(90_000)  # the machine may be busy; what counts is the count
    recorder = Recorder(page, base)
    fetched: list[tuple[str, int]] = []
    page.on("response", lambda r: fetched.append((r.url, r.status))
            if urlsplit(r.url).path == GEOMETRY else None)
    _login(page, base, *logins["committee"])
    page.goto(base + "/vergleich?indicator=kinderarmut&level=subdistrict&period=2024")
    _settle(page)
    page.wait_for_function(f"() => ({POLYGONS})() === 24")
    captions = [page.locator("#compare-caption").inner_text()]
    for title in ("SGB-II-Quote", "Einwohnerinnen und Einwohner"):
        _choose(page, "compare-indicator", title)
        page.wait_for_function(
            "(before) => document.querySelector('#compare-caption').innerText !== before",
            arg=captions[-1])
        _settle(page)
        page.wait_for_function(f"() => ({POLYGONS})() === 24")
        captions.append(page.locator("#compare-caption").inner_text())
    assert "SGB-II-Quote" in captions[1] and "Einwohner" in captions[2]

    # One geometry request for three maps, answered with the session cookie.
    assert len(fetched) == 1, fetched
    url, status = fetched[0]
    assert status == 200
    assert parse_qs(urlsplit(url).query).keys() == {"level", "period", "v"}

    # The hover names the area from the geometry's properties, with value and class.
    page.locator("#compare-map path.choroplethlocation").nth(3).hover(force=True)
    page.wait_for_selector("#compare-map .hoverlayer .hovertext")
    hover = page.locator("#compare-map .hoverlayer .hovertext").text_content()
    assert "properties" not in hover and "%{" not in hover
    assert "Klasse" in hover or "Geheimhaltung" in hover or "keine Daten" in hover
    names = {f["properties"]["name"] for f in context.request.get(url).json()["features"]}
    assert any(hover.startswith(name) for name in names), hover

    # A click on an area highlights it (halo traces over the same URL) and names it in the URL.
    page.locator("#compare-map path.choroplethlocation").nth(3).click(force=True)
    page.wait_for_function("() => location.search.includes('area=')")
    _settle(page)
    page.wait_for_function(f"() => ({POLYGONS})() > 24")  # the two outline traces
    assert len(fetched) == 1, fetched

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#compare-map").screenshot(path=str(ARTIFACTS / "map-geometry-once.png"))
    context.close()
    assert recorder.foreign == []
    assert recorder.failed == []
    assert recorder.errors == []
