"""Drawing a view asks the gate with the viewer's rights: every type draws for every role,
a restricted indicator never reaches a committee member, suppressed values stay marks."""

from __future__ import annotations

import json

import pytest

from cockpit.access import Viewer
from cockpit.app.session import GATE_KEY
from cockpit.views.known import known_for
from cockpit.views.model import check_definition
from cockpit.views.render import render_view, type_available

HZE = "hze_je_1000_unter_21"
HZE_TITLE = "Hilfen zur Erziehung"
DEFINITIONS = [
    ("bars", [HZE], "subdistrict"), ("map", [HZE], "subdistrict"),
    ("table", ["einwohner", HZE], "subdistrict"), ("timeseries", [HZE], None),
    ("kpi", ["einwohner", HZE], None), ("index_breakdown", ["sozialraumindex"], "subdistrict"),
    ("scatter", ["einwohner", HZE], "subdistrict"), ("statements", [HZE], "subdistrict"),
]
VIEWERS = {"controlling": Viewer("c", "controlling"), "committee": Viewer("k", "committee"),
           "district": Viewer("d", "district", area_code="01"),
           "department": Viewer("j", "department", department="jugendamt")}


def drawn(app_server, viewer: Viewer, kind: str, indicators: list[str], level) -> str:
    gate = app_server.extensions[GATE_KEY]
    definition = check_definition({"type": kind, "title": "T", "indicators": indicators,
                                   "level": level, "roles": ["committee"]}, known_for(gate))
    with app_server.test_request_context("/"):
        return json.dumps(render_view(gate, viewer, definition, "de").to_plotly_json(),
                          default=str, ensure_ascii=False)


@pytest.mark.parametrize(("kind", "indicators", "level"), DEFINITIONS)
@pytest.mark.parametrize("role", sorted(VIEWERS))
def test_every_type_draws_for_every_role(app_server, role, kind, indicators, level) -> None:
    text = drawn(app_server, VIEWERS[role], kind, indicators, level)
    assert "Traceback" not in text
    if not type_available(kind) and "enthält nichts, was Sie sehen dürfen" not in text:
        assert "noch nicht verfügbar" in text
    if role == "committee" and HZE in indicators:
        assert HZE_TITLE not in text and HZE not in text
        assert "nicht freigegeben" in text
    if role == "controlling" and HZE in indicators and type_available(kind):
        assert HZE_TITLE in text and "nicht freigegeben" not in text


def test_suppressed_values_stay_marks(app_server) -> None:
    gate = app_server.extensions[GATE_KEY]
    viewer = VIEWERS["committee"]
    small = "abgaenger_ohne_abschluss"  # small counts in some Stadtteile of the demo
    frame = gate.values(viewer, small, level="subdistrict")
    hidden = frame[frame["suppressed"]]
    assert len(hidden) > 0
    raw = gate.values(VIEWERS["controlling"], small, level="subdistrict")
    secrets = {f"{v:.1f}".replace(".", ",") for v in
               raw[raw["area_code"].isin(hidden["area_code"])]["value"].dropna()}
    text = drawn(app_server, viewer, "table", [small], "subdistrict")
    assert text.count("'·'") == len(hidden)
    shown = set(text.split("Tbody", 1)[1].split("'"))
    assert not secrets & shown - {f"{v:.1f}".replace(".", ",")
                                  for v in frame["value"].dropna()}


def test_a_table_keeps_the_indicators_that_have_values_at_its_level(app_server) -> None:
    city_only = "anteil_duales_system"  # delivered for the whole city only
    text = drawn(app_server, VIEWERS["controlling"], "table", ["einwohner", city_only],
                 "district")
    assert "keine Werte für diese Ebene und diesen Zeitraum" in text
    assert "Nord" in text and "60.045" in text


def test_a_statements_view_shows_the_cards_statements_for_the_viewer(app_server) -> None:
    text = drawn(app_server, VIEWERS["committee"], "statements", ["einwohner"], "subdistrict")
    assert "Kernaussagen" in text and "Gebieten mit Wert" in text
    assert "noch nicht verfügbar" not in text


def test_a_scatter_view_draws_r_and_n_for_the_viewer(app_server) -> None:
    text = drawn(app_server, VIEWERS["committee"], "scatter", ["einwohner", "sgb2_quote"],
                 "subdistrict")
    assert "Pearson" in text and "noch nicht verfügbar" not in text
