"""The audit log: append-only in the schema, filtered reading, formula-safe CSV."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from cockpit.appdb import audit, database
from cockpit.appdb.audit_log import (
    AuditFilter,
    AuditFilterError,
    count_entries,
    entries_csv,
    known_actions,
    known_users,
    parse_filter,
    query_entries,
    safe_cell,
)
from cockpit.appdb.database import connect


@pytest.fixture
def conn(tmp_path: Path):
    connection = connect(tmp_path / "app.sqlite")
    yield connection
    connection.close()


def _add(conn: sqlite3.Connection, at: str, user: str | None, action: str,
         detail: str | None = None, source: str | None = None) -> None:
    """An entry with a chosen time (the writer always stamps `now`)."""
    audit(conn, user, action, detail, source=source)
    with conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET at = ? WHERE id = (SELECT max(id) FROM audit_log)",
                     [at])
    # Put the guard back exactly as the migration created it.
    with conn:
        conn.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN "
                     "SELECT RAISE(ABORT, 'Protokolleinträge können nicht geändert werden.'); "
                     "END")


@pytest.fixture
def filled(conn: sqlite3.Connection) -> sqlite3.Connection:
    _add(conn, "2025-01-10T08:00:00.000+00:00", "anna", "login", None, "web")
    _add(conn, "2025-01-10T23:59:59.999+00:00", "Bernd", "raw_view",
         '{"indicator": "hze_quote", "period": "2024"}', "web")
    _add(conn, "2025-01-11T00:00:00.000+00:00", "root", "delivery_published",
         '{"dataset": "hze", "sha256": "ab12"}', "cli")
    _add(conn, "2025-02-01T12:00:00.000+00:00", "anna", "logout", None, "web")
    _add(conn, "2025-02-02T12:00:00.000+00:00", None, "login_failed",
         '{"name": "50%_off\\\\"}', "web")
    return conn


# --- append-only ----------------------------------------------------------------------


def test_entries_can_be_neither_changed_nor_deleted(conn: sqlite3.Connection) -> None:
    audit(conn, "anna", "login", None)
    for statement in ("UPDATE audit_log SET user_name = 'eve'",
                      "UPDATE audit_log SET detail = NULL WHERE id = 1",
                      "DELETE FROM audit_log",
                      "DELETE FROM audit_log WHERE id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="Protokolleinträge können nicht"), \
                conn:
            conn.execute(statement)
    assert [tuple(r) for r in conn.execute("SELECT user_name, action FROM audit_log")] == [
        ("anna", "login")]
    # appending still works
    audit(conn, "anna", "logout")
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 2


def test_a_database_of_the_first_schema_keeps_its_entries_and_becomes_append_only(
        tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    for statement in database._split_statements(database.MIGRATIONS[0]):
        old.execute(statement)
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO audit_log (at, user_name, action, detail) "
                "VALUES ('2024-05-01T00:00:00.000+00:00', 'alt', 'login', NULL)")
    old.commit()
    old.close()
    conn = connect(path)
    try:
        entries = query_entries(conn, AuditFilter())
        assert [(e.user_name, e.action, e.source) for e in entries] == [("alt", "login", None)]
        with pytest.raises(sqlite3.IntegrityError), conn:
            conn.execute("DELETE FROM audit_log")
    finally:
        conn.close()


def test_writer_records_source_and_address_and_stays_compatible(conn) -> None:
    audit(conn, "anna", "login")  # the old four-argument call
    audit(conn, "anna", "login", '{"a": 1}', source="web", address="10.0.0.7")
    rows = [tuple(r) for r in conn.execute(
        "SELECT user_name, action, detail, source, address FROM audit_log ORDER BY id")]
    assert rows == [("anna", "login", None, None, None),
                    ("anna", "login", '{"a": 1}', "web", "10.0.0.7")]


# --- filters ------------------------------------------------------------------------


def _actions(conn, flt: AuditFilter) -> list[str]:
    return [e.action for e in query_entries(conn, flt)]


def test_newest_first_and_count(filled) -> None:
    assert _actions(filled, AuditFilter()) == [
        "login_failed", "logout", "delivery_published", "raw_view", "login"]
    assert count_entries(filled, AuditFilter()) == 5
    page = query_entries(filled, AuditFilter(), limit=2, offset=2)
    assert [e.action for e in page] == ["delivery_published", "raw_view"]


def test_date_range_includes_both_days(filled) -> None:
    flt = parse_filter(since="2025-01-10", until="2025-01-10")
    assert _actions(filled, flt) == ["raw_view", "login"]
    assert count_entries(filled, parse_filter(since="2025-01-11")) == 3
    assert count_entries(filled, parse_filter(until="2025-01-31")) == 3


def test_user_action_and_text(filled) -> None:
    assert _actions(filled, parse_filter(user="ANNA")) == ["logout", "login"]
    assert _actions(filled, parse_filter(action="raw_view")) == ["raw_view"]
    assert _actions(filled, parse_filter(text="hze")) == ["delivery_published", "raw_view"]
    assert _actions(filled, parse_filter(text="ROOT")) == ["delivery_published"]
    assert _actions(filled, parse_filter(user="anna", text="nothing")) == []


def test_like_wildcards_in_the_text_are_literal(filled) -> None:
    assert _actions(filled, parse_filter(text="%")) == ["login_failed"]
    assert _actions(filled, parse_filter(text="_off")) == ["login_failed"]
    assert _actions(filled, parse_filter(text="a_n")) == []
    assert _actions(filled, parse_filter(text="\\")) == ["login_failed"]


@pytest.mark.parametrize("text", ["' OR 1=1 --", "x'; DELETE FROM audit_log; --",
                                  "\") OR (\"1\"=\"1", "anna' --"])
def test_injection_attempts_are_plain_text(filled, text: str) -> None:
    assert query_entries(filled, parse_filter(text=text)) == []
    assert query_entries(filled, parse_filter(user=text)) == []
    assert query_entries(filled, parse_filter(action=text)) == []
    assert count_entries(filled, AuditFilter()) == 5


@pytest.mark.parametrize("kwargs", [
    {"since": "2025-13-01"}, {"since": "gestern"}, {"until": 20250101},
    {"since": ["2025-01-01"]}, {"until": "2" * 40}, {"text": "x" * 201},
    {"user": {"a": 1}}, {"action": 5}, {"user": "u" * 129},
    {"since": "2025-02-01", "until": "2025-01-01"},
])
def test_bad_filter_values_give_a_german_message(kwargs: dict) -> None:
    with pytest.raises(AuditFilterError) as info:
        parse_filter(**kwargs)
    assert any(word in str(info.value) for word in ("Ungültig", "länger", "Startdatum"))


def test_extreme_dates_do_not_crash(filled) -> None:
    assert count_entries(filled, parse_filter(since="0001-01-01", until="9999-12-31")) == 5


def test_blank_filter_values_mean_no_filter(filled) -> None:
    assert count_entries(filled, parse_filter(since="", until=None, user="  ", text="")) == 5


def test_choices_for_the_filters(filled) -> None:
    assert known_users(filled) == ["anna", "root", "Bernd"]
    actions = known_actions(filled)
    assert actions[0] == "login" and "token_used" in actions
    audit(filled, "x", "something_new")
    assert known_actions(filled)[-1] == "something_new"


# --- CSV ----------------------------------------------------------------------------


def test_csv_has_bom_semicolons_and_neutralised_formulas(conn) -> None:
    audit(conn, "=HYPERLINK(\"http://evil\")", "login_failed", "+1+2", address="-3")
    audit(conn, "@SUM(A1)", "login_failed", '{"x": "ü; \\"quoted\\""}')
    text = entries_csv(query_entries(conn, AuditFilter()))
    assert text.startswith("\ufeffNr.;Zeit (UTC);Benutzer;Aktion")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 3
    newest, oldest = rows[1], rows[2]
    assert newest[2] == "'@SUM(A1)" and newest[6] == '{"x": "ü; \\"quoted\\""}'
    assert oldest[2] == "'=HYPERLINK(\"http://evil\")"
    assert oldest[5] == "'-3" and oldest[6] == "'+1+2"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert entries_csv([], lang="en").startswith("\ufeffNo.;Time (UTC);User")


@pytest.mark.parametrize("value, expected", [
    ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@a", "'@a"), ("\tx", "'\tx"),
    ("a=1", "a=1"), (None, ""), (7, "7"),
])
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected
