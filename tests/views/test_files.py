"""Views as files: a saved view exported to YAML and read back is the same definition;
broken files are named with their problem."""

from __future__ import annotations

from contextlib import closing

import pytest

from cockpit.views.files import dump_yaml, load_view_files, parse_yaml
from cockpit.views.model import Known, ViewError
from cockpit.views.store import get_view, save_view

KNOWN = Known({"einwohner": "indicator", "sgb2_quote": "indicator"},
              levels=("city", "district", "subdistrict"), areas=("00", "01", "0101"))
VIEW = {"type": "timeseries", "title": "Einwohner: Überblick „Süd“",
        "description": "Zwei Zeilen\nmit Umlauten äöü ß", "indicators": ["einwohner"],
        "areas": ["0101", "01"], "periods": ["2019", "2023-H1"],
        "options": {"index_base": "2019"}, "roles": ["committee", "district"]}


def test_a_saved_view_round_trips_through_yaml(fresh_home, tmp_path) -> None:
    with closing(fresh_home.app_db()) as conn:
        saved = save_view(conn, "anna", VIEW, KNOWN)
        stored = get_view(conn, saved.id).definition
    text = dump_yaml(stored)
    assert text.startswith("# Ansicht") and "Überblick „Süd“" in text
    assert parse_yaml(text, KNOWN) == stored
    folder = tmp_path / "queries" / "views"
    folder.mkdir(parents=True)
    (folder / "einwohner_sued.yaml").write_text(text, encoding="utf-8")
    views, problems = load_view_files(tmp_path / "queries", KNOWN)
    assert problems == [] and views == {"einwohner_sued": stored}
    # and back into the app: the same definition again
    with closing(fresh_home.app_db()) as conn:
        again = save_view(conn, "bernd", views["einwohner_sued"].as_dict(), KNOWN)
        assert get_view(conn, again.id).definition == stored


@pytest.mark.parametrize(("name", "text", "message"), [
    ("kaputt.yaml", "type: bars\ntitle: [unclosed\n", "kein gültiges YAML (Zeile"),
    ("unbekannt.yaml", "type: bars\ntitle: X\nindicators: [gibt_es_nicht]\n"
                       "level: subdistrict\nroles: [committee]\n",
     "Unbekannter Indikator „gibt_es_nicht“."),
    ("ohne_titel.yaml", "type: bars\nindicators: [einwohner]\nlevel: city\n"
                        "roles: [committee]\n", "Bitte einen Titel angeben."),
    ("rolle.yaml", "type: bars\ntitle: X\nindicators: [einwohner]\nlevel: city\n"
                   "roles: [gast]\n", "Unbekannte Rolle „gast“"),
    ("liste.yaml", "- a\n- b\n", "Zuordnung"),
    ("Gross Name.yaml", "type: bars\n", "Dateiname"),
])
def test_broken_files_are_named_with_their_problem(tmp_path, name, text, message) -> None:
    folder = tmp_path / "views"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    views, problems = load_view_files(tmp_path, KNOWN)
    assert views == {}
    assert len(problems) == 1 and problems[0].path.name == name
    assert message in str(problems[0])


def test_parse_yaml_raises_view_error() -> None:
    with pytest.raises(ViewError, match="YAML"):
        parse_yaml("a: [", KNOWN)
