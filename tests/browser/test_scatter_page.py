"""The Zusammenhang page in headless Chromium: drawn, clickable, the URL follows the
choices; screenshots go to a temporary folder (the path is printed)."""

from __future__ import annotations

from pathlib import Path

import pytest

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import.
from tests.browser.test_pages import (  # noqa: F401 - fixtures
    ARTIFACTS,
    Recorder,
    _login,
    _settle,
    browser,
    server,
)


@pytest.fixture(scope="module", autouse=True)
def _artifacts() -> None:
    ARTIFACTS.mkdir(exist_ok=True)  # the server fixture leaves its log there


QUERY = "/zusammenhang?x=sgb2_quote&y=arbeitslosenquote&level=subdistrict&period=2024"


def test_z01_scatter_as_leadership_with_highlight_and_bubbles(server, browser,  # noqa: F811
                                                               tmp_path: Path) -> None:
    base, logins = server
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    _login(page, base, *logins["leadership"])
    recorder = Recorder(page, base)
    page.goto(base + QUERY)
    _settle(page)
    assert page.get_by_role("heading", name="Zusammenhang zweier Indikatoren").is_visible()
    page.get_by_text("Korrelation nach Pearson: r =").wait_for()
    page.get_by_text("n = 24 Gebiete").wait_for()
    graph = page.locator("#scatter-graph")
    assert graph.locator(".scatterlayer .trace").count() >= 2  # trend line and points
    assert graph.locator(".scatterlayer .point").count() == 24
    assert graph.get_by_text("Trendlinie (kleinste Quadrate)").is_visible()
    # Every control has its visible label.
    for control, label in (("x", "Indikator auf der x-Achse"), ("y", "Indikator auf der y-Achse"),
                           ("period", "Zeitraum"), ("level", "Gebietsebene"),
                           ("highlight", "Gebiet hervorheben")):
        assert page.locator(f'label[for="scatter-{control}"]').inner_text() == label
    page.screenshot(path=str(tmp_path / "zusammenhang.png"), full_page=True)

    # A click on a point highlights its area, in the URL too.
    graph.locator(".scatterlayer .point").nth(5).click(force=True)
    page.wait_for_function("() => window.location.search.includes('area=')", timeout=20000)
    _settle(page)
    assert graph.get_by_text("Hervorgehoben").is_visible()
    page.get_by_text("Punktgröße nach Einwohnerzahl").click()
    page.wait_for_function("() => window.location.search.includes('size=1')", timeout=20000)
    _settle(page)
    page.screenshot(path=str(tmp_path / "zusammenhang-blasen.png"), full_page=True)
    assert not recorder.errors, recorder.errors
    # On a loaded machine the Übersicht shown after the login may still be fetching its
    # layout when the test leaves it: that abort is the browser leaving, not a failure
    # (this page's own layout drew, or the text above would be missing).
    failed = [f for f in recorder.failed if not f.endswith("/_dash-layout net::ERR_ABORTED")]
    assert not failed, failed
    assert not recorder.foreign, recorder.foreign
    print(f"screenshots in {tmp_path}")
    context.close()


def test_z02_district_user_sees_own_district_and_withheld_values_counted(  # noqa: F811
        server, browser, tmp_path: Path) -> None:  # noqa: F811
    base, logins = server
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="de-DE")
    page = context.new_page()
    _login(page, base, *logins["district"])
    page.goto(base + "/zusammenhang?x=sgb2_quote&y=hze_stationaer_je_1000_unter_21"
                     "&level=subdistrict&period=2024")
    _settle(page)
    page.get_by_text("Eigener Bezirk").first.wait_for()
    assert page.get_by_text("geheim gehalten").is_visible()
    assert page.get_by_text("weil Sie einen der Indikatoren dort nicht sehen dürfen").is_visible()
    page.screenshot(path=str(tmp_path / "zusammenhang-bezirk.png"), full_page=True)
    print(f"screenshots in {tmp_path}")
    context.close()
