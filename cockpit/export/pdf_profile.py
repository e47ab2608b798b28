"""The Stadtteilprofil as a PDF, made on the server with reportlab.

reportlab is pure Python: text, tables and the small trend charts
(reportlab.graphics) are drawn in-process, with no browser, no fonts or
scripts from anywhere and no network. The built-in Helvetica covers German text
(WinAnsi); characters outside it are replaced by their nearest equivalent.
"""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cockpit.app.formatting import format_change, format_number, format_period, format_value
from cockpit.app.i18n import register_strings, t
from cockpit.app.level_words import (
    speaks_of_stadtteile,
    top_deviation_label,
    top_value_label,
    top_value_noun,
    within,
)
from cockpit.export.profile_data import ProfileData, ProfileEntry
from cockpit.export.table import version_date

register_strings({
    "pdf.heading": {"de": "Stadtteilprofil {name}", "en": "Area profile: {name}"},
    "pdf.heading_areas": {"de": "Gebietsprofil {name}", "en": "Area profile: {name}"},
    "pdf.note": {
        "de": "Datenstand {version}. Werte jeweils für den letzten verfügbaren Zeitraum; "
              "{top} für denselben Zeitraum. Erstellt am {made}.",
        "en": "Data as of {version}. Values for the latest available period; {top} for "
              "the same period. Made on {made}.",
    },
    "pdf.indicator": {"de": "Indikator", "en": "Indicator"},
    "pdf.value": {"de": "Wert", "en": "Value"},
    "pdf.trend": {"de": "Verlauf", "en": "Trend"},
    "pdf.period_of": {"de": "Stand {period}", "en": "{period}"},
    "pdf.unit": {"de": "Einheit: {unit}", "en": "Unit: {unit}"},
    "pdf.suppressed": {"de": "geheim", "en": "confidential"},
    "pdf.no_values": {"de": "Für dieses Gebiet liegen keine Werte vor.",
                      "en": "There are no values for this area."},
    "pdf.notes": {"de": "Anmerkungen zu den Indikatoren", "en": "Notes on the indicators"},
    "pdf.meta": {
        "de": "{title}: {description} Einheit: {unit}. Berechnung: {formula}. "
              "Quelle: {source}. Aktualisierung: {cycle}. Zeitraum: {periods}.",
        "en": "{title}: {description} Unit: {unit}. Computed as: {formula}. "
              "Source: {source}. Updated: {cycle}. Periods: {periods}.",
    },
    "pdf.confidential": {
        "de": "„geheim“: aus Gründen der statistischen Geheimhaltung nicht ausgewiesen "
              "(weniger als {n} Fälle oder daraus errechenbar).",
        "en": "“confidential”: withheld for statistical confidentiality (fewer than {n} "
              "cases or computable from such).",
    },
    "pdf.raw": {"de": "Rohwerte ohne Geheimhaltung – nur für den Dienstgebrauch.",
                "en": "Raw values without suppression – for internal use only."},
    "pdf.incomplete": {"de": "unvollständig", "en": "incomplete"},
    "pdf.converted": {"de": "umgerechnet", "en": "converted"},
    "pdf.footer": {"de": "{title} · Datenstand {version} · Seite {page}",
                   "en": "{title} · data as of {version} · page {page}"},
})

# Characters the standard PDF fonts (WinAnsi) lack, and what stands in for them.
_SUBSTITUTES = str.maketrans({"\u2212": "-", "\u202f": " ", "\u2009": " ", "\u2011": "-"})
_INK = colors.HexColor("#1f3b57")
_GRID = colors.HexColor("#c8d0d8")
_SPARK = colors.HexColor("#2b6cb0")


def pdf_text(text: object) -> str:
    """Text for a Paragraph: XML-escaped and within the standard fonts' characters."""
    plain = str(text).translate(_SUBSTITUTES)
    plain = plain.encode("cp1252", "replace").decode("cp1252")
    return escape(plain)


def sparkline(periods: list[str], values: list[float | None], width: float = 32 * mm,
              height: float = 8 * mm) -> Drawing:
    """A small trend line; gaps where a value is missing or suppressed."""
    drawing = Drawing(width, height)
    known = [v for v in values if v is not None]
    if len(known) < 2:
        if known:
            drawing.add(Circle(width - 2, height / 2, 1.5, fillColor=_SPARK, strokeColor=None))
        return drawing
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (width - 4) / max(len(values) - 1, 1)
    drawing.add(Line(2, 1, width - 2, 1, strokeColor=_GRID, strokeWidth=0.4))
    segment: list[float] = []
    last = None
    for i, value in enumerate(values):
        if value is None:
            if len(segment) >= 4:
                drawing.add(PolyLine(segment, strokeColor=_SPARK, strokeWidth=1))
            segment = []
            continue
        x, y = 2 + i * step, 2 + (value - low) / span * (height - 4)
        segment += [x, y]
        last = (x, y)
    if len(segment) >= 4:
        drawing.add(PolyLine(segment, strokeColor=_SPARK, strokeWidth=1))
    if last is not None:
        drawing.add(Circle(last[0], last[1], 1.4, fillColor=_SPARK, strokeColor=None))
    return drawing


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=17, textColor=_INK,
                             spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=base["Normal"], fontSize=10,
                              textColor=colors.HexColor("#555555"), spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12, textColor=_INK,
                             spaceBefore=8, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=8.5, leading=10.5),
        "num": ParagraphStyle("num", parent=base["Normal"], fontSize=8.5, leading=10.5,
                              alignment=2),
        "head": ParagraphStyle("head", parent=base["Normal"], fontSize=8, leading=10,
                               fontName="Helvetica-Bold"),
        "note": ParagraphStyle("note", parent=base["Normal"], fontSize=7.5, leading=9.5,
                               textColor=colors.HexColor("#333333"), spaceAfter=2),
    }


def _short_unit(unit: str) -> bool:
    """A unit short enough to stand beside the number (%, ‰, EUR); longer ones ("je 100
    Personen von 18 bis 64 Jahren") are named under the indicator's title instead."""
    return len(unit.strip()) <= 4


def _number(value: float | None, unit: str, decimals: int, lang: str) -> str:
    if _short_unit(unit or ""):
        return format_value(value, unit, decimals, lang)
    return format_number(value, decimals, lang)


def _value_text(entry: ProfileEntry, lang: str) -> str:
    ind = entry.indicator
    if entry.suppressed:
        return t("pdf.suppressed", lang)
    text = _number(entry.value, ind.unit, ind.decimals, lang)
    marks = [t("pdf.incomplete", lang)] if entry.incomplete else []
    if entry.converted:
        marks.append(t("pdf.converted", lang))
    return text + (f" ({', '.join(marks)})" if marks else "")


def _topic_table(entries: list[ProfileEntry], notes: dict[str, int], lang: str,
                 data: ProfileData, levels, styles: dict) -> Table:  # noqa: ANN001
    top = levels.top
    s = styles
    head = [Paragraph(pdf_text(x), s["head"]) for x in (
        t("pdf.indicator", lang), t("pdf.value", lang), top_value_label(top, lang),
        top_deviation_label(top, lang), t("pdf.trend", lang))]
    rows = [head]
    is_city = data.area_code == data.city_code
    for e in entries:
        ind = e.indicator
        number = notes[ind.id]
        meta = t("pdf.period_of", lang, period=format_period(e.period, lang))
        if ind.unit and not _short_unit(ind.unit):
            meta += " · " + ind.unit
        title = (f"{pdf_text(ind.title(lang))}<super>{number}</super><br/>"
                 f"<font size=7 color='#666666'>{pdf_text(meta)}</font>")
        city = (t("pdf.suppressed", lang) if e.city_suppressed
                else _number(e.city_value, ind.unit, ind.decimals, lang))
        deviation = "–" if is_city else format_change(e.deviation, ind.decimals, lang)
        rows.append([Paragraph(title, s["cell"]),
                     Paragraph(pdf_text(_value_text(e, lang)), s["num"]),
                     Paragraph(pdf_text(city), s["num"]),
                     Paragraph(pdf_text(deviation), s["num"]),
                     sparkline(e.periods, e.series)])
    table = Table(rows, colWidths=[70 * mm, 25 * mm, 25 * mm, 22 * mm, 36 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _metadata(entry: ProfileEntry, number: int, lang: str, styles: dict) -> Paragraph:
    ind = entry.indicator
    periods = entry.periods
    span = format_period(periods[0], lang) + (
        f" – {format_period(periods[-1], lang)}" if len(periods) > 1 else "")
    formula = ind.numerator + (f" / {ind.denominator}" if ind.denominator else "")
    text = t("pdf.meta", lang, title=ind.title(lang),
             description=(ind.description or "").strip().rstrip(".") + ".",
             unit=ind.unit or "–", formula=formula or ind.formula(),
             source=ind.source or "–", cycle=ind.update_cycle or "–", periods=span)
    return Paragraph(f"<super>{number}</super> {pdf_text(text)}", styles["note"])


def render_profile(data: ProfileData, levels, lang: str, made: datetime,  # noqa: ANN001
                   raw: bool = False) -> bytes:
    """The PDF bytes of a collected profile."""
    styles = _styles()
    heading_key = "pdf.heading" if speaks_of_stadtteile(levels) else "pdf.heading_areas"
    title = t(heading_key, lang, name=data.area_name)
    subtitle = levels.label(data.level, lang) if data.level in levels else data.level
    if data.parent_name and data.parent_level in levels:
        subtitle += " " + within(levels.get(data.parent_level), data.parent_name, lang)
    version = version_date(data.data_version)
    story: list = [Paragraph(pdf_text(title), styles["h1"]),
                   Paragraph(pdf_text(subtitle), styles["sub"])]
    story.append(Paragraph(pdf_text(t("pdf.note", lang, version=version,
                                      top=top_value_noun(levels.top, lang),
                                      made=made.strftime("%d.%m.%Y %H:%M"))),
                           styles["note"]))
    if raw:
        story.append(Paragraph(pdf_text(t("pdf.raw", lang)), styles["note"]))
    notes: dict[str, int] = {}
    for entry in data.entries():
        notes.setdefault(entry.indicator.id, len(notes) + 1)
    if not notes:
        story.append(Paragraph(pdf_text(t("pdf.no_values", lang)), styles["cell"]))
    for topic, entries in data.topics.items():
        label = data.topic_labels.get(topic, {}).get(lang, topic)
        story.append(KeepTogether([Paragraph(pdf_text(label), styles["h2"]),
                                   _topic_table(entries, notes, lang, data, levels, styles)]))
    if notes:
        story += [Spacer(1, 4 * mm), Paragraph(pdf_text(t("pdf.notes", lang)), styles["h2"])]
        if any(e.suppressed or e.city_suppressed for e in data.entries()) and not raw:
            story.append(Paragraph(pdf_text(t("pdf.confidential", lang, n=data.min_count)),
                                   styles["note"]))
        story += [_metadata(e, notes[e.indicator.id], lang, styles) for e in data.entries()]

    def footer(canvas, doc) -> None:  # noqa: ANN001 - reportlab's callback signature
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        text = t("pdf.footer", lang, title=title, version=version, page=doc.page)
        canvas.drawString(18 * mm, 10 * mm, text.translate(_SUBSTITUTES))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=title,
                            author="Cockpit", subject=f"Datenstand {version}",
                            creator="cockpit", invariant=0)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
