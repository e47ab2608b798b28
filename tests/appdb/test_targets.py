"""Targets in the app database: checked input with German errors, history, audit."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cockpit.appdb.database import connect
from cockpit.appdb.targets import (
    TargetDraft,
    TargetError,
    check_target,
    delete_target,
    get_target,
    list_targets,
    save_target,
    target_history,
    targets_for_area,
)

TODAY = date(2026, 12, 2)
VALUES = {  # (indicator, area) -> the periods the setter sees, oldest first
    ("sgb2_quote", "00"): {"2022": 9.0, "2023": 8.5, "2024": 8.0},
    ("sgb2_quote", "01"): {"2023": 10.0, "2024": None},  # 2024 suppressed
    ("einwohner", "00"): {"2024-H1": 1000.0, "2024": 1010.0},
}


def values_of(indicator: str, area: str) -> dict[str, float | None]:
    return VALUES.get((indicator, area), {})


def check(**fields: object) -> TargetDraft:
    form = {"indicator_id": "sgb2_quote", "area_code": "00", "target_value": "6,5",
            "target_year": "2030", "direction": "fall", "corridor": "", "base_period": None,
            **fields}
    return check_target(form, indicators={"sgb2_quote", "einwohner"},
                        areas={"00", "01", "0101"}, values_of=values_of, today=TODAY)


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "app.sqlite")
    yield conn
    conn.close()


def test_a_valid_form_becomes_a_draft_with_the_latest_period_as_base() -> None:
    draft = check()
    assert draft == TargetDraft("sgb2_quote", "00", 6.5, 2030, "fall", None, "2024")
    assert check(corridor="0,25", base_period="2022").corridor == 0.25
    assert check(target_value=6, target_year=2026).target_value == 6.0  # JSON numbers
    assert check(target_value="1.234,5", direction="keep").target_value == 1234.5
    assert check(target_value="12.5", direction="keep").target_value == 12.5


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"indicator_id": ""}, "indicator_id", "Bitte einen Indikator wählen."),
    ({"indicator_id": "gibts_nicht"}, "indicator_id", "Unbekannter Indikator „gibts_nicht“."),
    ({"indicator_id": ["sgb2_quote"]}, "indicator_id",
     "Unbekannter Indikator „['sgb2_quote']“."),
    ({"area_code": None}, "area_code", "Bitte ein Gebiet wählen."),
    ({"area_code": "99"}, "area_code", "Unbekanntes Gebiet „99“."),
    ({"area_code": "0101"}, "area_code", "Für diesen Indikator gibt es im gewählten Gebiet "
                                         "keine Werte"),
    ({"target_value": ""}, "target_value", "Bitte einen Zielwert angeben."),
    ({"target_value": "viel"}, "target_value", "Zielwert: „viel“ ist keine Zahl."),
    ({"target_value": "nan"}, "target_value", "Zielwert: „nan“ ist keine Zahl."),
    ({"target_value": "inf"}, "target_value", "Zielwert: „inf“ ist keine Zahl."),
    ({"target_value": True}, "target_value", "Zielwert: „True“ ist keine Zahl."),
    ({"target_year": ""}, "target_year", "Bitte ein Zieljahr angeben."),
    ({"target_year": "2030.5"}, "target_year", "Zieljahr: „2030.5“ ist keine Jahreszahl "
                                               "(z. B. 2030)."),
    ({"target_year": "20300"}, "target_year", "Zieljahr: „20300“ ist keine Jahreszahl"),
    ({"target_year": "2025"}, "target_year", "Das Zieljahr 2025 liegt in der Vergangenheit; "
                                             "frühestens 2026."),
    ({"target_year": 2101}, "target_year", "Das Zieljahr darf höchstens 2100 sein."),
    ({"direction": "hoch"}, "direction", "Die Richtung muss „steigen“, „sinken“ oder"),
    ({"corridor": "-0,5"}, "corridor", "Der Korridor darf nicht negativ sein."),
    ({"corridor": "etwa 1"}, "corridor", "Korridor: „etwa 1“ ist keine Zahl."),
    ({"base_period": "2021"}, "base_period", "Basiszeitraum „2021“: Dafür gibt es in diesem "
                                             "Gebiet keinen Wert; möglich sind 2022, 2023, 2024."),
    ({"base_period": "letztes Jahr"}, "base_period", "Basiszeitraum „letztes Jahr“: Dafür"),
    ({"direction": "rise"}, "target_value", "Bei „steigen“ muss der Zielwert über dem "
                                            "Ausgangswert (8) liegen."),
    ({"target_value": "8,0"}, "target_value", "Bei „sinken“ muss der Zielwert unter dem "
                                              "Ausgangswert (8) liegen."),
])
def test_bad_input_is_refused_with_a_german_message(fields: dict, field: str,
                                                    message: str) -> None:
    with pytest.raises(TargetError) as caught:
        check(**fields)
    assert str(caught.value).startswith(message)
    assert caught.value.field == field


def test_the_target_year_must_lie_after_the_base_period() -> None:
    with pytest.raises(TargetError, match=r"nach dem Basiszeitraum \(2026\)"):
        check_target({"indicator_id": "sgb2_quote", "area_code": "00", "target_value": 5,
                      "target_year": 2026, "direction": "fall"},
                     indicators={"sgb2_quote"}, areas={"00"},
                     values_of=lambda i, a: {"2025": 8.0, "2026": 7.0}, today=TODAY)
    # a half-year ends in the middle: 2026 lies after 2026-H1
    draft = check_target({"indicator_id": "einwohner", "area_code": "00", "target_value": 1,
                          "target_year": 2026, "direction": "keep",
                          "base_period": "2024-H1"},
                         indicators={"einwohner"}, areas={"00"}, values_of=values_of,
                         today=TODAY)
    assert draft.base_period == "2024-H1"


def test_a_suppressed_base_value_is_not_compared_and_not_named() -> None:
    draft = check(area_code="01", direction="rise", target_value="50")
    assert draft.base_period == "2024"


def test_save_change_delete_keep_the_history_and_the_audit_log(conn) -> None:
    draft = check()
    created = save_target(conn, "carla", draft, source="web", address="10.0.0.1")
    assert (created.created_by, created.updated_by) == ("carla", "carla")
    assert created.created_at and created.updated_at == created.created_at
    assert list_targets(conn) == [created]
    assert targets_for_area(conn, "00") == {"sgb2_quote": created}
    assert targets_for_area(conn, "01") == {}

    changed = save_target(conn, "dora", check(target_value="7", corridor="0,5"), created.id)
    assert changed.id == created.id
    assert (changed.target_value, changed.corridor) == (7.0, 0.5)
    assert (changed.created_by, changed.updated_by) == ("carla", "dora")

    deleted = delete_target(conn, "erik", created.id)
    assert deleted == changed
    assert list_targets(conn) == [] and get_target(conn, created.id) is None

    history = target_history(conn, created.id)
    assert [(h.action, h.user_name) for h in history] == [
        ("deleted", "erik"), ("changed", "dora"), ("created", "carla")]
    assert history[2].old is None and history[2].new["target_value"] == 6.5
    assert history[1].old["target_value"] == 6.5 and history[1].new["target_value"] == 7.0
    assert history[1].old["corridor"] is None and history[1].new["corridor"] == 0.5
    assert history[0].old["target_value"] == 7.0 and history[0].new is None

    audit = conn.execute("SELECT user_name, action, detail, source, address FROM audit_log"
                         " ORDER BY id").fetchall()
    assert [(row[0], row[1]) for row in audit] == [
        ("carla", "target_created"), ("dora", "target_changed"), ("erik", "target_deleted")]
    detail = json.loads(audit[1][2])
    assert detail["changed"] == ["corridor", "target_value"]
    assert (detail["indicator"], detail["area"]) == ("sgb2_quote", "00")
    assert tuple(audit[0][3:]) == ("web", "10.0.0.1")


def test_the_history_cannot_be_changed_or_deleted(conn) -> None:
    save_target(conn, "carla", check())
    with pytest.raises(sqlite3.DatabaseError, match="Historie"):
        conn.execute("UPDATE target_history SET user_name = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="Historie"):
        conn.execute("DELETE FROM target_history")


def test_one_target_per_indicator_and_area(conn) -> None:
    first = save_target(conn, "carla", check())
    with pytest.raises(TargetError, match="bereits einen Zielwert"):
        save_target(conn, "carla", check(target_value="5"))
    other = save_target(conn, "carla", check(indicator_id="einwohner", direction="keep",
                                             target_value="1000"))
    # changing the other target onto the first one's indicator and area is refused too
    with pytest.raises(TargetError, match="bereits einen Zielwert"):
        save_target(conn, "carla", check(), other.id)
    assert list_targets(conn) == [other, first]  # by indicator id
    assert len(target_history(conn)) == 2


@pytest.mark.parametrize("bad_id", [0, -1, 999, "1", True, None, 2**70])
def test_unknown_targets_change_nothing(conn, bad_id: object) -> None:
    save_target(conn, "carla", check())
    before = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(TargetError, match="Unbekannter Zielwert"):
        delete_target(conn, "carla", bad_id)
    if bad_id is not None:
        with pytest.raises(TargetError, match="Unbekannter Zielwert"):
            save_target(conn, "carla", check(target_value="5"), bad_id)
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert len(list_targets(conn)) == 1


def test_the_schema_refuses_what_the_check_would_refuse(conn) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO targets (indicator_id, area_code, target_value, target_year,"
                     " direction, corridor, base_period, created_by, created_at, updated_by,"
                     " updated_at) VALUES ('a', '00', 1, 2030, 'up', NULL, '2024', 'x', 't',"
                     " 'x', 't')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO targets (indicator_id, area_code, target_value, target_year,"
                     " direction, corridor, base_period, created_by, created_at, updated_by,"
                     " updated_at) VALUES ('a', '00', 1, 2030, 'rise', -1, '2024', 'x', 't',"
                     " 'x', 't')")
