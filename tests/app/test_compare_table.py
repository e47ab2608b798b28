"""The comparison table: vectorised rows equal the old row loop; blocks filter safely."""

from __future__ import annotations

import pandas as pd
import pytest

from cockpit.access import Gate, Viewer
from cockpit.app.compare_table import compact_rows, grid_block, table_frame
from cockpit.app.formatting import SUPPRESSED_TOOLTIP
from cockpit.app.value_notes import value_note


def _old_table_rows(current: pd.DataFrame, previous: pd.DataFrame | None,
                    highlight: str | None, lang: str, decimals: int) -> list[dict]:
    """The row loop as it was before issue 9 (commit 82bf3b5), the reference."""
    before = {} if previous is None else dict(
        zip(previous["area_code"], previous["value"], strict=True))
    ranked = current.assign(rank=current["value"].rank(ascending=False, method="min"))
    rows = []
    for row in ranked.sort_values(["rank", "area_name"], na_position="last").itertuples():
        hidden = bool(row.suppressed)
        value = None if hidden or pd.isna(row.value) else round(float(row.value), decimals)
        old = before.get(row.area_code)
        change = None if value is None or old is None or pd.isna(old) else round(
            float(row.value) - float(old), decimals)
        rows.append({
            "area_code": row.area_code,
            "area_name": row.area_name,
            "rank": None if pd.isna(row.rank) else int(row.rank),
            "value": value,
            "numerator": None if hidden or pd.isna(row.numerator) else float(row.numerator),
            "denominator": None if pd.isna(row.denominator) else float(row.denominator),
            "change": change,
            "suppressed": hidden,
            "note": SUPPRESSED_TOOLTIP[lang] if hidden else None,
            "hint": value_note(row, lang),
            "highlight": row.area_code == highlight,
        })
    return rows


def _compact(row: dict) -> dict:
    """An old row as the grid now gets it: no empty fields, no per-row tooltip/highlight."""
    return {k: v for k, v in row.items()
            if k not in ("note", "highlight") and v is not None and v is not False}


@pytest.fixture(scope="module")
def gate(demo) -> Gate:
    return Gate(demo)


@pytest.mark.parametrize("indicator", ["sgb2_quote", "einwohner", "kinderarmut",
                                       "hze_stationaer_je_1000_unter_21",
                                       "betreuungsquote_u3"])
@pytest.mark.parametrize("level", ["subdistrict", "district"])
def test_rows_equal_the_old_loop_on_the_demo(gate: Gate, indicator: str, level: str) -> None:
    viewer = Viewer("x", "leadership")
    periods = gate.periods(viewer, indicator)
    at = periods.index("2024") if "2024" in periods else len(periods) - 1
    current = gate.values(viewer, indicator, level=level, period=periods[at])
    previous = gate.values(viewer, indicator, level=level, period=periods[at - 1])
    decimals = gate.indicator(viewer, indicator).decimals
    for lang in ("de", "en"):
        old = [_compact(r) for r in _old_table_rows(current, previous, None, lang, decimals)]
        new = compact_rows(table_frame(current, previous, lang, decimals))
        assert new == old
    if indicator == "hze_stationaer_je_1000_unter_21" and level == "subdistrict":
        assert any(r.get("suppressed") for r in new)  # the case with secrets is covered


def test_rows_without_previous_period(gate: Gate) -> None:
    viewer = Viewer("x", "leadership")
    current = gate.values(viewer, "sgb2_quote", level="subdistrict", period="2024")
    rows = compact_rows(table_frame(current, None, "de", 1))
    assert rows == [_compact(r) for r in _old_table_rows(current, None, None, "de", 1)]
    assert not any("change" in r for r in rows)


def _sloppy() -> pd.DataFrame:
    """Three areas; the suppressed one still carries its real value (a careless caller)."""
    return pd.DataFrame({
        "area_code": ["01", "02", "03"], "area_name": ["Nord", "Mitte", "Süd"],
        "value": [10.0, 2.0, 5.0], "numerator": [10.0, 2.0, 5.0],
        "denominator": [100.0, 100.0, 100.0], "suppressed": [False, True, False],
        "incomplete": [False, False, False], "converted": [False, False, False],
    })


def test_suppressed_value_is_blank_before_rank_sort_or_filter() -> None:
    frame = table_frame(_sloppy(), None, "de", 1)
    rows = {r["area_code"]: r for r in compact_rows(frame)}
    assert rows["02"] == {"area_code": "02", "area_name": "Mitte", "denominator": 100.0,
                          "suppressed": True}
    # a filter that would match the hidden 2.0 does not find it
    block = grid_block(frame, {"startRow": 0, "endRow": 100, "filterModel": {
        "value": {"filterType": "number", "type": "lessThan", "filter": 3}}})
    assert block == {"rowData": [], "rowCount": 0}
    block = grid_block(frame, {"startRow": 0, "endRow": 100, "filterModel": {
        "value": {"filterType": "number", "type": "inRange", "filter": 1, "filterTo": 3}}})
    assert block["rowCount"] == 0
    # sorting puts the blank cell last either way; its position tells nothing
    for direction in ("asc", "desc"):
        block = grid_block(frame, {"startRow": 0, "endRow": 100,
                                   "sortModel": [{"colId": "value", "sort": direction}]})
        assert block["rowData"][-1]["area_code"] == "02"


def test_blocks_filter_sort_and_slice() -> None:
    frame = table_frame(pd.DataFrame({
        "area_code": [f"{i:03d}" for i in range(250)],
        "area_name": [f"Gebiet {i}" for i in range(250)],
        "value": [float(i) for i in range(250)], "numerator": [float(i) for i in range(250)],
        "denominator": [1000.0] * 250, "suppressed": [False] * 250,
    }), None, "de", 1)
    first = grid_block(frame, {"startRow": 0, "endRow": 100})
    assert first["rowCount"] == 250 and len(first["rowData"]) == 100
    assert first["rowData"][0]["area_code"] == "249"  # rank order by default
    last = grid_block(frame, {"startRow": 200, "endRow": 300})
    assert len(last["rowData"]) == 50
    block = grid_block(frame, {"startRow": 0, "endRow": 100,
                               "sortModel": [{"colId": "area_name", "sort": "asc"}],
                               "filterModel": {"area_name": {
                                   "filterType": "text", "operator": "OR", "conditions": [
                                       {"filterType": "text", "type": "endsWith",
                                        "filter": "7"},
                                       {"filterType": "text", "type": "equals",
                                        "filter": "gebiet 10"}]}}})
    names = [r["area_name"] for r in block["rowData"]]
    assert block["rowCount"] == 26 and names[0] == "Gebiet 10" and names == sorted(names)
    # a huge block is cut to the largest block a request may get
    assert len(grid_block(frame, {"startRow": 0, "endRow": 10**9})["rowData"]) == 250
    # unknown columns and filter types change nothing / match nothing
    assert grid_block(frame, {"startRow": 0, "endRow": 10, "filterModel": {
        "secret": {"filterType": "text", "type": "contains", "filter": "x"}}})["rowCount"] == 250
    assert grid_block(frame, {"startRow": 0, "endRow": 10, "filterModel": {
        "value": {"filterType": "number", "type": "regex", "filter": 1}}})["rowCount"] == 0
