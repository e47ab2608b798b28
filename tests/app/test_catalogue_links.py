"""The catalogue links every indicator into comparison, time series and registered views,
comes with the page, and stays small for the browser to draw."""

from __future__ import annotations

import pytest

from cockpit.app import indicator_links as links_module
from cockpit.app.indicator_links import register_link_provider
from cockpit.app.markdown_text import md_text
from tests.app.conftest import callback, render_page, response_text


def _layout(client, search: str = "") -> str:
    response = render_page(client, "/indikatoren", search)
    assert response.status_code == 200
    return response_text(response)


def _components(node) -> int:
    if isinstance(node, dict):
        own = 1 if "namespace" in node and "type" in node else 0
        return own + sum(_components(v) for v in node.values())
    if isinstance(node, list):
        return sum(_components(v) for v in node)
    return 0


def test_sheets_come_with_the_page_and_link_into_the_views(clients) -> None:
    body = _layout(clients["leadership"])
    assert "ind-sgb2_quote" in body  # no second request needed
    assert "/vergleich?indicator=sgb2_quote" in body
    assert "/zeitreihe?indicator=sgb2_quote" in body
    assert "Im Vergleich öffnen" in body


def test_committee_gets_no_link_to_restricted(clients) -> None:
    body = _layout(clients["committee"])
    assert "hze_je_1000_unter_21" not in body


def test_search_from_the_address_is_applied_in_the_layout(clients) -> None:
    body = _layout(clients["admin"], "?q=Wahlbeteiligung")
    assert "wahlbeteiligung_kommunalwahl" in body and "sgb2_quote" not in body


def test_few_components_per_sheet(clients) -> None:
    # ~30 components per sheet took the browser seconds to draw for 45 sheets.
    response = callback(clients["admin"], "catalogue-results.children",
                        {"catalogue-search.value": ""})
    children = response.json["response"]["catalogue-results"]["children"]
    sheets = len(children) - 1
    assert sheets > 30
    assert _components(children) <= 12 * sheets


def test_markdown_of_a_sheet_is_escaped() -> None:
    assert md_text("a*b_[x](y)<i>|") == r"a\*b\_\[x\](y)\<i\>\|"
    assert md_text("Stichtag 31.12.\nzweite Zeile") == "Stichtag 31.12. zweite Zeile"


@pytest.fixture
def provider():
    def views(gate, viewer, indicator_id, lang):  # noqa: ANN001
        if indicator_id == "sgb2_quote":
            return [("Ansicht: Soziale Lage", "/ansichten/soziale-lage")]
        return []

    def broken(gate, viewer, indicator_id, lang):  # noqa: ANN001
        raise RuntimeError("kaputt")

    register_link_provider(views)
    register_link_provider(broken)
    yield views
    links_module._PROVIDERS.remove(views)
    links_module._PROVIDERS.remove(broken)


def test_registered_views_are_linked_and_a_broken_provider_is_skipped(clients,
                                                                      provider) -> None:
    body = _layout(clients["leadership"], "?q=SGB-II")
    assert "/ansichten/soziale-lage" in body and "Ansicht: Soziale Lage" in body
    assert "/vergleich?indicator=sgb2_quote" in body
