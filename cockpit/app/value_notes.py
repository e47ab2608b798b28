"""Visible notes for values that are partial sums or converted from old areas.

The gate marks a roll-up whose parts did not all deliver as `incomplete` (with
`missing` of `expected` parts) and a new area's value before it existed as
`converted` (correspondence table). Pages show both next to the value and
explain them below it, so nobody reads a partial sum as a total.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from dash import html

from cockpit.app.formatting import format_period
from cockpit.app.i18n import register_strings, t

INCOMPLETE_MARK = "¹"
CONVERTED_MARK = "²"

register_strings({
    "note.incomplete": {"de": "unvollständig: Teilgebiete fehlen",
                        "en": "incomplete: sub-areas missing"},
    "note.incomplete.one": {"de": "unvollständig: {missing} von {expected} Teilgebieten "
                                  "fehlt",
                            "en": "incomplete: {missing} of {expected} sub-areas missing"},
    "note.incomplete.many": {"de": "unvollständig: {missing} von {expected} Teilgebieten "
                                   "fehlen",
                             "en": "incomplete: {missing} of {expected} sub-areas missing"},
    "note.converted": {"de": "umgerechnet aus den Werten der früheren Gebiete "
                             "(Zuordnungstabelle)",
                       "en": "converted from the values of the former areas "
                             "(correspondence table)"},
    "note.heading": {"de": "Hinweise zu den Werten", "en": "Notes on the values"},
    "note.incomplete.explain": {
        "de": "Summe nur der Teilgebiete mit Wert; fehlende Teilgebiete sind nicht "
              "eingerechnet.",
        "en": "Sum of the sub-areas with a value only; missing sub-areas are not included."},
    "note.until": {"de": "bis {date}", "en": "until {date}"},
    "col.note": {"de": "Hinweis", "en": "Note"},
})


def _get(row: Any, name: str, default: Any = None) -> Any:
    if isinstance(row, dict):
        return row.get(name, default)
    return getattr(row, name, default)


def value_note(row: Any, lang: str = "de") -> str | None:
    """The note for one value row (a gate row or dict), or None when it is a plain value."""
    parts = []
    if bool(_get(row, "incomplete", False)):
        missing, expected = int(_get(row, "missing", 0)), int(_get(row, "expected", 0))
        if expected == 0:  # a hidden cell: the gate does not say how many parts lack
            parts.append(t("note.incomplete", lang))
        else:
            key = "note.incomplete.one" if missing == 1 else "note.incomplete.many"
            parts.append(t(key, lang, missing=missing, expected=expected))
    if bool(_get(row, "converted", False)):
        parts.append(t("note.converted", lang))
    return "; ".join(parts) or None


def value_mark(row: Any) -> str:
    """The short mark shown next to a value: ¹ partial sum, ² converted."""
    return (INCOMPLETE_MARK if bool(_get(row, "incomplete", False)) else "") + (
        CONVERTED_MARK if bool(_get(row, "converted", False)) else "")


def notes_block(rows: Iterable[Any], lang: str = "de",
                names: dict[str, str] | None = None) -> html.Div | None:
    """A visible list of every marked value ("Nord, 2022: unvollständig: 1 von 2
    Teilgebieten fehlt"), or None when no value is marked."""
    items = []
    any_incomplete = False
    for row in rows:
        note = value_note(row, lang)
        if note is None:
            continue
        any_incomplete |= bool(_get(row, "incomplete", False))
        code = _get(row, "area_code")
        name = (names or {}).get(code) or _get(row, "area_name") or code
        period = format_period(_get(row, "period"), lang)
        items.append(html.Li(f"{value_mark(row)} {name}, {period}: {note}"))
    if not items:
        return None
    return html.Div([
        html.P(t("note.heading", lang), className="small fw-semibold mb-0"),
        html.Ul(items, className="small mb-1"),
        html.P(t("note.incomplete.explain", lang), className="small text-body-secondary")
        if any_incomplete else None,
    ], className="value-notes")


def until_label(valid_to: object, lang: str = "de") -> str | None:
    """"bis 31.12.2020" for an area that no longer exists, None for a current one."""
    if not isinstance(valid_to, date):
        return None
    return t("note.until", lang, date=valid_to.strftime("%d.%m.%Y"))
