"""Unknown paths get a real 404 page in the user's language, never the app shell."""

from __future__ import annotations

import pytest

from tests.app.conftest import login

UNKNOWN = ("/gibt-es-nicht", "/vergleich/alt", "/profil/x/y")


@pytest.mark.parametrize("path", UNKNOWN)
def test_an_unknown_path_answers_404_in_german(clients, path: str) -> None:
    response = clients["committee"].get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert '<html lang="de">' in body
    assert "Seite nicht gefunden" in body and f"Die Adresse {path} gibt es" in body
    assert 'href="/"' in body and "Zur Übersicht" in body
    assert "_dash-config" not in body  # not the app shell


@pytest.mark.parametrize("path", ["/", "/vergleich", "/vergleich/", "/zeitreihe",
                                  "/profil?area=01", "/indikatoren", "/lieferung"])
def test_pages_still_answer_with_the_app(clients, path: str) -> None:
    response = clients["admin"].get(path)
    assert response.status_code == 200
    assert "_dash-config" in response.get_data(as_text=True)


def test_the_page_speaks_english_in_the_english_ui(app_server) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["leadership"]
    login(client, name, password)
    client.get("/lang/en")
    response = client.get("/nirgendwo")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert '<html lang="en">' in body and "Page not found" in body
    assert "Seite nicht gefunden" not in body


def test_the_path_is_escaped(clients) -> None:
    response = clients["admin"].get("/%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_anonymous_visitors_are_sent_to_the_login_first(app_server) -> None:
    response = app_server.test_client().get("/gibt-es-nicht")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/api/v1/gibt-es-nicht", "/export/nichts"])
def test_unknown_api_and_export_paths_stay_json(clients, path: str) -> None:
    response = clients["admin"].get(path)
    assert response.status_code == 404
    assert response.is_json and response.json["error"]


def test_a_missing_asset_is_a_404(clients) -> None:
    assert clients["admin"].get("/assets/gibt-es-nicht.css").status_code == 404



def test_the_browsers_favicon_request_finds_the_icon(app_server) -> None:
    client = app_server.test_client()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response.headers["Location"]).status_code == 200
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)
