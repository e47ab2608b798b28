"""The menu: everyday pages in the bar, administration pages in one "Verwaltung" dropdown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.conftest import ROLES, response_text

ADMIN_PAGES = {"/lieferung", "/protokoll", "/tokens", "/zielwerte"}


def _find(node: Any, component_id: str) -> dict | None:
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        children = node.get("props", {}).get("children")
        return _find(children, component_id) if children is not None else None
    if isinstance(node, list):
        for child in node:
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def _hrefs(node: Any) -> set[str]:
    if isinstance(node, dict):
        props = node.get("props", {})
        own = {props["href"]} if isinstance(props.get("href"), str) else set()
        return own | _hrefs(props.get("children"))
    if isinstance(node, list):
        return set().union(*(_hrefs(child) for child in node)) if node else set()
    return set()


def _menu(client) -> tuple[set[str], set[str] | None]:
    """(links in the bar, links in the Verwaltung dropdown or None without one)."""
    shell = client.get("/_dash-layout").json
    dropdown = _find(shell, "nav-admin")
    collapse = _find(shell, "nav-collapse")
    bar = _hrefs(collapse["props"]["children"][0])
    admin = _hrefs(dropdown) if dropdown is not None else None
    return bar - (admin or set()), admin


def test_admin_pages_sit_in_the_verwaltung_dropdown(clients) -> None:
    bar, admin = _menu(clients["admin"])
    assert admin >= ADMIN_PAGES
    assert not ADMIN_PAGES & bar
    assert {"/", "/vergleich", "/zeitreihe", "/profil", "/indikatoren", "/haushalt"} <= bar
    shell = response_text(clients["admin"].get("/_dash-layout"))
    assert "Verwaltung" in shell


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_administration_pages(clients, role: str) -> None:
    bar, admin = _menu(clients[role])
    assert admin is not None  # every role delivers data or manages its API tokens
    assert ("/zielwerte" in admin) == (role in ("admin", "controlling"))
    assert ("/protokoll" in admin) == (role == "admin")
    assert ("/lieferung" in admin) == (role in ("admin", "controlling", "department"))
    assert "/tokens" in admin
    assert not ADMIN_PAGES & bar
