"""Texts of third-party components in the page's language (AG Grid, dcc.Dropdown)."""

from __future__ import annotations

from pathlib import Path

from cockpit.app.component_texts import grid_options
from tests.app.conftest import login, render_page

ROOT = Path(__file__).resolve().parents[2]


def test_german_grids_get_ag_grids_own_german_texts() -> None:
    options = grid_options("de", {"pagination": True})
    texts = options["localeText"]
    assert options["pagination"] is True
    assert texts["noRowsToShow"] == "Keine Zeilen zum Anzeigen"
    assert texts["pageSizeSelectorLabel"] == "Seitengröße:"
    assert texts["contains"] == "Enthält" and texts["loadingOoo"].startswith("Wird geladen")
    assert texts["page"] == "Seite"


def test_english_grids_keep_ag_grids_english_and_options_are_not_changed() -> None:
    base = {"domLayout": "autoHeight"}
    assert grid_options("en", base) == base
    grid_options("de", base)
    assert "localeText" not in base


def test_the_comparison_grid_of_a_german_page_speaks_german(clients) -> None:
    page = render_page(clients["leadership"], "/vergleich").get_data(as_text=True)
    assert '"noRowsToShow": "Keine Zeilen zum Anzeigen"' in page.replace('":"', '": "')


def test_the_english_page_has_no_german_grid_texts(app_server) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["admin"]
    login(client, name, password)
    client.get("/lang/en")
    page = render_page(client, "/protokoll").get_data(as_text=True)
    assert "Keine Zeilen zum Anzeigen" not in page


def test_dropdown_texts_follow_the_document_language() -> None:
    script = (ROOT / "assets" / "cockpit.js").read_text(encoding="utf-8")
    assert "selected_count: \"{num_selected} ausgewählt\"" in script
    assert "document.documentElement.lang" in script
