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
