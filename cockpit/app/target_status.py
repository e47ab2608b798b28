"""Targets on the pages: load an area's targets, judge a gated series, draw the status.

The status is always computed from the values the viewer received from the gate (the
series of one area): when the latest value or the base value is suppressed or missing
for this viewer, there is no status, because a status derived from a hidden value would
narrow it. The status is shown with a symbol and a word, never by colour alone.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

from dash import html

from cockpit.access import Gate
from cockpit.app.formatting import format_period, format_value
from cockpit.app.i18n import register_strings, t
from cockpit.appdb.database import AppDatabaseError
from cockpit.appdb.targets import Target, list_targets, targets_for_area
from cockpit.indicators.model import Indicator
from cockpit.indicators.targets import TargetStatus, evaluate

logger = logging.getLogger(__name__)

SYMBOLS = {"on_track": "✔", "at_risk": "⚠", "off_track": "✖"}
# Okabe–Ito blue / orange / vermillion with a text colour of enough contrast; the symbol
# and the word carry the meaning, the colour only repeats it.
COLOURS = {"on_track": ("#0072B2", "#ffffff"), "at_risk": ("#E69F00", "#000000"),
           "off_track": ("#D55E00", "#000000")}

register_strings({
    "target.status.on_track": {"de": "auf Kurs", "en": "on track"},
    "target.status.at_risk": {"de": "gefährdet", "en": "at risk"},
    "target.status.off_track": {"de": "nicht auf Kurs", "en": "off track"},
    "target.direction.rise": {"de": "steigen", "en": "rise"},
    "target.direction.fall": {"de": "sinken", "en": "fall"},
    "target.direction.keep": {"de": "halten", "en": "keep"},
    "target.line": {"de": "Ziel {year}: {value} ({direction})",
                    "en": "Target {year}: {value} ({direction})"},
    "target.no_status": {"de": "Zielstatus nicht bewertbar", "en": "target status not available"},
    "target.path": {"de": "Zielpfad {period}: {value}", "en": "Target path {period}: {value}"},
    "target.status_label": {"de": "Zielstatus: {status}", "en": "Target status: {status}"},
})


def area_targets(gate: Gate, area_code: str) -> dict[str, Target]:
    """The targets of one area by indicator id; none (logged) if the app database fails."""
    try:
        conn = gate.inst.app_db()
    except AppDatabaseError as exc:
        logger.warning("Zielwerte nicht lesbar: %s", exc)
        return {}
    try:
        return targets_for_area(conn, area_code)
    except sqlite3.Error as exc:
        logger.warning("Zielwerte nicht lesbar: %s", exc)
        return {}
    finally:
        conn.close()


def all_targets(gate: Gate) -> list[Target]:
    """Every target (for the page Zielwerte)."""
    conn = gate.inst.app_db()
    try:
        return list_targets(conn)
    finally:
        conn.close()


def series_status(target: Target, periods: Sequence[str], values: Sequence[float | None],
                  latest_period: str | None, latest_value: float | None) -> TargetStatus | None:
    """The status of a gated series: `periods`/`values` of one area (None where hidden or
    missing), `latest_period`/`latest_value` the latest row the viewer got."""
    by_period = dict(zip(periods, values, strict=True))
    return evaluate(target.direction, target.target_value, target.target_year, target.corridor,
                    target.base_period, by_period.get(target.base_period), latest_period,
                    latest_value)


def target_decimals(value: float, decimals: int) -> int:
    """The indicator's decimals, more if the target has more (6,25 stays 6,25)."""
    for extra in range(decimals, 4):
        if abs(round(value, extra) - value) < 1e-9:
            return extra
    return 4


def target_text(target: Target, indicator: Indicator, lang: str) -> str:
    """"Ziel 2030: 6,5 % (sinken)"."""
    value = format_value(target.target_value, indicator.unit,
                         target_decimals(target.target_value, indicator.decimals), lang)
    return t("target.line", lang, year=target.target_year, value=value,
             direction=t(f"target.direction.{target.direction}", lang))


def status_badge(status: str, lang: str) -> html.Span:
    """"✔ auf Kurs" as a badge: symbol and word, the colour only repeats them."""
    background, colour = COLOURS[status]
    word = t(f"target.status.{status}", lang)
    return html.Span([html.Span(SYMBOLS[status], className="me-1", **{"aria-hidden": "true"}),
                      word],
                     className=f"badge target-status target-{status}",
                     style={"backgroundColor": background, "color": colour},
                     title=t("target.status_label", lang, status=word))


def target_block(target: Target, indicator: Indicator, status: TargetStatus | None,
                 latest_period: str | None, lang: str, class_name: str = "") -> html.Div:
    """Target line and status (or "nicht bewertbar" without one), for a card or a row."""
    parts: list = [html.Span(target_text(target, indicator, lang), className="target-line")]
    if status is None:
        parts += [" · ", html.Span(t("target.no_status", lang),
                                   className="text-body-secondary target-none")]
    else:
        parts += [" ", status_badge(status.status, lang)]
        if latest_period and not status.target_reached and target.direction != "keep":
            path = format_value(status.path_value, indicator.unit, indicator.decimals, lang)
            parts += [html.Br(), html.Span(
                t("target.path", lang, period=format_period(latest_period, lang), value=path),
                className="text-body-secondary target-path")]
    return html.Div(parts, className=f"target-block {class_name}".strip())
