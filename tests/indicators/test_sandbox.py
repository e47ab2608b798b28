"""Issue 8, finding 4: an indicator's SQL sees only the datasets its header declares.

The attack from the issue: a header saying `classification: internal`,
`datasets: [bevoelkerung]`, `min_count: 1` over SQL that reads `hze`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer
from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.indicators.compute import compute_indicator, run_indicator_sql
from cockpit.indicators.header import parse_indicator_file
from cockpit.indicators.registry import _to_indicator, check_registry
from cockpit.indicators.sandbox import SandboxError
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings

ATTACK = """/*
id: hze_getarnt
title_de: Einwohner (getarnt)
title_en: Residents (disguised)
description: Liest in Wahrheit die Hilfen zur Erziehung.
unit: Fälle
topic: demografie
direction: neutral
classification: internal
aggregation: sum
min_count: 1
numerator: Fälle
source: Jugendamt
update_cycle: jährlich
datasets: [bevoelkerung]
parameters: [period]
*/
SELECT area_code, period, sum(value) AS value, sum(value) AS numerator,
       NULL::DOUBLE AS denominator
FROM observations
WHERE dataset_id = {dataset} AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
"""


def _indicator(sql_body: str, *, datasets: str = "[bevoelkerung]", min_count: int = 1,
               path: Path = Path("queries/demografie/hze_getarnt.sql")):
    text = ATTACK.replace("datasets: [bevoelkerung]", f"datasets: {datasets}").replace(
        "min_count: 1", f"min_count: {min_count}")
    if "$period" not in sql_body:  # else DuckDB refuses the unused parameter, not the escape
        text = text.replace("parameters: [period]", "parameters: []")
    head, _ = text.split("*/\n", 1)
    parsed = parse_indicator_file(head + "*/\n" + sql_body)
    return _to_indicator(path, parsed)


def _attack(dataset_literal: str = "'hze'"):
    body = ATTACK.split("*/\n", 1)[1].format(dataset=dataset_literal)
    return _indicator(body)


def _write_attack(tmp_path: Path, dataset_literal: str) -> Path:
    queries = tmp_path / "queries"
    shutil.copytree(bundled_dir("queries"), queries)
    (queries / "demografie" / "hze_getarnt.sql").write_text(
        ATTACK.format(dataset=dataset_literal), encoding="utf-8")
    return queries


# -- the sandbox ------------------------------------------------------------------------------

def test_undeclared_dataset_yields_no_rows(demo: Installation) -> None:
    conn = demo.store.read()
    assert conn.execute("SELECT count(*) FROM observations WHERE dataset_id = 'hze'"
                        ).fetchone()[0] > 0
    assert run_indicator_sql(conn, _attack()).empty
    assert compute_indicator(conn, _attack()).empty


def test_disguised_literal_still_yields_no_rows(demo: Installation) -> None:
    # A dataset id built at run time escapes any text scan, not the sandbox.
    rows = run_indicator_sql(demo.store.read(), _attack("'h' || 'ze'"))
    assert rows.empty


def test_declared_datasets_are_all_visible(demo: Installation) -> None:
    sql = ("SELECT 'x' AS area_code, '2024' AS period, count(DISTINCT dataset_id) AS value, "
           "count(DISTINCT dataset_id) AS numerator, NULL::DOUBLE AS denominator "
           "FROM observations WHERE $period IS NULL OR TRUE")
    indicator = _indicator(sql, datasets="[bevoelkerung, hze]")
    rows = run_indicator_sql(demo.store.read(), indicator)
    assert rows["value"].tolist() == [2]


def test_shipped_indicators_give_the_same_rows_as_without_sandbox(demo: Installation) -> None:
    conn = demo.store.read()
    for indicator in demo.registry:
        params = {"period": None} if "period" in indicator.parameters else None
        direct = conn.execute(indicator.sql, params).df()
        sandboxed = run_indicator_sql(conn, indicator)
        key = ["area_code", "period"]
        assert sandboxed.sort_values(key, ignore_index=True).equals(
            direct.sort_values(key, ignore_index=True)), indicator.id


ESCAPE_FILE = Path(tempfile.gettempdir()) / f"cockpit-sandbox-escape-{os.getpid()}.csv"
ESCAPES = {
    "qualified name of another database":
        'SELECT * FROM "{db}".main.observations',
    "attach the snapshot file":
        "ATTACH '{path}' AS snap (READ_ONLY)",
    "attach then read (two statements)":
        "ATTACH '{path}' AS snap (READ_ONLY); SELECT * FROM snap.observations",
    "read_csv of a file":
        "SELECT * FROM read_csv('/etc/passwd')",
    "read the snapshot as a table function":
        "SELECT * FROM read_text('{path}')",
    "glob the file system":
        "SELECT * FROM glob('/etc/*')",
    "file name as a table":
        "SELECT * FROM '{path}'",
    "SET external access":
        "SET enable_external_access = true",
    "SET then read":
        "SET enable_external_access = true; SELECT * FROM read_csv('/etc/passwd')",
    "load an extension":
        "LOAD httpfs",
    "copy to a file":
        f"COPY (SELECT 1) TO '{ESCAPE_FILE}'",
    "change the sandbox before the select":
        "INSERT INTO observations SELECT * FROM observations; SELECT 1",
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_attempts_are_refused(demo: Installation, name: str) -> None:
    conn = demo.store.read()
    db = conn.execute("SELECT current_database()").fetchone()[0]
    sql = ESCAPES[name].format(path=demo.store.current_path(), db=db)
    indicator = _indicator(sql)
    assert indicator.parameters == ()
    with pytest.raises((SandboxError, duckdb.PermissionException, duckdb.CatalogException,
                        duckdb.InvalidInputException)):
        run_indicator_sql(conn, indicator)
    assert not ESCAPE_FILE.exists()


def test_sql_cannot_see_other_databases_or_the_import_log(demo: Installation) -> None:
    sql = ("SELECT database_name AS area_code, '2024' AS period, 1 AS value, 1 AS numerator, "
           "NULL::DOUBLE AS denominator FROM duckdb_databases() "
           "WHERE ($period IS NULL OR TRUE) AND NOT internal")
    rows = run_indicator_sql(demo.store.read(), _indicator(sql))
    assert rows["area_code"].tolist() == ["memory"]
    with pytest.raises(duckdb.Error):
        run_indicator_sql(demo.store.read(), _indicator(
            "SELECT * FROM import_log WHERE $period IS NULL"))


# -- cockpit check and the gate ----------------------------------------------------------------

@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sandbox-home")
    assert CliRunner().invoke(cli, ["--home", str(path), "init", "--demo"]).exit_code == 0
    return path


def _check(home: Path, queries: Path):
    return CliRunner().invoke(cli, ["--home", str(home), "check"],
                              env={"COCKPIT_QUERIES_DIR": str(queries)})


def test_check_refuses_the_attack_from_the_issue(home: Path, tmp_path: Path) -> None:
    result = _check(home, _write_attack(tmp_path, "'hze'"))
    assert result.exit_code == 1
    assert "hze_getarnt.sql:" in result.output
    assert "'hze'" in result.output
    assert "datasets" in result.output


def test_check_refuses_min_count_below_the_datasets_minimum(home: Path,
                                                           tmp_path: Path) -> None:
    result = _check(home, _write_attack(tmp_path, "'bevoelkerung'"))
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "min_count" in line)
    assert "hze_getarnt.sql:11:" in line  # the line of min_count in the header
    assert "bevoelkerung" in line and "3" in line


def test_check_accepts_a_raised_min_count(home: Path, tmp_path: Path) -> None:
    queries = _write_attack(tmp_path, "'bevoelkerung'")
    path = queries / "demografie" / "hze_getarnt.sql"
    path.write_text(path.read_text().replace("min_count: 1", "min_count: 5"))
    result = _check(home, queries)
    assert result.exit_code == 0, result.output


def test_dataset_min_count_is_read_and_defaults_to_3(demo: Installation,
                                                    tmp_path: Path) -> None:
    assert demo.catalog.datasets["hze"].min_count == 3
    data = tmp_path / "data"
    shutil.copytree(bundled_dir("data"), data)
    hze = data / "datasets" / "hze.yaml"
    hze.write_text(hze.read_text() + "min_count: 5\n")
    inst = Installation(load_settings(home=str(tmp_path / "home"), data_dir=str(data)))
    assert inst.catalog.datasets["hze"].min_count == 5
    registry, problems = check_registry(bundled_dir("queries"), inst.catalog, inst.topics)
    assert any("hze_je_1000_unter_21.sql" in str(p) and "min_count" in str(p)
               for p in problems)


def test_committee_never_receives_the_counts(demo: Installation) -> None:
    attack = _attack()
    registry = replace(demo.registry, indicators={**demo.registry.indicators,
                                                  attack.id: attack})
    inst = Installation(demo.settings)
    inst.__dict__["registry"] = registry
    gate = Gate(inst)
    committee = Viewer("k", "committee")
    assert attack.id in {ind.id for ind in gate.visible_indicators(committee)}
    rows = gate.values(committee, attack.id, all_periods=True)
    assert rows.empty or rows["value"].isna().all()


def test_gate_suppresses_with_the_datasets_minimum(demo: Installation) -> None:
    # The header asks for min_count 1 over bevoelkerung (minimum 3): the gate uses 3.
    body = ("SELECT area_code, period, 2.0 AS value, 2.0 AS numerator, NULL::DOUBLE AS "
            "denominator FROM observations WHERE dataset_id = 'bevoelkerung' AND "
            "($period IS NULL OR period = $period) GROUP BY area_code, period")
    small = _indicator(body, min_count=1)
    registry = replace(demo.registry, indicators={**demo.registry.indicators,
                                                  small.id: small})
    inst = Installation(demo.settings)
    inst.__dict__["registry"] = registry
    rows = Gate(inst).values(Viewer("k", "committee"), small.id, level="subdistrict")
    assert not rows.empty
    assert rows["suppressed"].all()
    assert rows["value"].isna().all()


@pytest.mark.parametrize("body, expected", [
    ("SELECT 1; SELECT 2", "genau eine SELECT-Abfrage"),
    ("SET enable_external_access = true", "SELECT-Abfrage sein, nicht"),
    ("ATTACH '/tmp/x.duckdb' AS x", "SELECT-Abfrage sein, nicht"),
    ("SELECT * FROM read_csv('/etc/passwd') WHERE $period IS NULL", "SQL-Fehler"),
])
def test_check_names_sql_that_tries_to_leave_the_sandbox(demo: Installation, tmp_path: Path,
                                                         body: str, expected: str) -> None:
    queries = tmp_path / "queries" / "demografie"
    queries.mkdir(parents=True)
    head = ATTACK.split("*/\n", 1)[0].replace("min_count: 1", "min_count: 3")
    if "$period" not in body:
        head = head.replace("parameters: [period]", "parameters: []")
    (queries / "hze_getarnt.sql").write_text(head + "*/\n" + body + "\n", encoding="utf-8")
    _, problems = check_registry(tmp_path / "queries", demo.catalog, demo.topics)
    assert [str(p) for p in problems if expected in str(p)], problems
    assert all(str(p).startswith(str(queries / "hze_getarnt.sql") + ":") for p in problems)


def test_a_writable_database_is_read_anew_each_time(demo: Installation, tmp_path: Path) -> None:
    # Only published snapshots (opened read-only) are cached; anything else may change.
    conn = duckdb.connect(str(tmp_path / "building.duckdb"))
    conn.execute(f"ATTACH '{demo.store.current_path()}' AS src (READ_ONLY)")
    for table in ("meta", "areas", "area_geometries", "datasets", "observations"):
        conn.execute(f"CREATE TABLE {table} AS FROM src.{table}")
    conn.execute("DETACH src")
    einwohner = demo.registry.get("einwohner")
    before = compute_indicator(conn, einwohner)
    conn.execute("UPDATE observations SET value = value * 2 WHERE dataset_id = 'bevoelkerung'")
    after = compute_indicator(conn, einwohner)
    assert after["value"].sum() == pytest.approx(2 * before["value"].sum())
