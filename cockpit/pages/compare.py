"""Stadtteilvergleich: one indicator across areas as ranking, map and table."""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from cockpit.access.errors import GateError
from cockpit.access.gate import AREA_PATTERN
from cockpit.api.geometry import geometry_url
from cockpit.app.callback_inputs import CellClick, ClickData, GridRowsRequest, Key, validated
from cockpit.app.city_only import city_only_note, note_figure
from cockpit.app.compare_table import grid_block
from cockpit.app.comparison import CityRows, Comparison, PreviousValues
from cockpit.app.component_texts import grid_options
from cockpit.app.components import (
    default_level,
    error_notice,
    indicator_caption,
    indicator_options,
    level_options,
    period_options,
    pick,
)
from cockpit.app.figures import choropleth_map, ranking_bar
from cockpit.app.formatting import SUPPRESSED_TOOLTIP, format_period
from cockpit.app.i18n import register_strings, t
from cockpit.app.key_statements import statements_card
from cockpit.app.level_words import speaks_of_stadtteile
from cockpit.app.ranking import FULL_MAX
from cockpit.app.session import current_gate, current_lang, current_viewer, graph_config
from cockpit.app.value_notes import notes_block
from cockpit.export.links import download_bar, follow_choices, indicator_href

dash.register_page(__name__, path="/vergleich", name="Stadtteilvergleich", order=1,
                   label_key="nav.compare", label_key_areas="nav.compare_areas",
                   title="Stadtteilvergleich",
                   # Preloaded with the page (dash_app.preload_hints): the lazy scripts
                   # of its first drawing and the base map the choropleth fetches.
                   chunks=("dropdown", "graph", "grid"),
                   fetches=("/assets/vendor/topojson/world_110m.json",))

INDICATOR = "compare-indicator"
PERIOD = "compare-period"
LEVEL = "compare-level"
METHOD = "compare-method"
RAW = "compare-raw"
HIGHLIGHT = "compare-highlight"
BAR = "compare-bar"
MAP = "compare-map"
GRID = "compare-grid"
DOWNLOADS = "compare-downloads"
MESSAGE = "compare-message"
CAPTION = "compare-caption"
STATEMENTS = "compare-statements"
URL_SINK = "compare-url"
GRID_SINK = "compare-grid-sink"
METHODS = ("quantile", "equal")
#: Up to this many areas in a level the grid holds all rows in the browser (sorted and
#: filtered there); above it (a Land's 11,000 Gemeinden) the grid asks the server for
#: blocks of rows as it scrolls (AG Grid's infinite row model).
#: COCKPIT_GRID_CLIENT_ROWS changes it (a lower bound for slow browsers; tests use it to
#: exercise the server blocks on a small territory).
def _client_rows_max(default: int = 3000) -> int:
    text = os.environ.get("COCKPIT_GRID_CLIENT_ROWS", "").strip()
    return int(text) if text.isdigit() else default  # anything else: the default


CLIENT_ROWS_MAX = _client_rows_max()
#: Height of the grid when it scrolls (virtual rows) instead of growing with its rows.
GRID_HEIGHT = "560px"

register_strings({
    "compare.index_breakdown": {"de": "Welche Merkmale ein Gebiet in seine Klasse bringen: "
                                      "Zerlegung des Index",
                                "en": "Which components put an area into its class: "
                                      "index breakdown"},
    "compare.heading": {"de": "Stadtteilvergleich", "en": "Area comparison"},
    "compare.heading_areas": {"de": "Gebietsvergleich", "en": "Area comparison"},
    "compare.ranking": {"de": "Rangfolge", "en": "Ranking"},
    "compare.map": {"de": "Karte", "en": "Map"},
    "compare.table": {"de": "Tabelle", "en": "Table"},
    "compare.previous": {"de": "Vorperiode", "en": "Previous period"},
    "compare.no_previous": {"de": "keine Vorperiode", "en": "no previous period"},
    "compare.highlight_hint": {
        "de": "Ein Klick auf ein Gebiet in Karte, Balken oder Tabelle hebt es überall hervor.",
        "en": "Click an area in the map, bars or table to highlight it everywhere.",
    },
})


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


def _largest_level(gate, viewer) -> int:  # noqa: ANN001 - Gate, Viewer
    """The number of areas of the territory's largest level (0 when unknown)."""
    try:
        counts = gate.areas(viewer)["level"].value_counts()
    except GateError:
        return 0
    return int(counts.max()) if len(counts) else 0


class _FirstView(NamedTuple):
    """What show_comparison answers for the choices the layout starts with.

    (A NamedTuple, not a dataclass: Dash imports page modules without registering them
    in sys.modules, which dataclasses need.)"""

    bar: Any = None
    map: Any = None
    rows: list[dict] | None = None  # None: the grid fetches its rows (infinite model)
    columns: tuple | list[dict] = ()
    caption: Any = None
    message: Any = None

    def figure(self, name: str) -> dict:
        """dcc.Graph's `figure` keyword, or nothing when there is no figure yet."""
        figure = getattr(self, name)
        return {} if figure is None else {"figure": figure}


def _first_view(indicator: str | None, period: str | None, level: str | None, method: str,
                raw: bool, highlight: str | None) -> _FirstView:
    """Ranking, map, table, caption and message of the first drawing, built on the
    server into the layout: the browser draws them without waiting for a callback.

    It is show_comparison itself, called with the values the layout's controls start
    with, so the gate, the viewer and every permission are the callback's; that is why
    show_comparison does not run again when the page mounts (prevent_initial_call).
    """
    try:
        bar, area_map, rows, columns, caption, message = show_comparison(
            indicator, period, level, method, raw, highlight)
    except PreventUpdate:  # nothing chosen (no permitted indicator): nothing to draw
        return _FirstView(rows=[])
    return _FirstView(bar=bar, map=area_map, rows=None if rows is no_update else rows,
                      columns=columns, caption=caption, message=message)


def _grid(largest: int, first: _FirstView) -> dag.AgGrid:
    """The table: grows with its rows for a small territory; scrolls with virtual rows
    above FULL_MAX areas (autoHeight would render every row); above CLIENT_ROWS_MAX the
    rows stay on the server and come in blocks (infinite row model). Columns and (small
    territories) rows of the first drawing come with the layout."""
    infinite = largest > CLIENT_ROWS_MAX
    options: dict = {"tooltipShowDelay": 200, "enableCellTextSelection": True}
    style: dict = {}
    if largest <= FULL_MAX:
        options["domLayout"] = "autoHeight"
    else:
        style = {"height": GRID_HEIGHT}
    extra: dict = {}
    if infinite:
        extra = {"rowModelType": "infinite"}
        options.update(cacheBlockSize=100, maxBlocksInCache=20, infiniteInitialRowCount=100)
    else:
        extra = {"rowData": first.rows or []}
    return dag.AgGrid(
        id=GRID,
        columnDefs=list(first.columns),
        # minWidth keeps columns readable on phones (the grid scrolls sideways)
        defaultColDef={"sortable": True, "filter": True, "resizable": True,
                       "floatingFilter": True, "minWidth": 110},
        getRowId="params.data.area_code",
        # The highlighted area is kept in the browser (assets/cockpit.js), so a click
        # redraws two rows instead of sending every row again.
        rowClassRules={"compare-highlight-row": "cockpitIsHighlighted(params)"},
        dashGridOptions=grid_options(current_lang(), options),
        columnSize="responsiveSizeToFit",
        style=style,
        **extra,
    )


def layout(indicator: str | None = None, period: str | None = None, level: str | None = None,
           classes: str | None = None, area: str | None = None, raw: str | None = None,
           **_: str) -> html.Div:
    lang = current_lang()
    gate, viewer = current_gate(), current_viewer()
    options = indicator_options(gate, viewer, lang)
    ids = [o["value"] for o in options if not o.get("disabled")]
    notice = None
    if indicator is not None and indicator not in ids:
        try:  # say why: unknown or not permitted
            gate.indicator(viewer, indicator)
        except GateError as exc:
            notice = error_notice(exc, lang)
        indicator = None
    indicator = indicator or (ids[0] if ids else None)
    highlight = area if isinstance(area, str) and AREA_PATTERN.match(area) else None
    period_choices, period, level_choices, level = (
        _period_and_level(indicator, period, level) if indicator else ([], None, [], None))
    method = pick(classes, list(METHODS), "quantile")
    controls = [
        dbc.Col([_label(t("label.indicator", lang), INDICATOR),
                 dcc.Dropdown(id=INDICATOR, options=options, value=indicator, clearable=False,
                              searchable=True)], xs=12, lg=5),
        dbc.Col([_label(t("label.period", lang), PERIOD),
                 dcc.Dropdown(id=PERIOD, options=period_choices, value=period,
                              clearable=False)], xs=6, lg=2),
        dbc.Col([_label(t("label.level", lang), LEVEL),
                 dcc.Dropdown(id=LEVEL, options=level_choices, value=level,
                              clearable=False)], xs=6, lg=2),
        dbc.Col([_label(t("label.classes", lang), METHOD),
                 dcc.Dropdown(id=METHOD, value=method,
                              clearable=False,
                              options=[{"label": t(f"classes.{m}", lang), "value": m}
                                       for m in METHODS])], xs=12, lg=3),
    ]
    raw_shown = bool(viewer is not None and viewer.may_view_raw and raw == "1")
    if viewer is not None and viewer.may_view_raw:
        controls.append(dbc.Col(dbc.Switch(id=RAW, label=t("raw.toggle", lang),
                                           value=raw_shown, className="mt-2"), xs=12))
    else:
        # Same component, never shown: the gate ignores raw for this role anyway.
        controls.append(dbc.Switch(id=RAW, value=False, style={"display": "none"}))
    first = _first_view(indicator, period, level, method, raw_shown, highlight)
    return html.Div([
        html.H1(t("compare.heading" if speaks_of_stadtteile(gate.declared_levels())
                  else "compare.heading_areas", lang), className="h3"),
        notice,
        dbc.Row(controls, className="g-2 mb-2 no-print"),
        html.P(t("compare.highlight_hint", lang), className="small text-body-secondary"),
        html.Div(first.message, id=MESSAGE, role="status"),
        html.Div(first.caption, id=CAPTION),
        html.Div(_statements(indicator, period, level), id=STATEMENTS),
        dbc.Row([
            dbc.Col([html.H2(t("compare.ranking", lang), className="h5"),
                     dcc.Loading(dcc.Graph(id=BAR, config=graph_config(lang),
                                           **first.figure("bar")))], xs=12, xl=6),
            dbc.Col([html.H2(t("compare.map", lang), className="h5"),
                     dcc.Loading(dcc.Graph(id=MAP, config=graph_config(lang),
                                           style={"height": "520px"},
                                           **first.figure("map")))], xs=12, xl=6),
        ], className="g-3"),
        html.H2(t("compare.table", lang), className="h5 mt-3"),
        _grid(_largest_level(gate, viewer), first),
        # What the page shows (one level, one period) as CSV / XLSX.
        download_bar({fmt: indicator_href(indicator or "", fmt, level=level, period=period,
                                          raw="1" if raw_shown else None)
                      for fmt in ("csv", "xlsx")}, lang, prefix=DOWNLOADS)
        if indicator else None,
        # "" for no area: a store mounting with null data sets it again (dcc's Store),
        # which would run show_comparison once more for nothing.
        dcc.Store(id=HIGHLIGHT, data=highlight or ""),
        dcc.Store(id=URL_SINK),
        dcc.Store(id=GRID_SINK),
    ])


def _period_and_level(indicator_id: str, period: str | None, level: str | None) -> tuple:
    """Period options and value, level options and value for the indicator: the
    layout's initial choice and the callback's answer to a new indicator."""
    gate, viewer, lang = current_gate(), current_viewer(), current_lang()
    try:
        periods = gate.periods(viewer, indicator_id)
        levels = gate.levels(viewer, indicator_id)
    except GateError:
        return [], None, [], None
    declared = gate.declared_levels()
    below = [lv for lv in levels if lv != declared.top.id]
    level_choices = level_options(levels, lang, declared, below_city=bool(below))
    allowed_levels = [o["value"] for o in level_choices]
    return (period_options(periods, lang), pick(period, periods, periods[-1]),
            level_choices, pick(level, allowed_levels, default_level(allowed_levels, declared)))


@callback(
    Output(PERIOD, "options"), Output(PERIOD, "value"),
    Output(LEVEL, "options"), Output(LEVEL, "value"),
    Input(INDICATOR, "value"),
    State(PERIOD, "value"), State(LEVEL, "value"),
    # The layout already holds the indicator's choices: no round trip before the first
    # drawing (show_comparison then runs at once).
    prevent_initial_call=True,
)
@validated
def choose_period_and_level(indicator_id: Key | None, period: Key | None,
                            level: Key | None) -> tuple:
    """Offer the periods and levels the indicator has; keep the choice if still valid."""
    if not indicator_id:
        raise PreventUpdate
    return _period_and_level(indicator_id, period, level)


def _grid_columns(lang: str, decimals: int, unit: str) -> list[dict]:
    locale = "de-DE" if lang == "de" else "en-GB"
    # One tooltip text for every suppressed cell (not one copy per row).
    secret = SUPPRESSED_TOOLTIP[lang].replace("'", "\\'")
    tooltip = {"function": f"params.data && params.data.suppressed ? '{secret}' : undefined"}

    def number(places: int, signed: bool = False) -> dict:
        # cockpitNumber lives in assets/cockpit.js (dashAgGridFunctions)
        return {"function": f"cockpitNumber(params, {places}, '{locale}', "
                            f"{'true' if signed else 'false'})"}

    value_format, count_format = number(decimals), number(0)
    change_format = number(decimals, signed=True)
    return [
        {"field": "rank", "headerName": t("col.rank", lang), "maxWidth": 90,
         "filter": "agNumberColumnFilter"},
        {"field": "area_name", "headerName": t("col.area", lang), "minWidth": 150},
        {"field": "value", "headerName": f"{t('col.value', lang)} ({unit})",
         "valueFormatter": value_format, "filter": "agNumberColumnFilter",
         "tooltipValueGetter": tooltip, "type": "rightAligned"},
        {"field": "numerator", "headerName": t("col.numerator", lang),
         "valueFormatter": count_format, "filter": "agNumberColumnFilter",
         "tooltipValueGetter": tooltip, "type": "rightAligned"},
        {"field": "denominator", "headerName": t("col.denominator", lang),
         "valueFormatter": count_format, "filter": "agNumberColumnFilter",
         "type": "rightAligned"},
        {"field": "change", "headerName": t("col.change", lang),
         "valueFormatter": change_format, "filter": "agNumberColumnFilter",
         "type": "rightAligned"},
        {"field": "hint", "headerName": t("col.note", lang), "minWidth": 160,
         "tooltipField": "hint"},
    ]


def _own_areas(gate, viewer) -> set[str]:  # noqa: ANN001 - Gate, Viewer
    """A district user's own area and everything below it (kept in a long ranking)."""
    code = getattr(viewer, "area_code", None)
    if not code:
        return set()
    return {code, *gate.areas_info().descendants.get(code, frozenset())}


#: The largest level's size per gate and data version: it changes only with the
#: territory, and counting 11,000 areas per callback costs more than the rest of a click.
_LARGEST: dict[int, tuple[weakref.ref, str, int]] = {}


def _infinite(gate, viewer) -> bool:  # noqa: ANN001 - Gate, Viewer
    """The layout chose the server-side (infinite) row model for this territory."""
    version = gate.data_version
    known = _LARGEST.get(id(gate))
    if known is not None and known[0]() is gate and known[1] == version:
        return known[2] > CLIENT_ROWS_MAX
    largest = _largest_level(gate, viewer)
    if largest:  # 0: not logged in or no areas; asked again next time
        if len(_LARGEST) > 16:  # gates of finished test apps
            _LARGEST.clear()
        _LARGEST[id(gate)] = (weakref.ref(gate), version, largest)
    return largest > CLIENT_ROWS_MAX


def _comparison(gate, viewer, indicator_id: str, level: str, period: str,  # noqa: ANN001
                *, with_previous: bool = True) -> tuple[Comparison, PreviousValues | None]:
    """The period's rows prepared for ranking, map and table, and the previous period's
    values (for the change column) unless not needed; both through the gate, kept per
    data version and the viewer's scope (Gate.answer), never per another viewer."""
    comparison = gate.answer(viewer, indicator_id, Comparison, level=level, period=period,
                             key="comparison")
    if not with_previous:
        return comparison, None
    # The previous period of the same type by end date (2024-H1 → 2023-H2).
    before = gate.previous_period(viewer, indicator_id, period)  # not every period computed
    previous = (gate.answer(viewer, indicator_id, PreviousValues.of(before), level=level,
                            period=before, key="comparison-previous")
                if before is not None else None)
    return comparison, previous


def _breakdown_link(indicator, level: str, period: str, lang: str) -> list:  # noqa: ANN001
    """For a composite index: a link to its breakdown page (not in the menu)."""
    if indicator.kind != "index":
        return []
    query = urlencode({"index": indicator.id, "level": level, "period": period})
    return [html.P(dcc.Link(t("compare.index_breakdown", lang),
                            href=f"{flask.request.script_root}/index-zerlegung?{query}"),
                   className="mb-0 small")]


def index_legend(gate, indicator, codes: Sequence[str], period: str) -> dict:  # noqa: ANN001
    """For a composite index: its ordered classes and each area's class, so the map's
    legend is the index's classes (cockpit/access/index_values.py); else nothing. `codes`
    are the areas of rows the gate returned for this viewer (scoped and checked there)."""
    if indicator.kind != "index":
        return {}
    found = [SimpleNamespace(area_code=code, period=period) for code in codes]
    classes = gate.index_classes(indicator, found)
    return {"classes": indicator.classes,
            "class_of": {r.area_code: c[0] for r, c in zip(found, classes, strict=True)}}


@callback(
    Output(BAR, "figure"), Output(MAP, "figure"), Output(GRID, "rowData"),
    Output(GRID, "columnDefs"), Output(CAPTION, "children"), Output(MESSAGE, "children"),
    Input(INDICATOR, "value"), Input(PERIOD, "value"), Input(LEVEL, "value"),
    Input(METHOD, "value"), Input(RAW, "value"), Input(HIGHLIGHT, "data"),
    # The layout already holds the first drawing (_first_view calls this function).
    prevent_initial_call=True,
)
@validated
def show_comparison(indicator_id: Key | None, period: Key | None, level: Key | None,
                    method: Key | None, raw: bool | None, highlight: Key | None) -> tuple:
    """Ranking, map and table of one indicator for one period and level.

    A highlight change sends the table again too: the highlight store also reports a
    change when it mounts (a fresh page, or coming back to this page in the same tab),
    when the grid is still empty, and the server cannot tell the two apart. The rows,
    their texts, map classes and table rows are prepared once per data version and
    scope (cockpit/app/comparison.py), so such a call only assembles them."""
    if not indicator_id or not period or not level:
        raise PreventUpdate
    gate, viewer, lang = current_gate(), current_viewer(raw=bool(raw)), current_lang()
    try:
        indicator = gate.indicator(viewer, indicator_id)
        infinite = _infinite(gate, viewer)  # then the grid fetches its rows (serve_rows)
        comparison, previous = _comparison(gate, viewer, indicator_id, level, period,
                                           with_previous=not infinite)
        top = gate.declared_levels().top  # the whole municipality, the reference line
        city = (gate.answer(viewer, indicator_id, CityRows, level=top.id, period=period,
                            key="comparison-city")
                if top.id in gate.period_levels(viewer, indicator_id, period)
                else CityRows([]))
    except GateError as exc:
        empty = {"data": [], "layout": {"xaxis": {"visible": False},
                                        "yaxis": {"visible": False}}}
        return empty, empty, [], [], None, error_notice(exc, lang)
    highlight = highlight if highlight in comparison.codes else None
    unit, decimals = indicator.unit, indicator.decimals
    bar = ranking_bar(comparison.ranked, unit=unit, decimals=decimals,
                      city_value=city.value, highlight=highlight, lang=lang,
                      city_label=top.name(lang), own=_own_areas(gate, viewer))
    only_top = city_only_note(level, gate.declared_levels(), lang)  # no map of one area
    if only_top is not None:
        area_map = note_figure(only_top)
    else:
        # Fetched by the browser once per data version; the URL is the same for every
        # comparison of this level and period (kept with it).
        geojson = comparison.ranked.memo(("geometry_url", flask.request.script_root),
                                         lambda: geometry_url(gate, viewer, level, period))
        area_map = choropleth_map(
            comparison.ranked, geojson, unit=unit, decimals=decimals,
            method=method if method in METHODS else "quantile", highlight=highlight,
            lang=lang, **index_legend(gate, indicator, comparison.ranked.codes, period))
    caption = html.Div([
        html.P([html.Strong(indicator.title(lang)), f" · {format_period(period, lang)}"],
               className="mb-0"),
        indicator_caption(indicator, lang),
        notes_block([*city.marked, *comparison.marked], lang),
        *_breakdown_link(indicator, level, period, lang),
    ])
    table = no_update if infinite else comparison.table_rows(previous, lang, decimals)
    return (bar, area_map, table, _grid_columns(lang, decimals, unit), caption, None)


def _statements(indicator_id: str | None, period: str | None, level: str | None) -> Any:
    """The Kernaussagen card (cockpit/app/key_statements.py): generated from what this
    viewer sees (never raw), plus the published hand-written ones; nothing without a
    choice or when the gate refuses."""
    if not indicator_id or not period or not level:
        return None
    return statements_card(current_gate(), current_viewer(), indicator_id, level, period,
                           current_lang())


@callback(
    Output(STATEMENTS, "children"),
    Input(INDICATOR, "value"), Input(PERIOD, "value"), Input(LEVEL, "value"),
    prevent_initial_call=True,  # the layout holds the first card
)
@validated
def show_statements(indicator_id: Key | None, period: Key | None, level: Key | None) -> Any:
    """The Kernaussagen card for a new choice (its own request, beside the comparison)."""
    if not indicator_id or not period or not level:
        raise PreventUpdate
    return _statements(indicator_id, period, level)


@callback(
    Output(GRID, "getRowsResponse"),
    Input(GRID, "getRowsRequest"),
    State(INDICATOR, "value"), State(PERIOD, "value"), State(LEVEL, "value"),
    State(RAW, "value"),
    prevent_initial_call=True,
)
@validated
def serve_rows(request: GridRowsRequest | None, indicator_id: Key | None, period: Key | None,
               level: Key | None, raw: bool | None) -> dict:
    """One block of table rows for the infinite row model, filtered and sorted on the
    server from what the gate released for this viewer."""
    if request is None or not indicator_id or not period or not level:
        raise PreventUpdate
    gate, viewer, lang = current_gate(), current_viewer(raw=bool(raw)), current_lang()
    try:
        indicator = gate.indicator(viewer, indicator_id)
        comparison, previous = _comparison(gate, viewer, indicator_id, level, period)
    except GateError:
        return {"rowData": [], "rowCount": 0}
    return grid_block(comparison.table_frame(previous, lang, indicator.decimals), request)


def _clicked_area(click: dict | None) -> str | None:
    points = (click or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    custom = point.get("customdata")
    code = point.get("location") or (custom[0] if isinstance(custom, list) and custom else None)
    return code if isinstance(code, str) and AREA_PATTERN.match(code) else None


@callback(
    Output(HIGHLIGHT, "data"),
    Input(BAR, "clickData"), Input(MAP, "clickData"), Input(GRID, "cellClicked"),
    State(HIGHLIGHT, "data"),
    prevent_initial_call=True,
)
@validated
def choose_highlight(bar_click: ClickData | None, map_click: ClickData | None,
                     cell: CellClick | None, current: Key | None) -> str | None:
    """The area clicked last in any of the three views; a second click clears it."""
    if ctx.triggered_id == GRID:
        code = (cell or {}).get("rowId")
        code = code if isinstance(code, str) and AREA_PATTERN.match(code) else None
    else:
        code = _clicked_area(bar_click if ctx.triggered_id == BAR else map_click)
    if code is None:
        raise PreventUpdate
    return None if code == current else code


# The grid marks the highlighted row itself (two rows redrawn, nothing sent).
clientside_callback(
    """function(area) { return window.cockpitGridHighlight("compare-grid", area); }""",
    Output(GRID_SINK, "data"),
    Input(HIGHLIGHT, "data"),
)

# With the infinite row model, new choices drop the cached blocks so the grid asks again.
clientside_callback(
    """function(indicator, period, level, raw) {
        return window.cockpitGridRefresh("compare-grid");
    }""",
    Output(GRID_SINK, "data", allow_duplicate=True),
    Input(INDICATOR, "value"), Input(PERIOD, "value"), Input(LEVEL, "value"),
    Input(RAW, "value"),
    prevent_initial_call=True,
)

clientside_callback(
    """function(indicator, period, level, method, area, raw) {
        return window.cockpitSetQuery({indicator: indicator, period: period, level: level,
                                       classes: method, area: area, raw: raw ? "1" : null});
    }""",
    Output(URL_SINK, "data"),
    Input(INDICATOR, "value"), Input(PERIOD, "value"), Input(LEVEL, "value"),
    Input(METHOD, "value"), Input(HIGHLIGHT, "data"), Input(RAW, "value"),
)

follow_choices(DOWNLOADS, [Input(INDICATOR, "value"), Input(PERIOD, "value"),
                           Input(LEVEL, "value"), Input(RAW, "value")],
               """return {level: arguments[2], period: arguments[1],
                          raw: arguments[3] ? "1" : null};""")
