"""Kernaussagen for a viewer: the generated statements made from what the gate releases to
this viewer, merged with the published hand-written ones, and the compact card that shows
them (comparison page) — German and English.

All values come through `Gate.answer` with the viewer's own scope and never raw (a
controlling user's raw switch does not reach a statement), so a district or committee
user gets statements about what they may see only, and a suppressed value is never cited.
The generated statements are kept per data version, scope, level, period and language
(`Gate.answer`), like the comparison itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.access.gate import ValueRow
from cockpit.app.comparison import CityRows, PreviousValues
from cockpit.app.i18n import register_strings, t
from cockpit.appdb.database import thread_connection
from cockpit.appdb.statements import StoredStatement, list_statements
from cockpit.indicators.statements import (
    FIVE_STEPS,
    AreaValue,
    Statement,
    StatementInput,
    generate,
    steps_back,
    trend_window,
)
from cockpit.periods import previous_in

register_strings({
    "statements.card_title": {"de": "Kernaussagen", "en": "Key statements"},
    "statements.hand_written": {"de": "✎ von Hand geschrieben: {author}, {date}",
                                "en": "✎ written by hand: {author}, {date}"},
    "statements.generated_note": {
        "de": "Aussagen ohne ✎ sind automatisch aus den für Sie sichtbaren Werten erzeugt; "
              "Werte unter Geheimhaltung gehen nicht ein.",
        "en": "Statements without ✎ are generated automatically from the values visible to "
              "you; values under confidentiality are left out."},
})


@dataclass(frozen=True)
class ShownStatement:
    """One statement as a reader sees it: text, the generated rule's key (None for an
    added one) and, for a hand-written one, author and date."""

    text: str
    key: str | None
    author: str | None = None
    date: str | None = None

    @property
    def hand_written(self) -> bool:
        return self.author is not None


def _city_values(gate: Gate, viewer: Viewer, indicator_id: str, top: str,
                 periods: list[str]) -> tuple[str | None, dict[str, float | None]]:
    """The top area's name and its shown values in `periods` (the comparison's cached
    CityRows); no name when the viewer does not see the top area."""
    name, values = None, {}
    for period in periods:
        try:
            city = gate.answer(viewer, indicator_id, CityRows, level=top, period=period,
                               key="comparison-city")
        except GateError:  # no value for the top area in that period
            continue
        if city.rows:
            name = name or city.rows[0].area_name
            values[period] = city.value
    return name, values


def _earlier(gate: Gate, viewer: Viewer, indicator_id: str, level: str,
             period: str | None) -> tuple[str, PreviousValues] | None:
    """The area values of an earlier period (the comparison's cached PreviousValues);
    None without such a period or when the level has no values then."""
    if period is None:
        return None
    try:
        return period, gate.answer(viewer, indicator_id, PreviousValues.of(period),
                                   level=level, period=period, key="comparison-previous")
    except GateError:
        return None


def statement_input(gate: Gate, viewer: Viewer, indicator_id: str, level: str,
                    period: str, rows: list[ValueRow] | None = None
                    ) -> tuple[StatementInput, list[str]]:
    """What the statements of one indicator, level and period are made from, for this
    viewer (GateError when the gate refuses), and the indicator's periods. `rows` are the
    gate's rows of the level and period when the caller has them already."""
    indicator = gate.indicator(viewer, indicator_id)
    periods = gate.periods(viewer, indicator_id)
    levels = gate.levels(viewer, indicator_id)
    top = gate.declared_levels().top.id
    if rows is None:
        rows = gate.rows(viewer, indicator_id, level=level, period=period)
    areas = [AreaValue(r.area_code, r.area_name,
                       None if r.suppressed or r.value is None else float(r.value))
             for r in rows if not r.converted]
    before = previous_in(periods, period)
    five = steps_back(period, FIVE_STEPS)
    five = five if five in periods else None
    city_name, city = None, {}
    if top in levels:
        wanted = [p for p in periods
                  if p in {*trend_window(period, periods), period, before, five}]
        city_name, city = _city_values(gate, viewer, indicator_id, top, wanted)
    data = StatementInput(unit=indicator.unit, decimals=indicator.decimals, period=period,
                          areas=tuple(areas), city_name=city_name, city=city,
                          previous=_earlier(gate, viewer, indicator_id, level, before),
                          five_before=_earlier(gate, viewer, indicator_id, level, five),
                          top_level=level == top,
                          city_comparable=indicator.aggregation != "sum")
    return data, periods


class _Generated(dict):
    """Generated statements per language of one indicator, level, period and scope."""

    nbytes = 2000


def generated_statements(gate: Gate, viewer: Viewer, indicator_id: str, level: str,
                         period: str, lang: str) -> list[Statement]:
    """The generated statements for this viewer (kept per data version and scope)."""
    # Never raw: a statement is made from what the viewer sees with suppression on.
    viewer = Viewer(viewer.name, viewer.role, viewer.area_code, viewer.department)

    def build(rows: list[ValueRow]) -> _Generated:
        data, periods = statement_input(gate, viewer, indicator_id, level, period, rows)
        return _Generated({code: generate(data, code, periods) for code in ("de", "en")})

    made = gate.answer(viewer, indicator_id, build, level=level, period=period,
                       key="statements-generated")
    return list(made["en" if lang == "en" else "de"])


def stored_statements(gate: Gate, indicator_id: str, level: str, period: str, *,
                      published_only: bool) -> list[StoredStatement]:
    """The hand-written entries of one indicator, level and period."""
    conn = thread_connection(gate.inst.settings.app_db_path)
    return list_statements(conn, indicator_id, level, period, published_only=published_only)


def _day(stamp: str, lang: str) -> str:
    year, month, day = stamp[:4], stamp[5:7], stamp[8:10]
    return f"{year}-{month}-{day}" if lang == "en" else f"{day}.{month}.{year}"


def merge(generated: list[Statement], stored: list[StoredStatement],
          lang: str) -> list[ShownStatement]:
    """What a reader sees: the generated statements in their order, each hidden or
    replaced by a hand-written entry where one exists, then the added ones (oldest
    first)."""
    by_key = {s.generated_key: s for s in stored if s.generated_key is not None}
    shown: list[ShownStatement] = []
    for statement in generated:
        entry = by_key.get(statement.key)
        if entry is None:
            shown.append(ShownStatement(statement.text, statement.key))
        elif entry.kind == "replace":
            shown.append(ShownStatement(entry.text(lang), statement.key, entry.updated_by,
                                        _day(entry.updated_at, lang)))
    shown += [ShownStatement(s.text(lang), None, s.updated_by, _day(s.updated_at, lang))
              for s in stored if s.kind == "add"]
    return shown


def reader_statements(gate: Gate, viewer: Viewer, indicator_id: str, level: str,
                      period: str, lang: str) -> list[ShownStatement]:
    """The statements a reader sees on the comparison page (published entries only);
    GateError when the gate refuses the indicator, level or period."""
    generated = generated_statements(gate, viewer, indicator_id, level, period, lang)
    return merge(generated, stored_statements(gate, indicator_id, level, period,
                                              published_only=True), lang)


def statement_item(statement: ShownStatement, lang: str) -> html.Li:
    """One statement in a list; a hand-written one is marked with author and date."""
    parts: list[Any] = [statement.text]
    if statement.hand_written:
        parts += [" ", html.Span(t("statements.hand_written", lang, author=statement.author,
                                   date=statement.date),
                                 className="badge text-bg-light border fw-normal "
                                           "statement-hand-written")]
    return html.Li(parts, className="mb-1",
                   **{"data-statement": statement.key or "added"})


def statements_card(gate: Gate, viewer: Viewer, indicator_id: str, level: str, period: str,
                    lang: str) -> dbc.Card | None:
    """The compact "Kernaussagen" card of the comparison page; None when there is nothing
    to say or the gate refuses (the page shows the gate's message elsewhere)."""
    try:
        shown = reader_statements(gate, viewer, indicator_id, level, period, lang)
    except GateError:
        return None
    if not shown:
        return None
    return dbc.Card(dbc.CardBody([
        html.H2(t("statements.card_title", lang), className="h6 mb-2"),
        html.Ul([statement_item(s, lang) for s in shown], className="mb-1 small ps-3"),
        html.P(t("statements.generated_note", lang), className="mb-0 small text-body-secondary"),
    ], className="py-2"), className="my-2 statements-card")
