"""The comparison table: rows of the gated values, built column-wise, and blocks of them.

`table_frame` ranks the gated values (highest first) and adds the change against the
previous period with pandas column operations (no row loop: 11,000 areas). `compact_rows`
turns it into the grid's rowData without null fields, so a row is about 100 bytes; the
suppression tooltip is one text in the column definition, not one per row.
`grid_block` answers the grid's infinite row model: the server filters and sorts the
rows the gate released (suppressed values are blank before any filter sees them, so a
filter cannot find out a hidden value) and hands out one block.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cockpit.app.value_notes import value_note

__all__ = ["TABLE_COLUMNS", "compact_rows", "grid_block", "table_frame"]

TABLE_COLUMNS = ["area_code", "area_name", "rank", "value", "numerator", "denominator",
                 "change", "suppressed", "hint"]
#: Columns the grid may sort and filter on, and how (number or text).
_NUMBER_COLUMNS = {"rank", "value", "numerator", "denominator", "change"}
_TEXT_COLUMNS = {"area_name", "hint"}
#: The largest block the grid may ask for at once (its default is 100).
MAX_BLOCK = 500


def _floats(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _flags(frame: pd.DataFrame, column: str, default: bool) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), default, dtype=bool)
    values = frame[column]
    if values.dtype == bool:
        return values.to_numpy()
    return values.fillna(default).to_numpy(dtype=bool)


def table_frame(current: pd.DataFrame, previous: pd.DataFrame | Mapping[str, Any] | None,
                lang: str, decimals: int) -> pd.DataFrame:
    """Rows for the grid in rank order (highest value first, ties by name): TABLE_COLUMNS.

    `previous` is the previous period's frame, or its values by area code (None or NaN
    where there is none). A suppressed row keeps only code, name, denominator and its
    flag: value, numerator and change are blank even if the caller forgot to blank
    them. Built on numpy columns and one frame at the end (pandas' per-column overhead
    dominates here)."""
    hidden = _flags(current, "suppressed", True)
    value = np.where(hidden, np.nan, _floats(current["value"]))
    codes = current["area_code"].to_numpy(dtype=object)
    names = current["area_name"].to_numpy(dtype=object)
    if previous is None or len(previous) == 0:
        change = np.full(len(current), np.nan)
    else:
        before = previous if isinstance(previous, Mapping) else dict(
            zip(previous["area_code"].tolist(), _floats(previous["value"]).tolist(),
                strict=True))
        old = np.array([before.get(code, np.nan) for code in codes.tolist()], dtype=float)
        change = np.round(value - old, decimals)
    # Competition rank (1, 2, 2, 4), highest first; no value, no rank.
    known = np.sort(-value[~np.isnan(value)])
    rank = np.where(np.isnan(value), np.nan,
                    np.searchsorted(known, -value, side="left") + 1.0)
    # Notes (partial sum, converted) only where a row is marked: a handful, not 11,000.
    hint = np.full(len(current), None, dtype=object)
    marked = np.flatnonzero(_flags(current, "incomplete", False)
                            | _flags(current, "converted", False))
    if marked.size:
        for i, row in zip(marked, current.iloc[marked].to_dict("records"), strict=True):
            hint[i] = value_note(row, lang)
    # Rank first (empty last), then name, as the grid showed it before.
    order = np.lexsort((names.astype(str), np.nan_to_num(rank, nan=np.inf)))
    return pd.DataFrame({
        "area_code": codes[order], "area_name": names[order], "rank": rank[order],
        "value": np.round(value, decimals)[order],
        "numerator": np.where(hidden, np.nan, _floats(current["numerator"]))[order],
        "denominator": _floats(current["denominator"])[order],
        "change": change[order], "suppressed": hidden[order], "hint": hint[order],
    }, columns=TABLE_COLUMNS)


def compact_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The grid's rowData: one dict per row without empty fields (no null, no false), so
    11,000 rows do not carry 11,000 times `"note": null`."""
    rank = frame["rank"].to_numpy()
    columns = {name: frame[name].tolist() for name in TABLE_COLUMNS if name != "rank"}
    columns["rank"] = [None if math.isnan(r) else int(r) for r in rank]
    names = list(columns)
    rows = []
    for values in zip(*(columns[n] for n in names), strict=True):
        rows.append({n: v for n, v in zip(names, values, strict=True)
                     if v is not None and v is not False and v == v})  # v == v: not NaN
    return rows


def _condition(column: pd.Series, condition: dict, numeric: bool) -> pd.Series:
    """The rows one filter condition keeps; an unknown condition type keeps none."""
    kind = condition.get("type")
    wanted = condition.get("filter")
    if kind == "blank":
        return column.isna() | (column.astype(str) == "") if not numeric else column.isna()
    if kind == "notBlank":
        return column.notna()
    if numeric:
        number = pd.to_numeric(column, errors="coerce")
        if not isinstance(wanted, int | float):
            return pd.Series(False, index=column.index)
        upper = condition.get("filterTo")
        tests = {
            "equals": lambda: number == wanted, "notEqual": lambda: number != wanted,
            "lessThan": lambda: number < wanted, "lessThanOrEqual": lambda: number <= wanted,
            "greaterThan": lambda: number > wanted,
            "greaterThanOrEqual": lambda: number >= wanted,
            "inRange": lambda: (number >= wanted) & (number <= upper)
            if isinstance(upper, int | float) else pd.Series(False, index=column.index),
        }
        test = tests.get(kind)
        return test().fillna(False) if test else pd.Series(False, index=column.index)
    text = column.fillna("").astype(str).str.casefold()
    needle = str(wanted if wanted is not None else "").casefold()
    tests = {
        "contains": lambda: text.str.contains(needle, regex=False),
        "notContains": lambda: ~text.str.contains(needle, regex=False),
        "equals": lambda: text == needle, "notEqual": lambda: text != needle,
        "startsWith": lambda: text.str.startswith(needle),
        "endsWith": lambda: text.str.endswith(needle),
    }
    test = tests.get(kind)
    return test() if test else pd.Series(False, index=column.index)


def _filtered(frame: pd.DataFrame, model: dict[str, dict]) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    for column, spec in model.items():
        if column not in _NUMBER_COLUMNS | _TEXT_COLUMNS:
            continue  # not a filterable column of this table: ignored, as the grid would
        numeric = column in _NUMBER_COLUMNS
        conditions = spec.get("conditions")
        if conditions:
            parts = [_condition(frame[column], c, numeric) for c in conditions]
            joined = parts[0]
            for part in parts[1:]:
                joined = (joined | part) if spec.get("operator") == "OR" else (joined & part)
            keep &= joined
        else:
            keep &= _condition(frame[column], spec, numeric)
    return frame[keep]


def grid_block(frame: pd.DataFrame, request: dict) -> dict[str, Any]:
    """One block for the infinite row model: {"rowData": [...], "rowCount": n} after the
    request's filter and sort; the frame is the already blanked `table_frame`."""
    rows = _filtered(frame, request.get("filterModel") or {})
    sorts = [s for s in request.get("sortModel") or []
             if s.get("colId") in _NUMBER_COLUMNS | _TEXT_COLUMNS | {"area_code"}]
    if sorts:
        # Empty cells stay last whichever way, as in the grid's own sort.
        rows = rows.sort_values([s["colId"] for s in sorts],
                                ascending=[s.get("sort") != "desc" for s in sorts],
                                na_position="last", kind="mergesort")
    start = max(int(request.get("startRow") or 0), 0)
    end = min(max(int(request.get("endRow") or start + 100), start), start + MAX_BLOCK)
    return {"rowData": compact_rows(rows.iloc[start:end]), "rowCount": len(rows)}
