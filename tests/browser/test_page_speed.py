"""A fresh browser draws pages with the partial plotly.js bundle (issue 9): every kind of
figure renders without console errors, the comparison is drawn from the layout alone (no
callback request), the full plotly.min.js is never loaded and no request leaves the
server."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.browser.test_pages import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Recorder,
    _login,
    _settle,
    browser,
    server,
)

ARTIFACTS.mkdir(exist_ok=True)  # the server fixture leaves its log there

COMPARE = "/vergleich?indicator=sgb2_quote&level=subdistrict"
DRAWN = ("() => document.querySelectorAll('#compare-bar .bars path').length > 10"
         " && document.querySelectorAll('#compare-map .choroplethlocation').length > 10"
         " && document.querySelectorAll('#compare-grid .ag-row').length > 10")


def _fresh_page(browser, base: str, login: tuple[str, str]):  # noqa: F811
    """A new context (empty cache) logged in; its cookie goes to a second new context."""
    context = browser.new_context()
    page = context.new_page()
    _login(page, base, *login)
    state = context.storage_state()
    context.close()
    context = browser.new_context(storage_state=state, viewport={"width": 1400, "height": 900})
    return context, context.new_page()


def test_comparison_draws_without_a_callback_with_the_partial_bundle(server, browser) -> None:  # noqa: F811
    base, logins = server
    context, page = _fresh_page(browser, base, logins["committee"])
    recorder = Recorder(page, base)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlparse(request.url).path))
    page.goto(base + COMPARE)
    page.wait_for_function(DRAWN, timeout=60000)
    _settle(page)
    callbacks = [path for path in requests if path.endswith("/_dash-update-component")]
    assert callbacks == [], requests  # ranking, map and table came with the layout
    assert "/_dash-component-suites/plotly/package_data/plotly.min.js" not in requests
    assert requests.count("/assets/vendor/plotly/plotly-cockpit.min.js") == 1
    assert "/assets/vendor/topojson/world_110m.json" in requests  # the base map stays local
    # The page's plotly is the partial one, and the German locale reached it.
    assert page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()") == [
        "bar", "box", "choropleth", "histogram", "scatter", "scattergeo"]
    # Period and level came with the layout (no callback chose them).
    assert page.locator("#compare-period").inner_text().strip()
    assert page.locator("#compare-level").inner_text().strip()
    context.close()
    assert recorder.foreign == [] and recorder.failed == [] and recorder.errors == []


def test_every_kind_of_figure_renders_with_the_partial_bundle(server, browser) -> None:  # noqa: F811
    """Bars and map (comparison), lines (time series), sparklines (profile)."""
    base, logins = server
    context, page = _fresh_page(browser, base, logins["leadership"])
    recorder = Recorder(page, base)
    for path, figure in ((COMPARE, "#compare-bar .bars path"),
                         (COMPARE, "#compare-map .choroplethlocation"),
                         ("/zeitreihe?indicator=einwohner", ".js-plotly-plot path.js-line"),
                         ("/profil?area=0103", ".profile-spark path.js-line")):
        page.goto(base + path)
        page.wait_for_function(f"() => document.querySelectorAll({figure!r}).length > 0",
                               timeout=60000)
        _settle(page)
    context.close()
    assert recorder.foreign == [] and recorder.failed == [] and recorder.errors == []


def test_navigating_between_pages_still_goes_through_the_router(server, browser) -> None:  # noqa: F811
    """The first page comes with the layout; a click to another page is the router's."""
    base, logins = server
    context, page = _fresh_page(browser, base, logins["leadership"])
    recorder = Recorder(page, base)
    page.goto(base + COMPARE)
    page.wait_for_function(DRAWN, timeout=60000)
    page.locator("nav a[href='/zeitreihe']").first.click()
    page.wait_for_url(base + "/zeitreihe**")
    _settle(page)
    assert page.locator("h1").count() == 1
    assert page.locator("#compare-bar").count() == 0
    assert page.locator(".js-plotly-plot").count() > 0
    context.close()
    assert recorder.foreign == [] and recorder.failed == [] and recorder.errors == []


def test_layout_is_asked_for_by_the_head_and_the_geometry_fetched_once(server, browser) -> None:  # noqa: F811
    """The inline head script asks for layout and dependencies beside the bundles (the
    renderer takes those answers instead of asking again), then fetches the map's
    geometry ahead; plotly's own request for it is answered from the browser cache."""
    base, logins = server
    context, page = _fresh_page(browser, base, logins["committee"])
    recorder = Recorder(page, base)
    cdp = context.new_cdp_session(page)
    sent: dict[str, dict] = {}
    from_cache: set[str] = set()
    cdp.on("Network.requestWillBeSent", lambda e: sent.__setitem__(e["requestId"], e))
    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    cdp.on("Network.responseReceived",
           lambda e: from_cache.add(e["requestId"]) if e["response"].get("fromDiskCache")
           else None)
    cdp.send("Network.enable")
    page.goto(base + COMPARE)
    page.wait_for_function(DRAWN, timeout=60000)
    _settle(page)
    by_path: dict[str, list[dict]] = {}
    for event in sent.values():
        by_path.setdefault(urlparse(event["request"]["url"]).path, []).append(event)
    for name in ("/_dash-layout", "/_dash-dependencies"):
        assert len(by_path.get(name, [])) == 1, name  # the renderer did not ask again
        frames = by_path[name][0]["initiator"].get("stack", {}).get("callFrames", [])
        assert frames and {urlparse(f["url"]).path for f in frames} == {"/vergleich"}, frames
    geometry = by_path.get("/api/v1/areas/geojson", [])
    assert geometry, "the map's geometry was never asked for"
    over_network = [e for e in geometry if e["requestId"] not in from_cache]
    assert len(over_network) == 1, [e["request"]["url"] for e in geometry]
    # The grid's number format (one Intl.NumberFormat kept per locale and decimals).
    assert page.evaluate("""() => {
        const f = window.dashAgGridFunctions.cockpitNumber;
        return [f({value: 1234.5}, 1, 'de-DE', false), f({value: 1234.5}, 1, 'en-GB', false),
                f({value: -2}, 2, 'de-DE', false), f({value: 3}, 0, 'de-DE', true),
                f({value: 1234.5}, 1, 'de-DE', false),
                f({value: null, data: {suppressed: true}}, 1, 'de-DE', false)];
    }""") == ["1.234,5", "1,234.5", "\u22122,00", "+3", "1.234,5", "\u00b7"]
    context.close()
    assert recorder.foreign == [] and recorder.failed == [] and recorder.errors == []
