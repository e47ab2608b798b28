"""An index in Chromium: the comparison map with the index's class legend and the
Index-Zerlegung page, with no errors and no outside requests; screenshots go to
test-artifacts/ (index-map.png, index-breakdown.png)."""

from __future__ import annotations

from tests.browser.test_pages import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Recorder,
    _login,
    _settle,
    browser,
    server,
)


def test_b20_index_map_and_breakdown(server, browser) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["leadership"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base + "/vergleich?indicator=mss_status&level=subdistrict&period=2024")
    _settle(page)
    page.wait_for_selector("#compare-map .choroplethlayer path", timeout=60000)
    legend = page.locator("#compare-map .colorbar").text_content()
    for label in ("hoch", "mittel", "niedrig", "sehr niedrig"):
        assert label in legend
    page.locator("#compare-map").screenshot(path=str(ARTIFACTS / "index-map.png"))
    page.goto(base + "/index-zerlegung?index=mss_status&level=subdistrict&period=2024"
                     "&area=0101")
    _settle(page)
    page.wait_for_selector("#breakdown-graph .barlayer path", timeout=60000)
    text = page.locator("#breakdown-details").inner_text()
    assert "Klasse im Zeitverlauf" in text
    page.screenshot(path=str(ARTIFACTS / "index-breakdown.png"), full_page=True)
    context.close()
    assert recorder.foreign == []
    # A request the browser drops because the test moved to the next page is no failure.
    assert [f for f in recorder.failed if "ERR_ABORTED" not in f] == []
    assert recorder.errors == []
