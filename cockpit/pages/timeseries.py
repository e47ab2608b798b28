"""Zeitreihe: one indicator over all periods for a few areas, as line chart and table."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import flask
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access import Gate, Viewer
from cockpit.access.errors import BadParameter, GateError
from cockpit.access.gate import check_period
from cockpit.app.callback_inputs import Key, validated
from cockpit.app.components import error_notice, indicator_caption, indicator_options
from cockpit.app.figures import time_series_figure
from cockpit.app.formatting import (
    MISSING,
    SUPPRESSED_MARK,
    SUPPRESSED_TOOLTIP,
    format_number,
    format_period,
)
from cockpit.app.i18n import register_strings, t
from cockpit.app.index_figures import class_position, class_series_figure
from cockpit.app.session import (
    current_gate,
    current_lang,
    current_viewer,
    graph_config,
    level_label,
)
from cockpit.app.value_notes import notes_block, until_label, value_mark, value_note
from cockpit.export.links import download_bar, follow_choices, indicator_href
from cockpit.indicators.model import Indicator
from cockpit.periods import sort_periods

dash.register_page(__name__, path="/zeitreihe", name="Zeitreihe", order=2,
                   label_key="nav.timeseries", title="Zeitreihe")

INDICATOR = "timeseries-indicator"
AREAS = "timeseries-areas"
INDEX = "timeseries-index"
BASE = "timeseries-base"
RAW = "timeseries-raw"
GRAPH = "timeseries-graph"
TABLE = "timeseries-table"
CAPTION = "timeseries-caption"
MESSAGE = "timeseries-message"
URL_SINK = "timeseries-url"
DOWNLOADS = "timeseries-downloads"

MAX_AREAS = 12  # more lines are unreadable; more URL entries are ignored
INDEX_DECIMALS = 1

register_strings({
    "timeseries.heading": {"de": "Zeitreihe", "en": "Time series"},
    "timeseries.chart": {"de": "Verlauf", "en": "Trend"},
    "timeseries.table": {"de": "Tabelle", "en": "Table"},
    "timeseries.base_period": {"de": "Basiszeitraum", "en": "Base period"},
    "timeseries.index_caption": {"de": "Index ({base} = 100)", "en": "Index ({base} = 100)"},
    "timeseries.no_base": {"de": "kein Basiswert", "en": "no base value"},
    "timeseries.choose_area": {"de": "Bitte wählen Sie mindestens ein Gebiet.",
                               "en": "Please choose at least one area."},
    "timeseries.area_no_level": {
        "de": "Für das Gebiet „{area}“ hat dieser Indikator keine Werte; es wird nicht angezeigt.",
        "en": "This indicator has no values for the area “{area}”; it is not shown.",
    },
    "timeseries.area_forbidden": {
        "de": "Für das Gebiet „{area}“ fehlt Ihnen bei diesem Indikator die Berechtigung; "
              "es wird nicht angezeigt.",
        "en": "You are not authorised to view this indicator for the area “{area}”; "
              "it is not shown.",
    },
    "timeseries.too_many": {
        "de": "Es werden höchstens {n} Gebiete gleichzeitig angezeigt.",
        "en": "At most {n} areas are shown at a time.",
    },
    "timeseries.bad_base": {
        "de": "Für den Basiszeitraum „{period}“ gibt es keine Werte; "
              "angezeigt werden absolute Werte.",
        "en": "There are no values for the base period “{period}”; "
              "absolute values are shown.",
    },
    "timeseries.index_no_base": {
        "de": "Ein Index wird nicht auf einen Basiszeitraum bezogen; gezeigt werden seine "
              "Klassen und Indexwerte.",
        "en": "An index is not shown relative to a base period; its classes and index "
              "values are shown.",
    },
    "timeseries.index_classes": {
        "de": "Klassen in aufsteigender Reihenfolge des Indexwerts: {classes}",
        "en": "Classes in ascending order of the index value: {classes}",
    },
    "timeseries.index_caption_table": {"de": "{title}: Klasse und Indexwert",
                                       "en": "{title}: class and index value"},
    "timeseries.index_caption_class": {"de": "{title}: Klasse", "en": "{title}: class"},
    "timeseries.index_breakdown": {"de": "Index-Zerlegung für {area}",
                                   "en": "Index breakdown for {area}"},
    "timeseries.suppressed_note": {
        "de": f"{SUPPRESSED_MARK} = aus Gründen der Geheimhaltung nicht ausgewiesen "
              "(weniger als 3 Fälle); – = kein Wert",
        "en": f"{SUPPRESSED_MARK} = withheld for confidentiality (fewer than 3 cases); "
              "– = no value",
    },
})


# --- pure helpers --------------------------------------------------------------------------


def parse_areas(text: object) -> list[str]:
    """Split the `areas` URL parameter ("00,01") into distinct, stripped tokens."""
    if not isinstance(text, str):
        return []
    return dedupe([part.strip()[:40] for part in text.split(",")[:4 * MAX_AREAS]])


def dedupe(codes: object) -> list[str]:
    """Non-empty strings of a list in first-seen order, each once (anything else is dropped)."""
    seen: list[str] = []
    for code in codes if isinstance(codes, list | tuple) else []:
        if isinstance(code, str) and code and code not in seen:
            seen.append(code)
    return seen


def default_areas(allowed: list[str], city: str | None, own: str | None,
                  first_district: str | None) -> list[str]:
    """The city plus the viewer's own area (or the first district), as far as allowed."""
    picked = [code for code in dedupe([city, own or first_district]) if code in allowed]
    return picked or allowed[:1]


def keep_areas(selected: object, allowed: list[str]) -> list[str]:
    """The selected areas that the (new) indicator offers, in the order selected."""
    return [code for code in dedupe(selected) if code in allowed]


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _records(df: pd.DataFrame | Sequence[Any]) -> list[Any]:
    """The rows of a gated frame, or the gate's rows as they are (named tuples)."""
    return list(df.itertuples()) if isinstance(df, pd.DataFrame) else list(df)


def pivot(df: pd.DataFrame | Sequence[Any], codes: list[str]
          ) -> tuple[list[str], dict[str, dict[str, tuple]]]:
    """Periods (oldest first) and, per area code, period -> (value or None, suppressed).

    Values of suppressed rows are never read; a period without a row is simply absent.
    `df` is a gated frame or the gate's rows.
    """
    records = _records(df)
    periods = sort_periods(str(r.period) for r in records) if records else []
    cells: dict[str, dict[str, tuple]] = {code: {} for code in codes}
    for row in records:
        if row.area_code not in cells:
            continue
        hidden = bool(row.suppressed)
        cells[row.area_code][str(row.period)] = (None if hidden else _number(row.value), hidden)
    return periods, cells


def index_series(values: list[float | None], base: float | None) -> list[float | None]:
    """Values relative to the base value (= 100); all None without a usable base."""
    if base is None or base == 0:
        return [None] * len(values)
    return [None if v is None else v / base * 100 for v in values]


def series_table(df: pd.DataFrame | Sequence[Any], areas: list[tuple[str, str]], *,
                 caption: str, decimals: int, index_base: str | None, lang: str) -> html.Div:
    """Accessible table: one row per period, one column per area (code, name); `df` is
    a gated frame or the gate's rows."""
    codes = [code for code, _ in areas]
    records = _records(df)
    periods, cells = pivot(records, codes)
    tooltip = SUPPRESSED_TOOLTIP["en" if lang == "en" else "de"]
    marked = {(r.area_code, str(r.period)): r for r in records
              if getattr(r, "incomplete", False) or getattr(r, "converted", False)}
    columns: dict[str, list] = {}
    any_hidden = False
    for code in codes:
        raw = [cells[code].get(p, (None, False)) for p in periods]
        values = [value for value, _ in raw]
        digits = decimals
        if index_base is not None:
            base = cells[code].get(index_base, (None, False))[0]
            values = index_series(values, base)
            digits = INDEX_DECIMALS
        column = []
        for period, value, (_, hidden) in zip(periods, values, raw, strict=True):
            if hidden:
                any_hidden = True
                column.append(html.Td(
                    [html.Abbr(SUPPRESSED_MARK, title=tooltip, className="text-decoration-none"),
                     html.Span(f" {tooltip}", className="visually-hidden")],
                    title=tooltip, className="text-end"))
            else:
                text = format_number(value, digits, lang) if value is not None else MISSING
                row = marked.get((code, period))
                if row is not None and value is not None:  # partial sum or converted
                    note = value_note(row, lang)
                    column.append(html.Td([text, html.Abbr(value_mark(row), title=note)],
                                          title=note, className="text-end"))
                else:
                    column.append(html.Td(text, className="text-end"))
        columns[code] = column
    header = html.Tr([html.Th(t("col.period", lang), scope="col"),
                      *[html.Th(name, scope="col", className="text-end") for _, name in areas]])
    body = [html.Tr([html.Th(format_period(p, lang), scope="row"),
                     *[columns[code][i] for code in codes]])
            for i, p in enumerate(periods)]
    table = html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(body)],
        className="table table-sm table-striped caption-top align-middle mb-1",
    )
    return html.Div([
        html.Div(table, className="table-responsive"),
        html.P(t("timeseries.suppressed_note", lang), className="small text-body-secondary")
        if any_hidden else None,
        notes_block([r for r in marked.values() if not r.suppressed and r.area_code in codes],
                    lang, dict(areas)),
    ])


def index_series_table(rows: list, areas: list[tuple[str, str]], classes: tuple[str, ...],
                       *, caption: str, decimals: int, with_value: bool,
                       lang: str) -> html.Div:
    """Accessible table of an index: one row per period, one column per area, each cell
    the class with its place among the ordered classes ("mittel (2 von 4)") and, where
    meaningful, the index value; "ohne Zuordnung" says why, a suppressed cell only •."""
    codes = [code for code, _ in areas]
    periods = sort_periods({str(r.period) for r in rows})
    cells = {(r.area_code, str(r.period)): r for r in rows}
    tooltip = SUPPRESSED_TOOLTIP["en" if lang == "en" else "de"]
    any_hidden = False
    body = []
    for period in periods:
        tds = []
        for code in codes:
            row = cells.get((code, period))
            if row is None:
                tds.append(html.Td(MISSING))
            elif row.suppressed:
                any_hidden = True
                tds.append(html.Td(
                    [html.Abbr(SUPPRESSED_MARK, title=tooltip, className="text-decoration-none"),
                     html.Span(f" {tooltip}", className="visually-hidden")], title=tooltip))
            elif row.klass < 0:
                tds.append(html.Td([row.label, html.Span(f" ({row.reason})",
                                                         className="small text-body-secondary")
                                    if row.reason else None]))
            else:
                text = class_position(row.klass, classes, lang)
                value = (f" · {format_number(row.value, decimals, lang)}"
                         if with_value and row.value is not None else "")
                tds.append(html.Td(text + value))
        body.append(html.Tr([html.Th(format_period(period, lang), scope="row"), *tds]))
    header = html.Tr([html.Th(t("col.period", lang), scope="col"),
                      *[html.Th(name, scope="col") for _, name in areas]])
    table = html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(body)],
        className="table table-sm table-striped caption-top align-middle mb-1",
    )
    return html.Div([
        html.Div(table, className="table-responsive"),
        html.P(t("timeseries.suppressed_note", lang), className="small text-body-secondary")
        if any_hidden else None,
    ])


# --- gate access ---------------------------------------------------------------------------


def area_choices(gate: Gate, viewer: Viewer | None, indicator_id: str,
                 lang: str) -> list[dict]:
    """Every area of the indicator's levels that the viewer actually gets, "Name (Ebene)".

    Kept per data version, indicator, the viewer's scope and language (the same for
    every viewer with that scope): both callbacks of the page and every member of a
    committee ask for it, and it reads every row of the indicator. Never changed by
    a caller (Dash only serialises it).
    """
    indicator = gate.indicator(viewer, indicator_id)
    scope = gate.scope(viewer, indicator)
    key = (gate.data_version, indicator.id, scope.allowed, scope.areas,
           bool(viewer is not None and viewer.wants_raw), lang)
    return _CHOICES.get(key, lambda: _area_choices(gate, viewer, indicator.id, lang))


def _area_choices(gate: Gate, viewer: Viewer | None, indicator_id: str,
                  lang: str) -> list[dict]:
    levels = gate.levels(viewer, indicator_id)
    gets = {r.area_code for r in gate.rows(viewer, indicator_id, all_periods=True)}
    frame = gate.all_areas(viewer)  # old areas too: their values stay for their periods
    choices = []
    for row in frame.itertuples():
        if row.level in levels and row.code in gets:
            until = until_label(row.valid_to, lang)
            level = level_label(row.level, lang) + (f", {until}" if until else "")
            choices.append({"label": f"{row.name} ({level})", "value": row.code})
    return choices


class _Kept:
    """The area choices last asked for, least recently used dropped first: at most
    `entries` lists and `options` options in all (11,000 areas: ~3 MB per list)."""

    def __init__(self, entries: int, options: int) -> None:
        self.entries, self.options = entries, options
        self.kept: OrderedDict[tuple, list[dict]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], list[dict]]) -> list[dict]:
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
                return found
        made = make()
        with self.lock:
            self.kept[key] = made
            while len(self.kept) > self.entries or (
                    len(self.kept) > 1 and sum(map(len, self.kept.values())) > self.options):
                self.kept.popitem(last=False)
        return made


_CHOICES = _Kept(entries=32, options=60_000)


def _defaults(gate: Gate, viewer: Viewer | None, allowed: list[str]) -> list[str]:
    """The top area plus the viewer's own area, or the first area of the level below."""
    frame = gate.areas(viewer)
    levels = gate.declared_levels()
    second = levels.child_of(levels.top.id)
    cities = frame.loc[frame["level"] == levels.top.id, "code"].tolist()
    districts = (frame.loc[frame["level"] == second.id, "code"].tolist()
                 if second is not None else [])
    own = viewer.area_code if viewer is not None and viewer.role == "district" else None
    return default_areas(allowed, cities[0] if cities else None, own,
                         districts[0] if districts else None)


def check_areas(gate: Gate, viewer: Viewer | None, requested: list[str], allowed: list[str],
                levels: list[str], lang: str) -> tuple[list[str], list]:
    """Keep the requested areas the viewer gets; explain every other one in a notice."""
    kept, notices = [], []
    info = gate.all_areas(viewer).set_index("code")
    for code in requested:
        if code in allowed:
            kept.append(code)
            continue
        try:
            gate.check_area(code)
        except GateError as exc:
            notices.append(error_notice(exc, lang))
            continue
        label = f"{info.at[code, 'name']} ({code})"
        key = "area_no_level" if info.at[code, "level"] not in levels else "area_forbidden"
        notices.append(_notice(t(f"timeseries.{key}", lang, area=label)))
    if len(kept) > MAX_AREAS:
        notices.append(_notice(t("timeseries.too_many", lang, n=MAX_AREAS)))
    return kept[:MAX_AREAS], notices


def check_base(gate: Gate, viewer: Viewer | None, indicator_id: str,
               base: object) -> str:
    """Return a base period the indicator has values for, or raise BadParameter."""
    if not isinstance(base, str):
        raise BadParameter("Ungültiger Zeitraum.")
    period = check_period(base[:16])
    if period not in gate.periods(viewer, indicator_id):
        raise BadParameter(f"Für den Zeitraum {period} gibt es keine Werte.")
    return period


def _notice(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="warning", className="my-3")


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


def _period_choices(periods: list[str], lang: str) -> list[dict]:
    return [{"label": format_period(p, lang), "value": p} for p in periods]


# --- layout --------------------------------------------------------------------------------


def layout(indicator: str | None = None, areas: str | None = None, index: str | None = None,
           raw: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    gate, viewer = current_gate(), current_viewer()
    heading = html.H1(t("timeseries.heading", lang), className="h3")
    notices: list = []
    try:
        options = indicator_options(gate, viewer, lang)
    except GateError as exc:
        return html.Div([heading, error_notice(exc, lang)])
    ids = [o["value"] for o in options if not o.get("disabled")]
    if indicator is not None and indicator not in ids:
        try:  # say why: unknown or not permitted
            gate.indicator(viewer, indicator)
        except GateError as exc:
            notices.append(error_notice(exc, lang))
        indicator = None
    indicator = indicator or (ids[0] if ids else None)
    if indicator is None:
        return html.Div([heading, html.P(t("no_data", lang))])

    area_opts: list[dict] = []
    selected: list[str] = []
    periods: list[str] = []
    base = None
    try:
        area_opts = area_choices(gate, viewer, indicator, lang)
        allowed = [o["value"] for o in area_opts]
        levels = gate.levels(viewer, indicator)
        periods = gate.periods(viewer, indicator)
        selected, area_notices = check_areas(gate, viewer, parse_areas(areas), allowed,
                                             levels, lang)
        notices += area_notices
        selected = selected or _defaults(gate, viewer, allowed)
        if index is not None:
            try:
                base = check_base(gate, viewer, indicator, index)
            except GateError:
                notices.append(_notice(t("timeseries.bad_base", lang, period=str(index)[:16])))
    except GateError as exc:
        notices.append(error_notice(exc, lang))

    controls = [
        dbc.Col([_label(t("label.indicator", lang), INDICATOR),
                 dcc.Dropdown(id=INDICATOR, options=options, value=indicator, clearable=False,
                              searchable=True)], xs=12, lg=5),
        dbc.Col([_label(t("label.areas", lang), AREAS),
                 dcc.Dropdown(id=AREAS, options=area_opts, value=selected, multi=True,
                              searchable=True)], xs=12, lg=7),
        dbc.Col(dbc.Switch(id=INDEX, label=t("label.index_base", lang), value=base is not None,
                           className="mt-md-4"), xs=12, md=6, lg=4),
        dbc.Col([_label(t("timeseries.base_period", lang), BASE),
                 dcc.Dropdown(id=BASE, options=_period_choices(periods, lang),
                              value=base or (periods[0] if periods else None),
                              clearable=False, disabled=base is None)], xs=12, md=6, lg=3),
    ]
    if viewer is not None and viewer.may_view_raw:
        controls.append(dbc.Col(dbc.Switch(id=RAW, label=t("raw.toggle", lang),
                                           value=raw == "1", className="mt-lg-4"),
                                xs=12, lg=5))
    else:
        # Same component, never shown: the gate ignores raw for this role anyway.
        controls.append(dbc.Switch(id=RAW, value=False, style={"display": "none"}))
    return html.Div([
        heading,
        *notices,
        dbc.Row(controls, className="g-2 mb-2 no-print"),
        html.Div(id=MESSAGE, role="status"),
        html.Div(id=CAPTION),
        html.H2(t("timeseries.chart", lang), className="h5"),
        dcc.Loading(dcc.Graph(id=GRAPH, config=graph_config(lang),
                              style={"minHeight": "420px"})),
        html.H2(t("timeseries.table", lang), className="h5 mt-3"),
        html.Div(id=TABLE),
        # The data of chart and table: every period of the chosen areas (kept in step
        # with the choices in the browser; the export route asks the gate again).
        download_bar({fmt: indicator_href(indicator, fmt, period="all", areas=",".join(
            selected), raw="1" if raw == "1" and viewer is not None and viewer.may_view_raw
            else None) for fmt in ("csv", "xlsx")}, lang, prefix=DOWNLOADS),
        dcc.Store(id=URL_SINK),
    ])


# --- callbacks -----------------------------------------------------------------------------


@callback(
    Output(AREAS, "options"), Output(AREAS, "value"),
    Output(BASE, "options"), Output(BASE, "value"),
    Input(INDICATOR, "value"),
    State(AREAS, "value"), State(BASE, "value"),
    prevent_initial_call=True,
)
@validated
def choose_areas_and_base(indicator_id: Key | None, areas: list[Key] | None,
                          base: Key | None) -> tuple:
    """Offer the areas and periods of the new indicator; keep the choices still valid."""
    if not indicator_id:
        raise PreventUpdate
    gate, viewer, lang = current_gate(), current_viewer(), current_lang()
    try:
        area_opts = area_choices(gate, viewer, indicator_id, lang)
        periods = gate.periods(viewer, indicator_id)
    except GateError:
        return [], [], [], None
    allowed = [o["value"] for o in area_opts]
    selected = keep_areas(areas, allowed)[:MAX_AREAS] or _defaults(gate, viewer, allowed)
    base = base if base in periods else (periods[0] if periods else None)
    return area_opts, selected, _period_choices(periods, lang), base


def _index_series(gate: Gate, viewer: Viewer | None, index: Indicator,
                  areas: list[tuple[str, str]], notices: list, lang: str) -> tuple:
    """Figure, table, caption and notices of a composite index: the class of each area
    over time and, unless the index is a combined one (its value is only the group
    number), its index value. Rows and classes come from the gate (`index_rows`), for
    the areas already checked for this viewer."""
    rows = [row for code, _ in areas
            for row in gate.index_rows(viewer, index.id, area=code, all_periods=True)]
    with_value = getattr(index, "index_kind", "status") != "combined"
    classes = tuple(index.classes)  # type: ignore[attr-defined]
    figure = class_series_figure(rows, classes, decimals=index.decimals, unit=index.unit,
                                 with_value=with_value, lang=lang)
    key = "timeseries.index_caption_table" if with_value else "timeseries.index_caption_class"
    table = index_series_table(rows, areas, classes, caption=t(key, lang,
                                                              title=index.title(lang)),
                               decimals=index.decimals, with_value=with_value, lang=lang)
    root = flask.request.script_root if flask.has_request_context() else ""
    links = [dcc.Link(t("timeseries.index_breakdown", lang, area=name),
                      href=f"{root}/index-zerlegung?"
                           + urlencode({"index": index.id, "area": code,
                                        "level": _level_of(rows, code)}),
                      className="me-3")
             for code, name in areas if _level_of(rows, code)]
    caption = html.Div([
        html.P(html.Strong(index.title(lang)), className="mb-0"),
        html.P(t("timeseries.index_classes", lang, classes=", ".join(classes)),
               className="small mb-0"),
        indicator_caption(index, lang),
        html.P(links, className="small no-print") if links else None,
    ])
    return figure, table, caption, notices or None


def _level_of(rows: list, code: str) -> str | None:
    return next((r.level for r in rows if r.area_code == code), None)


def _empty_figure() -> dict:
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def _caption(indicator: Indicator, base: str | None, lang: str) -> html.Div:
    line = [html.Strong(indicator.title(lang))]
    if base is not None:
        line.append(" · " + t("timeseries.index_caption", lang,
                              base=format_period(base, lang)))
    return html.Div([html.P(line, className="mb-0"), indicator_caption(indicator, lang)])


@callback(
    Output(GRAPH, "figure"), Output(TABLE, "children"),
    Output(CAPTION, "children"), Output(MESSAGE, "children"),
    Input(INDICATOR, "value"), Input(AREAS, "value"), Input(INDEX, "value"),
    Input(BASE, "value"), Input(RAW, "value"),
)
@validated
def show_series(indicator_id: Key | None, areas: list[Key] | None, indexed: bool | None,
                base: Key | None, raw: bool | None) -> tuple:
    """Line chart and table of one indicator over all periods for the chosen areas."""
    if not indicator_id:
        raise PreventUpdate
    gate, lang = current_gate(), current_lang()
    viewer, viewer_raw = current_viewer(), current_viewer(raw=bool(raw))
    notices: list = []
    try:
        indicator = gate.indicator(viewer, indicator_id)
        area_opts = area_choices(gate, viewer, indicator.id, lang)
        allowed = [o["value"] for o in area_opts]
        selected, notices = check_areas(gate, viewer, dedupe(areas)[:4 * MAX_AREAS], allowed,
                                        gate.levels(viewer, indicator.id), lang)
        index_base = None
        if indexed and indicator.kind == "index":
            notices.append(_notice(t("timeseries.index_no_base", lang)))
        elif indexed:
            try:
                index_base = check_base(gate, viewer, indicator.id, base)
            except GateError:
                notices.append(_notice(t("timeseries.bad_base", lang,
                                         period=str(base)[:16])))
        names = {o["value"]: o["label"] for o in area_opts}
        if selected and indicator.kind == "index":
            return _index_series(gate, viewer_raw, indicator,
                                 [(code, names[code]) for code in selected], notices, lang)
        # The gate's rows, no frames: plain tuples are all the figure and table read.
        rows = [row for code in selected
                for row in gate.rows(viewer_raw, indicator.id, area=code, all_periods=True)]
    except GateError as exc:
        return _empty_figure(), None, None, [*notices, error_notice(exc, lang)]
    if not selected:
        notices.append(_notice(t("timeseries.choose_area", lang)))
        return _empty_figure(), None, _caption(indicator, None, lang), notices
    figure = time_series_figure(rows, unit=indicator.unit, decimals=indicator.decimals,
                                index_base=index_base, lang=lang)
    caption = indicator.title(lang) + (
        f" – {t('timeseries.index_caption', lang, base=format_period(index_base, lang))}"
        if index_base is not None else f" ({indicator.unit})")
    table = series_table(rows, [(code, names[code]) for code in selected], caption=caption,
                         decimals=indicator.decimals, index_base=index_base, lang=lang)
    return figure, table, _caption(indicator, index_base, lang), notices or None


clientside_callback(
    "function(indexed) { return !indexed; }",
    Output(BASE, "disabled"),
    Input(INDEX, "value"),
)

clientside_callback(
    """function(indicator, areas, indexed, base, raw) {
        return window.cockpitSetQuery({indicator: indicator, areas: areas || [],
                                       index: indexed ? base : null, raw: raw ? "1" : null});
    }""",
    Output(URL_SINK, "data"),
    Input(INDICATOR, "value"), Input(AREAS, "value"), Input(INDEX, "value"),
    Input(BASE, "value"), Input(RAW, "value"),
)

follow_choices(DOWNLOADS, [Input(INDICATOR, "value"), Input(AREAS, "value"),
                           Input(RAW, "value")],
               """return {period: "all", areas: (arguments[1] || []).join(","),
                          raw: arguments[2] ? "1" : null};""")
