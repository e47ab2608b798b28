"""The indicator catalogue shows only what the role may see."""

from __future__ import annotations

import pytest

from tests.app.conftest import callback, render_page


def test_page_renders_for_every_role(clients) -> None:
    for role, client in clients.items():
        response = render_page(client, "/indikatoren", "?q=quote")
        assert response.status_code == 200, role
        assert "catalogue-search" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,sees_hze", [("admin", True), ("leadership", True),
                                           ("district", True), ("department", True),
                                           ("committee", False)])
def test_restricted_sheets_only_for_allowed_roles(clients, role: str, sees_hze: bool) -> None:
    response = callback(clients[role], "catalogue-results.children",
                        {"catalogue-search.value": "Hilfen zur Erziehung"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ("hze_je_1000_unter_21" in body) is sees_hze


def test_search_filters(clients) -> None:
    body = callback(clients["admin"], "catalogue-results.children",
                    {"catalogue-search.value": "Wahlbeteiligung"}).get_data(as_text=True)
    assert "wahlbeteiligung_kommunalwahl" in body
    assert "sgb2_quote" not in body


def test_anonymous_callback_gets_401_and_no_data(app_server) -> None:
    response = callback(app_server.test_client(), "catalogue-results.children",
                        {"catalogue-search.value": ""})
    assert response.status_code == 401
    assert "sgb2" not in response.get_data(as_text=True)


def test_sheet_shows_period_type_and_key_date_of_the_datasets(clients) -> None:
    body = callback(clients["admin"], "catalogue-results.children",
                    {"catalogue-search.value": "Einwohnerinnen und Einwohner"}).json
    text = str(body)
    assert "Zeitraum" in text and "Jahr, Stichtag 31.12." in text
