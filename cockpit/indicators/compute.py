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
import pyarrow as pa
import pyarrow.compute as pc

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
    """Return value, numerator and denominator for every area (all levels) and period
    (with `period`, of that period only: its rows equal the full result's rows of it,
    since the roll-up and conversion of a period read that period alone).

    Each row also says whether it is a partial sum (`incomplete`, with `missing` of
    `expected` base-level parts) and whether it was converted from old areas through
    a correspondence table (`converted`).
    """
    rows = run_indicator_sql(conn, indicator, period)
    if rows.empty:
        return _empty()
    rows["area_code"] = rows["area_code"].astype(str)
    rows["period"] = rows["period"].astype(str)
    # A few distinct periods among many rows: test each text once, not once per row.
    names = rows["period"].unique()
    # With `period`, the rows of that period only, also from SQL that ignores $period.
    rows = rows[rows["period"].isin([p for p in names if is_period(p)
                                     and (period is None or p == period)])]
    if rows.empty:
        return _empty()
    key_dates = pd.DataFrame({"period": sorted(set(rows["period"].unique()))})
    key_dates["key_date"] = [period_end(p) for p in key_dates["period"]]
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
    if not usable.all():  # (a pandas assignment costs ~2 ms even where nothing changes)
        base.loc[~usable, ["numerator", "denominator"]] = np.nan
    # Rows of areas not valid in their period belong to no territory of that period.
    valid = valid.reset_index(drop=True)
    keys = _Keys(valid)
    where = keys.find(base["period"], base["area_code"])
    levels = valid["level"].to_numpy(dtype=object)
    base["level"] = np.where(where >= 0, levels[np.maximum(where, 0)], None)
    base = base[where >= 0]
    base_levels = sorted(set(base["level"].unique()))
    if not base_levels:
        return _empty()
    if len(base_levels) > 1:
        raise ComputeError(f"{indicator.path}: Zeilen auf mehreren Ebenen "
                           f"({', '.join(base_levels)})")
    lacking = base["numerator"].isna()
    summed = base[~lacking] if lacking.any() else base
    result = _sum_up(summed, valid, base_levels[0], keys)
    # Areas of the base level whose part is unusable still get their row (no value).
    if lacking.any():
        gaps = base[lacking].assign(present=0, expected=1)
        result = pd.concat([result, gaps[result.columns]], ignore_index=True)
    _as_type(result, {"numerator": "float64", "denominator": "float64", "expected": "int64"})
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
    _as_type(result, {"incomplete": "bool", "converted": "bool", "missing": "int64",
                      "expected": "int64"})
    return result[RESULT].sort_values(["area_code", "period"], ignore_index=True)


def _as_type(frame: pd.DataFrame, types: dict[str, str]) -> None:
    """Give `frame`'s columns these dtypes, leaving alone those that have them already
    (astype copies even then: ~0.4 ms a column whatever the size)."""
    for column, dtype in types.items():
        if frame[column].dtype != np.dtype(dtype):
            frame[column] = frame[column].astype(dtype)


def _arrow(values: pd.Series | np.ndarray) -> pa.Array:
    """Texts as an Arrow array (zero-copy for pandas' Arrow-backed strings)."""
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.string()) if array.type != pa.string() else array


class _Keys:
    """Row positions of `valid` by (period, code), found for whole arrays at once.

    Like a dict filled in row order: a key that occurs twice finds its last row.
    Texts are matched by Arrow (hash lookups in C), not one Python object per row.
    """

    def __init__(self, valid: pd.DataFrame) -> None:
        periods, codes = _arrow(valid["period"]), _arrow(valid["code"])
        self.periods, self.codes = pc.unique(periods), pc.unique(codes)
        keys = self._key(periods, codes)
        # Sorted keys with the last row of each: searchsorted finds any number at once.
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        last = np.append(ordered[1:] != ordered[:-1], True) if len(ordered) else ordered
        self.keys, self.rows = ordered[last], order[last]

    def _key(self, periods: pa.Array, codes: pa.Array) -> np.ndarray:
        p = pc.index_in(periods, value_set=self.periods).fill_null(-1).to_numpy()
        c = pc.index_in(codes, value_set=self.codes).fill_null(-1).to_numpy()
        return np.where((p >= 0) & (c >= 0), p.astype(np.int64) * len(self.codes) + c, -1)

    def find(self, periods: pd.Series | np.ndarray, codes: pd.Series | np.ndarray
             ) -> np.ndarray:
        """The row of each (period, code), -1 where there is none."""
        keys = self._key(_arrow(periods), _arrow(codes))
        if not len(self.keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hit = (self.keys[at] == keys) & (keys >= 0)
        return np.where(hit, self.rows[at], -1).astype(np.int64)


def _lineage(valid: pd.DataFrame, keys: _Keys) -> tuple[np.ndarray, np.ndarray]:
    """Per period, each valid area (row of `valid`) paired with each of its ancestors
    (itself included) along the parent relation valid in that period, as two arrays of
    row positions; an ancestor not valid then ends the chain (and so does one already
    in the chain: a cycle).

    One numpy step per level of the hierarchy, not one Python step per area: the
    chains are the columns of a matrix (row = area), read row by row, so the pairs
    come in the same order as walking each area's chain in turn.
    """
    size = len(valid)
    has_parent = valid["parent_code"].notna().to_numpy()
    parent_row = np.full(size, -1, dtype=np.int64)
    if has_parent.any():
        parent_row[has_parent] = keys.find(valid["period"][has_parent],
                                           valid["parent_code"][has_parent].astype(str))
    chains = [np.arange(size, dtype=np.int64)]
    current = chains[0]
    while (current >= 0).any() and len(chains) <= size:
        step = np.where(current >= 0, parent_row[np.maximum(current, 0)], -1)
        for earlier in chains:  # back to an area already in the chain: it ends
            step[step == earlier] = -1
        if not (step >= 0).any():
            break
        chains.append(step)
        current = step
    matrix = np.stack(chains, axis=1)
    children, depth = np.nonzero(matrix >= 0)
    return children.astype(np.int64), matrix[children, depth]


def _sum_up(summed: pd.DataFrame, valid: pd.DataFrame, base_level: str,
            keys: _Keys) -> pd.DataFrame:
    """Sums of the usable parts per ancestor and period, with the number of base-level
    areas each ancestor holds in that period (`expected`) and of those summed
    (`present`), so a partial sum can be told apart from a complete one.

    `valid` has a plain 0..n-1 index; `keys` finds its rows."""
    size = len(valid)
    children, ancestors = _lineage(valid, keys)
    positions = keys.find(summed["period"], summed["area_code"])
    if (positions < 0).any():
        raise KeyError("row of an area not valid in its period")
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
    kept = np.flatnonzero(keep)
    return pd.DataFrame({  # texts taken as they are (Arrow), not through Python objects
        "area_code": valid["code"].array.take(kept),
        "level": valid["level"].array.take(kept),
        "period": valid["period"].array.take(kept),
        "numerator": num_sum[keep],
        "denominator": np.where(den_count > 0, den_sum, np.nan)[keep],
        "present": present[keep],
        "expected": expected[keep],
    })
