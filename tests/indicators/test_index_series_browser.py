"""An index's time series and an area profile with indices in Chromium: the class axis
with the ordered labels, the class table, the profile rows with class text and the
breakdown link; no errors and no outside requests. Screenshots go to test-artifacts/
(index-timeseries.png, index-profile.png)."""

from __future__ import annotations

from tests.browser.test_pages import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Recorder,
    _login,
    _settle,
    browser,
    server,
)


def test_b21_index_time_series_and_profile(server, browser) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["leadership"])
    ARTIFACTS.mkdir(exist_ok=True)
    # Sozialraumindex: Stadtteile that change class, and one left unclassified
    # ("ohne Zuordnung") in some years.
    page.goto(base + "/zeitreihe?indicator=sozialraumindex&areas=0303,0604,0502")
    _settle(page)
    page.wait_for_selector("#timeseries-graph .scatterlayer .trace", timeout=60000)
    ticks = page.locator("#timeseries-graph .yaxislayer-above .ytick text").all_text_contents()
    assert ticks == ["ohne Zuordnung", "sehr niedrig", "niedrig", "mittel", "hoch",
                     "sehr hoch"]
    table = page.locator("#timeseries-table").inner_text()
    assert "von 5" in table
    assert "Geheimhaltung" in table  # Erlenbruch: a suppressed component, no class
    caption = page.locator("#timeseries-caption").inner_text()
    assert "Klassen in aufsteigender Reihenfolge des Indexwerts" in caption
    page.screenshot(path=str(ARTIFACTS / "index-timeseries.png"), full_page=True)

    page.goto(base + "/profil?area=0302")
    _settle(page)
    row = page.locator("tr[data-indicator='mss_status']")
    row.wait_for(timeout=60000)
    text = row.inner_text()
    assert "von 4" in text or "ohne Zuordnung" in text
    assert "Index-Zerlegung" in text
    page.wait_for_selector("tr[data-indicator='mss_status'] .profile-spark .scatterlayer",
                           timeout=60000)
    section = page.locator("section.profile-topic").filter(has=row)
    section.screenshot(path=str(ARTIFACTS / "index-profile.png"))
    link = row.get_by_role("link", name="Warum diese Klasse? Index-Zerlegung")
    link.click()
    page.wait_for_selector("#breakdown-graph .barlayer path", timeout=60000)
    assert "area=0302" in page.url and "index=mss_status" in page.url
    context.close()
    assert recorder.foreign == []
    assert [f for f in recorder.failed if "ERR_ABORTED" not in f] == []
    assert recorder.errors == []
