"""A view definition is checked field by field; bad input gets one German sentence."""

from __future__ import annotations

import pytest

from cockpit.views.model import Known, ViewError, check_definition

KNOWN = Known({"einwohner": "indicator", "sgb2_quote": "indicator",
               "sozialraumindex": "index"},
              levels=("city", "district", "subdistrict"), areas=("00", "01", "0101"))
GOOD = {"type": "bars", "title": "  SGB II je Stadtteil ", "indicators": ["sgb2_quote"],
        "level": "subdistrict", "periods": ["2023"], "roles": ["committee", "leadership"]}


def test_a_good_definition_is_kept_in_canonical_form() -> None:
    view = check_definition(GOOD, KNOWN)
    assert view.title == "SGB II je Stadtteil"
    assert view.roles == ("leadership", "committee")  # the contract's order
    assert view.as_dict() == {
        "type": "bars", "title": "SGB II je Stadtteil", "description": "",
        "indicators": ["sgb2_quote"], "level": "subdistrict", "areas": [],
        "periods": ["2023"], "options": {}, "roles": ["leadership", "committee"]}
    assert check_definition(view.as_dict(), KNOWN) == view


def test_options_are_allow_listed_per_type() -> None:
    view = check_definition({**GOOD, "type": "map", "options": {"method": "equal"}}, KNOWN)
    assert view.option("method") == "equal"
    ts = check_definition({**GOOD, "type": "timeseries", "level": None, "periods": [],
                           "areas": ["01", "0101"], "options": {"index_base": "2019"}}, KNOWN)
    assert ts.option("index_base") == "2019" and ts.areas == ("01", "0101")


def test_admin_and_controlling_may_always_open_a_view() -> None:
    view = check_definition({**GOOD, "roles": ["committee"]}, KNOWN)
    assert [r for r in ("admin", "controlling", "leadership", "committee")
            if view.shared_with(r)] == ["admin", "controlling", "committee"]


@pytest.mark.parametrize(("change", "message"), [
    ({"title": "   "}, "Bitte einen Titel angeben."),
    ({"title": None}, "Bitte einen Titel angeben."),
    ({"title": "x" * 121}, "Der Titel darf höchstens 120 Zeichen lang sein."),
    ({"type": "pie"}, "Unbekannter Ansichtstyp „pie“"),
    ({"indicators": ["gibt_es_nicht"]}, "Unbekannter Indikator „gibt_es_nicht“."),
    ({"indicators": ["x'; DROP TABLE views;--"]}, "Unbekannter Indikator"),
    ({"indicators": []}, "Der Typ „bars“ braucht 1 Indikator(en), gewählt: 0."),
    ({"indicators": "sgb2_quote"}, "„indicators“ muss eine Liste sein."),
    ({"type": "table", "indicators": ["einwohner", "einwohner"]},
     "Der Indikator „einwohner“ ist doppelt gewählt."),
    ({"type": "index_breakdown", "level": None}, "Die Index-Zerlegung braucht einen Index"),
    ({"level": None}, "Der Typ „bars“ braucht eine Gebietsebene."),
    ({"level": "kontinent"}, "Unbekannte Gebietsebene „kontinent“"),
    ({"areas": ["99"]}, "Unbekanntes Gebiet „99“."),
    ({"areas": ["<script>"]}, "Ungültiger Gebietsschlüssel"),
    ({"periods": ["letztes Jahr"]}, "„letztes Jahr“ ist kein Zeitraum"),
    ({"periods": ["2022", "2023"]}, "bitte höchstens einen wählen"),
    ({"options": {"colour": "red"}}, "Unbekannte Einstellung „colour“"),
    ({"type": "map", "options": {"method": "jenks"}}, "„method“: „jenks“ ist nicht erlaubt"),
    ({"roles": []}, "Bitte mindestens eine Rolle wählen"),
    ({"roles": ["committee", "gast"]}, "Unbekannte Rolle „gast“"),
    ({"sql": "SELECT 1"}, "Unbekanntes Feld „sql“"),
])
def test_bad_input_is_refused_with_a_german_sentence(change: dict, message: str) -> None:
    with pytest.raises(ViewError) as caught:
        check_definition({**GOOD, **change}, KNOWN)
    assert message in str(caught.value)


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(ViewError, match="Zuordnung"):
        check_definition(["bars"], KNOWN)
