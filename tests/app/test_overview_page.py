"""Übersicht: KPI cards per role from data/overview.yaml, values straight from the gate."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pandas as pd
import plotly.utils
import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.formatting import SUPPRESSED_TOOLTIP, format_change, format_value
from cockpit.app.session import GATE_KEY
from cockpit.resources import bundled_dir
from tests.app.conftest import ROLES, callback, login, render_page, response_text

CITY, DISTRICT = "00", "01"
BLUE, VERMILLION = "#0072B2", "#D55E00"
HZE = "hze_je_1000_unter_21"


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(app_server) -> ModuleType:
    """The page module as Dash loaded it (Dash executes page files itself)."""
    module = sys.modules["cockpit.pages.overview"]
    assert module.layout.__module__ == "cockpit.pages.overview"
    return module


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


def viewer_of(role: str) -> Viewer:
    return Viewer("x", role, area_code=DISTRICT if role == "district" else None,
                  department="jugendamt" if role == "department" else None)


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


body_of = response_text


def _props(node: dict) -> dict:
    return node.get("props", {}) if isinstance(node.get("props"), dict) else {}


def cards_of(response) -> dict[str, dict]:
    """Card id (indicator id) -> card JSON, in page order."""
    tree = response.json["response"]["_pages_content"]["children"]
    found = {}
    for node in _walk(tree):
        card_id = _props(node).get("id")
        if node.get("type") == "Card" and str(card_id).startswith("overview-card-"):
            found[card_id.removeprefix("overview-card-")] = node
    return found


def by_class(node: dict, css_class: str) -> list[dict]:
    return [n for n in _walk(node) if css_class in str(_props(n).get("className", "")).split()]


def text_of(node: Any) -> str:
    """All text children below a node, joined (figures and configs left out)."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "".join(text_of(n) for n in node)
    if isinstance(node, dict):
        return text_of(_props(node).get("children"))
    return ""


def expected_ids(gate: Gate, role: str) -> list[str]:
    """The bundled configuration minus what the role may not see, as the gate decides."""
    ids = load_bundled()[role]
    kept = []
    for indicator_id in ids:
        try:
            gate.indicator(viewer_of(role), indicator_id)
        except GateError:
            continue
        kept.append(indicator_id)
    return kept


def load_bundled() -> dict[str, list[str]]:
    import yaml

    return yaml.safe_load((bundled_dir("data") / "overview.yaml").read_text(encoding="utf-8"))


def latest_two(gate: Gate, role: str, indicator_id: str, area: str) -> pd.DataFrame:
    frame = gate.values(viewer_of(role), indicator_id, area=area, all_periods=True)
    return frame.sort_values("period").tail(2)


# --- configuration -------------------------------------------------------------------------------


def test_bundled_config_is_complete_and_valid(gate: Gate) -> None:
    config = load_bundled()
    assert set(config) == set(ROLES)
    for role, ids in config.items():
        assert 6 <= len(ids) <= 9, role
        assert len(set(ids)) == len(ids), role
        for indicator_id in ids:
            assert gate.registry.get(indicator_id) is not None, (role, indicator_id)
    # the committee list names a restricted indicator, so skipping it is really tested
    assert HZE in config["committee"]


def test_load_config_tolerates_broken_files(page, tmp_path, caplog) -> None:
    path = tmp_path / "overview.yaml"
    path.write_text("admin: [einwohner, 42, einwohner, sgb2_quote]\nleadership: nonsense\n",
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        config = page.load_config(path)
    assert config == {"admin": ["einwohner", "sgb2_quote"]}
    assert "42" in caplog.text and "leadership" in caplog.text
    path.write_text("admin: [einwohner\n", encoding="utf-8")  # YAML syntax error
    assert page.load_config(path) == {}
    assert page.load_config(tmp_path / "missing.yaml") == {}


# --- rendering through the router ----------------------------------------------------------------


def test_page_renders_for_every_role(clients) -> None:
    for role, client in clients.items():
        response = render_page(client, "/")
        assert response.status_code == 200, role
        body = body_of(response)
        assert "Übersicht" in body and "overview-card-" in body, role
        # only admin and controlling get the switch for unsuppressed values
        assert ("Unverfälschte Werte" in body) is (role in ("admin", "controlling")), role


@pytest.mark.parametrize("role", ROLES)
def test_cards_follow_config_minus_forbidden(clients, gate: Gate, role: str) -> None:
    response = render_page(clients[role], "/")
    assert response.status_code == 200
    assert list(cards_of(response)) == expected_ids(gate, role)


def test_committee_gets_no_hze_anywhere(clients, gate: Gate) -> None:
    response = render_page(clients["committee"], "/")
    body = body_of(response)
    cards = cards_of(response)
    assert HZE not in cards and len(cards) == len(load_bundled()["committee"]) - 1
    assert "hze_" not in body
    assert "Hilfen zur Erziehung" not in body
    city_hze = gate.values(viewer_of("admin"), HZE, area=CITY).iloc[-1]
    assert format_value(city_hze.value, "je 1.000 unter 21-Jährige", 1) not in body
    assert repr(float(city_hze.value)) not in body
    # the raw-switch callback does not leak it either
    again = callback(clients["committee"], "overview-cards.children", {"overview-raw.value": True})
    assert again.status_code == 200
    assert "hze_" not in body_of(again)


def test_department_sees_its_restricted_hze(clients) -> None:
    cards = cards_of(render_page(clients["department"], "/"))
    assert list(cards)[:2] == [HZE, "hze_stationaer_je_1000_unter_21"]


def test_city_roles_show_city_values(clients, gate: Gate) -> None:
    cards = cards_of(render_page(clients["leadership"], "/"))
    for indicator_id, card in cards.items():
        indicator = gate.registry.get(indicator_id)
        latest = latest_two(gate, "leadership", indicator_id, CITY).iloc[-1]
        value = by_class(card, "overview-value")[0]
        assert text_of(value) == format_value(latest.value, indicator.unit, indicator.decimals)
        assert "Musterstadt" in text_of(by_class(card, "overview-area")[0])


def test_district_cards_show_district_values(clients, gate: Gate) -> None:
    response = render_page(clients["district"], "/")
    body = body_of(response)
    assert "Stadtbezirk Mitte" in body
    cards = cards_of(response)
    assert cards, "no cards"
    compared = 0
    for indicator_id, card in cards.items():
        indicator = gate.registry.get(indicator_id)
        shown = text_of(by_class(card, "overview-value")[0])
        area = text_of(by_class(card, "overview-area")[0])
        own = gate.values(viewer_of("district"), indicator_id, area=DISTRICT, all_periods=True)
        if own.empty:  # city-level indicator: the city value, labelled as such
            city = latest_two(gate, "district", indicator_id, CITY).iloc[-1]
            assert shown == format_value(city.value, indicator.unit, indicator.decimals)
            assert area.startswith("Musterstadt") and "Gesamtstadt" in area
            continue
        latest = own.sort_values("period").iloc[-1]
        assert shown == format_value(latest.value, indicator.unit, indicator.decimals)
        assert area == "Mitte"
        city = latest_two(gate, "admin", indicator_id, CITY).iloc[-1]
        if format_value(city.value, indicator.unit, indicator.decimals) != shown:
            compared += 1  # the district value is really not the city value
    assert compared >= 3
    assert "ergebnishaushalt_saldo_je_einwohner" in cards  # the city-only case is covered
    # the district user may not see the city's HzE figures: neither text nor series
    city_hze = gate.values(viewer_of("admin"), HZE, area=CITY, all_periods=True)
    assert format_value(city_hze["value"].iloc[-1], "je 1.000 unter 21-Jährige", 1) not in body
    for value in city_hze["value"]:
        assert repr(float(value)) not in body


def _expected_arrow(delta: float, direction: str, decimals: int) -> tuple[str, str, str]:
    """Icon class, colour and word of a change, written down independently of the page."""
    if round(delta, decimals) == 0:
        return "bi-arrow-right", "#595959", "keine Wertung"
    icon = "bi-arrow-up-right" if delta > 0 else "bi-arrow-down-right"
    if direction == "neutral":
        return icon, "#595959", "keine Wertung"
    good = (delta > 0) == (direction == "higher_is_better")
    return icon, (BLUE if good else VERMILLION), ("besser" if good else "schlechter")


@pytest.mark.parametrize("role,area", [("leadership", CITY), ("district", DISTRICT)])
def test_change_arrows_follow_the_direction_rule(clients, gate: Gate, role: str,
                                                 area: str) -> None:
    cards = cards_of(render_page(clients[role], "/"))
    colours = set()
    for indicator_id, card in cards.items():
        indicator = gate.registry.get(indicator_id)
        rows = latest_two(gate, role, indicator_id, area)
        if len(rows) < 2:  # the city-only card of the district user
            rows = latest_two(gate, role, indicator_id, CITY)
        delta = rows["value"].iloc[-1] - rows["value"].iloc[-2]
        icon, colour, word = _expected_arrow(delta, indicator.direction, indicator.decimals)
        arrows = [n for n in _walk(card) if n.get("type") == "I"]
        assert len(arrows) == 1, indicator_id
        props = _props(arrows[0])
        assert icon in props["className"].split() and "bi" in props["className"].split()
        assert props["style"]["color"] == colour, indicator_id
        assert props["aria-hidden"] == "true"
        change = text_of(by_class(card, "overview-change")[0])
        assert format_change(delta, indicator.decimals) in change
        assert word in change and rows["period"].iloc[-2] in change
        colours.add(colour)
    assert {BLUE, VERMILLION} <= colours  # both valuations occur in the demo


def test_district_kinderarmut_rise_is_worse(clients, gate: Gate) -> None:
    # Demo: Kinderarmut in Mitte rose 2024 -> 2025; lower is better, so: up, vermillion.
    rows = latest_two(gate, "district", "kinderarmut", DISTRICT)
    assert rows["value"].iloc[-1] > rows["value"].iloc[-2]
    card = cards_of(render_page(clients["district"], "/"))["kinderarmut"]
    arrow = next(n for n in _walk(card) if n.get("type") == "I")
    assert "bi-arrow-up-right" in _props(arrow)["className"]
    assert _props(arrow)["style"]["color"] == VERMILLION
    assert "schlechter" in text_of(card)


def test_links_and_footer(clients, gate: Gate) -> None:
    card = cards_of(render_page(clients["leadership"], "/"))["sgb2_quote"]
    links = {_props(n)["href"] for n in _walk(card) if n.get("type") == "Link"}
    assert links == {"/vergleich?indicator=sgb2_quote", "/zeitreihe?indicator=sgb2_quote"}
    footer = text_of(next(n for n in _walk(card) if n.get("type") == "CardFooter"))
    latest = gate.periods(viewer_of("leadership"), "sgb2_quote")[-1]
    assert f"Stand: {latest}" in footer
    assert gate.registry.get("sgb2_quote").source in footer
    graphs = [n for n in _walk(card) if n.get("type") == "Graph"]
    assert len(graphs) == 1 and _props(graphs[0])["config"]["staticPlot"] is True
    series = _props(graphs[0])["figure"]["data"][0]
    assert series["x"] == gate.periods(viewer_of("leadership"), "sgb2_quote")


def test_unknown_id_in_config_is_skipped_and_logged(app_server, clients, tmp_path, monkeypatch,
                                                    caplog) -> None:
    (tmp_path / "overview.yaml").write_text(
        "committee:\n  - einwohner\n  - gibt_es_nicht\n  - hze_je_1000_unter_21\n"
        "  - sgb2_quote\n", encoding="utf-8")
    inst = app_server.extensions[GATE_KEY].inst
    # COCKPIT_DATA_DIR pointing to an operator's folder with its own overview.yaml
    monkeypatch.setattr(inst, "settings", dataclasses.replace(inst.settings, data_dir=tmp_path))
    with caplog.at_level(logging.WARNING, logger="cockpit.pages.overview"):
        response = render_page(clients["committee"], "/")
    assert response.status_code == 200
    assert list(cards_of(response)) == ["einwohner", "sgb2_quote"]
    assert "gibt_es_nicht" in caplog.text
    assert "hze" not in caplog.text  # forbidden ids are skipped silently
    assert "gibt_es_nicht" not in body_of(response)
    # a role without an entry gets a notice instead of cards
    empty = render_page(clients["admin"], "/")
    assert empty.status_code == 200 and not cards_of(empty)
    assert "keine Kennzahlen" in body_of(empty)


def test_anonymous_router_call_is_401(app_server) -> None:
    response = render_page(app_server.test_client(), "/")
    assert response.status_code == 401
    body = body_of(response)
    assert "overview-card" not in body and "Personen" not in body


def test_english(app_server, gate: Gate) -> None:
    client = app_server.test_client()
    name, password = app_server.demo_passwords["leadership"]
    assert login(client, name, password).status_code == 302
    client.get("/lang/en")
    response = render_page(client, "/")
    body = body_of(response)
    assert "Overview" in body and "Vergleich" not in body
    card = cards_of(response)["einwohner"]
    latest = latest_two(gate, "leadership", "einwohner", CITY).iloc[-1]
    assert text_of(by_class(card, "overview-value")[0]) == format_value(
        latest.value, "Personen", 0, lang="en")


# --- pure functions ------------------------------------------------------------------------------


@pytest.mark.parametrize("delta,direction,expected", [
    (1.0, "higher_is_better", ("up", "good")),
    (-1.0, "higher_is_better", ("down", "bad")),
    (1.0, "lower_is_better", ("up", "bad")),
    (-0.5, "lower_is_better", ("down", "good")),
    (2.0, "neutral", ("up", "neutral")),
    (0.04, "lower_is_better", ("flat", "neutral")),  # rounds to ±0,0 at one decimal
    (0.06, "lower_is_better", ("up", "bad")),
    (0.4, "higher_is_better", ("flat", "neutral")),  # decimals 0: shown as ±0
    (None, "higher_is_better", None),
    (float("nan"), "higher_is_better", None),
])
def test_trend(page, delta, direction, expected) -> None:
    decimals = 0 if delta == 0.4 else 1
    assert page.trend(delta, direction, decimals) == expected


def _frame(values: list[float | None], suppressed: list[bool]) -> pd.DataFrame:
    periods = [str(2020 + i) for i in range(len(values))]
    return pd.DataFrame({"area_code": "01", "area_name": "Mitte", "period": periods,
                         "value": values, "suppressed": suppressed})


def _card_json(app_server, page, kpi) -> str:
    with app_server.test_request_context("/"):
        return json.dumps(page.kpi_card(kpi, "de"), cls=plotly.utils.PlotlyJSONEncoder,
                          ensure_ascii=False)


def test_suppressed_latest_value_shows_mark_and_no_change(app_server, page, gate) -> None:
    indicator = gate.registry.get("kinderarmut")
    kpi = page.build_kpi(indicator, _frame([12.34, 13.57, 99.87], [False, False, True]),
                         "01", "Mitte")
    assert kpi.latest is None and kpi.latest_suppressed and kpi.delta is None
    body = _card_json(app_server, page, kpi)
    assert "·" in body and SUPPRESSED_TOOLTIP["de"] in body
    assert '"title": "' + SUPPRESSED_TOOLTIP["de"] in body
    assert "99" not in body  # the suppressed number never reaches the card
    assert "bi-arrow" not in body and "besser" not in body and "schlechter" not in body
    assert "13.57" in body  # earlier, unsuppressed periods stay in the sparkline


def test_suppressed_previous_value_gives_no_change(app_server, page, gate) -> None:
    indicator = gate.registry.get("kinderarmut")
    kpi = page.build_kpi(indicator, _frame([12.34, 55.5, 14.0], [False, True, False]),
                         "01", "Mitte")
    assert kpi.latest == 14.0 and kpi.delta is None and kpi.previous_period == "2021"
    body = _card_json(app_server, page, kpi)
    assert "14,0" in body and "55.5" not in body and "bi-arrow" not in body


def test_half_year_card_compares_with_the_half_year_before(page, gate) -> None:
    indicator = gate.registry.get("kinderarmut")
    frame = pd.DataFrame({"area_code": "01", "area_name": "Mitte",
                          "period": ["2024-H2", "2023-H2", "2024-H1", "2024-Q1"],
                          "value": [13.0, 10.0, 12.5, 99.0], "suppressed": False})
    kpi = page.build_kpi(indicator, frame, "01", "Mitte")
    assert kpi.periods == ("2023-H2", "2024-Q1", "2024-H1", "2024-H2")
    assert (kpi.latest_period, kpi.latest) == ("2024-H2", 13.0)
    # the change is against 2024-H1 (same type, by end date), never against the quarter
    assert kpi.previous_period == "2024-H1" and kpi.delta == pytest.approx(0.5)


def test_change_of_constructed_case(app_server, page, gate) -> None:
    indicator = gate.registry.get("betreuungsquote_u3")  # higher is better
    kpi = page.build_kpi(indicator, _frame([40.0, 38.75], [False, False]), "01", "Mitte")
    assert kpi.delta == pytest.approx(-1.25)
    body = _card_json(app_server, page, kpi)
    assert "bi bi-arrow-down-right" in body and VERMILLION in body and "schlechter" in body
    assert "\u22121,3" in body and "38,8\u202f%" in body


def test_empty_area_gives_a_no_data_card(app_server, page, gate) -> None:
    indicator = gate.registry.get("einwohner")
    kpi = page.build_kpi(indicator, _frame([], []), "01", "Mitte")
    assert kpi.latest_period is None
    body = _card_json(app_server, page, kpi)
    assert "Keine Daten vorhanden." in body and "Graph" not in body


def test_a_partial_sum_on_a_card_says_so(app_server, page, gate) -> None:
    indicator = gate.registry.get("kinderarmut")
    frame = _frame([12.0, 13.0], [False, False]).assign(
        incomplete=[False, True], missing=[0, 1], expected=[0, 12], converted=False)
    kpi = page.build_kpi(indicator, frame, "01", "Mitte")
    assert "unvollständig: 1 von 12 Teilgebieten fehlt" in _card_json(app_server, page, kpi)
    complete = page.build_kpi(indicator, _frame([12.0, 13.0], [False, False]), "01", "Mitte")
    assert "unvollständig" not in _card_json(app_server, page, complete)
