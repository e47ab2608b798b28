"""Übersicht cards per role chosen in the app: checked ids, default from the file, audit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cockpit.appdb.database import connect
from cockpit.appdb.overview_cards import (
    MAX_CARDS,
    CardsError,
    check_cards,
    chosen_roles,
    get_cards,
    reset_cards,
    save_cards,
)

KNOWN = {"einwohner", "sgb2_quote", "hze_je_1000_unter_21"}
VISIBLE_TO_COMMITTEE = {"einwohner", "sgb2_quote"}


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "app.sqlite")
    yield conn
    conn.close()


def test_save_get_reset_with_audit(conn) -> None:
    assert get_cards(conn, "committee") is None  # the file's default
    saved = save_cards(conn, "carla", "committee", ["sgb2_quote", "einwohner"], known=KNOWN,
                       visible=VISIBLE_TO_COMMITTEE, source="web")
    assert saved == ["sgb2_quote", "einwohner"]
    assert get_cards(conn, "committee") == ["sgb2_quote", "einwohner"]  # order kept
    assert get_cards(conn, "leadership") is None
    save_cards(conn, "dora", "committee", ["einwohner"], known=KNOWN,
               visible=VISIBLE_TO_COMMITTEE)
    assert chosen_roles(conn)["committee"][0] == "dora"
    reset_cards(conn, "erik", "committee")
    assert get_cards(conn, "committee") is None
    reset_cards(conn, "erik", "committee")  # nothing to reset: no entry
    rows = conn.execute("SELECT user_name, action, detail FROM audit_log ORDER BY id").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("carla", "overview_cards_changed"),
                                           ("dora", "overview_cards_changed"),
                                           ("erik", "overview_cards_reset")]
    assert json.loads(rows[1][2]) == {"role": "committee", "old": ["sgb2_quote", "einwohner"],
                                      "new": ["einwohner"]}


@pytest.mark.parametrize(("role", "ids", "message"), [
    ("mayor", ["einwohner"], "Unbekannte Rolle „mayor“."),
    (None, ["einwohner"], "Unbekannte Rolle"),
    ("committee", "einwohner", "Die Kennzahlen müssen eine Liste"),
    ("committee", [1], "Die Kennzahlen müssen eine Liste"),
    ("committee", [], "Bitte mindestens eine Kennzahl wählen"),
    ("committee", ["gibts_nicht"], "Unbekannter Indikator „gibts_nicht“."),
    ("committee", ["einwohner", "einwohner"], "Der Indikator „einwohner“ ist doppelt gewählt."),
    ("committee", ["einwohner", "hze_je_1000_unter_21"],
     "Die Rolle „committee“ darf den Indikator „hze_je_1000_unter_21“ nicht sehen."),
    ("committee", ["einwohner"] * (MAX_CARDS + 1), f"Höchstens {MAX_CARDS} Kennzahlen"),
])
def test_bad_choices_change_nothing(conn, role: object, ids: object, message: str) -> None:
    save_cards(conn, "carla", "committee", ["einwohner"], known=KNOWN,
               visible=VISIBLE_TO_COMMITTEE)
    with pytest.raises(CardsError) as caught:
        save_cards(conn, "carla", role, ids, known=KNOWN, visible=VISIBLE_TO_COMMITTEE)
    assert str(caught.value).startswith(message)
    assert get_cards(conn, "committee") == ["einwohner"]
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1


def test_check_returns_the_ids_in_order() -> None:
    assert check_cards("admin", ["sgb2_quote", "einwohner"], known=KNOWN, visible=KNOWN) == (
        "admin", ["sgb2_quote", "einwohner"])
    with pytest.raises(CardsError, match="Unbekannte Rolle"):
        reset_cards(None, "x", "boss")  # type: ignore[arg-type] - refused before any query
