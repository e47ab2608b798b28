"""Hand-written Kernaussagen in the app database: checked input, one entry per generated
statement, and a history that keeps every change and cannot be rewritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cockpit.appdb.database import connect
from cockpit.appdb.statements import (
    MAX_TEXT,
    StatementDraft,
    StatementError,
    check_statement,
    delete_statement,
    get_statement,
    list_statements,
    save_statement,
    statement_history,
)

GOOD = {"indicator_id": "sgb2_quote", "level": "subdistrict", "period": "2024", "kind": "add",
        "generated_key": None, "text_de": "  Die Quote sinkt seit drei Jahren.  ",
        "text_en": "", "published": True}


def check(**changes: object) -> StatementDraft:
    return check_statement({**GOOD, **changes}, indicators={"sgb2_quote"},
                           levels_of=lambda i: ["city", "district", "subdistrict"],
                           periods_of=lambda i: ["2023", "2024"])


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    connection = connect(tmp_path / "app.sqlite")
    yield connection
    connection.close()


def test_a_good_form_is_stripped_and_kept() -> None:
    draft = check()
    assert draft == StatementDraft("sgb2_quote", "subdistrict", "2024", "add", None,
                                   "Die Quote sinkt seit drei Jahren.", "", True)
    assert check(kind="hide", generated_key="trend", text_de="egal").text_de == ""
    assert check(published="true").published is False  # only a real True publishes


@pytest.mark.parametrize(("changes", "message"), [
    ({"indicator_id": ""}, "Bitte einen Indikator wählen."),
    ({"indicator_id": "gibt_es_nicht"}, "Unbekannter Indikator „gibt_es_nicht“."),
    ({"indicator_id": ["sgb2_quote"]}, "Unbekannter Indikator „['sgb2_quote']“."),
    ({"level": "planet"}, "Unbekannte Gebietsebene „planet“ für diesen Indikator."),
    ({"period": "1999"}, "Für den Zeitraum „1999“ gibt es bei diesem Indikator keine Werte."),
    ({"kind": "delete"}, "Die Art muss „ergänzen“, „ersetzen“ oder „ausblenden“ sein."),
    ({"kind": "replace", "generated_key": "wetter"}, "Unbekannte erzeugte Aussage „wetter“."),
    ({"kind": "hide", "generated_key": None}, "Unbekannte erzeugte Aussage „None“."),
    ({"text_de": ""}, "Bitte einen Text eingeben."),
    ({"text_de": "   \n "}, "Bitte einen Text eingeben."),
    ({"text_de": None}, "Bitte einen Text eingeben."),
    ({"text_de": 42}, "Bitte einen Text eingeben."),
    ({"text_de": "x" * (MAX_TEXT + 1)},
     f"Der Text ist zu lang ({MAX_TEXT + 1} Zeichen); erlaubt sind höchstens {MAX_TEXT}."),
    ({"text_en": "y" * (MAX_TEXT + 50)},
     f"Der Text ist zu lang ({MAX_TEXT + 50} Zeichen); erlaubt sind höchstens {MAX_TEXT}."),
    ({"text_de": "Quote\x00 sinkt"}, "Der Text enthält unzulässige Steuerzeichen."),
])
def test_bad_input_gets_one_german_sentence(changes: dict, message: str) -> None:
    with pytest.raises(StatementError) as caught:
        check(**changes)
    assert str(caught.value) == message


def test_line_breaks_are_allowed_and_the_limit_is_inclusive() -> None:
    assert check(text_de="Erste Zeile\r\nzweite Zeile").text_de == "Erste Zeile\nzweite Zeile"
    assert len(check(text_de="x" * MAX_TEXT).text_de) == MAX_TEXT


def test_save_change_delete_keeps_the_history(conn: sqlite3.Connection) -> None:
    first = save_statement(conn, "anna", check(published=False), source="web")
    assert (first.created_by, first.updated_by, first.published) == ("anna", "anna", False)
    changed = save_statement(conn, "bernd", check(text_de="Neu formuliert."), first.id)
    assert (changed.id, changed.created_by, changed.updated_by, changed.text_de,
            changed.published) == (first.id, "anna", "bernd", "Neu formuliert.", True)
    delete_statement(conn, "carla", first.id)
    assert list_statements(conn) == []
    history = statement_history(conn, first.id)
    assert [(h.action, h.user_name) for h in history] == [
        ("deleted", "carla"), ("changed", "bernd"), ("created", "anna")]
    assert history[1].old["text_de"] == "Die Quote sinkt seit drei Jahren."
    assert history[1].new["text_de"] == "Neu formuliert."
    assert history[1].old["published"] is False and history[1].new["published"] is True
    assert history[0].new is None and history[2].old is None
    actions = [row[0] for row in conn.execute(
        "SELECT action FROM audit_log WHERE action LIKE 'statement_%' ORDER BY id")]
    assert actions == ["statement_created", "statement_changed", "statement_deleted"]


def test_the_history_cannot_be_rewritten(conn: sqlite3.Connection) -> None:
    save_statement(conn, "anna", check())
    with pytest.raises(sqlite3.DatabaseError, match="Kernaussagen-Historie"), conn:
        conn.execute("UPDATE statement_history SET user_name = 'niemand'")
    with pytest.raises(sqlite3.DatabaseError, match="Kernaussagen-Historie"), conn:
        conn.execute("DELETE FROM statement_history")
    assert len(statement_history(conn)) == 1


def test_one_entry_per_generated_statement(conn: sqlite3.Connection) -> None:
    """Hiding a statement that was replaced changes the replacement into a hide."""
    replaced = save_statement(conn, "anna", check(kind="replace", generated_key="trend",
                                                  text_de="Eigener Trendsatz."))
    hidden = save_statement(conn, "anna", check(kind="hide", generated_key="trend"))
    assert hidden.id == replaced.id and hidden.kind == "hide" and hidden.text_de == ""
    assert len(list_statements(conn)) == 1
    # Other periods and levels are other entries.
    save_statement(conn, "anna", check(kind="hide", generated_key="trend", period="2023"))
    assert len(list_statements(conn, "sgb2_quote")) == 2
    assert len(list_statements(conn, "sgb2_quote", "subdistrict", "2024")) == 1


def test_the_database_refuses_what_the_check_would(conn: sqlite3.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError), conn:
        conn.execute("INSERT INTO statements (indicator_id, level, period, kind,"
                     " generated_key, text_de, published, created_by, created_at,"
                     " updated_by, updated_at) VALUES ('a', 'b', '2024', 'add', NULL, ' ',"
                     " 1, 'x', 'now', 'x', 'now')")


def test_unknown_ids_change_nothing(conn: sqlite3.Connection) -> None:
    for bad in (999, -1, "1", None, True, 2**70):
        assert get_statement(conn, bad) is None
        with pytest.raises(StatementError, match="Unbekannte Kernaussage"):
            delete_statement(conn, "anna", bad)
    with pytest.raises(StatementError, match="Unbekannte Kernaussage"):
        save_statement(conn, "anna", check(), 999)
    assert list_statements(conn) == [] and statement_history(conn) == []


def test_published_only(conn: sqlite3.Connection) -> None:
    save_statement(conn, "anna", check(published=False))
    shown = save_statement(conn, "anna", check(text_de="Veröffentlicht."))
    assert [s.id for s in list_statements(conn, published_only=True)] == [shown.id]


def test_a_database_of_the_previous_schema_is_upgraded(tmp_path: Path) -> None:
    """An installation's app database from before the statements gains the two tables
    and keeps what it had."""
    from cockpit.appdb import database

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    statements = database.MIGRATIONS.index(next(m for m in database.MIGRATIONS
                                                if "CREATE TABLE statements" in m))
    for number, script in enumerate(database.MIGRATIONS[:statements], start=1):
        for part in database._split_statements(script):
            old.execute(part)
        old.execute(f"PRAGMA user_version = {number}")
    old.execute("INSERT INTO audit_log (at, action) VALUES ('2026-01-01', 'vorher')")
    old.commit()
    old.close()
    upgraded = connect(path)
    try:
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == len(
            database.MIGRATIONS)
        assert upgraded.execute("SELECT action FROM audit_log").fetchone()[0] == "vorher"
        saved = save_statement(upgraded, "anna", check())
        assert list_statements(upgraded) == [saved]
    finally:
        upgraded.close()
