"""The store schema: tables exist and constraints reject impossible rows."""

from __future__ import annotations

import duckdb
import pytest

from cockpit.store.schema import DIMENSIONS, TABLES, create_schema


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    create_schema(c)
    return c


def test_all_tables_are_created(conn: duckdb.DuckDBPyConnection) -> None:
    tables = {row[0] for row in conn.execute("SHOW TABLES").fetchall()}
    assert tables == set(TABLES)


def test_observation_dimensions_default_to_total(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, value) "
                 "VALUES ('d', '0101', '2024', 5)")
    row = conn.execute(f"SELECT {', '.join(DIMENSIONS)} FROM observations").fetchone()
    assert set(row) == {"_T"}


@pytest.mark.parametrize("period", ["2024", "2024-01", "2024-12"])
def test_valid_periods_are_accepted(conn: duckdb.DuckDBPyConnection, period: str) -> None:
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, value) "
                 "VALUES ('d', '01', ?, 1)", [period])


@pytest.mark.parametrize("period", ["24", "2024-13", "2024-00", "2024-6", "2024/06", "x"])
def test_invalid_periods_are_rejected(conn: duckdb.DuckDBPyConnection, period: str) -> None:
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO observations (dataset_id, area_code, period, value) "
                     "VALUES ('d', '01', ?, 1)", [period])


def test_observation_key_is_unique(conn: duckdb.DuckDBPyConnection) -> None:
    sql = ("INSERT INTO observations (dataset_id, area_code, period, sex, value) "
           "VALUES ('d', '01', '2024', 'w', ?)")
    conn.execute(sql, [1])
    with pytest.raises(duckdb.ConstraintException):
        conn.execute(sql, [2])


def test_value_or_status_is_required(conn: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO observations (dataset_id, area_code, period) "
                     "VALUES ('d', '01', '2024')")
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, value_status) "
                 "VALUES ('d', '01', '2024', '.')")


def test_area_levels_and_parents_are_checked(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("INSERT INTO areas (code, name, level) VALUES ('00', 'Stadt', 'city')")
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO areas (code, name, level) VALUES ('01', 'X', 'quarter')")
    with pytest.raises(duckdb.ConstraintException):
        # only the city has no parent
        conn.execute("INSERT INTO areas (code, name, level) VALUES ('01', 'X', 'district')")


@pytest.mark.parametrize("column,value", [("classification", "secret"), ("source", "web")])
def test_dataset_enumerations_are_checked(
    conn: duckdb.DuckDBPyConnection, column: str, value: str
) -> None:
    row = {"id": "d", "title": "t", "source": "official", "department": "x",
           "classification": "public", "unit": "u"}
    row[column] = value
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO datasets (id, title, source, department, classification, unit)"
                     " VALUES ($id, $title, $source, $department, $classification, $unit)", row)
