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


@pytest.mark.parametrize("period", [
    "2024", "2024-01", "2024-12", "2024-H1", "2024-H2", "2024-Q1", "2024-Q4"])
def test_valid_periods_are_accepted(conn: duckdb.DuckDBPyConnection, period: str) -> None:
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, value) "
                 "VALUES ('d', '01', ?, 1)", [period])


@pytest.mark.parametrize("period", [
    "24", "2024-13", "2024-00", "2024-6", "2024/06", "x", "2024-H3", "2024-Q0", "2024-h1"])
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


def test_levels_have_unique_depths(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("INSERT INTO levels VALUES ('land', 0, 'Land', 'State')")
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO levels VALUES ('kreis', 0, 'Kreis', 'District')")
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO levels VALUES ('land', 1, 'Land', 'State')")


def test_area_validity_must_not_end_before_it_starts(conn: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("INSERT INTO areas (code, name, level, valid_from, valid_to) "
                     "VALUES ('01', 'X', 'kreis', DATE '2021-01-01', DATE '2020-12-31')")
    conn.execute("INSERT INTO areas (code, name, level, valid_from, valid_to) "
                 "VALUES ('01', 'X', 'kreis', DATE '2021-01-01', DATE '2021-01-01')")


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
