"""The data of one indicator as an export sees it: header facts and gated rows.

Both the CSV and the XLSX writer take an `ExportTable`; neither asks the store or
the gate itself. The rows come from `Gate.rows`, so scoping, suppression and raw
views (audited there) are exactly the API's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from cockpit.access import Gate, Viewer
from cockpit.access.gate import ValueRow
from cockpit.app.formatting import format_period
from cockpit.app.i18n import register_strings, t
from cockpit.indicators.model import Indicator

# Cells that a spreadsheet would read as a formula (or a DDE call) when they start so.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

register_strings({
    "export.col.code": {"de": "Gebietsschlüssel", "en": "Area code"},
    "export.col.area": {"de": "Gebiet", "en": "Area"},
    "export.col.level": {"de": "Ebene", "en": "Level"},
    "export.col.period": {"de": "Zeitraum", "en": "Period"},
    "export.col.value": {"de": "Wert", "en": "Value"},
    "export.col.numerator": {"de": "Zähler", "en": "Numerator"},
    "export.col.denominator": {"de": "Nenner", "en": "Denominator"},
    "export.col.class": {"de": "Klasse", "en": "Class"},
    "export.col.note": {"de": "Hinweis", "en": "Note"},
    "export.suppressed": {"de": "geheim", "en": "confidential"},
    "export.suppressed_note": {
        "de": "Geheimhaltung: weniger als {n} Fälle",
        "en": "Confidential: fewer than {n} cases",
    },
    "export.confidentiality": {
        "de": "Geheimhaltung: Werte aus weniger als {n} Fällen (und Werte, aus denen sie "
              "sich errechnen ließen) sind mit „{mark}“ gekennzeichnet und nicht "
              "ausgewiesen. Klassifizierung: {classification}.",
        "en": "Confidentiality: values from fewer than {n} cases (and values from which "
              "they could be computed) are marked “{mark}” and not shown. "
              "Classification: {classification}.",
    },
    "export.raw_note": {
        "de": "Rohwerte ohne Geheimhaltung (protokolliert) – nur für den Dienstgebrauch.",
        "en": "Raw values without suppression (audited) – for internal use only.",
    },
    "export.incomplete": {"de": "unvollständig: {missing} von {expected} Teilgebieten fehlen",
                          "en": "incomplete: {missing} of {expected} sub-areas missing"},
    "export.converted": {"de": "umgerechnet aus früheren Gebieten",
                         "en": "converted from former areas"},
    "export.all_periods": {"de": "alle Zeiträume", "en": "all periods"},
    "export.h.title": {"de": "Indikator", "en": "Indicator"},
    "export.h.unit": {"de": "Einheit", "en": "Unit"},
    "export.h.source": {"de": "Quelle", "en": "Source"},
    "export.h.period": {"de": "Zeitraum", "en": "Period"},
    "export.h.level": {"de": "Ebene", "en": "Level"},
    "export.h.version": {"de": "Datenstand", "en": "Data as of"},
    "export.h.exported": {"de": "Exportiert am", "en": "Exported on"},
    "export.h.confidentiality": {"de": "Geheimhaltung", "en": "Confidentiality"},
    "export.classification.public": {"de": "öffentlich", "en": "public"},
    "export.classification.internal": {"de": "intern", "en": "internal"},
    "export.classification.restricted": {"de": "vertraulich", "en": "restricted"},
})


def neutralise(text: object) -> str:
    """A text cell that no spreadsheet runs as a formula: a leading = + - @ (or tab,
    line break) gets an apostrophe in front, as OWASP advises for CSV exports."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def number(value: object) -> float | None:
    """A finite float, or None."""
    if value is None:
        return None
    result = float(value)  # type: ignore[arg-type]
    return result if math.isfinite(result) else None


class Hidden(str):
    """The text of a suppressed cell ("geheim"): a mark, never a number."""


class Num(NamedTuple):
    """A typed number with its own Excel format (rows of different indicators)."""

    value: float
    fmt: str


@dataclass(frozen=True)
class Sheet:
    """What the CSV and XLSX writers write: a title, a header block (XLSX only), column
    heads and rows; a cell is text (str), a typed number (float, or Num with its own
    format), a Hidden mark or None.
    `formats[i]` is the Excel number format of column i (None: text)."""

    title: str
    header: list[tuple[str, str]]
    columns: list[str]
    rows: list[list[object]]
    formats: list[str | None]
    widths: list[int] = field(default_factory=list)


def number_format(decimals: int) -> str:
    """Excel's format for a value with `decimals` places (shown with the user's locale)."""
    return "0" if decimals <= 0 else "0." + "0" * decimals


@dataclass(frozen=True)
class ExportRow:
    """One row of an export; a suppressed row carries no number at all."""

    area_code: str
    area_name: str
    level: str  # the level's name (Stadtteil), not its id
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    note: str = ""
    klass: str | None = None  # an index's class label


@dataclass(frozen=True)
class ExportTable:
    """An indicator's rows with everything the header block says about them."""

    indicator: Indicator
    rows: list[ExportRow]
    lang: str
    level_label: str  # "Stadtteil", or every level's name when none was asked for
    period_label: str
    data_version: str
    exported_at: datetime
    min_count: int
    raw: bool = False
    is_index: bool = False
    periods: list[str] = field(default_factory=list)

    @property
    def decimals(self) -> int:
        return self.indicator.decimals

    def columns(self) -> list[str]:
        """The column heads of the data table, in the language of the export."""
        keys = ["code", "area", "level", "period", "value", "numerator", "denominator"]
        if self.is_index:
            keys.append("class")
        keys.append("note")
        return [t(f"export.col.{key}", self.lang) for key in keys]

    def suppressed_text(self) -> str:
        return t("export.suppressed", self.lang)

    def sheet(self) -> Sheet:
        """The table as the writers take it."""
        hidden = Hidden(self.suppressed_text())
        rows: list[list[object]] = []
        for r in self.rows:
            numbers = ([hidden, None, None] if r.suppressed
                       else [r.value, r.numerator, r.denominator])
            line: list[object] = [r.area_code, r.area_name, r.level, r.period, *numbers]
            if self.is_index:
                line.append(r.klass or "")
            line.append(r.note)
            rows.append(line)
        formats = [None, None, None, None, number_format(self.decimals), "0", "0"]
        formats += [None] * (self.is_index + 1)
        widths = [16, 34, 16, 12, 14, 14, 14] + [24] * self.is_index + [40]
        return Sheet(self.indicator.title(self.lang), self.header(), self.columns(), rows,
                     formats, widths)

    def header(self) -> list[tuple[str, str]]:
        """The header block: (label, text) pairs above the table."""
        ind, lang = self.indicator, self.lang
        classification = t(f"export.classification.{ind.classification}", lang)
        confidentiality = (t("export.raw_note", lang) if self.raw else
                           t("export.confidentiality", lang, n=self.min_count,
                             mark=self.suppressed_text(), classification=classification))
        return [
            (t("export.h.title", lang), ind.title(lang)),
            (t("export.h.unit", lang), ind.unit or "–"),
            (t("export.h.source", lang), ind.source or "–"),
            (t("export.h.period", lang), self.period_label),
            (t("export.h.level", lang), self.level_label),
            (t("export.h.version", lang), version_date(self.data_version)),
            (t("export.h.exported", lang), self.exported_at.strftime("%d.%m.%Y %H:%M")),
            (t("export.h.confidentiality", lang), confidentiality),
        ]


def version_date(version: str) -> str:
    """A snapshot id like 20261126T074023841180Z as 26.11.2026 (else as it is)."""
    try:
        return datetime.strptime(version, "%Y%m%dT%H%M%S%fZ").strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(version)


def _note(row: ValueRow, lang: str, min_count: int) -> str:
    if row.suppressed:
        return t("export.suppressed_note", lang, n=min_count)
    parts = []
    if row.incomplete:
        parts.append(t("export.incomplete", lang, missing=row.missing, expected=row.expected))
    if row.converted:
        parts.append(t("export.converted", lang))
    return "; ".join(parts)


def export_table(gate: Gate, viewer: Viewer, indicator_id: str, *, level: str | None,
                 period: str | None, areas: Collection[str] | None = None,
                 all_periods: bool = False, lang: str = "de",
                 now: datetime | None = None) -> ExportTable:
    """The gated rows of one indicator as an export table (GateError as the API raises)."""
    indicator = gate.indicator(viewer, indicator_id)
    rows = gate.rows(viewer, indicator_id, level=level, period=period, areas=areas,
                     all_periods=all_periods)
    levels = gate.declared_levels()
    names = {lv: levels.label(lv, lang) for lv in levels.ids}
    min_count = gate.min_count(indicator)
    is_index = indicator.kind == "index"
    classes = gate.index_classes(indicator, rows) if is_index and rows else []
    out = []
    for i, row in enumerate(rows):
        hidden = bool(row.suppressed)
        klass = classes[i][1] if classes and not hidden else None
        out.append(ExportRow(
            area_code=str(row.area_code), area_name=str(row.area_name),
            level=names.get(row.level, row.level), period=str(row.period),
            value=None if hidden else number(row.value),
            numerator=None if hidden else number(row.numerator),
            denominator=None if hidden else number(row.denominator),
            suppressed=hidden, note=_note(row, lang, min_count), klass=klass))
    periods = list(dict.fromkeys(r.period for r in out))  # the gate sorts by end date
    if all_periods:
        period_label = t("export.all_periods", lang)
    else:
        period_label = ", ".join(format_period(p, lang) for p in periods) or "–"
    used_levels = list(dict.fromkeys(r.level for r in out))
    return ExportTable(
        indicator=indicator, rows=out, lang=lang,
        level_label=names.get(level, "") if level else ", ".join(used_levels) or "–",
        period_label=period_label, data_version=gate.data_version,
        exported_at=now or datetime.now(), min_count=min_count, raw=viewer.wants_raw,
        is_index=is_index, periods=periods)


_UNSAFE_FILE = re.compile(r"[^0-9A-Za-zÄÖÜäöüß_.-]+")


def file_stem(*parts: str) -> str:
    """A German file name stem from its parts: "Altenquotient_Stadtteil_2024"."""
    cleaned = [_UNSAFE_FILE.sub("_", p).strip("_.") for p in parts if p]
    return "_".join(p for p in cleaned if p)[:120] or "export"
