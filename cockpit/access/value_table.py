"""An indicator's computed rows as the gate keeps them: compact columns, not tuples."""

from __future__ import annotations

import json
import mmap
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cockpit.periods import sort_periods

# Columns every table has, one value per row.
_ROW_COLUMNS = ("period_idx", "area_idx", "level_idx", "value", "numerator", "denominator",
                "suppressed")
# Kept per area when each area has one name (one parent) in every period, else per row.
_PER_AREA_OR_ROW = (("area_name", "name_idx"), ("area_parent", "parent_idx"))
# Kept only when some row is not zero (most indicators: no partial sums, no conversions).
_SPARSE = {"incomplete": np.bool_, "converted": np.bool_, "missing": np.int32,
           "expected": np.int32}
_TEXTS = ("periods", "level_names", "codes", "names", "parents")

_MAGIC = b"COCKPIT-VALUES\x00\x01"  # the file format's name and version
_ALIGN = 64


class ValueTableFileError(ValueError):
    """A value table file that is not one (truncated, another format, another version)."""


class ValueTable:
    """An indicator's rows, column by column and sorted by period (end date) and area;
    `periods` oldest first by end date.

    Compact on purpose: a worker keeps one per indicator, and at 11,000 areas and 15
    periods a row per Python tuple cost ~2 GB for the catalogue. Texts are held once
    (codes, names, levels, periods) and rows point at them; an area's name and parent
    are kept per area when they never change (one territory version), and the partial
    sum and conversion columns only when some row has one. Tuples are made only for the
    rows a request returns. The columns can be written to a file and mapped back
    (`save`, `load`), so several workers share one copy of them.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        periods = tuple(sort_periods(frame["period"].unique()))
        period_idx = pd.Index(periods).get_indexer(frame["period"]).astype(np.int16)
        area_idx, codes = pd.factorize(frame["area_code"], sort=True)
        order = np.lexsort((area_idx, period_idx))
        area_idx = area_idx[order].astype(np.int32)
        level_names = sorted(frame["level"].unique())
        columns: dict[str, np.ndarray] = {
            "period_idx": period_idx[order],
            "area_idx": area_idx,
            "level_idx": pd.Index(level_names).get_indexer(frame["level"]).astype(np.int8)[order],
        }
        texts: dict[str, list] = {"periods": list(periods), "level_names": level_names,
                                  "codes": _as_list(codes)}
        for (per_area, per_row), column, text in ((_PER_AREA_OR_ROW[0], "area_name", "names"),
                                                  (_PER_AREA_OR_ROW[1], "parent_code",
                                                   "parents")):
            idx, values = pd.factorize(frame[column])  # None -> -1
            idx = idx[order].astype(np.int32)
            texts[text] = _as_list(values)
            at_area = np.full(len(codes), -1, dtype=np.int32)
            at_area[area_idx] = idx
            if np.array_equal(at_area[area_idx], idx):  # one name (parent) per area
                columns[per_area] = at_area
            else:
                columns[per_row] = idx
        for c in ("value", "numerator", "denominator"):
            columns[c] = frame[c].to_numpy(dtype=float)[order]
        columns["suppressed"] = frame["suppressed"].to_numpy(dtype=bool)[order]
        for c, dtype in _SPARSE.items():
            values = frame[c].to_numpy(dtype=np.int64 if dtype is np.int32 else bool)
            if values.any():
                columns[c] = values.astype(dtype)[order]
        self._assemble(columns, texts)

    def _assemble(self, columns: dict[str, np.ndarray], texts: dict[str, list]) -> None:
        self.columns = columns
        self.periods: tuple[str, ...] = tuple(texts["periods"])
        self.level_names: list[str] = list(texts["level_names"])
        self.levels: frozenset[str] = frozenset(self.level_names)
        # Codes and names recur in every indicator's table: one string object each, and
        # one array, lookup and list of them for all tables with the same areas (at
        # 11,000 areas ~0.8 MB per table and worker otherwise). Never changed in place.
        self.codes, self.code_at = _TEXTS_SEEN.get(("codes", *texts["codes"]), _code_lookup)
        self.names = _TEXTS_SEEN.get(("names", *texts["names"]), _with_none)  # -1 is None
        self.parents = _TEXTS_SEEN.get(("parents", *texts["parents"]), _with_none)
        self.period_idx = columns["period_idx"]
        self.area_idx = columns["area_idx"]
        self.level_idx = columns["level_idx"]
        self.numbers = {c: columns[c] for c in ("value", "numerator", "denominator")}
        # Rows of each period are one slice (sorted by period first).
        bounds = np.searchsorted(self.period_idx, np.arange(len(self.periods) + 1))
        self.period_rows = {p: (int(bounds[i]), int(bounds[i + 1]))
                            for i, p in enumerate(self.periods)}

    def __len__(self) -> int:
        return len(self.area_idx)

    @property
    def suppressed(self) -> np.ndarray:
        """The suppression flag of every row."""
        return self.columns["suppressed"]

    def column(self, name: str, rows: np.ndarray) -> np.ndarray:
        """One column at `rows`: value, numerator, denominator, suppressed, incomplete,
        converted, missing, expected, name_idx or parent_idx (zeros where not kept)."""
        if name in self.columns:
            return self.columns[name][rows]
        for per_area, per_row in _PER_AREA_OR_ROW:
            if name == per_row:
                return self.columns[per_area][self.area_idx[rows]]
        return np.zeros(len(rows), dtype=_SPARSE[name])

    def of_areas(self, codes: list[str]) -> np.ndarray:
        """Row positions of the given areas, in table order (each row once).

        Rows are sorted by period and, within a period, by area number, so each
        period's rows of these areas are found by bisection: no per-table index of
        the rows by area (1.4 MB per table at 11,000 areas, per worker) is kept.
        """
        wanted = np.unique(np.fromiter((i for i in map(self.code_at.get, codes)
                                        if i is not None), dtype=np.int32))
        if not len(wanted):
            return np.zeros(0, dtype=np.int64)
        starts, counts = [], []
        for start, stop in self.period_rows.values():
            areas = self.area_idx[start:stop]
            left = areas.searchsorted(wanted, "left")
            starts.append(left + start)
            counts.append(areas.searchsorted(wanted, "right") - left)
        first = np.concatenate(starts).astype(np.int64)
        count = np.concatenate(counts)
        first, count = first[count > 0], count[count > 0]
        if not len(count) or (count == 1).all():  # one row per area and period
            return first
        # Several rows of an area in a period: each run of rows in full.
        runs = np.repeat(first - np.concatenate(([0], np.cumsum(count)[:-1])), count)
        return runs + np.arange(int(count.sum()))

    def in_areas(self, areas: frozenset[str]) -> np.ndarray:
        """A mask of the rows whose area is in `areas`."""
        inside = np.array([code in areas for code in self.codes], dtype=bool)
        return inside[self.area_idx] if len(inside) else np.zeros(len(self), dtype=bool)

    def records(self, rows: np.ndarray) -> list[tuple]:
        """The rows at `rows` as tuples in VALUE_COLUMNS order (plain Python values)."""
        codes, names, parents = self.codes, self.names, self.parents
        levels = self.level_names
        return list(zip(
            [codes[i] for i in self.area_idx[rows].tolist()],
            [names[i] for i in self.column("name_idx", rows).tolist()],
            [levels[i] for i in self.level_idx[rows].tolist()],
            [parents[i] for i in self.column("parent_idx", rows).tolist()],
            [self.periods[i] for i in self.period_idx[rows].tolist()],
            *(self.numbers[c][rows].tolist() for c in ("value", "numerator", "denominator")),
            *(self.column(c, rows).tolist() for c in ("suppressed", "incomplete", "missing",
                                                       "expected", "converted")),
            strict=True))

    def hidden_cells(self) -> set[tuple[str, str]]:
        """(area_code, period) of every suppressed row."""
        rows = np.flatnonzero(self.suppressed)
        return {(self.codes[a], self.periods[p]) for a, p in
                zip(self.area_idx[rows].tolist(), self.period_idx[rows].tolist(), strict=True)}

    # -- a file that several processes map ------------------------------------------
    def save(self, path: Path) -> None:
        """Write the table to `path` (mode 0600): a header, then each column's bytes.

        Written beside `path` and renamed, so a reader sees the whole file or none.
        """
        texts = {"periods": list(self.periods), "level_names": self.level_names,
                 "codes": self.codes.tolist(), "names": self.names[:-1],
                 "parents": self.parents[:-1]}
        layout, offset = [], 0
        for name, array in self.columns.items():
            offset = -(-offset // _ALIGN) * _ALIGN
            layout.append({"name": name, "dtype": array.dtype.str, "offset": offset,
                           "length": len(array)})
            offset += array.nbytes
        header = json.dumps({"columns": layout, "texts": texts},
                            ensure_ascii=False).encode("utf-8")
        start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + len(header).to_bytes(8, "little") + header)
                for entry, array in zip(layout, self.columns.values(), strict=True):
                    out.write(b"\0" * (start + entry["offset"] - out.tell()))
                    out.write(np.ascontiguousarray(array).tobytes())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> ValueTable:
        """Map a file written by `save`; the columns are read-only views of the mapping
        (the pages are shared with every other process that maps the same file)."""
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < len(_MAGIC) + 8:
                raise ValueTableFileError(f"{path.name}: zu kurz")
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if mapped[:len(_MAGIC)] != _MAGIC:
            raise ValueTableFileError(f"{path.name}: kein Wertetabellen-Format dieser Version")
        length = int.from_bytes(mapped[len(_MAGIC):len(_MAGIC) + 8], "little")
        end = len(_MAGIC) + 8 + length
        if end > size:
            raise ValueTableFileError(f"{path.name}: Kopf abgeschnitten")
        try:
            header = json.loads(mapped[len(_MAGIC) + 8:end].decode("utf-8"))
            start = -(-end // _ALIGN) * _ALIGN
            columns = {}
            for entry in header["columns"]:
                dtype = np.dtype(entry["dtype"])
                offset = start + int(entry["offset"])
                if offset + dtype.itemsize * int(entry["length"]) > size:
                    raise ValueTableFileError(f"{path.name}: Spalte {entry['name']} abgeschnitten")
                columns[entry["name"]] = np.frombuffer(mapped, dtype=dtype,
                                                       count=int(entry["length"]), offset=offset)
            texts = {name: header["texts"][name] for name in _TEXTS}
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ValueTableFileError):
                raise
            raise ValueTableFileError(f"{path.name}: Kopf unlesbar ({exc})") from exc
        missing = [c for c in _ROW_COLUMNS if c not in columns]
        if missing or not all(a in columns or r in columns for a, r in _PER_AREA_OR_ROW):
            raise ValueTableFileError(f"{path.name}: Spalten fehlen ({', '.join(missing)})")
        table = cls.__new__(cls)
        table._assemble(columns, texts)
        return table


def _as_list(values: pd.Index | np.ndarray) -> list:
    """Python values of a factorize result in one step (iterating pandas' Arrow-backed
    strings element by element cost ~15 ms at 11,000 areas)."""
    if isinstance(values, pd.Index | pd.api.extensions.ExtensionArray):
        values = values.to_numpy(dtype=object)
    return np.asarray(values, dtype=object).tolist()


def _intern(text: str | None) -> str | None:
    return sys.intern(text) if isinstance(text, str) else text


def _code_lookup(key: tuple) -> tuple[np.ndarray, dict[str, int]]:
    codes = np.asarray([sys.intern(c) for c in key[1:]], dtype=object)
    return codes, {code: i for i, code in enumerate(codes)}


def _with_none(key: tuple) -> list[str | None]:
    return [*(_intern(n) for n in key[1:]), None]


class _Recent:
    """The last few distinct texts of tables (codes, names, parents) and what was made
    of them, so tables of the same territory share one copy; bounded, so the texts of
    an earlier data version do not stay."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.made: OrderedDict[tuple, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[tuple], Any]) -> Any:
        with self.lock:
            found = self.made.get(key)
            if found is not None:
                self.made.move_to_end(key)
                return found
        made = make(key)
        with self.lock:
            self.made[key] = made
            while len(self.made) > self.size:
                self.made.popitem(last=False)
        return made


_TEXTS_SEEN = _Recent(24)
