"""Cross-row plausibility checks: totals, previous deliveries, area validity, ratios.

The store is a small in-memory DuckDB database with the real schema; deliveries are
crafted observation frames as `validate_delivery` returns them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.catalog import Dataset, DefinitionError, load_catalog
from cockpit.ingest.plausibility import check_plausibility, previous_period
from cockpit.ingest.problems import ERROR, WARNING, Problem
from cockpit.ingest.validate import OBSERVATION_COLUMNS
from cockpit.resources import bundled_dir
from cockpit.store.schema import DIMENSIONS, TOTAL, create_schema

AREAS = [  # code, level, parent, valid_from, valid_to
    ("00", "city", None, "1900-01-01", None),
    ("01", "district", "00", "1900-01-01", None),
    ("0101", "subdistrict", "01", "1900-01-01", None),
    ("0102", "subdistrict", "01", "1900-01-01", None),
    ("0199", "subdistrict", "01", "1900-01-01", "2020-01-01"),
]
# The previous delivery already in the store (dataset "test", 2022, by sex).
STORED = [
    ("00", "2022", "m", 100), ("00", "2022", "f", 110),
    ("01", "2022", "m", 100), ("01", "2022", "f", 110),
    ("0101", "2022", "m", 60), ("0101", "2022", "f", 70),
    ("0102", "2022", "m", 40), ("0102", "2022", "f", 40),
]


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect(":memory:")
    create_schema(db)
    db.executemany("INSERT INTO areas VALUES (?, ?, ?, ?, ?, ?)",
                   [(code, f"Gebiet {code}", level, parent, frm, to)
                    for code, level, parent, frm, to in AREAS])
    db.executemany(
        "INSERT INTO observations (dataset_id, area_code, period, sex, value) "
        "VALUES ('test', ?, ?, ?, ?)", STORED)
    return db


@pytest.fixture
def dataset() -> Dataset:
    return Dataset(
        id="test", title="Test", description="", source="official", department="statistik",
        classification="public", unit="Personen", licence="", update_cycle="",
        levels=("city", "district", "subdistrict"), dimensions={"sex": ("m", "f")},
        value_type="count", value_min=0, path=Path("test.yaml"))


def frame(rows: list[tuple], dataset_id: str = "test",
          dims: tuple[str, ...] = ("sex",)) -> tuple[pd.DataFrame, pd.Series]:
    """Observations (area, period, *dims, value) and their file lines (row i -> line i + 2)."""
    records = []
    for area, period, *rest in rows:
        record = {"dataset_id": dataset_id, "area_code": area, "period": period,
                  **dict.fromkeys(DIMENSIONS, TOTAL), "value": float(rest[-1])}
        record.update(zip(dims, rest[:-1], strict=True))
        records.append(record)
    obs = pd.DataFrame(records, columns=OBSERVATION_COLUMNS)
    return obs, pd.Series(range(2, len(obs) + 2), index=obs.index)


def run(conn: duckdb.DuckDBPyConnection, dataset: Dataset, rows: list[tuple],
        **kwargs: float) -> list[Problem]:
    obs, lines = frame(rows, dataset.id, tuple(dataset.dimensions))
    return check_plausibility(obs, dataset, conn.cursor(), lines=lines, **kwargs)


def only(problems: list[Problem], text: str) -> Problem:
    hits = [p for p in problems if text in p.message]
    assert len(hits) == 1, "\n".join(p.to_text() for p in problems)
    return hits[0]


# A plausible 2023 delivery: complete, adds up, no jumps.
GOOD = [
    ("00", "2023", "m", 105), ("00", "2023", "f", 115),
    ("01", "2023", "m", 105), ("01", "2023", "f", 115),
    ("0101", "2023", "m", 63), ("0101", "2023", "f", 72),
    ("0102", "2023", "m", 42), ("0102", "2023", "f", 43),
]


def test_good_delivery_is_silent(conn, dataset) -> None:
    assert run(conn, dataset, GOOD) == []


def test_empty_delivery_is_silent(conn, dataset) -> None:
    assert run(conn, dataset, []) == []


# --- totals ---------------------------------------------------------------------------------


def test_children_not_adding_up_to_district(conn, dataset) -> None:
    rows = [*GOOD]
    rows[2] = ("01", "2023", "m", 1234)  # line 4; children still sum to 105
    problems = run(conn, dataset, rows)
    problem = only(problems, "Teilgebiete von „01“")
    assert (problem.severity, problem.line, problem.column) == (ERROR, 4, "value")
    assert "ergeben zusammen 105, der Gesamtwert ist 1.234" in problem.message
    assert "sex=m" in problem.message
    # the city total (00 = 105) no longer matches its only child 01 either
    assert only(problems, "Teilgebiete von „00“").line == 2


def test_sum_tolerance_is_relative(conn, dataset) -> None:
    rows = [*GOOD]
    rows[2] = ("01", "2023", "m", 106)
    rows[0] = ("00", "2023", "m", 106)
    assert any("Teilgebiete" in p.message for p in run(conn, dataset, rows))
    assert not any("Teilgebiete" in p.message
                   for p in run(conn, dataset, rows, sum_tolerance=0.01))


def test_incomplete_children_are_not_summed(conn, dataset) -> None:
    # 0102 missing: the file cannot show whether 01 adds up, so no totals error
    rows = [r for r in GOOD if r[0] != "0102"]
    rows[2] = ("01", "2023", "m", 999)
    assert not any("Teilgebiete von „01“" in p.message for p in run(conn, dataset, rows))


# --- missing areas --------------------------------------------------------------------------


def test_area_missing_compared_with_previous_delivery(conn, dataset) -> None:
    rows = [r for r in GOOD if r[0] != "0102"]
    problem = only(run(conn, dataset, rows), "fehlt gegenüber")
    assert (problem.severity, problem.line) == (WARNING, None)
    assert problem.message == ("Zeitraum 2023: 1 Gebiet fehlt gegenüber der vorigen "
                               "Lieferung (2022): 0102")


def test_missing_areas_ignore_monthly_and_later_periods(conn, dataset) -> None:
    # a monthly delivery has no earlier monthly one; 2021 has nothing earlier in the store
    assert run(conn, dataset, [("0101", "2023-05", "m", 5)]) == []
    assert not any("fehlt" in p.message for p in run(conn, dataset, [("0101", "2021", "m", 60)]))


# --- jumps ----------------------------------------------------------------------------------


def test_jump_against_store(conn, dataset) -> None:
    rows = [*GOOD]
    rows[4] = ("0101", "2023", "m", 1000)  # line 6, 2022 in the store: 60
    problems = [p for p in run(conn, dataset, rows) if p.severity == WARNING]
    problem = only(problems, "Sprung")
    assert problem.line == 6
    assert problem.message == ("Sprung gegenüber 2022: 60 → 1.000 (+1567 %) – "
                               "Gebiet „0101“, 2023, sex=m")


def test_jump_against_previous_period_in_same_file(conn, dataset) -> None:
    rows = [("0101", "2024-01", "m", 10), ("0101", "2023-12", "m", 30)]
    problem = only(run(conn, dataset, rows), "Sprung")
    assert (problem.line, problem.severity) == (2, WARNING)
    assert "gegenüber 2023-12: 30 → 10 (-67 %)" in problem.message


def test_half_year_is_compared_with_the_half_year_before(conn, dataset) -> None:
    # 2024-H1 follows 2023-H2 (not "2023", not "2024-06"); 2023-H2 comes from the file.
    rows = [("0101", "2024-H1", "m", 100), ("0101", "2023-H2", "m", 30),
            ("0101", "2023-Q4", "m", 99)]
    jumps = [p for p in run(conn, dataset, rows) if "Sprung" in p.message]
    assert [(p.line, p.message.split(":")[0]) for p in jumps] == [(2, "Sprung gegenüber 2023-H2")]


def test_first_quarter_is_compared_with_the_last_of_the_year_before(conn, dataset) -> None:
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, sex, value) "
                 "VALUES ('test', '0101', '2023-Q4', 'm', 10)")
    problem = only(run(conn, dataset, [("0101", "2024-Q1", "m", 50)]), "Sprung")
    assert "gegenüber 2023-Q4: 10 → 50" in problem.message


def test_missing_areas_against_the_previous_half_year(conn, dataset) -> None:
    conn.executemany("INSERT INTO observations (dataset_id, area_code, period, sex, value) "
                     "VALUES ('test', ?, ?, 'm', 5)",
                     [("0101", "2023-H1"), ("0102", "2023-H1"), ("0101", "2023-H2"),
                      ("0102", "2023-H2"), ("0102", "2024")])
    problem = only(run(conn, dataset, [("0101", "2024-H1", "m", 5)]), "fehlt gegenüber")
    assert problem.message == ("Zeitraum 2024-H1: 1 Gebiet fehlt gegenüber der vorigen "
                               "Lieferung (2023-H2): 0102")


def test_small_or_moderate_changes_are_no_jump(conn, dataset) -> None:
    moderate = [("0102", "2023", "f", 43), ("0102", "2024", "f", 49)]  # +14 %
    small_counts = [("0101", "2024", "m", 2), ("0101", "2025", "m", 6)]  # +200 %, but only +4
    assert not any("Sprung" in p.message for p in run(conn, dataset, moderate + small_counts))
    assert any("Sprung" in p.message
               for p in run(conn, dataset, moderate, jump_threshold=0.1))


# --- areas valid at another time ------------------------------------------------------------


def test_area_valid_at_another_time(conn, dataset) -> None:
    problems = run(conn, dataset, [*GOOD, ("0199", "2023", "m", 0)])
    problem = only(problems, "0199")
    assert (problem.severity, problem.line, problem.column) == (ERROR, 10, "area_code")
    assert problem.message == ("Gebiet „0199“ gilt für diesen Zeitraum (2023) nicht "
                               "(gültig bis 31.12.2019)")


def test_area_valid_in_its_own_time(conn, dataset) -> None:
    assert not any("gilt" in p.message
                   for p in run(conn, dataset, [("0199", "2019", "m", 3)]))


# --- numerator greater than denominator -----------------------------------------------------


@pytest.fixture(scope="module")
def wahlen() -> Dataset:
    return load_catalog(bundled_dir("data")).datasets["wahlen"]


def test_more_voters_than_electorate(conn, wahlen) -> None:
    rows = [
        ("0101", "2021", "wahlberechtigte", "bundestagswahl", 1000),
        ("0101", "2021", "waehlende", "bundestagswahl", 1200),  # line 3
        ("0102", "2021", "wahlberechtigte", "bundestagswahl", 900),
        ("0102", "2021", "waehlende", "bundestagswahl", 700),
    ]
    problems = run(conn, wahlen, rows)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.severity, problem.line, problem.column) == (ERROR, 3, "value")
    assert problem.message == ("waehlende (1.200) ist größer als wahlberechtigte (1.000, "
                               "Zeile 2) – Gebiet „0101“, 2021, variant=bundestagswahl")


def test_kita_may_have_more_places_than_children() -> None:
    kita = load_catalog(bundled_dir("data")).datasets["kita"]
    assert kita.not_greater_than == ()


def test_not_greater_than_must_name_measures(tmp_path: Path) -> None:
    (tmp_path / "datasets").mkdir()
    (tmp_path / "departments.yaml").write_text("statistik: Statistik\n", encoding="utf-8")
    path = tmp_path / "datasets" / "quote.yaml"
    path.write_text(
        "title: T\nsource: official\ndepartment: statistik\nclassification: public\n"
        "unit: Personen\nlevels: [subdistrict]\ndimensions:\n  measure: [a, b]\n"
        "not_greater_than: [[a, c]]\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="quote.yaml.*'c'"):
        load_catalog(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("[[a, c]]", "[[a, b]]"),
                    encoding="utf-8")
    assert load_catalog(tmp_path).datasets["quote"].not_greater_than == (("a", "b"),)


# --- misc -----------------------------------------------------------------------------------


def test_lines_are_optional(conn, dataset) -> None:
    obs, _ = frame([("0199", "2023", "m", 1)])
    problems = check_plausibility(obs, dataset, conn.cursor())
    assert [(p.line, p.column) for p in problems if p.severity == ERROR] == [(None, "area_code")]


def test_read_only_store(tmp_path: Path, dataset) -> None:
    path = tmp_path / "store.duckdb"
    with duckdb.connect(str(path)) as db:
        create_schema(db)
        db.execute("INSERT INTO areas VALUES ('0101', 'A', 'subdistrict', '01', "
                   "'1900-01-01', NULL)")
    with duckdb.connect(str(path), read_only=True) as db:
        rows = [("0101", "2023", "m", 1)]
        assert check_plausibility(frame(rows)[0], dataset, db.cursor()) == []


def test_dataset_without_pairs_keeps_default(dataset) -> None:
    assert dataclasses.replace(dataset).not_greater_than == ()


@pytest.mark.parametrize(("period", "previous"),
                         [("2024", "2023"), ("2024-01", "2023-12"), ("2024-10", "2024-09"),
                          ("2024-H1", "2023-H2"), ("2024-Q1", "2023-Q4")])
def test_previous_period(period: str, previous: str) -> None:
    assert previous_period(period) == previous


def test_many_jumps_are_summarised_not_listed_one_by_one() -> None:
    import duckdb

    from cockpit.ingest import plausibility
    from cockpit.store.schema import create_schema

    conn = duckdb.connect()
    create_schema(conn)
    conn.execute("INSERT INTO areas (code, name, level, parent_code) VALUES "
                 "('00', 'Stadt', 'city', NULL)")
    rows = [("bevoelkerung", "00", f"{2000 + i // 12}-{i % 12 + 1:02d}", "_T", "_T", "_T",
             "_T", "_T", "_T", float(10 if i % 2 else 100)) for i in range(700)]
    obs = pd.DataFrame(rows, columns=["dataset_id", "area_code", "period", "sex", "age_group",
                                      "nationality", "category", "measure", "variant",
                                      "value"])
    dataset = load_catalog(bundled_dir("data")).datasets["bevoelkerung"]
    problems = plausibility.check_plausibility(obs, dataset, conn)
    jumps = [p for p in problems if "Sprung" in p.message]
    assert len(jumps) == plausibility.MAX_JUMP_WARNINGS
    assert any(p.message.startswith("… und 199 weitere") for p in problems)


def test_jump_message_does_not_quote_a_small_published_count() -> None:
    import duckdb

    from cockpit.ingest import plausibility
    from cockpit.store.schema import create_schema

    conn = duckdb.connect()
    create_schema(conn)
    conn.execute("INSERT INTO areas (code, name, level, parent_code) VALUES "
                 "('00', 'Stadt', 'city', NULL)")
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, category, value) "
                 "VALUES ('hze', '00', '2023', 'stationaer', 2)")
    obs = pd.DataFrame([("hze", "00", "2024", "_T", "_T", "_T", "stationaer", "_T", "_T",
                         9.0)],
                       columns=["dataset_id", "area_code", "period", "sex", "age_group",
                                "nationality", "category", "measure", "variant", "value"])
    dataset = load_catalog(bundled_dir("data")).datasets["hze"]
    (jump,) = [p for p in plausibility.check_plausibility(obs, dataset, conn)
               if "Sprung" in p.message]
    assert "weniger als 3 → 9" in jump.message
    assert ": 2 →" not in jump.message


# --- without published data (uploaders who may not see raw values) -------------------------


def test_without_published_data_no_jump_against_the_store(conn, dataset) -> None:
    rows = [*GOOD]
    rows[4] = ("0101", "2023", "m", 1000)  # a jump against the store's 60
    problems = run(conn, dataset, rows, published=False)
    assert not any("Sprung" in p.message or "%" in p.message for p in problems)


def test_without_published_data_jumps_within_the_file_stay(conn, dataset) -> None:
    rows = [("0101", "2024-01", "m", 10), ("0101", "2023-12", "m", 30)]
    problem = only(run(conn, dataset, rows, published=False), "Sprung")
    assert "gegenüber 2023-12: 30 → 10 (-67 %)" in problem.message


def test_without_published_data_missing_areas_against_the_territory(conn, dataset) -> None:
    # 0199 is dissolved in 2023: only 0102 is missing at the Stadtteil level
    rows = [r for r in GOOD if r[0] != "0102"]
    problem = only(run(conn, dataset, rows, published=False), "fehlt")
    assert (problem.severity, problem.line) == (WARNING, None)
    assert problem.message == ("Zeitraum 2023: 1 Gebiet fehlt gegenüber dem Gebietsstand "
                               "(Ebene subdistrict): 0102")
    # only the levels the delivery covers count: Stadtteile alone lack no Stadtbezirk
    subdistricts = [r for r in GOOD if len(r[0]) == 4]
    assert not any("fehlt" in p.message
                   for p in run(conn, dataset, subdistricts, published=False))


def test_without_published_data_the_problems_do_not_depend_on_the_store(conn, dataset) -> None:
    rows = [r for r in GOOD if r[0] != "0102"]
    rows[0] = ("00", "2023", "m", 5000)
    first = run(conn, dataset, rows, published=False)
    conn.execute("UPDATE observations SET value = value * 7 + 1")
    conn.execute("DELETE FROM observations WHERE area_code = '0101'")
    conn.execute("INSERT INTO observations (dataset_id, area_code, period, sex, value) "
                 "VALUES ('test', '0102', '2021', 'm', 2)")
    assert run(conn, dataset, rows, published=False) == first
    conn.execute("DELETE FROM observations")
    assert run(conn, dataset, rows, published=False) == first


def test_assessment_names_the_published_data_it_compared_with(conn, dataset) -> None:
    from cockpit.ingest.plausibility import assess_plausibility

    rows = [*GOOD]
    rows[4] = ("0101", "2023", "m", 1000)
    rows[5] = ("0101", "2023", "f", 1000)
    obs, lines = frame(rows, dataset.id, tuple(dataset.dimensions))
    full = assess_plausibility(obs, dataset, conn.cursor(), lines=lines)
    assert full.compared_periods == ("2022",)
    assert full.published_cells == 2  # two jumps quote a published value
    # a jump within the file quotes no published value
    in_file = frame([("0101", "2024-01", "m", 10), ("0101", "2023-12", "m", 30)])[0]
    assert assess_plausibility(in_file, dataset, conn.cursor()).published_cells == 0
    blind = assess_plausibility(obs, dataset, conn.cursor(), lines=lines, published=False)
    assert (blind.compared_periods, blind.published_cells) == ((), 0)
