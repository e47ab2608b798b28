"""The document itself names its language (WCAG 3.1.1), German or English."""

from __future__ import annotations

from tests.app.conftest import login


def test_app_pages_declare_the_document_language(app_server) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["committee"]
    login(client, name, password)
    assert '<html lang="de">' in client.get("/vergleich").get_data(as_text=True)
    client.get("/lang/en")
    assert '<html lang="en">' in client.get("/vergleich").get_data(as_text=True)
