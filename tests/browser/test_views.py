"""Views in headless Chromium: controlling builds a view through the builder (live
preview), saves it shared with the committee; a committee member finds it in the menu and
opens it, and sees nothing of the restricted indicator in it. Screenshots of each step."""

from __future__ import annotations

# The Chromium check (skip, or fail when COCKPIT_REQUIRE_BROWSER=1) comes with the import,
# and so do the demo server and browser of the page tests.
from tests.browser import test_pages
from tests.browser.test_pages import ARTIFACTS, Recorder, _login, _settle

server = test_pages.server  # module-scoped fixtures: this module gets its own server
browser = test_pages.browser
HZE_TITLE = "Hilfen zur Erziehung je 1.000 unter 21-Jährige"


def _choose(page, component: str, text: str) -> None:
    """Pick an option of a dcc.Dropdown by typing into its search."""
    page.locator(f"#{component}").click()
    # The dropdown moves the focus into its search box as it opens; a key typed in that
    # moment can get lost on a loaded machine, so the search text is checked and retyped.
    page.wait_for_function("() => document.activeElement"
                           " && document.activeElement.tagName === 'INPUT'")
    for _ in range(3):
        page.keyboard.type(text)
        if page.evaluate("() => document.activeElement.value") == text:
            break
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
    page.get_by_role("option").filter(has_text=text).first.click()
    page.keyboard.press("Escape")


def test_b30_controlling_builds_a_view_and_the_committee_opens_it(server, browser) -> None:
    base, logins = server
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
    page = context.new_page()
    recorder = Recorder(page, base)
    _login(page, base, *logins["controlling"])
    page.goto(base + "/ansichten")
    _settle(page)
    _choose(page, "vb-type", "Tabelle")
    _choose(page, "vb-indicators", "Einwohnerinnen und Einwohner")
    _choose(page, "vb-indicators", "Hilfen zur Erziehung je 1.000")
    _choose(page, "vb-level", "Stadtbezirk")
    preview = page.locator("#vb-preview")
    preview.locator("table.view-table").wait_for(timeout=60000)
    assert HZE_TITLE in preview.inner_text()  # the author's own rights
    # bad input first: no title -> German message, nothing saved
    page.get_by_role("button", name="Speichern", exact=True).click()
    page.get_by_text("Bitte einen Titel angeben.").wait_for()
    assert page.locator(".vb-list tbody tr").count() == 0
    page.get_by_label("Titel").fill("Bezirke: Einwohner und HzE")
    page.get_by_label("Titel").press("Tab")
    page.get_by_label("Ausschussmitglieder (committee)").check()
    page.get_by_role("button", name="Speichern", exact=True).click()
    page.get_by_text("gespeichert (Version 1)").wait_for()
    _settle(page)
    assert page.locator(".vb-list tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "ansichten-builder.png"), full_page=True)
    # a dashboard of that view, made the committee's Übersicht
    page.goto(base + "/dashboards")
    _settle(page)
    page.get_by_label("Titel").fill("Ausschuss Jugendhilfe")
    _choose(page, "db-views", "Bezirke: Einwohner und HzE")
    page.get_by_label("Ausschussmitglieder (committee)").check()
    page.get_by_role("button", name="Speichern", exact=True).click()
    page.get_by_text("Dashboard „Ausschuss Jugendhilfe“ gespeichert.").wait_for()
    _choose(page, "db-target", "Ausschussmitglieder")
    _choose(page, "db-assigned-board", "Ausschuss Jugendhilfe")
    page.get_by_role("button", name="Zuordnen").click()
    page.get_by_text("Übersicht für committee gespeichert.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "dashboards-controlling.png"), full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
    page = context.new_page()
    member = Recorder(page, base)
    _login(page, base, *logins["committee"])
    # the Übersicht is now the dashboard, drawn with the committee's rights
    board = page.locator(".overview-dashboard")
    board.locator("table.view-table").wait_for(timeout=60000)
    assert "Ausschuss Jugendhilfe" in board.inner_text()
    assert "nicht freigegeben" in board.inner_text()
    assert "Hilfen zur Erziehung" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "uebersicht-dashboard-committee.png"), full_page=True)
    page.locator("#nav-saved-views").click()
    page.locator("#nav-saved-views .dropdown-item", has_text="Bezirke: Einwohner").click()
    _settle(page)
    content = page.locator("#view-content")
    content.locator("table.view-table").wait_for(timeout=60000)
    text = content.inner_text()
    assert "Bezirke: Einwohner und HzE" in text and "Einwohnerinnen und Einwohner" in text
    assert "nicht freigegeben" in text
    assert "Hilfen zur Erziehung" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "ansicht-committee.png"), full_page=True)
    # meeting mode: one click from the view; large type, no menu bar, the area picker
    page.get_by_role("link", name="Sitzungsmodus").click()
    _settle(page)
    meeting = page.locator(".meeting-mode")
    meeting.locator("table.view-table").wait_for(timeout=60000)
    page.get_by_text("Ansicht 1 von 1").wait_for()
    assert not page.locator(".navbar").is_visible()
    assert "Hilfen zur Erziehung" not in page.content()
    page.keyboard.press("ArrowRight")  # the last view: stays, no error
    page.get_by_text("Ansicht 1 von 1").wait_for()
    assert "schritt=1" in page.url
    page.screenshot(path=str(ARTIFACTS / "sitzungsmodus-committee.png"), full_page=True)
    page.goto(base + "/ansichten")
    _settle(page)
    assert "Ansichten bauen nur Controlling und Administration." in page.content()
    context.close()
    for who, rec in (("controlling", recorder), ("committee", member)):
        assert rec.foreign == [] and rec.errors == [], who
        assert rec.failed == [], who
