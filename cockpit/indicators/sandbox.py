"""Run an indicator's SQL where it can read only the datasets its header declares.

The gate decides classification, scope and `min_count` from the header, so the
header must not be able to understate what the query reads. Each query runs on
a fresh in-memory DuckDB connection that holds `observations` of the declared
datasets only (plus `datasets`, `areas`, `area_geometries` and `meta`), with
file access, extension loading and configuration changes switched off. The
snapshot's tables are fetched once per snapshot file as Arrow tables (zero-copy
views in the sandbox), so the sandbox costs little per indicator.
"""

from __future__ import annotations

import json
import os
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cockpit.store.schema import create_schema

# Tables a query may read besides `observations`; `import_log` (user names,
# file names) is not among them.
SHARED_TABLES: tuple[str, ...] = ("levels", "areas", "area_geometries", "meta")

# Locked before any data is registered: no ATTACH of files, no read_csv/glob/COPY,
# no INSTALL/LOAD, no SET (so none of this can be switched back on).
_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,
}

_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_COLUMN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Datasets from this many rows on get their constant text columns as dictionaries.
_PACK_ROWS = 200_000
_KEEP_SOURCES = 2  # the current snapshot and the one before (while a new one is warming)


class SandboxError(ValueError):
    """The indicator SQL is not a single SELECT statement."""


def check_single_select(sql: str) -> None:
    """Raise SandboxError unless `sql` is exactly one SELECT (WITH ... SELECT counts)."""
    problem = _single_select_problem(sql)
    if problem is not None:
        raise SandboxError(problem)


@lru_cache(maxsize=1024)  # keyed by indicator SQL from the server's own files
def _single_select_problem(sql: str) -> str | None:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        return f"SQL nicht lesbar: {str(exc).splitlines()[0]}"
    if len(statements) != 1:
        return f"SQL muss genau eine SELECT-Abfrage sein, nicht {len(statements)} Anweisungen"
    if statements[0].type != duckdb.StatementType.SELECT:
        kind = str(statements[0].type).rsplit(".", 1)[-1]
        return f"SQL muss eine SELECT-Abfrage sein, nicht {kind}"
    return None


def _fetch(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pa.Table:
    cursor = conn.cursor()  # cursors are per thread; the gate computes in several
    try:
        relation = cursor.sql(sql, params=params)
        # DuckDB 2.x names it to_arrow_table; in 1.x arrow() returns the table.
        fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
        return fetch()
    finally:
        cursor.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetch_observations(conn: duckdb.DuckDBPyConnection, dataset: str,
                        wanted: Collection[str] | None = None,
                        schema: pa.Schema | None = None, probe: bool = False) -> pa.Table:
    """One dataset's observations; a text column with one value (or none) throughout
    is made here as a dictionary column instead of being copied row by row.

    Most dimension columns of a dataset are constant (sex, nationality, measure, ...):
    copying them cost ~80 % of the fetch at 11,000 areas and most of its memory. The
    query sees the same VARCHAR values either way (DuckDB reads a dictionary column as
    its values). With `wanted` (and the table's `schema`), only those columns, in the
    table's order: the columns a query reads (`read_columns`), one query, no probing.
    """
    if wanted is not None and schema is not None:
        return _fetch_columns(conn, dataset, [n for n in schema.names if n in wanted],
                              schema, probe)
    cursor = conn.cursor()
    try:
        (size,) = cursor.execute("SELECT count(*) FROM observations WHERE dataset_id = ?",
                                 [dataset]).fetchone()
        if size < _PACK_ROWS:  # looking costs more than copying a small dataset
            return _fetch(conn, "SELECT * FROM observations WHERE dataset_id = ?", [dataset])
        columns = [(name, kind) for name, kind in cursor.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
            "current_database() AND schema_name = 'main' AND table_name = 'observations' "
            "ORDER BY column_index").fetchall()]
        constant = _constant_texts(cursor, dataset, [n for n, k in columns if k == "VARCHAR"])
    finally:
        cursor.close()
    copied = [name for name, _ in columns if name not in constant]
    size = constant.pop("", 0)
    if not size or not constant or not copied:
        return _fetch(conn, "SELECT * FROM observations WHERE dataset_id = ?", [dataset])
    listed = ", ".join(_quoted(c) for c in copied)
    table = _fetch(conn, f"SELECT {listed} FROM observations WHERE dataset_id = ?", [dataset])
    arrays, names = [], []
    for name, _ in columns:
        arrays.append(_constant_column(constant[name], size) if name in constant
                      else table.column(name))
        names.append(name)
    return pa.table(arrays, names=names)


def _constant_column(value: str | None, size: int) -> pa.DictionaryArray:
    """A text column of `size` rows that all hold `value`, as a dictionary (no copies)."""
    indices = pa.nulls(size, pa.int8()) if value is None else pa.array(
        np.zeros(size, dtype=np.int8))
    return pa.DictionaryArray.from_arrays(
        indices, pa.array([] if value is None else [value], type=pa.string()))


def _fetch_columns(conn: duckdb.DuckDBPyConnection, dataset: str, names: list[str],
                   schema: pa.Schema, probe: bool = False) -> pa.Table:
    """The columns `names` of a dataset's observations; `dataset_id` (the rows are
    chosen by it) is made as a constant column instead of being copied, and with
    `probe` (a copy that grows: later queries of a worker) so is any other text column
    of a large dataset that holds one value throughout. The first copy does not look:
    it is what a cold request waits for."""
    constant: dict[str, str | None] = {"dataset_id": dataset}
    size = None
    texts = [n for n in names if n not in ("dataset_id", "area_code", "period")
             and pa.types.is_string(schema.field(n).type)]
    if probe and texts:
        cursor = conn.cursor()
        try:
            found = _constant_texts(cursor, dataset, texts)
        finally:
            cursor.close()
        size = found.pop("", 0)
        if size >= _PACK_ROWS:
            constant.update(found)
    copied = [n for n in names if n not in constant]
    if copied:
        listed = ", ".join(_quoted(n) for n in copied)
        table = _fetch(conn, f"SELECT {listed} FROM observations WHERE dataset_id = ?",
                       [dataset])
        size = table.num_rows
    elif size is None:
        cursor = conn.cursor()
        try:
            (size,) = cursor.execute("SELECT count(*) FROM observations "
                                     "WHERE dataset_id = ?", [dataset]).fetchone()
        finally:
            cursor.close()
    return pa.table([_constant_column(constant[n], size) if n in constant
                     else table.column(n) for n in names], names=names)


def _constant_texts(cursor: duckdb.DuckDBPyConnection, dataset: str, texts: list[str]
                    ) -> dict[str, str | None]:
    """The text columns with one value (or none) in all of a dataset's rows, with that
    value; "" holds the number of rows.

    Exact, and cheaper than comparing texts: differing hashes prove two values differ,
    so only the columns whose hashes are all equal are compared with their value.
    """
    quoted = _quoted
    probes = ", ".join(f"count({quoted(c)}), any_value({quoted(c)}), "
                       f"min(hash({quoted(c)})) = max(hash({quoted(c)}))" for c in texts)
    found = cursor.execute(f"SELECT count(*), {probes} FROM observations "
                           "WHERE dataset_id = ?", [dataset]).fetchone()
    size, constant, check = found[0], {"": found[0]}, []
    for i, name in enumerate(texts):
        filled, value, same_hash = found[1 + 3 * i: 4 + 3 * i]
        if filled == 0:
            constant[name] = None
        elif name == "dataset_id":
            constant[name] = dataset  # the rows were chosen by it
        elif filled == size and same_hash:
            check.append((name, value))
    if check and size:
        tests = ", ".join(f"count(*) FILTER (WHERE {quoted(c)} <> ?)" for c, _ in check)
        differing = cursor.execute(f"SELECT {tests} FROM observations WHERE dataset_id = ?",
                                   [*(v for _, v in check), dataset]).fetchone()
        constant.update((c, v) for (c, v), n in zip(check, differing, strict=True) if n == 0)
    return constant


def _concat(parts: list[pa.Table]) -> pa.Table:
    """One table of several datasets' observations; a column that is a dictionary in
    one and plain text in another becomes plain text."""
    if len(parts) == 1:
        return parts[0]
    schemas = [part.schema for part in parts]
    if any(schema != schemas[0] for schema in schemas[1:]):
        fields = [pa.field(f.name, pa.string()) if any(
            s.field(f.name).type != f.type for s in schemas) else f for f in schemas[0]]
        parts = [part.cast(pa.schema(fields)) for part in parts]
    return pa.concat_tables(parts)


def _distinct(column: pa.ChunkedArray) -> list[str]:
    """The distinct texts of a (maybe dictionary) column, without nulls."""
    values = pc.unique(column.cast(pa.string()) if pa.types.is_dictionary(column.type)
                       else column)
    return [v for v in values.to_pylist() if v is not None]


class SourceTables:
    """The readable tables of one source, fetched lazily as Arrow tables and kept.

    Holds data only, never the connection: the caller passes the connection it
    has, so a cached entry outlives the connection that filled it. A dataset's
    observations are fetched with the columns the queries so far have read (a later
    query that reads more fetches them again, with the union).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables: dict[str, pa.Table] = {}
        self._observations: dict[str, pa.Table] = {}
        self._periods: dict[str, set[str]] = {}
        self._schema: pa.Schema | None = None

    def table(self, conn: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
        """One of SHARED_TABLES or `datasets`, whole."""
        with self._lock:
            table = self._tables.get(name)
            if table is None:
                table = self._tables[name] = _fetch(conn, f"SELECT * FROM {name}")
            return table

    def schema(self, conn: duckdb.DuckDBPyConnection) -> pa.Schema:
        """The columns of `observations` (names and types, no rows)."""
        with self._lock:
            if self._schema is None:
                self._schema = _fetch(conn, "SELECT * FROM observations LIMIT 0").schema
            return self._schema

    def observations(self, conn: duckdb.DuckDBPyConnection, datasets: Collection[str],
                     columns: Collection[str] | None = None) -> pa.Table:
        """The observations of the given datasets only; with `columns`, at least those
        columns (a query that reads no other sees the same rows and values)."""
        wanted = sorted(set(datasets))
        names = self.schema(conn).names
        chosen = names if columns is None else [n for n in names if n in set(columns)]
        with self._lock:
            for name in wanted:
                have = self._observations.get(name)
                if have is None or not set(chosen) <= set(have.column_names):
                    union = set(chosen) | set(have.column_names if have is not None else ())
                    self._observations[name] = _fetch_observations(
                        conn, name, None if union >= set(names) else union, self._schema,
                        probe=have is not None)
            parts = [self._observations[name].select(chosen) for name in wanted]
        if not parts:
            return _fetch(conn, "SELECT * FROM observations LIMIT 0").select(chosen)
        return _concat(parts)

    def periods(self, conn: duckdb.DuckDBPyConnection, datasets: Collection[str]) -> set[str]:
        """The periods the observations of the given datasets hold (asked of the
        snapshot once per dataset, without a copy of its rows)."""
        wanted = sorted(set(datasets))
        with self._lock:
            unknown = [name for name in wanted if name not in self._periods]
            if unknown:
                cursor = conn.cursor()
                try:  # one dataset at a time: the cheapest plan (~3x less than IN)
                    for name in unknown:
                        self._periods[name] = {p for (p,) in cursor.execute(
                            "SELECT DISTINCT period FROM observations WHERE dataset_id = ?",
                            [name]).fetchall()}
                finally:
                    cursor.close()
            return set().union(*(self._periods[name] for name in wanted))

    def datasets(self, conn: duckdb.DuckDBPyConnection, datasets: Collection[str]) -> pa.Table:
        """The `datasets` rows of the given datasets only."""
        table = self.table(conn, "datasets")
        return table.filter(pc.is_in(table.column("id"), pa.array(sorted(set(datasets)),
                                                                   type=pa.string())))


_sources: OrderedDict[tuple, SourceTables] = OrderedDict()
_sources_lock = threading.Lock()


_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _source_key(conn: duckdb.DuckDBPyConnection) -> tuple | None:
    """_file_key of `conn`, looked up once per connection (the store keeps one per snapshot)."""
    try:
        return _keys[conn]
    except KeyError:
        key = _keys[conn] = _file_key(conn)
        return key


def _file_key(conn: duckdb.DuckDBPyConnection) -> tuple | None:
    """A key for a published snapshot opened read-only: its file and the file's stat.

    Published snapshots are never written again, so their tables can be kept;
    in-memory or writable databases (tests, a snapshot being built) are read anew.
    """
    cursor = conn.cursor()
    try:
        result = cursor.execute("SELECT * FROM duckdb_databases() "
                                "WHERE database_name = current_database()")
        names = [d[0] for d in result.description]
        row = dict(zip(names, result.fetchone() or (), strict=False))
    finally:
        cursor.close()
    path = row.get("path")
    if not path or row.get("readonly") is False:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def source_tables(conn: duckdb.DuckDBPyConnection) -> SourceTables:
    """The tables of `conn`, shared with earlier calls when `conn` is a published snapshot."""
    key = _source_key(conn)
    if key is None:
        return SourceTables()
    with _sources_lock:
        tables = _sources.get(key)
        if tables is None:
            tables = _sources[key] = SourceTables()
            while len(_sources) > _KEEP_SOURCES:
                _sources.popitem(last=False)
        else:
            _sources.move_to_end(key)
        return tables


_database: tuple[int, duckdb.DuckDBPyConnection] | None = None
_database_lock = threading.Lock()


def _sandbox_database() -> duckdb.DuckDBPyConnection:
    """One empty, locked in-memory database per process (opening one costs ~15 ms).

    Each query gets its own cursor on it: a cursor is a separate connection
    with its own temporary catalogue, so the views registered for one query are
    invisible to every other, and the main catalogue stays empty. Only single
    SELECTs run here, so no query can leave anything behind.
    """
    global _database
    with _database_lock:
        if _database is None or _database[0] != os.getpid():  # not across a fork
            _database = (os.getpid(), duckdb.connect(":memory:", config=_CONFIG))
        return _database[1]


def sandbox_database() -> None:
    """Open this process's sandbox database now (a worker does so when it starts)."""
    _sandbox_database()


def open_sandbox(conn: duckdb.DuckDBPyConnection, datasets: Collection[str],
                 sql: str | None = None, params: dict | None = None, *,
                 prune: bool = True) -> duckdb.DuckDBPyConnection:
    """A fresh locked connection whose tables show only what `datasets` may read.

    With `sql`, only the tables it names are registered (each registration costs
    about a millisecond); a table it does not name cannot be read by it anyway. And
    `observations` gets only the columns the query reads (`read_columns`; `prune`
    False: all of them), so only those are copied from the snapshot.
    """
    source = source_tables(conn)
    words = None if sql is None else set(_WORD.findall(sql.lower()))
    others = [(name, (lambda name=name: source.datasets(conn, datasets)) if name == "datasets"
               else (lambda name=name: source.table(conn, name)))
              for name in ("datasets", *SHARED_TABLES) if words is None or name in words]
    columns = None
    if words is None or "observations" in words:
        if sql is not None and prune:
            columns = read_columns(sql, params, source.schema(conn), others)
        observations = source.observations(conn, datasets, columns)
    sandbox = _sandbox_database().cursor()
    if words is None or "observations" in words:
        sandbox.register("observations", observations)
    for name, table in others:
        sandbox.register(name, table())
    return sandbox


# SQL text, parameters and observations schema -> the observations columns it reads.
_read_columns: OrderedDict[tuple, frozenset[str] | None] = OrderedDict()
_READ_COLUMNS_KEPT = 1024


def read_columns(sql: str, params: dict | None, schema: pa.Schema,
                 others: list[tuple[str, Callable[[], pa.Table]]] = ()) -> frozenset[str] | None:
    """The columns of `observations` that `sql` reads with these parameters (None: all
    of them, or not known), from DuckDB's own plan of the query (EXPLAIN, nothing run).

    The plan's scans list every column the query needs after binding, so `*`, a
    NATURAL JOIN or a whole row used as a value show up as all the columns they
    read. The plan is made on an empty `observations` of the same schema (Arrow
    has no statistics, so no scan is planned away for being empty) with the same
    parameters (a branch folded away for them is folded away in the real run too).
    Columns of other tables' scans that happen to share a name are kept too: more
    columns than needed never change an answer.
    """
    key = (sql, tuple(sorted((params or {}).items())), str(schema))
    with _sources_lock:
        if key in _read_columns:
            _read_columns.move_to_end(key)
            return _read_columns[key]
    probe = _sandbox_database().cursor()
    try:
        probe.register("observations", schema.empty_table())
        for name, table in others:
            probe.register(name, table())
        found = _scanned(json.loads(probe.execute("EXPLAIN (FORMAT json) " + sql,
                                                  params).fetchall()[0][1]), set(schema.names))
    except (duckdb.Error, json.JSONDecodeError, IndexError, KeyError, TypeError):
        found = None  # the real run says what is wrong with the query
    finally:
        probe.close()
    with _sources_lock:
        _read_columns[key] = found
        while len(_read_columns) > _READ_COLUMNS_KEPT:
            _read_columns.popitem(last=False)
    return found


def _scanned(plan: object, names: set[str]) -> frozenset[str] | None:
    """The names among `names` that the plan's Arrow scans read (projected or filtered);
    None when the plan has no such scan or a scan that does not list its columns."""
    found: set[str] = set()
    scans = 0
    stack = list(plan) if isinstance(plan, list) else [plan]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            return None
        stack.extend(node.get("children", ()))
        if "ARROW_SCAN" not in str(node.get("name", "")):
            continue
        info = node.get("extra_info", {})
        listed = info.get("Projections")
        if listed is None:
            return None
        scans += 1
        for part in (listed, info.get("Filters", "")):
            text = " ".join(part) if isinstance(part, list) else str(part)
            found.update(w for w in _COLUMN_WORD.findall(text) if w in names)
    return frozenset(found) if scans else None


def observation_periods(conn: duckdb.DuckDBPyConnection, datasets: Collection[str]
                        ) -> set[str]:
    """The periods that the observations of `datasets` hold in `conn`'s snapshot (read
    from the tables a sandbox gets, so asking costs no extra copy)."""
    return source_tables(conn).periods(conn, datasets)


def empty_sandbox() -> duckdb.DuckDBPyConnection:
    """The store schema without rows, locked like a sandbox (for checking SQL without data)."""
    sandbox = duckdb.connect(":memory:", config=_CONFIG)
    create_schema(sandbox)
    sandbox.execute("DROP TABLE import_log")
    return sandbox


def run_sandboxed(conn: duckdb.DuckDBPyConnection, sql: str, datasets: Collection[str],
                  params: dict | None = None) -> pd.DataFrame:
    """Run one SELECT on `conn`'s data restricted to `datasets`; returns the result frame."""
    check_single_select(sql)
    sandbox = open_sandbox(conn, datasets, sql, params)
    try:
        return sandbox.execute(sql, params).df()
    except duckdb.BinderException:
        pass  # a column the plan did not name after all: run again with every column
    finally:
        sandbox.close()
    sandbox = open_sandbox(conn, datasets, sql, params, prune=False)
    try:
        return sandbox.execute(sql, params).df()
    finally:
        sandbox.close()
