"""The roll-up as it was before issue 9 (row by row in Python), kept as the reference
that the vectorised cockpit/indicators/compute.py must equal exactly (tests only).

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
SELECT k.period, a.code, a.level, a.parent_code
FROM key_dates k
JOIN areas a ON a.valid_from <= k.key_date
            AND (a.valid_to IS NULL OR a.valid_to >= k.key_date)
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
        valid = cursor.execute(_VALID_SQL).df()
        if indicator.aggregation == "none":
            return _as_delivered(rows, valid)
        return _rolled_up(cursor, indicator, rows, valid, correspondences)
    finally:
        cursor.close()


def _as_delivered(rows: pd.DataFrame, valid: pd.DataFrame) -> pd.DataFrame:
    """Values that cannot be added up: each area as delivered, at its level of the period."""
    merged = rows.merge(valid, left_on=["period", "area_code"], right_on=["period", "code"])
    merged["incomplete"] = False
    merged["missing"] = 0
    merged["expected"] = 0
    merged["converted"] = False
    return merged[RESULT].sort_values(["area_code", "period"], ignore_index=True)


def _rolled_up(cursor: duckdb.DuckDBPyConnection, indicator: Indicator, rows: pd.DataFrame,
               valid: pd.DataFrame, correspondences: Sequence[Correspondence]) -> pd.DataFrame:
    base = rows[["area_code", "period", "numerator", "denominator"]].copy()
    base["numerator"] = pd.to_numeric(base["numerator"], errors="coerce").astype("float64")
    base["denominator"] = pd.to_numeric(base["denominator"], errors="coerce").astype("float64")
    # A part without a usable count is a missing part: a rate needs both counts, or the
    # parent's numerator and denominator would be summed over different areas.
    usable = base["numerator"].notna()
    if indicator.aggregation == "ratio":
        usable &= base["denominator"].notna()
    base.loc[~usable, ["numerator", "denominator"]] = np.nan
    # Rows of areas not valid in their period belong to no territory of that period.
    level_of = dict(zip(zip(valid["period"], valid["code"], strict=True), valid["level"],
                        strict=True))
    base["level"] = [level_of.get(key) for key in zip(base["period"], base["area_code"],
                                                       strict=True)]
    base = base[base["level"].notna()]
    base_levels = sorted(set(base["level"]))
    if not base_levels:
        return _empty()
    if len(base_levels) > 1:
        raise ComputeError(f"{indicator.path}: Zeilen auf mehreren Ebenen "
                           f"({', '.join(base_levels)})")
    summed = base[base["numerator"].notna()]
    result = _sum_up(summed, valid, base_levels[0])
    # Areas of the base level whose part is unusable still get their row (no value).
    gaps = base[base["numerator"].isna()].assign(present=0, expected=1)
    if len(gaps):
        result = pd.concat([result, gaps[result.columns]], ignore_index=True)
    result["numerator"] = result["numerator"].astype("float64")
    result["denominator"] = result["denominator"].astype("float64")
    result["expected"] = result["expected"].astype("int64")
    result["missing"] = (result["expected"] - result["present"].astype("int64")).clip(lower=0)
    # A base-level area is its own single part: an unusable one is simply without value.
    result["incomplete"] = (result["missing"] > 0) & (result["expected"] > 1)
    result.loc[result["expected"] <= 1, "missing"] = 0
    result["converted"] = False
    if correspondences:
        converted = convert_rows(summed[["area_code", "level", "period", "numerator",
                                         "denominator"]], valid, correspondences)
        if len(converted):
            known = {code for (code,) in cursor.execute(
                "SELECT DISTINCT code FROM areas").fetchall()}
            converted = converted[converted["area_code"].isin(known)]  # `cockpit check`
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


def _lineage(valid: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per period, each valid area (row of `valid`) paired with each of its ancestors
    (itself included) along the parent relation valid in that period, as two arrays of
    row positions; an ancestor not valid then ends the chain.

    Plain Python and numpy: a DuckDB recursive CTE or pandas merges cost ten times more
    on the demo's 40 indicators.
    """
    where = {key: i for i, key in enumerate(zip(valid["period"], valid["code"], strict=True))}
    parents = valid["parent_code"].tolist()
    periods = valid["period"].tolist()
    children, ancestors = [], []
    for i in range(len(parents)):
        j, seen = i, set()
        while j is not None and j not in seen:
            children.append(i)
            ancestors.append(j)
            seen.add(j)
            parent = parents[j]
            j = where.get((periods[j], parent)) if isinstance(parent, str) else None
    return np.array(children, dtype=np.int64), np.array(ancestors, dtype=np.int64)


def _sum_up(summed: pd.DataFrame, valid: pd.DataFrame, base_level: str) -> pd.DataFrame:
    """Sums of the usable parts per ancestor and period, with the number of base-level
    areas each ancestor holds in that period (`expected`) and of those summed
    (`present`), so a partial sum can be told apart from a complete one."""
    valid = valid.reset_index(drop=True)
    size = len(valid)
    children, ancestors = _lineage(valid)
    where = {key: i for i, key in enumerate(zip(valid["period"], valid["code"], strict=True))}
    positions = np.array([where[key] for key in zip(summed["period"], summed["area_code"],
                                                      strict=True)], dtype=np.int64)
    numerator = np.full(size, np.nan)
    denominator = np.full(size, np.nan)
    numerator[positions] = summed["numerator"].to_numpy(dtype=float)
    denominator[positions] = summed["denominator"].to_numpy(dtype=float)
    is_base = (valid["level"] == base_level).to_numpy()
    expected = np.bincount(ancestors[is_base[children]], minlength=size)
    has_num = ~np.isnan(numerator[children])
    present = np.bincount(ancestors[has_num], minlength=size)
    num_sum = np.bincount(ancestors[has_num], weights=numerator[children][has_num],
                          minlength=size)
    has_den = ~np.isnan(denominator[children])
    den_count = np.bincount(ancestors[has_den], minlength=size)
    den_sum = np.bincount(ancestors[has_den], weights=denominator[children][has_den],
                          minlength=size)
    keep = (present > 0) & (expected > 0)
    return pd.DataFrame({
        "area_code": valid["code"].to_numpy()[keep],
        "level": valid["level"].to_numpy()[keep],
        "period": valid["period"].to_numpy()[keep],
        "numerator": num_sum[keep],
        "denominator": np.where(den_count > 0, den_sum, np.nan)[keep],
        "present": present[keep],
        "expected": expected[keep],
    })
