"""Does a hand-written key statement cite a value that suppression keeps secret?

Generated Kernaussagen never cite a suppressed value. A statement written by controlling
is published to everyone who may see the indicator, but its author may see raw values,
so a sentence like "In Hafen leben nur 2 Kinder in Bedarfsgemeinschaften" would carry a
hidden small count past the gate. The check compares the numbers in the text with the
hidden cells of the statement's indicator, level and period:

- a number next to the name (or code) of an area whose cell is hidden, equal to that
  cell's value, count or base at the text's precision, is a citation;
- a number with decimals equal to a hidden value and to no shown value is one too, even
  without a name ("the lowest rate is 2,1 %" where the lowest is hidden).

Whole numbers without an area name are let through: "3 Stadtteile", "2024" or "10 %"
match some hidden small count far too often to refuse them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pandas as pd

from cockpit.access.gate import Gate
from cockpit.access.viewer import Viewer

# German numbers: 1.234.567 or 1234 with an optional decimal comma; a minus sign may lead.
_NUMBER = re.compile(r"(?<![\w.,])[-−]?\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\w]|[.,]\d)"
                     r"|(?<![\w.,])[-−]?\d+(?:,\d+)?(?![\w]|[.,]\d)")


@dataclass(frozen=True)
class Citation:
    """A number in the text that equals a hidden cell's figure."""

    number: str  # as written in the text
    area_name: str  # the hidden cell's area ("" when matched by value alone)


def cited_secrets(gate: Gate, editor: Viewer, indicator_id: str, level: str, period: str,
                  text: str) -> list[Citation]:
    """Numbers in `text` that give away a cell hidden at (indicator, level, period).

    The hidden cells are those the statement's readers do not see: the editor's own view
    with suppression on. Their figures come from the raw view, which only roles allowed
    to see raw values get (the desk is theirs); that view is audited like any other.
    """
    numbers = [(m.group(0), _parse(m.group(0))) for m in _NUMBER.finditer(text)]
    numbers = [(written, parsed) for written, parsed in numbers if parsed is not None]
    if not numbers or not editor.may_view_raw:
        return []
    shown = gate.values(_plain(editor), indicator_id, level=level, period=period)
    hidden_codes = set(shown.loc[shown["suppressed"], "area_code"])
    if not hidden_codes:
        return []
    raw = gate.values(_plain(editor, raw=True), indicator_id, level=level, period=period)
    hidden = raw[raw["area_code"].isin(hidden_codes)]
    visible_values = _figures(raw[~raw["area_code"].isin(hidden_codes)], ("value",))
    lowered = text.casefold()
    found: list[Citation] = []
    for row in hidden.itertuples():
        named = _names_area(lowered, str(row.area_name), str(row.area_code))
        figures = [f for f in (row.value, row.numerator, row.denominator) if _present(f)]
        for written, parsed in numbers:
            decimals = _decimals(written)
            matches = any(_equal(figure, parsed, decimals) for figure in figures)
            if matches and named:
                found.append(Citation(written, str(row.area_name)))
            elif (decimals and _present(row.value) and _equal(row.value, parsed, decimals)
                  and not any(_equal(v, parsed, decimals) for v in visible_values)):
                found.append(Citation(written, ""))
    return list(dict.fromkeys(found))


def _plain(editor: Viewer, *, raw: bool = False) -> Viewer:
    return Viewer(editor.name, editor.role, area_code=editor.area_code,
                  department=editor.department, raw=raw)


def _parse(written: str) -> Decimal | None:
    cleaned = written.replace("−", "-").replace(".", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _decimals(written: str) -> int:
    return len(written.split(",", 1)[1]) if "," in written else 0


def _present(figure: object) -> bool:
    return figure is not None and not pd.isna(figure)


def _equal(figure: object, parsed: Decimal, decimals: int) -> bool:
    """The figure as the text would write it at `decimals` places."""
    rounded = Decimal(str(float(figure))).quantize(Decimal(1).scaleb(-decimals))
    return rounded == parsed


def _figures(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[float]:
    return [float(v) for column in columns for v in frame[column] if _present(v)]


def _names_area(lowered_text: str, name: str, code: str) -> bool:
    """Whether the text names the area by its name or code as a whole word."""
    for word in (name, code):
        word = word.strip().casefold()
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered_text):
            return True
    return False
