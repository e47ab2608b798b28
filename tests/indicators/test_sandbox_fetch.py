"""The sandbox's copy of a dataset's observations: constant text columns are not copied
row by row, and the SQL sees exactly the rows and values of the snapshot."""

from __future__ import annotations

import pyarrow as pa
import pytest

from cockpit.context import Installation
from cockpit.indicators import sandbox


def _as_text(table: pa.Table) -> pa.Table:
    """The table with every dictionary column as plain text (what the SQL reads)."""
    return table.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_dictionary(
        f.type) else f for f in table.schema]))


def _datasets(conn) -> list[str]:  # noqa: ANN001 - a DuckDB cursor
    return [d for (d,) in conn.execute(
        "SELECT DISTINCT dataset_id FROM observations ORDER BY 1").fetchall()]


@pytest.fixture
def pack_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pack the demo's small datasets too (only large ones are packed by default)."""
    monkeypatch.setattr(sandbox, "_PACK_ROWS", 0)


def test_each_dataset_is_copied_with_the_snapshot_values(demo: Installation,
                                                         pack_all: None) -> None:
    conn = demo.store.read()
    datasets = _datasets(conn)
    assert len(datasets) > 3
    packed = 0
    for dataset in datasets:
        plain = conn.sql("SELECT * FROM observations WHERE dataset_id = ?",
                         params=[dataset]).to_arrow_table()
        fetched = sandbox._fetch_observations(conn, dataset)
        assert fetched.column_names == plain.column_names
        assert _as_text(fetched).equals(plain.cast(_as_text(fetched).schema)), dataset
        packed += sum(pa.types.is_dictionary(f.type) for f in fetched.schema)
    assert packed  # constant columns really are dictionaries


def test_datasets_with_other_constant_columns_read_as_one_table(demo: Installation,
                                                                pack_all: None) -> None:
    conn = demo.store.read()
    datasets = _datasets(conn)
    parts = {d: sandbox._fetch_observations(conn, d) for d in datasets}
    shapes = {tuple(str(f.type) for f in part.schema): d for d, part in parts.items()}
    assert len(shapes) > 1  # datasets differ in which columns are constant
    chosen = sorted(shapes.values())[:3]
    query = ("SELECT dataset_id, period, age_group, sex, nationality, sum(value) AS v, "
             "count(*) AS n FROM observations GROUP BY ALL ORDER BY ALL")
    box = sandbox._sandbox_database().cursor()
    try:
        box.register("observations", sandbox._concat([parts[d] for d in chosen]))
        got = box.execute(query).fetchall()
    finally:
        box.close()
    listed = ", ".join("?" for _ in chosen)
    want = conn.execute(query.replace(
        "FROM observations", f"FROM observations WHERE dataset_id IN ({listed})"),
        chosen).fetchall()
    assert got == want


def test_periods_are_those_of_the_declared_datasets(demo: Installation) -> None:
    conn = demo.store.read()
    for dataset in _datasets(conn):
        want = {p for (p,) in conn.execute("SELECT DISTINCT period FROM observations "
                                           "WHERE dataset_id = ?", [dataset]).fetchall()}
        assert sandbox.observation_periods(conn, [dataset]) == want


@pytest.mark.parametrize("value", [None, "insgesamt"])
def test_a_constant_column_reads_as_text(value: str | None) -> None:
    indices = pa.nulls(3, pa.int8()) if value is None else pa.array([0, 0, 0], pa.int8())
    column = pa.DictionaryArray.from_arrays(
        indices, pa.array([] if value is None else [value], pa.string()))
    box = sandbox._sandbox_database().cursor()
    try:
        box.register("t", pa.table({"sex": column}))
        assert box.execute("SELECT typeof(sex), sex, sex || '' FROM t LIMIT 1").fetchone() \
            == ("VARCHAR", value, None if value is None else value)
    finally:
        box.close()


def _run(conn, sql: str, datasets: list[str], params: dict | None = None):  # noqa: ANN001
    return sandbox.run_sandboxed(conn, sql, datasets, params)


def test_a_query_gets_only_the_columns_its_plan_reads(demo: Installation) -> None:
    conn = demo.store.read()
    schema = sandbox.source_tables(conn).schema(conn)
    sql = ("SELECT area_code, period, sum(value) AS value FROM observations "
           "WHERE dataset_id = 'bevoelkerung' AND sex = '_T' AND ($period IS NULL "
           "OR period = $period) GROUP BY ALL")
    assert sandbox.read_columns(sql, {"period": "2024"}, schema) == {
        "dataset_id", "area_code", "period", "sex", "value"}
    # Everything the row stands for: *, a NATURAL JOIN, the row as a value.
    for whole in ("SELECT DISTINCT * FROM observations",
                  "SELECT o FROM observations o",
                  "SELECT a.area_code FROM observations a NATURAL JOIN observations b"):
        assert sandbox.read_columns(whole, None, schema) == set(schema.names), whole
    # A plan without a scan of it (or no plan at all): every column.
    assert sandbox.read_columns("SELECT area_code FROM observations WHERE 1 = 0", None,
                                schema) is None
    assert sandbox.read_columns("SELECT nonsense FROM observations", None, schema) is None


@pytest.mark.parametrize("sql", [
    "SELECT DISTINCT * FROM observations",
    "SELECT count(*) AS n, count(DISTINCT o) AS rows FROM observations o",
    "SELECT area_code, count(*) AS n FROM observations a NATURAL JOIN observations b "
    "GROUP BY ALL",
    "SELECT area_code, period, sum(value) AS value FROM observations WHERE sex = '_T' "
    "GROUP BY ALL",
])
def test_pruned_columns_give_the_rows_of_the_whole_table(demo: Installation,
                                                         sql: str) -> None:
    conn = demo.store.read()
    datasets = ["bevoelkerung", "hze"]
    pruned = _run(conn, sql, datasets)
    box = sandbox.open_sandbox(conn, datasets, sql, prune=False)
    try:
        whole = box.execute(sql).df()
    finally:
        box.close()
    order = list(whole.columns)
    assert pruned.sort_values(order, ignore_index=True).equals(
        whole.sort_values(order, ignore_index=True))


def test_the_copy_holds_the_read_columns_and_grows_for_a_later_query(
        demo: Installation, tmp_path) -> None:  # noqa: ANN001
    conn = demo.store.read()
    source = sandbox.SourceTables()  # not the shared one: nothing fetched yet
    schema = source.schema(conn)
    first = source.observations(conn, ["bevoelkerung"], {"area_code", "value"})
    assert first.column_names == ["area_code", "value"]
    later = source.observations(conn, ["bevoelkerung"], {"period", "dataset_id"})
    assert later.column_names == ["dataset_id", "period"]
    assert set(source._observations["bevoelkerung"].column_names) == {
        "dataset_id", "area_code", "period", "value"}
    whole = source.observations(conn, ["bevoelkerung"])
    assert whole.column_names == schema.names
    plain = conn.sql("SELECT * FROM observations WHERE dataset_id = 'bevoelkerung'"
                     ).to_arrow_table()
    assert _as_text(whole).equals(plain.cast(_as_text(whole).schema))


def test_a_column_missing_from_the_copy_is_fetched_after_all(
        demo: Installation, monkeypatch: pytest.MonkeyPatch) -> None:
    # Should a plan ever name too few columns, the query binds against every column.
    monkeypatch.setattr(sandbox, "read_columns", lambda *a, **k: frozenset({"period"}))
    conn = demo.store.read()
    sql = "SELECT area_code, count(*) AS n FROM observations GROUP BY ALL"
    got = _run(conn, sql, ["hze"])
    want = conn.execute("SELECT area_code, count(*) AS n FROM observations "
                        "WHERE dataset_id = 'hze' GROUP BY ALL").df()
    assert got.sort_values("area_code", ignore_index=True).equals(
        want.sort_values("area_code", ignore_index=True))


def test_a_growing_copy_of_a_large_dataset_keeps_constant_columns_as_dictionaries(
        demo: Installation, pack_all: None) -> None:
    conn = demo.store.read()
    source = sandbox.SourceTables()
    source.observations(conn, ["bevoelkerung"], {"area_code", "value"})  # the first copy
    grown = source.observations(conn, ["bevoelkerung"], {"variant", "value", "period"})
    assert pa.types.is_dictionary(grown.schema.field("variant").type)  # one value
    plain = conn.sql("SELECT period, variant, value FROM observations "
                     "WHERE dataset_id = 'bevoelkerung'").to_arrow_table()
    assert _as_text(grown).equals(plain.cast(_as_text(grown).schema))
