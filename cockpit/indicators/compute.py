"""Compute an indicator for every area and period, rolling up to the higher levels.

Rates at a higher level are recomputed from summed numerators and
denominators, never averaged. A parent whose children are not all present
gets no value rather than a silently partial sum.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from cockpit.indicators.model import Indicator
from cockpit.indicators.sandbox import run_sandboxed

RESULT = ["area_code", "level", "period", "value", "numerator", "denominator"]

# Ancestors of each current area including itself, with the number of
# descendants at the level of the query rows, so partial sums can be spotted.
_ROLLUP_SQL = """
WITH RECURSIVE current_areas AS (
    SELECT code, level, parent_code FROM areas WHERE valid_to IS NULL
),
lineage(code, ancestor_code) AS (
    SELECT code, code FROM current_areas
    UNION ALL
    SELECT l.code, a.parent_code
    FROM lineage l JOIN current_areas a ON a.code = l.ancestor_code
    WHERE a.parent_code IS NOT NULL
),
base AS (
    SELECT r.area_code, r.period, r.numerator, r.denominator, a.level AS base_level
    FROM indicator_rows r JOIN current_areas a ON a.code = r.area_code
),
expected AS (
    SELECT l.ancestor_code, count(*) AS children
    FROM lineage l JOIN current_areas a ON a.code = l.code
    WHERE a.level = (SELECT any_value(base_level) FROM base)
    GROUP BY l.ancestor_code
)
SELECT
    l.ancestor_code AS area_code,
    anc.level,
    b.period,
    CASE WHEN count(b.numerator) = e.children THEN sum(b.numerator) END AS numerator,
    CASE WHEN count(b.denominator) = e.children THEN sum(b.denominator) END AS denominator
FROM base b
JOIN lineage l ON l.code = b.area_code
JOIN current_areas anc ON anc.code = l.ancestor_code
JOIN expected e ON e.ancestor_code = l.ancestor_code
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


def compute_indicator(
    conn: duckdb.DuckDBPyConnection, indicator: Indicator, period: str | None = None
) -> pd.DataFrame:
    """Return value, numerator and denominator for every area (all levels) and period."""
    rows = run_indicator_sql(conn, indicator, period)
    if rows.empty:
        return pd.DataFrame(columns=RESULT)
    rows["area_code"] = rows["area_code"].astype(str)
    rows["period"] = rows["period"].astype(str)
    if indicator.aggregation == "none":
        levels = conn.execute("SELECT code, level FROM areas WHERE valid_to IS NULL").df()
        merged = rows.merge(levels, left_on="area_code", right_on="code")
        return merged[RESULT].sort_values(["area_code", "period"], ignore_index=True)
    cursor = conn.cursor()
    try:
        cursor.register("indicator_rows", rows[["area_code", "period", "numerator",
                                                "denominator"]])
        base_levels = cursor.execute(
            "SELECT DISTINCT a.level FROM indicator_rows r JOIN areas a "
            "ON a.code = r.area_code AND a.valid_to IS NULL"
        ).fetchall()
        if len(base_levels) > 1:
            raise ComputeError(f"{indicator.path}: Zeilen auf mehreren Ebenen "
                               f"({', '.join(sorted(b[0] for b in base_levels))})")
        result = cursor.execute(_ROLLUP_SQL).df()
    finally:
        cursor.close()
    if indicator.aggregation == "ratio":
        den = result["denominator"].where(result["denominator"] != 0)
        result["value"] = indicator.factor * result["numerator"] / den
    else:
        result["value"] = result["numerator"] * indicator.factor
        result["denominator"] = result["denominator"].astype("float64")
    result["numerator"] = result["numerator"].astype("float64")
    return result[RESULT].sort_values(["area_code", "period"], ignore_index=True)
