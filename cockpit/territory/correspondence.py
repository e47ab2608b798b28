"""Correspondence tables: an old series converted onto the areas of a new Gebietsstand.

After a boundary reform (Berlin's LOR reform of 01.01.2021: 447 old Planungsräume
replaced by 542 new ones) the new areas have no values before the reform. A
correspondence table declares, for each old area, which new areas it went into
and with which share:

    <data dir>/correspondences/<name>.csv     (UTF-8, `;` separated, header required)
    old_code;new_code;weight
    0101;1001;1
    0102;1002;0,6
    0102;1003;0,4

For every period in which a new area was not valid yet, its value is
value_new = Σ weight × value_old over the old areas that have a value then
(numerators and denominators separately, so rates stay recomputed from counts).
Such rows are marked `converted` wherever they are shown. The values of the
old areas themselves stay as they were, for their periods.

The tables convert counts: the weights of each old code must add up to 1 (to
within 0.0005, so thirds may be written as 0,3333), or a count would be
created or lost; `cockpit check` refuses a table otherwise.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cockpit.catalog import DefinitionError

FOLDER = "correspondences"
COLUMNS = ("old_code", "new_code", "weight")
# Weights written with four decimals (thirds as 0,3333) must pass; 0,333 must not.
_TOLERANCE = 5e-4


@dataclass(frozen=True)
class Correspondence:
    """One declared table: (old code, new code, weight) triples."""

    name: str
    path: Path
    pairs: tuple[tuple[str, str, float], ...]

    def sources(self) -> dict[str, tuple[str, ...]]:
        """The old codes each new code is converted from."""
        found: dict[str, list[str]] = {}
        for old, new, _ in self.pairs:
            found.setdefault(new, []).append(old)
        return {new: tuple(olds) for new, olds in found.items()}

    def codes(self) -> tuple[set[str], set[str]]:
        """(old codes, new codes) of the table."""
        return {p[0] for p in self.pairs}, {p[1] for p in self.pairs}


def _weight(text: str) -> float:
    """A weight as written: `0.5` or, the German way, `0,5`."""
    return float(text.strip().replace(",", "."))


def read_correspondence(path: Path) -> tuple[Correspondence | None, list[str]]:
    """Read and check one table; (None, problems in German) when it is unusable."""
    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, [f"{path}: Die Datei ist nicht UTF-8-kodiert."]
    except OSError as exc:
        return None, [f"{path}: Die Datei kann nicht gelesen werden ({exc.strerror})."]
    reader = csv.reader(text.splitlines(), delimiter=";")
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != COLUMNS:
        found = ";".join(header) if header else "nichts"
        return None, [f"{path}: Kopfzeile muss „old_code;new_code;weight“ lauten "
                      f"(gefunden: „{found}“)."]
    pairs: list[tuple[str, str, float]] = []
    seen: set[tuple[str, str]] = set()
    for line, record in enumerate(reader, start=2):
        if not any(field.strip() for field in record):
            continue
        if len(record) != 3:
            problems.append(f"{path}, Zeile {line}: 3 Spalten erwartet, {len(record)} "
                            "gefunden.")
            continue
        old, new, weight_text = (field.strip() for field in record)
        if not old or not new:
            problems.append(f"{path}, Zeile {line}: alter und neuer Gebietsschlüssel "
                            "dürfen nicht leer sein.")
            continue
        try:
            weight = _weight(weight_text)
        except ValueError:
            problems.append(f"{path}, Zeile {line}: Gewicht „{weight_text}“ ist keine Zahl.")
            continue
        if not math.isfinite(weight) or not 0 < weight <= 1:
            problems.append(f"{path}, Zeile {line}: Gewicht {weight_text} liegt nicht "
                            "zwischen 0 (ausschließlich) und 1.")
            continue
        if (old, new) in seen:
            problems.append(f"{path}, Zeile {line}: Paar {old} → {new} steht doppelt in "
                            "der Tabelle.")
            continue
        seen.add((old, new))
        pairs.append((old, new, weight))
    if not pairs and not problems:
        problems.append(f"{path}: Die Tabelle enthält keine Zuordnung.")
    totals: dict[str, float] = {}
    for old, _, weight in pairs:
        totals[old] = totals.get(old, 0.0) + weight
    for old, total in sorted(totals.items()):
        if abs(total - 1) > _TOLERANCE:
            problems.append(f"{path}: Die Gewichte von Gebiet {old} ergeben zusammen "
                            f"{_german(total)} statt 1; Fallzahlen würden sonst "
                            "vermehrt oder gingen verloren.")
    if problems:
        return None, problems
    return Correspondence(path.stem, path, tuple(pairs)), []


def _german(number: float) -> str:
    return f"{number:.4g}".replace(".", ",")


def correspondence_files(data_dir: Path) -> list[Path]:
    folder = data_dir / FOLDER
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def check_correspondences(
    data_dir: Path, area_codes: Collection[str] | None = None
) -> tuple[list[Correspondence], list[str]]:
    """Every table of an installation and the problems found (German).

    With `area_codes` (the store's areas), codes that name no area are problems too.
    """
    tables, problems = [], []
    for path in correspondence_files(data_dir):
        table, found = read_correspondence(path)
        problems += found
        if table is None:
            continue
        if area_codes is not None:
            old, new = table.codes()
            unknown = sorted((old | new) - set(area_codes))
            if unknown:
                shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
                problems.append(f"{path}: {len(unknown)} Gebietsschlüssel gibt es im "
                                f"Gebietsbestand nicht: {shown}")
                continue
        tables.append(table)
    return tables, problems


def load_correspondences(data_dir: Path) -> list[Correspondence]:
    """The installation's tables; DefinitionError (German) when one is broken."""
    tables, problems = check_correspondences(data_dir)
    if problems:
        raise DefinitionError("\n".join(problems))
    return tables


def convert_rows(
    summed: pd.DataFrame, valid: pd.DataFrame, correspondences: Sequence[Correspondence]
) -> pd.DataFrame:
    """Rows for new areas in periods before they were valid, converted from old areas.

    `summed`: usable base-level rows (area_code, level, period, numerator,
    denominator); `valid`: the areas valid per period (period, code). A new area
    gets a converted row in a period when it was not valid then and at least one of
    its old areas has a value; it is `incomplete` when another of its old areas that
    was valid then has none.
    """
    frames = []
    for table in correspondences:
        pairs = pd.DataFrame(list(table.pairs), columns=list(COLUMNS))
        joined = summed.merge(pairs, left_on="area_code", right_on="old_code")
        if joined.empty:
            continue
        joined["numerator"] = joined["numerator"] * joined["weight"]
        joined["denominator"] = joined["denominator"] * joined["weight"]
        grouped = joined.groupby(["new_code", "period"], as_index=False).agg(
            level=("level", "first"),
            numerator=("numerator", "sum"),
            denominator=("denominator", lambda s: s.sum(min_count=1)),
            present=("old_code", "nunique"),
        )
        # Only where the new area did not exist yet: from its start it has real values.
        valid_keys = set(zip(valid["code"], valid["period"], strict=True))
        grouped = grouped[[(code, period) not in valid_keys for code, period
                           in zip(grouped["new_code"], grouped["period"], strict=True)]]
        if grouped.empty:
            continue
        olds = pairs.merge(valid, left_on="old_code", right_on="code")
        expected = olds.groupby(["new_code", "period"]).size().rename("expected")
        grouped = grouped.join(expected, on=["new_code", "period"])
        grouped["expected"] = grouped["expected"].fillna(grouped["present"]).astype("int64")
        grouped["missing"] = (grouped["expected"] - grouped["present"]).clip(lower=0)
        grouped["incomplete"] = grouped["missing"] > 0
        grouped["converted"] = True
        frames.append(grouped.rename(columns={"new_code": "area_code"}).drop(
            columns=["present"]))
    if not frames:
        return pd.DataFrame()
    converted = pd.concat(frames, ignore_index=True)
    # Two tables converting onto the same area and period: the first declared wins.
    return converted.drop_duplicates(["area_code", "period"], ignore_index=True)


def converted_hidden(
    frame: pd.DataFrame, hidden: Iterable[tuple[str, str]],
    correspondences: Sequence[Correspondence],
) -> pd.Series:
    """Hide a converted cell when one of the old cells it is built from is hidden.

    A converted value is a weighted sum of old values; shown next to them it would
    narrow a hidden one down (with weight 1 it is a plain sum of old areas).
    """
    hidden = set(hidden)
    sources: dict[str, set[str]] = {}
    for table in correspondences:
        for new, olds in table.sources().items():
            sources.setdefault(new, set()).update(olds)
    flags = [
        bool(converted) and any((old, period) in hidden for old in sources.get(code, ()))
        for code, period, converted in zip(frame["area_code"], frame["period"],
                                           frame["converted"], strict=True)
    ]
    return pd.Series(flags, index=frame.index, dtype=bool)
