"""Table definitions of the analytic store (one DuckDB file per snapshot)."""

from __future__ import annotations

import duckdb

from cockpit.periods import PERIOD_SQL_PATTERN

# Breakdown columns of an observation. '_T' (SDMX "total") marks "not broken
# down", so the uniqueness key works without NULLs.
DIMENSIONS: tuple[str, ...] = ("sex", "age_group", "nationality", "category", "measure", "variant")
TOTAL = "_T"
OBSERVATION_COLUMNS: tuple[str, ...] = ("dataset_id", "area_code", "period", *DIMENSIONS, "value")

_DIMENSION_COLUMNS = ",\n    ".join(f"{d} VARCHAR NOT NULL DEFAULT '{TOTAL}'" for d in DIMENSIONS)

SCHEMA_SQL = f"""
CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- The territory's levels, top (depth 0) first; areas.level names one of them.
CREATE TABLE levels (
    id VARCHAR PRIMARY KEY,
    depth INTEGER NOT NULL UNIQUE CHECK (depth >= 0),
    name_de VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL
);

-- An area is valid from valid_from up to and including valid_to (NULL: still valid).
CREATE TABLE areas (
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent_code VARCHAR,
    valid_from DATE NOT NULL DEFAULT DATE '1900-01-01',
    valid_to DATE,
    PRIMARY KEY (code, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE area_geometries (
    code VARCHAR NOT NULL,
    valid_from DATE NOT NULL DEFAULT DATE '1900-01-01',
    geojson VARCHAR NOT NULL,
    PRIMARY KEY (code, valid_from)
);

CREATE TABLE datasets (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    description VARCHAR,
    source VARCHAR NOT NULL CHECK (source IN ('official', 'internal')),
    department VARCHAR NOT NULL,
    classification VARCHAR NOT NULL
        CHECK (classification IN ('public', 'internal', 'restricted')),
    unit VARCHAR NOT NULL,
    licence VARCHAR,
    updated_at TIMESTAMP
);

CREATE TABLE observations (
    dataset_id VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL CHECK (regexp_full_match(period, '{PERIOD_SQL_PATTERN}')),
    {_DIMENSION_COLUMNS},
    value DOUBLE,
    value_status VARCHAR,
    PRIMARY KEY (dataset_id, area_code, period, {", ".join(DIMENSIONS)}),
    CHECK (value IS NOT NULL OR value_status IS NOT NULL)
);

CREATE TABLE import_log (
    import_id VARCHAR PRIMARY KEY,
    dataset_id VARCHAR NOT NULL,
    file_name VARCHAR,
    sha256 VARCHAR,
    rows BIGINT NOT NULL,
    user_name VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    outcome VARCHAR NOT NULL CHECK (outcome IN ('published', 'rejected', 'failed')),
    warnings INTEGER NOT NULL DEFAULT 0,
    message VARCHAR
);
"""

# How each delivery was made, so that it can be repeated exactly (cockpit/ingest/delivery.py):
# added after the first release, so snapshots published before lack them until their next
# publish (`upgrade_import_log`); NULL means "not recorded".
IMPORT_LOG_DELIVERY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),             # cli | upload | rollback
    ("file_format", "VARCHAR"),        # csv | xlsx | genesis
    ("sheet", "VARCHAR"),              # XLSX sheet read (NULL: the first)
    ("mapping", "VARCHAR"),            # JSON of the GENESIS column mapping applied
    ("definition_sha256", "VARCHAR"),  # SHA-256 of the dataset definition (YAML) used
    ("restored_from", "VARCHAR"),      # import id a rollback published again
)

TABLES: tuple[str, ...] = (
    "meta", "levels", "areas", "area_geometries", "datasets", "observations", "import_log",
)


def create_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the analytic store in an empty database."""
    conn.execute(SCHEMA_SQL)
    upgrade_import_log(conn)


def upgrade_import_log(conn: duckdb.DuckDBPyConnection) -> None:
    """Add the delivery columns to the import log of a snapshot made before them."""
    for name, kind in IMPORT_LOG_DELIVERY_COLUMNS:
        conn.execute(f"ALTER TABLE import_log ADD COLUMN IF NOT EXISTS {name} {kind} "
                     "DEFAULT NULL")


def import_log_columns(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The columns the import log of this (possibly older) snapshot has."""
    return {row[0] for row in conn.execute("DESCRIBE import_log").fetchall()}
