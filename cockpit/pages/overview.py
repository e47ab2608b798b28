"""Übersicht: the personal cockpit — the few indicators a role steers by, as KPI cards.

Which cards a role sees is chosen in the app (page "Übersicht einrichten", stored in the
app database), else configured in data/overview.yaml (no Python needed). Every
card shows the latest value for the viewer's reference area (the area of the top level,
or a district user's own area of any level), the change against the previous period with a valued
arrow, a sparkline over all periods, source and period, and links to the comparison and
time series pages. All values come from the gate, one `gate.values` call per card. A card
with a target (Zielwert) for its area shows target value, year and status, judged from the
same gated series (no status when the latest or the base value is hidden for the viewer).
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, clientside_callback, dcc, html

from cockpit.access import Gate, Viewer
from cockpit.access.errors import AccessDenied, GateError
from cockpit.access.gate import require_login
from cockpit.app.callback_inputs import validated
from cockpit.app.components import error_notice
from cockpit.app.figures import sparkline
from cockpit.app.formatting import (
    MISSING,
    PLUS_MINUS,
    SUPPRESSED_MARK,
    SUPPRESSED_TOOLTIP,
    finite_number,
    format_change,
    format_period,
    format_value,
)
from cockpit.app.i18n import register_strings, t
from cockpit.app.level_words import whole_phrase

# config_path and load_config stay importable from the page (they lived here before).
from cockpit.app.overview_config import (  # noqa: F401
    CONFIG_FILE,
    card_ids,
    config_path,
    load_config,
)
from cockpit.app.session import (
    current_gate,
    current_lang,
    current_viewer,
    graph_config,
    level_label,
)
from cockpit.app.target_status import area_targets, series_status, target_block
from cockpit.app.value_notes import value_note
from cockpit.appdb.targets import Target
from cockpit.indicators.model import Indicator
from cockpit.periods import previous_in
from cockpit.periods import sort_key as period_sort_key
from cockpit.territory.levels import Level, demo_levels
from cockpit.views.board import assigned_dashboard, render_dashboard

dash.register_page(__name__, path="/", name="Übersicht", order=0, label_key="nav.overview",
                   title="Übersicht")

CARDS = "overview-cards"
RAW = "overview-raw"
URL_SINK = "overview-url"
CITY_FALLBACK_CODE = "00"

# Valuation of a change: Okabe–Ito blue / vermillion, grey for "no valuation".
TREND_COLOURS = {"good": "#0072B2", "bad": "#D55E00", "neutral": "#595959"}
ARROW_ICONS = {"up": "bi bi-arrow-up-right", "down": "bi bi-arrow-down-right",
               "flat": "bi bi-arrow-right"}

logger = logging.getLogger(__name__)

register_strings({
    "overview.heading": {"de": "Übersicht", "en": "Overview"},
    "overview.lead": {"de": "Aktuelle Kennzahlen für {area}", "en": "Key figures for {area}"},
    "overview.better": {"de": "besser", "en": "better"},
    "overview.worse": {"de": "schlechter", "en": "worse"},
    "overview.change_vs": {"de": "gegenüber {period}", "en": "compared with {period}"},
    "overview.no_previous": {"de": "keine Vorperiode zum Vergleich",
                             "en": "no previous period to compare"},
    "overview.no_change": {"de": "keine Veränderung berechenbar",
                           "en": "change cannot be computed"},
    # {whole}: the whole top level (die Gesamtstadt, das gesamte Land; the whole city)
    "overview.city_only": {"de": "nur für {whole} verfügbar",
                           "en": "available for {whole} only"},
    "overview.period": {"de": "Stand", "en": "Period"},
    "overview.compare_link": {"de": "Vergleich", "en": "Comparison"},
    "overview.timeseries_link": {"de": "Zeitreihe", "en": "Time series"},
    "overview.trend": {"de": "Verlauf {first} bis {last}", "en": "Trend {first} to {last}"},
    "overview.setup_link": {"de": "Übersicht je Rolle einrichten",
                            "en": "Set up the overview per role"},
    "overview.empty": {"de": "Für Ihre Rolle sind keine Kennzahlen für die Übersicht "
                             "festgelegt.",
                       "en": "No key figures are configured for your role."},
})


# --- pure data shaping ------------------------------------------------------------------------


class Kpi(NamedTuple):
    """What one card shows; suppressed or missing values are None.

    (A NamedTuple, not a dataclass: Dash executes page modules before it registers them
    in sys.modules, which dataclasses with postponed annotations cannot cope with.)
    """

    indicator: Indicator
    area_code: str
    area_name: str
    periods: tuple[str, ...]
    values: tuple[float | None, ...]
    latest_period: str | None
    latest: float | None
    latest_suppressed: bool
    previous_period: str | None
    delta: float | None
    city_fallback: bool = False
    # The latest value's marks: a partial sum or converted (cockpit/app/value_notes.py).
    marks: dict | None = None


def _hidden(flag: Any) -> bool:
    """A suppression flag; unknown counts as suppressed."""
    if flag is None or (not isinstance(flag, str) and pd.isna(flag)):
        return True
    return bool(flag)


def build_kpi(indicator: Indicator, frame: pd.DataFrame, area_code: str, area_name: str,
              *, city_fallback: bool = False) -> Kpi:
    """Reduce the gated rows of one area (all periods) to what a card shows."""
    rows = frame[frame["area_code"] == area_code].sort_values(
        "period", key=lambda col: col.map(lambda p: period_sort_key(str(p))))
    periods = tuple(str(p) for p in rows["period"])
    flags = tuple(_hidden(f) for f in rows["suppressed"])
    values = tuple(None if hidden else finite_number(v)
                   for hidden, v in zip(flags, rows["value"], strict=True))
    if rows.empty:
        return Kpi(indicator, area_code, area_name, (), (), None, None, False, None, None,
                   city_fallback)
    if "area_name" in rows.columns and isinstance(rows["area_name"].iloc[-1], str):
        area_name = rows["area_name"].iloc[-1]
    latest, latest_suppressed = values[-1], flags[-1]
    # The change is against the previous period of the same type by end date.
    previous_period = previous_in(periods[:-1], periods[-1])
    previous = values[periods.index(previous_period)] if previous_period else None
    delta = (latest - previous
             if latest is not None and previous is not None else None)
    last = rows.iloc[-1]
    marks = {name: last.get(name, default) for name, default in
             (("incomplete", False), ("missing", 0), ("expected", 0), ("converted", False))}
    return Kpi(indicator, area_code, area_name, periods, values, periods[-1], latest,
               latest_suppressed, previous_period, delta, city_fallback, marks)


def trend(delta: float | None, direction: str, decimals: int) -> tuple[str, str] | None:
    """(arrow, valuation) of a change: arrow up/down/flat, valuation good/bad/neutral.

    A change that rounds to zero at the indicator's decimals counts as unchanged, so the
    arrow always agrees with the shown number ("±0").
    """
    if finite_number(delta) is None:
        return None
    if format_change(delta, decimals).startswith(PLUS_MINUS):
        return "flat", "neutral"
    arrow = "up" if delta > 0 else "down"
    if direction == "higher_is_better":
        return arrow, "good" if arrow == "up" else "bad"
    if direction == "lower_is_better":
        return arrow, "good" if arrow == "down" else "bad"
    return arrow, "neutral"


# --- components ------------------------------------------------------------------------------


_VALUATION_KEYS = {"good": "overview.better", "bad": "overview.worse",
                   "neutral": "direction.neutral"}


def _value_block(kpi: Kpi, lang: str) -> html.P:
    if kpi.latest_suppressed:
        tooltip = SUPPRESSED_TOOLTIP.get(lang, SUPPRESSED_TOOLTIP["de"])
        return html.P([html.Span(SUPPRESSED_MARK, title=tooltip, className="overview-suppressed"),
                       html.Span(tooltip, className="visually-hidden")],
                      className="overview-value mb-1")
    ind = kpi.indicator
    return html.P(format_value(kpi.latest, ind.unit, ind.decimals, lang),
                  className="overview-value mb-1")


def _change_block(kpi: Kpi, lang: str) -> html.P:
    classes = "overview-change small mb-2"
    if kpi.latest_suppressed or kpi.latest is None:
        return html.P(MISSING, className=classes)
    if kpi.previous_period is None:
        return html.P(t("overview.no_previous", lang), className=classes + " text-body-secondary")
    valued = trend(kpi.delta, kpi.indicator.direction, kpi.indicator.decimals)
    if valued is None:  # the previous value is suppressed or missing
        return html.P(t("overview.no_change", lang), className=classes + " text-body-secondary")
    arrow, valuation = valued
    return html.P([
        html.I(className=f"{ARROW_ICONS[arrow]} overview-arrow me-1",
               style={"color": TREND_COLOURS[valuation]}, **{"aria-hidden": "true"}),
        html.Span(format_change(kpi.delta, kpi.indicator.decimals, lang),
                  className="fw-semibold"),
        " ",
        html.Span(t("overview.change_vs", lang,
                    period=format_period(kpi.previous_period, lang))),
        " · ",
        html.Span(t(_VALUATION_KEYS[valuation], lang),
                  className=f"overview-valuation overview-{valuation}"),
    ], className=f"{classes} overview-trend-{valuation}")


def _sparkline_block(kpi: Kpi, lang: str) -> html.Div | None:
    if not any(v is not None for v in kpi.values):
        return None
    figure = sparkline(list(kpi.periods), list(kpi.values), direction=kpi.indicator.direction)
    label = t("overview.trend", lang, first=format_period(kpi.periods[0], lang),
              last=format_period(kpi.periods[-1], lang))
    return html.Div(
        dcc.Graph(figure=figure, config={**graph_config(lang), "staticPlot": True},
                  style={"height": "40px"}, className="overview-sparkline"),
        role="img", className="mb-1", **{"aria-label": label},
    )


def _link(label: str, page: str, indicator: Indicator, lang: str) -> dcc.Link:
    href = dash.get_relative_path(f"/{page}") + f"?indicator={indicator.id}"
    return dcc.Link([label, html.Span(f": {indicator.title(lang)}", className="visually-hidden")],
                    href=href, className="me-3")


def kpi_card(kpi: Kpi, lang: str, top: Level | None = None,
             target: Target | None = None) -> dbc.Card:
    """One KPI card: title, area, value, valued change, target, sparkline, source, links.

    `top` is the installation's top level (the demo's Stadt when not given); `target` the
    target of the card's indicator and area, if any."""
    ind = kpi.indicator
    area = [html.Span(kpi.area_name)]
    if kpi.city_fallback:
        whole = whole_phrase(top or demo_levels().top, lang)
        area.append(html.Span(f" ({t('overview.city_only', lang, whole=whole)})"))
    body = [
        html.H2(ind.title(lang), className="h6 card-title mb-1"),
        html.P(area, className="small text-body-secondary mb-2 overview-area"),
        _value_block(kpi, lang),
        _change_block(kpi, lang),
    ]
    note = value_note(kpi.marks, lang) if kpi.marks and not kpi.latest_suppressed else None
    if note is not None:  # a partial sum must not pass for the total
        body.append(html.P(note, className="small text-body-secondary mb-1 overview-note"))
    if kpi.latest_period is None:
        body.append(html.P(t("no_data", lang), className="small text-body-secondary"))
    if target is not None:  # judged from the series this viewer got, hidden values as None
        status = series_status(target, kpi.periods, kpi.values, kpi.latest_period, kpi.latest)
        body.append(target_block(target, ind, status, kpi.latest_period, lang,
                                 "small mb-2 overview-target"))
    spark = _sparkline_block(kpi, lang)
    if spark is not None:
        body.append(spark)
    footer = [html.P([
        html.Span(f"{t('source', lang)}: {ind.source}"),
        *([" · ", html.Span(f"{t('overview.period', lang)}: "
                            f"{format_period(kpi.latest_period, lang)}")]
          if kpi.latest_period else []),
    ], className="mb-1"), html.Div([
        _link(t("overview.compare_link", lang), "vergleich", ind, lang),
        _link(t("overview.timeseries_link", lang), "zeitreihe", ind, lang),
    ])]
    return dbc.Card([dbc.CardBody(body), dbc.CardFooter(footer, className="small")],
                    id=f"overview-card-{ind.id}", className="h-100 overview-card")


# --- gate access -------------------------------------------------------------------------------


def _city(gate: Gate) -> tuple[str, str]:
    """Code and name of the area of the top level (the whole municipality)."""
    frame = gate.areas_info().frame
    city = frame[frame["level"] == gate.declared_levels().top.id]
    if city.empty:
        return CITY_FALLBACK_CODE, CITY_FALLBACK_CODE
    return str(city["code"].iloc[0]), str(city["name"].iloc[0])


def reference_area(gate: Gate, viewer: Viewer) -> tuple[str, str, str]:
    """(code, name, level) of the area the cards describe: a district user's own area (of
    whatever level it is), else the area of the top level."""
    frame = gate.areas_info().frame
    if viewer.role == "district" and viewer.area_code:
        own = frame[frame["code"] == viewer.area_code]
        if not own.empty:
            return viewer.area_code, str(own["name"].iloc[0]), str(own["level"].iloc[0])
    code, name = _city(gate)
    return code, name, gate.declared_levels().top.id


def collect_kpis(gate: Gate, viewer: Viewer, ids: list[str]) -> list[Kpi]:
    """One Kpi per configured id the viewer may see; unknown ids are logged and skipped."""
    ref_code, ref_name, _ = reference_area(gate, viewer)
    city_code, city_name = _city(gate)
    kpis: list[Kpi] = []
    for indicator_id in ids:
        if gate.registry.get(indicator_id) is None:
            logger.warning("%s: unbekannter Indikator %r wird übersprungen",
                           CONFIG_FILE, indicator_id)
            continue
        try:
            indicator = gate.indicator(viewer, indicator_id)
            frame = gate.values(viewer, indicator_id, area=ref_code, all_periods=True)
        except AccessDenied:
            continue  # not for this viewer: leave it out without a trace
        kpi = build_kpi(indicator, frame, ref_code, ref_name)
        if kpi.latest_period is None and ref_code != city_code:
            # Available for the whole city only: show the city value, labelled as such.
            try:
                frame = gate.values(viewer, indicator_id, area=city_code, all_periods=True)
            except AccessDenied:
                frame = None
            if frame is not None and not frame.empty:
                kpi = build_kpi(indicator, frame, city_code, city_name, city_fallback=True)
        kpis.append(kpi)
    return kpis


def _cards(viewer: Viewer | None, lang: str) -> list:
    gate = current_gate()
    try:
        viewer = require_login(viewer)
        ids = card_ids(gate, viewer.role)
        kpis = collect_kpis(gate, viewer, ids)
    except GateError as exc:
        return [error_notice(exc, lang)]
    if not kpis:
        return [dbc.Alert(t("overview.empty", lang), color="info", className="my-3")]
    top = gate.declared_levels().top
    targets = {code: area_targets(gate, code) for code in {kpi.area_code for kpi in kpis}}
    return [dbc.Row([
        dbc.Col(kpi_card(kpi, lang, top, targets[kpi.area_code].get(kpi.indicator.id)),
                xs=12, md=6, lg=4, xxl=3, className="mb-3")
        for kpi in kpis
    ], className="g-3")]


# --- page -----------------------------------------------------------------------------------------


def layout(raw: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    base = current_viewer()
    if base is None:
        return html.Div(_cards(None, lang))
    board = assigned_dashboard(current_gate(), base)
    if board is not None:  # controlling made a dashboard this user's or role's Übersicht
        return html.Div(render_dashboard(current_gate(), base, board, lang),
                        className="overview-page overview-dashboard")
    raw_on = raw == "1" and base.may_view_raw
    viewer = current_viewer(raw=raw_on)
    gate = current_gate()
    try:
        _, area_name, level = reference_area(gate, viewer)
        top = gate.declared_levels().top.id
        lead = t("overview.lead", lang,
                 area=area_name if level == top else f"{level_label(level, lang)} "
                                                     f"{area_name}")
    except GateError as exc:
        return html.Div([html.H1(t("overview.heading", lang), className="h3"),
                         error_notice(exc, lang)])
    header = [html.H1(t("overview.heading", lang), className="h3"),
              html.P(lead, className="text-body-secondary")]
    if base.may_view_raw:
        header.append(dbc.Switch(id=RAW, label=t("raw.toggle", lang), value=raw_on,
                                 className="mb-3"))
    if base.role in ("admin", "controlling"):  # the page itself checks on the server
        header.append(html.P(dcc.Link(t("overview.setup_link", lang),
                                      href=dash.get_relative_path("/uebersicht-einrichten")),
                             className="small no-print"))
    return html.Div([
        *header,
        html.Div(_cards(viewer, lang), id=CARDS, **{"aria-live": "polite"}),
        dcc.Store(id=URL_SINK),
    ], className="overview-page")


@callback(Output(CARDS, "children"), Input(RAW, "value"), prevent_initial_call=True)
@validated
def toggle_raw(raw: bool | None) -> list:
    """Rebuild the cards with or without suppression (the gate decides who may)."""
    return _cards(current_viewer(raw=bool(raw)), current_lang())


clientside_callback(
    "function(raw) { return window.cockpitSetQuery({raw: raw ? 1 : null}); }",
    Output(URL_SINK, "data"),
    Input(RAW, "value"),
    prevent_initial_call=True,
)
