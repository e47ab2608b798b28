"""Compute an indicator for every area and period, rolling up to the higher levels.

Rates at a higher level are recomputed from summed numerators and
denominators, never averaged.

Boundaries change (Gebietsstand): an area version is valid from `valid_from`
up to and including `valid_to`. The values of a period are rolled up over the
areas valid on the period's key date (its last day), along the parent
relation valid then. So a level that did not change keeps one series across a
reform of the level below, and the old areas keep their values for their
periods.

A parent whose valid children did not all deliver a value is not emptied: it
gets the sum of what is there and is marked `incomplete`, with `missing` of
`expected` parts named (children that were not valid in the period are not
expected). A declared correspondence table (cockpit/territory/correspondence.py)
adds rows for new areas in periods before they existed, converted from the old
areas' values and marked `converted`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from cockpit.indicators.model import Indicator
from cockpit.indicators.sandbox import run_sandboxed
from cockpit.periods import is_period, period_end
from cockpit.territory.correspondence import Correspondence, convert_rows

RESULT = ["area_code", "level", "period", "value", "numerator", "denominator",
          "incomplete", "missing", "expected", "converted"]

# Areas valid on each period's key date (the area version whose validity covers it).
_VALID_SQL = """
CREATE TEMP TABLE valid_areas AS
SELECT k.period, a.code, a.level, a.parent_code
FROM key_dates k
JOIN areas a ON a.valid_from <= k.key_date
            AND (a.valid_to IS NULL OR a.valid_to >= k.key_date)
"""

# Per period: every valid area with all its ancestors (itself included) along the parent
# relation valid in that period, and how many base-level areas each ancestor holds then,
# so a partial sum can be told apart from a complete one.
_ROLLUP_SQL = """
WITH RECURSIVE lineage(period, code, ancestor_code) AS (
    SELECT period, code, code FROM valid_areas
    UNION ALL
    SELECT l.period, l.code, v.parent_code
    FROM lineage l JOIN valid_areas v ON v.period = l.period AND v.code = l.ancestor_code
    WHERE v.parent_code IS NOT NULL
),
expected AS (
    SELECT l.period, l.ancestor_code, count(*) AS children
    FROM lineage l JOIN valid_areas v ON v.period = l.period AND v.code = l.code
    WHERE v.level = $base_level
    GROUP BY l.period, l.ancestor_code
)
SELECT
    l.ancestor_code AS area_code,
    anc.level,
    b.period,
    sum(b.numerator) AS numerator,
    sum(b.denominator) AS denominator,
    count(*) AS present,
    e.children AS expected
FROM base_rows b
JOIN lineage l ON l.period = b.period AND l.code = b.area_code
JOIN valid_areas anc ON anc.period = b.period AND anc.code = l.ancestor_code
JOIN expected e ON e.period = b.period AND e.ancestor_code = l.ancestor_code
GROUP BY l.ancestor_code, anc.level, b.period, e.children
"""


class ComputeError(RuntimeError):
    """The indicator's rows cannot be rolled up (e.g. rows on several levels)."""


def run_indicator_sql(
    conn: duckdb.DuckDBPyConnection, indicator: Indicator, period: str | None = None
) -> pd.DataFrame:
    """Run the indicator's own SQL with bound parameters; rows as the module returns them.

    The SQL runs in a sandbox that holds only the datasets its header declares
    (see sandbox.py), so a header cannot understate what the query reads.
    """
    params = {"period": period} if "period" in indicator.parameters else None
    return run_sandboxed(conn, indicator.sql, indicator.datasets, params)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=RESULT)


def compute_indicator(
    conn: duckdb.DuckDBPyConnection,
    indicator: Indicator,
    period: str | None = None,
    correspondences: Sequence[Correspondence] = (),
) -> pd.DataFrame:
    """Return value, numerator and denominator for every area (all levels) and period.

    Each row also says whether it is a partial sum (`incomplete`, with `missing` of
    `expected` base-level parts) and whether it was converted from old areas through
    a correspondence table (`converted`).
    """
    rows = run_indicator_sql(conn, indicator, period)
    if rows.empty:
        return _empty()
    rows["area_code"] = rows["area_code"].astype(str)
    rows["period"] = rows["period"].astype(str)
    rows = rows[rows["period"].map(is_period)]
    if rows.empty:
        return _empty()
    key_dates = pd.DataFrame({"period": sorted(set(rows["period"]))})
    key_dates["key_date"] = key_dates["period"].map(period_end)
    cursor = conn.cursor()
    try:
        cursor.register("key_dates", key_dates)
        cursor.execute(_VALID_SQL)
        if indicator.aggregation == "none":
            return _as_delivered(cursor, rows)
        return _rolled_up(cursor, indicator, rows, correspondences)
    finally:
        cursor.execute("DROP TABLE IF EXISTS valid_areas")
        cursor.close()


def _as_delivered(cursor: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """Values that cannot be added up: each area as delivered, at its level of the period."""
    valid = cursor.execute("SELECT period, code, level FROM valid_areas").df()
    merged = rows.merge(valid, left_on=["period", "area_code"], right_on=["period", "code"])
    merged["incomplete"] = False
    merged["missing"] = 0
    merged["expected"] = 0
    merged["converted"] = False
    return merged[RESULT].sort_values(["area_code", "period"], ignore_index=True)


def _rolled_up(cursor: duckdb.DuckDBPyConnection, indicator: Indicator, rows: pd.DataFrame,
               correspondences: Sequence[Correspondence]) -> pd.DataFrame:
    base = rows[["area_code", "period", "numerator", "denominator"]].copy()
    base["numerator"] = pd.to_numeric(base["numerator"], errors="coerce").astype("float64")
    base["denominator"] = pd.to_numeric(base["denominator"], errors="coerce").astype("float64")
    # A part without a usable count is a missing part: a rate needs both counts, or the
    # parent's numerator and denominator would be summed over different areas.
    usable = base["numerator"].notna()
    if indicator.aggregation == "ratio":
        usable &= base["denominator"].notna()
    base.loc[~usable, ["numerator", "denominator"]] = np.nan
    cursor.register("indicator_rows", base)
    cursor.execute(
        "CREATE OR REPLACE TEMP TABLE base_rows AS "
        "SELECT r.* FROM indicator_rows r JOIN valid_areas v "
        "ON v.period = r.period AND v.code = r.area_code")
    try:
        base_levels = cursor.execute(
            "SELECT DISTINCT v.level FROM base_rows r JOIN valid_areas v "
            "ON v.period = r.period AND v.code = r.area_code").fetchall()
        if not base_levels:
            return _empty()
        if len(base_levels) > 1:
            raise ComputeError(f"{indicator.path}: Zeilen auf mehreren Ebenen "
                               f"({', '.join(sorted(b[0] for b in base_levels))})")
        cursor.execute("CREATE OR REPLACE TEMP TABLE summed_rows AS "
                       "SELECT * FROM base_rows WHERE numerator IS NOT NULL")
        result = cursor.execute(_ROLLUP_SQL.replace("base_rows", "summed_rows"),
                                {"base_level": base_levels[0][0]}).df()
        # Areas of the base level whose part is unusable still get their row (no value).
        gaps = cursor.execute(
            "SELECT r.area_code, v.level, r.period, NULL::DOUBLE AS numerator, "
            "NULL::DOUBLE AS denominator, 0 AS present, 1 AS expected "
            "FROM base_rows r JOIN valid_areas v ON v.period = r.period "
            "AND v.code = r.area_code WHERE r.numerator IS NULL").df()
        valid = cursor.execute("SELECT period, code, level FROM valid_areas").df()
        known = {code for (code,) in cursor.execute("SELECT DISTINCT code FROM areas").fetchall()}
    finally:
        cursor.execute("DROP TABLE IF EXISTS base_rows")
        cursor.execute("DROP TABLE IF EXISTS summed_rows")
    result = pd.concat([result, gaps], ignore_index=True) if len(gaps) else result
    result["numerator"] = result["numerator"].astype("float64")
    result["denominator"] = result["denominator"].astype("float64")
    result["expected"] = result["expected"].astype("int64")
    result["missing"] = (result["expected"] - result["present"].astype("int64")).clip(lower=0)
    # A base-level area is its own single part: an unusable one is simply without value.
    result["incomplete"] = (result["missing"] > 0) & (result["expected"] > 1)
    result.loc[result["expected"] <= 1, "missing"] = 0
    result["converted"] = False
    converted = convert_rows(summed_of(result, base_levels[0][0]), valid, correspondences)
    if len(converted):
        converted = converted[converted["area_code"].isin(known)]  # `cockpit check` names them
        result = pd.concat([result, converted], ignore_index=True)
    if indicator.aggregation == "ratio":
        den = result["denominator"].where(result["denominator"] != 0)
        result["value"] = indicator.factor * result["numerator"] / den
    else:
        result["value"] = result["numerator"] * indicator.factor
    for column in ("incomplete", "converted"):
        result[column] = result[column].astype(bool)
    for column in ("missing", "expected"):
        result[column] = result[column].astype("int64")
    return result[RESULT].sort_values(["area_code", "period"], ignore_index=True)


def summed_of(result: pd.DataFrame, base_level: str) -> pd.DataFrame:
    """The base-level rows with a usable value: what a correspondence converts."""
    rows = result[(result["level"] == base_level) & result["numerator"].notna()]
    return rows[["area_code", "level", "period", "numerator", "denominator"]]
