"""A checksum over all published data, to prove that something did or did not change."""

from __future__ import annotations

import hashlib

import duckdb

# Tables whose content is the published data; meta and import_log record the
# publishing itself and change with every publish.
DATA_TABLES: tuple[str, ...] = ("levels", "areas", "area_geometries", "datasets", "observations")


def data_checksum(conn: duckdb.DuckDBPyConnection) -> str:
    """Return a SHA-256 over the sorted content of every data table."""
    digest = hashlib.sha256()
    for table in DATA_TABLES:
        columns = [row[0] for row in conn.execute(f"DESCRIBE {table}").fetchall()]
        order = ", ".join(f"{c} NULLS FIRST" for c in columns)
        digest.update(f"#{table}\n".encode())
        result = conn.execute(f"SELECT * FROM {table} ORDER BY {order}")
        while batch := result.fetchmany(10_000):
            for row in batch:
                digest.update(repr(row).encode())
                digest.update(b"\n")
    return digest.hexdigest()
