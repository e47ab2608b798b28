"""What the comparison page shows of one indicator, level and period, prepared once.

The gate hands out the rows a viewer may see; the callbacks ask for them through
`Gate.answer` (cockpit/access/gate.py), which decides access on every call and keeps
the objects built here per data version, indicator, viewer scope, level and period.
So a second viewer with the same scope, a click on an area or another classification
method only picks rows and assembles lists: the ranking order, the formatted values,
notes, map classes and table rows are made once (`RankedRows.memo`). Nothing here
knows a viewer: an object holds exactly the rows the gate released for its scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cockpit.access.gate import ValueRow
from cockpit.app.compare_table import compact_rows, table_frame
from cockpit.app.figures import RankedRows

__all__ = ["CityRows", "Comparison", "PreviousValues"]

#: What a prepared comparison holds per area, at most about (measured at 11,000 areas:
#: 610 bytes with one language and method and the table, 890 with both languages and
#: methods): the gate's cache counts it against its byte budget.
BYTES_PER_AREA = 900


class Comparison:
    """One period's rows of one level for one scope: the ranking's and the map's
    `RankedRows`, the rows with a note (for the caption) and the table, made on demand
    per previous period and language. Kept as columns, not row tuples (11,000 areas)."""

    def __init__(self, rows: list[ValueRow]) -> None:
        # The areas valid in the period; a new area's converted past belongs to its series.
        rows = [r for r in rows if not r.converted]
        self.marked = [r for r in rows if r.incomplete or r.converted]
        columns = dict(zip(ValueRow._fields, zip(*rows, strict=True), strict=True)) if rows \
            else dict.fromkeys(ValueRow._fields, ())
        self.numbers = {name: np.array(columns[name], dtype=float)
                        for name in ("value", "numerator", "denominator")}
        self.flags = {name: np.array(columns[name], dtype=bool)
                      for name in ("suppressed", "incomplete")}
        self.counts = {name: np.array(columns[name], dtype=np.int64)
                       for name in ("missing", "expected")}
        self.ranked = RankedRows(
            columns["area_code"], columns["area_name"], self.numbers["value"],
            self.flags["suppressed"],
            {"incomplete": self.flags["incomplete"], **self.counts})
        self.nbytes = BYTES_PER_AREA * len(rows)

    @property
    def codes(self) -> Mapping[str, int]:
        """The areas of the comparison (code -> row)."""
        return self.ranked.row_of

    def table_frame(self, previous: PreviousValues | None, lang: str,
                    decimals: int) -> pd.DataFrame:
        """The grid's rows (cockpit/app/compare_table.py) with the change against
        `previous`, kept per previous period, language and places."""
        key = ("table", previous.period if previous is not None else None, lang, decimals)
        return self.ranked.memo(key, lambda: table_frame(self.frame(), previous, lang,
                                                         decimals))

    def table_rows(self, previous: PreviousValues | None, lang: str,
                   decimals: int) -> list[dict[str, Any]]:
        """The grid's compact rowData (all rows, for the client-side row model)."""
        key = ("rows", previous.period if previous is not None else None, lang, decimals)
        return self.ranked.memo(key, lambda: compact_rows(
            self.table_frame(previous, lang, decimals)))

    def frame(self) -> pd.DataFrame:
        """The rows as a data frame with the gate's value columns that the table reads."""
        return pd.DataFrame({
            "area_code": self.ranked.codes, "area_name": self.ranked.names,
            **self.numbers, **self.flags, **self.counts,
            "converted": np.zeros(len(self.ranked), dtype=bool)})


class PreviousValues(dict):
    """The previous period's values by area code (None or NaN where hidden or missing),
    for the change column."""

    def __init__(self, period: str | None, rows: list[ValueRow]) -> None:
        super().__init__((r.area_code, r.value) for r in rows)
        self.period = period
        self.nbytes = 150 * len(self)

    @classmethod
    def of(cls, period: str | None) -> Any:
        """A build for Gate.answer: the values of the rows it gets."""
        return lambda rows: cls(period, rows)


class CityRows:
    """The top level's row(s) of the period: the reference line and its notes."""

    def __init__(self, rows: list[ValueRow]) -> None:
        self.rows = rows
        first = rows[0] if rows else None
        self.value = (first.value if first is not None and not first.suppressed
                      and first.value is not None else None)
        self.marked = [r for r in rows if r.incomplete or r.converted]
        self.nbytes = 200 * len(rows)

