"""Haushalt: Ergebnishaushalt and Finanzhaushalt, plan against actual, per Produktbereich.

Both statements side by side for one year: Ansatz, fortgeschriebener Ansatz and
Ergebnis per Produktbereich and position, the deviation in EUR and percent, a click on a
Produktbereich (or the selector) drills down to its Produktgruppen, and every amount
can be shown per inhabitant. Each callback asks the gate for the viewer's budget desk,
so a role the budget is not released for gets a notice and no figure.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import CellClick, Key, validated
from cockpit.app.component_texts import grid_options
from cockpit.app.components import error_notice, pick
from cockpit.app.figures import _TEMPLATE_JSON, OKABE_ITO, TEXT_COLOUR
from cockpit.app.formatting import format_number, format_period
from cockpit.app.i18n import register_strings, t
from cockpit.app.session import current_gate, current_lang, current_viewer, graph_config
from cockpit.budget import (
    BASES,
    STATEMENTS,
    Produktrahmen,
    budget_periods,
    budget_records,
    closed,
    total_records,
)
from cockpit.catalog import DefinitionError

dash.register_page(__name__, path="/haushalt", name="Haushalt", order=6,
                   label_key="nav.budget", title="Haushalt")

YEAR = "budget-year"
BASIS = "budget-basis"
VIEW = "budget-view"
BEREICH = "budget-bereich"
BACK = "budget-back"
MESSAGE = "budget-message"
CAPTION = "budget-caption"
URL_SINK = "budget-url"
GRIDS = {"ergebnis": "budget-grid-ergebnis", "finanz": "budget-grid-finanz"}
CHARTS = {"ergebnis": "budget-chart-ergebnis", "finanz": "budget-chart-finanz"}
VIEWS = ("eur", "per_inhabitant")

register_strings({
    "nav.budget": {"de": "Haushalt", "en": "Budget"},
    "budget.heading": {"de": "Haushalt: Plan und Ergebnis", "en": "Budget: plan and actual"},
    "budget.intro": {
        "de": "Ergebnis- und Finanzhaushalt je Produktbereich: Ansatz, fortgeschriebener "
              "Ansatz und Ergebnis des Jahresabschlusses. Ein Klick auf einen "
              "Produktbereich in einer Tabelle zeigt seine Produktgruppen.",
        "en": "Accrual and cash budget per product area: adopted and updated budget and "
              "the actual result. Click a product area in a table to see its product "
              "groups.",
    },
    "budget.year": {"de": "Haushaltsjahr", "en": "Budget year"},
    "budget.basis": {"de": "Abweichung gegenüber", "en": "Deviation from"},
    "budget.basis.fortgeschrieben": {"de": "fortgeschriebenem Ansatz",
                                     "en": "updated budget"},
    "budget.basis.ansatz": {"de": "Ansatz (Haushaltsplan)", "en": "adopted budget"},
    "budget.view": {"de": "Darstellung", "en": "Show"},
    "budget.view.eur": {"de": "EUR", "en": "EUR"},
    "budget.view.per_inhabitant": {"de": "EUR je Einwohner", "en": "EUR per resident"},
    "budget.bereich": {"de": "Produktbereich", "en": "Product area"},
    "budget.all_bereiche": {"de": "Alle Produktbereiche", "en": "All product areas"},
    "budget.back": {"de": "Zurück zu allen Produktbereichen",
                    "en": "Back to all product areas"},
    "budget.statement.ergebnis": {"de": "Ergebnishaushalt", "en": "Accrual budget"},
    "budget.statement.finanz": {"de": "Finanzhaushalt", "en": "Cash budget"},
    "budget.measure.ertraege": {"de": "Ordentliche Erträge", "en": "Ordinary income"},
    "budget.measure.aufwendungen": {"de": "Ordentliche Aufwendungen",
                                    "en": "Ordinary expenses"},
    "budget.measure.einzahlungen_lfd": {
        "de": "Einzahlungen lfd. Verwaltungstätigkeit", "en": "Operating receipts"},
    "budget.measure.auszahlungen_lfd": {
        "de": "Auszahlungen lfd. Verwaltungstätigkeit", "en": "Operating payments"},
    "budget.measure.einzahlungen_invest": {
        "de": "Einzahlungen Investitionstätigkeit", "en": "Investment receipts"},
    "budget.measure.auszahlungen_invest": {
        "de": "Auszahlungen Investitionstätigkeit", "en": "Investment payments"},
    "budget.short.ertraege": {"de": "Erträge", "en": "Income"},
    "budget.short.aufwendungen": {"de": "Aufwendungen", "en": "Expenses"},
    "budget.short.einzahlungen_lfd": {"de": "Einzahlungen lfd.", "en": "Operating receipts"},
    "budget.short.auszahlungen_lfd": {"de": "Auszahlungen lfd.", "en": "Operating payments"},
    "budget.short.einzahlungen_invest": {"de": "Einzahlungen invest.",
                                         "en": "Investment receipts"},
    "budget.short.auszahlungen_invest": {"de": "Auszahlungen invest.",
                                         "en": "Investment payments"},
    "budget.col.unit_bereich": {"de": "Produktbereich", "en": "Product area"},
    "budget.col.unit_gruppe": {"de": "Produktgruppe", "en": "Product group"},
    "budget.col.measure": {"de": "Position", "en": "Item"},
    "budget.col.ansatz": {"de": "Ansatz", "en": "Adopted"},
    "budget.col.fortgeschrieben": {"de": "Fortgeschr. Ansatz", "en": "Updated"},
    "budget.col.ergebnis": {"de": "Ergebnis", "en": "Actual"},
    "budget.col.deviation": {"de": "Abweichung", "en": "Deviation"},
    "budget.col.deviation_pct": {"de": "Abweichung %", "en": "Deviation %"},
    "budget.total": {"de": "Summe", "en": "Total"},
    "budget.unit_eur": {"de": "EUR", "en": "EUR"},
    "budget.unit_per_inhabitant": {"de": "EUR je Einwohner", "en": "EUR per resident"},
    "budget.chart_deviation": {"de": "Abweichung Ergebnis − {basis} ({unit})",
                               "en": "Deviation actual − {basis} ({unit})"},
    "budget.chart_plan": {"de": "{basis} ({unit}), noch kein Ergebnis",
                          "en": "{basis} ({unit}), no actual yet"},
    "budget.open_year": {
        "de": "Für {year} liegt noch kein Jahresabschluss vor: Ergebnis und Abweichung "
              "fehlen, die Grafik zeigt den Plan.",
        "en": "The accounts for {year} are not closed yet: no actual values or "
              "deviations; the chart shows the plan.",
    },
    "budget.residents": {
        "de": "Je Einwohner: geteilt durch {n} Einwohnerinnen und Einwohner "
              "(31.12.{year}).",
        "en": "Per resident: divided by {n} residents (31 Dec {year}).",
    },
    "budget.no_residents": {
        "de": "Für {year} ist keine Einwohnerzahl verfügbar; die Beträge sind in EUR "
              "angegeben.",
        "en": "No population figure for {year}; amounts are shown in EUR.",
    },
    "budget.drill": {"de": "Produktgruppen des Produktbereichs {name}",
                     "en": "Product groups of product area {name}"},
    "budget.no_data": {"de": "Es sind keine Haushaltsdaten veröffentlicht.",
                       "en": "No budget data has been published."},
    "budget.source": {
        "de": "Quelle: Kämmerei (Haushaltsplan und Jahresabschluss). Abweichung = "
              "Ergebnis − Vergleichswert ({basis}), in Prozent des Vergleichswerts.",
        "en": "Source: treasury (budget plan and annual accounts). Deviation = actual − "
              "reference ({basis}), in percent of the reference.",
    },
    "budget.basis_name.fortgeschrieben": {"de": "fortgeschriebener Ansatz",
                                          "en": "updated budget"},
    "budget.basis_name.ansatz": {"de": "Ansatz", "en": "adopted budget"},
})


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


GRID_OPTIONS = {"enableCellTextSelection": True, "tooltipShowDelay": 200}
#: Above this many rows the grid scrolls in a fixed height, the total row pinned below
#: (68 Finanzhaushalt rows would otherwise push the page far down); below it grows.
GRID_SCROLL_ROWS = 16
GRID_HEIGHT = "620px"


def grid_layout(rows: int) -> tuple[dict, dict]:
    """Grid options and style for a number of rows: growing, or scrolling when long."""
    lang = current_lang()
    if rows > GRID_SCROLL_ROWS:
        return grid_options(lang, {**GRID_OPTIONS, "domLayout": "normal"}), {"height": GRID_HEIGHT}
    return grid_options(lang, {**GRID_OPTIONS, "domLayout": "autoHeight"}), {}


def _grid(statement: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=GRIDS[statement], rowData=[], columnDefs=[],
        # Headers wrap instead of being cut ("Fortgeschr. Ansatz (EUR)" in half a screen).
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 96,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        getRowId="params.data.row_id",
        dashGridOptions=grid_options(current_lang(), GRID_OPTIONS),
        columnSize="responsiveSizeToFit",
        style={"height": GRID_HEIGHT},  # the callback sets the layout that fits the rows
        className="ag-theme-alpine budget-grid",
    )


def _bereich_options(frame: Produktrahmen, lang: str) -> list[dict]:
    return [{"label": t("budget.all_bereiche", lang), "value": ""}] + [
        {"label": f"{code} {name}", "value": code} for code, name in sorted(
            frame.bereiche.items())]


def layout(year: str | None = None, basis: str | None = None, view: str | None = None,
           bereich: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    gate, viewer = current_gate(), current_viewer()
    heading = html.H1(t("budget.heading", lang), className="h3")
    try:
        desk = gate.budget(viewer)
        frame = desk.produktrahmen
        years = budget_periods(desk.lines())
    except GateError as exc:
        return html.Div([heading, error_notice(exc, lang)])
    except DefinitionError as exc:
        return html.Div([heading, dbc.Alert(str(exc), color="danger")])
    if not years:
        return html.Div([heading, dbc.Alert(t("budget.no_data", lang), color="info")])
    # The newest closed year by default: the one with a deviation to talk about.
    lines = desk.lines()
    closed_years = sorted(set(lines.loc[lines["variant"] == "ergebnis", "period"]))
    year = pick(year, years, closed_years[-1] if closed_years else years[-1])
    bereich = pick(bereich, list(frame.bereiche), "")
    controls = dbc.Row([
        dbc.Col([_label(t("budget.year", lang), YEAR),
                 dcc.Dropdown(id=YEAR, value=year, clearable=False,
                              options=[{"label": format_period(y, lang), "value": y}
                                       for y in reversed(years)])], xs=6, lg=2),
        dbc.Col([_label(t("budget.bereich", lang), BEREICH),
                 dcc.Dropdown(id=BEREICH, value=bereich, clearable=False,
                              options=_bereich_options(frame, lang))], xs=12, lg=4),
        dbc.Col([_label(t("budget.basis", lang), BASIS),
                 dbc.RadioItems(id=BASIS, value=pick(basis, list(BASES), BASES[0]),
                                options=[{"label": t(f"budget.basis.{b}", lang), "value": b}
                                         for b in BASES])], xs=6, lg=3),
        dbc.Col([_label(t("budget.view", lang), VIEW),
                 dbc.RadioItems(id=VIEW, value=pick(view, list(VIEWS), VIEWS[0]),
                                options=[{"label": t(f"budget.view.{v}", lang), "value": v}
                                         for v in VIEWS])], xs=6, lg=3),
    ], className="g-2 mb-2 no-print")
    sides = [
        dbc.Col([html.H2(t(f"budget.statement.{statement}", lang), className="h5"),
                 dcc.Loading(dcc.Graph(id=CHARTS[statement], config=graph_config(lang))),
                 _grid(statement)], xs=12, xxl=6)
        for statement in STATEMENTS
    ]
    return html.Div([
        heading,
        html.P(t("budget.intro", lang), className="small text-body-secondary"),
        controls,
        dbc.Button(t("budget.back", lang), id=BACK, color="link", size="sm",
                   className="px-0 no-print", style={} if bereich else {"display": "none"}),
        html.Div(id=MESSAGE, role="status"),
        html.Div(id=CAPTION),
        dbc.Row(sides, className="g-3"),
        dcc.Store(id=URL_SINK),
    ])


# -- pure shaping: table -> grid rows, columns and chart --------------------------------------


def grid_rows(records: list[dict], lang: str) -> list[dict]:
    """Rows for one grid: the records' numbers, the position's name and a stable row id."""
    rows = []
    for record in records:
        record = {k: (None if isinstance(v, float) and v != v else v)  # NaN: no value
                  for k, v in record.items()}
        record["unit"] = f"{record['code']} {record['name']}".strip()
        record["position"] = t(f"budget.measure.{record['measure']}", lang)
        record["short"] = t(f"budget.short.{record['measure']}", lang)
        record["row_id"] = f"{record['code'] or 'total'}:{record['measure']}"
        rows.append(record)
    return rows


def grid_columns(lang: str, *, drilled: bool, per_inhabitant: bool) -> list[dict]:
    """Column definitions: unit, position, the three stages, deviation in EUR and %."""
    locale = "de-DE" if lang == "de" else "en-GB"
    places = 2 if per_inhabitant else 0

    def number(decimals: int, signed: bool = False) -> dict:
        return {"function": f"cockpitNumber(params, {decimals}, '{locale}', "
                            f"{'true' if signed else 'false'})"}

    unit = t("budget.unit_per_inhabitant" if per_inhabitant else "budget.unit_eur", lang)
    amount = {"valueFormatter": number(places), "type": "rightAligned",
              "filter": "agNumberColumnFilter"}
    return [
        {"field": "unit", "minWidth": 190, "tooltipField": "unit",
         "wrapText": True, "autoHeight": True, "cellStyle": {"lineHeight": "1.3",
                                                            "padding": "4px 8px"},
         "headerName": t("budget.col.unit_gruppe" if drilled else "budget.col.unit_bereich",
                         lang)},
        {"field": "short", "headerName": t("budget.col.measure", lang), "minWidth": 130,
         "tooltipField": "position", "wrapText": True, "autoHeight": True,
         "cellStyle": {"lineHeight": "1.3", "padding": "4px 8px"}},
        *[{"field": stage, "headerName": f"{t(f'budget.col.{stage}', lang)} ({unit})",
           **amount} for stage in ("ansatz", "fortgeschrieben", "ergebnis")],
        {"field": "deviation", "headerName": f"{t('budget.col.deviation', lang)} ({unit})",
         **amount, "valueFormatter": number(places, signed=True)},
        {"field": "deviation_pct", "headerName": t("budget.col.deviation_pct", lang),
         "valueFormatter": number(1, signed=True), "type": "rightAligned",
         "filter": "agNumberColumnFilter"},
    ]


def budget_chart(records: list[dict], statement: str, *, basis: str, has_actual: bool,
                 unit: str, decimals: int, lang: str) -> dict:
    """Horizontal bars per Produktbereich (or Produktgruppe), one colour per position: the
    deviation of the Ergebnis from the plan, or the plan itself for a year not closed.

    A plain figure dict: plotly's Figure objects validate every property and cost more
    than the rest of the callback."""
    basis_text = t(f"budget.basis_name.{basis}", lang)
    column = "deviation" if has_actual else basis
    title = t("budget.chart_deviation" if has_actual else "budget.chart_plan", lang,
              basis=basis_text, unit=unit)
    units = list(dict.fromkeys(r["code"] for r in records))
    labels = {r["code"]: f"{r['code']} {r['name']}" for r in records}
    values = {(r["code"], r["measure"]): r[column] for r in records}
    traces = []
    for index, measure in enumerate(STATEMENTS[statement]):
        xs = [values.get((code, measure)) for code in units]
        xs = [None if x is None or x != x else float(x) for x in xs]  # NaN: no value
        traces.append({
            "type": "bar", "orientation": "h", "y": [labels[c] for c in units], "x": xs,
            "name": t(f"budget.measure.{measure}", lang),
            "marker": {"color": OKABE_ITO[index % len(OKABE_ITO)]},
            "customdata": [format_number(x, decimals, lang) for x in xs],
            "hovertemplate": "%{y}<br>%{fullData.name}: %{customdata}<extra></extra>",
        })
    height = max(260, 110 + len(units) * (10 + 9 * len(STATEMENTS[statement])))
    return {"data": traces, "layout": {
        "template": _TEMPLATE_JSON, "separators": ",." if lang != "en" else ".,",
        "title": {"text": title, "x": 0, "xanchor": "left",
                  "font": {"size": 16, "color": TEXT_COLOUR}},
        "barmode": "group", "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        # The unit is in the title; an axis title would collide with the legend below.
        "legend": {"orientation": "h", "y": -0.04, "yanchor": "top"},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "xaxis": {"zeroline": True, "zerolinecolor": TEXT_COLOUR},
    }}


def _empty_figure() -> dict:
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


@callback(
    Output(CHARTS["ergebnis"], "figure"), Output(GRIDS["ergebnis"], "rowData"),
    Output(GRIDS["ergebnis"], "columnDefs"), Output(GRIDS["ergebnis"], "dashGridOptions"),
    Output(CHARTS["finanz"], "figure"), Output(GRIDS["finanz"], "rowData"),
    Output(GRIDS["finanz"], "columnDefs"), Output(GRIDS["finanz"], "dashGridOptions"),
    Output(GRIDS["ergebnis"], "style"), Output(GRIDS["finanz"], "style"),
    Output(CAPTION, "children"), Output(MESSAGE, "children"), Output(BACK, "style"),
    Input(YEAR, "value"), Input(BASIS, "value"), Input(VIEW, "value"),
    Input(BEREICH, "value"),
)
@validated
def show_budget(year: Key | None, basis: Key | None, view: Key | None,
                bereich: Key | None) -> tuple:
    """Both statements of one year, per Produktbereich or the Produktgruppen of one."""
    if not year:
        raise PreventUpdate
    gate, viewer, lang = current_gate(), current_viewer(), current_lang()
    hidden = {"display": "none"}
    try:
        desk = gate.budget(viewer)  # refuses a role the budget is not released for
        frame = desk.produktrahmen
        lines = desk.lines(year)
        residents = desk.residents().get(year) if view == "per_inhabitant" else None
    except (GateError, DefinitionError) as exc:
        notice = (error_notice(exc, lang) if isinstance(exc, GateError)
                  else dbc.Alert(str(exc), color="danger"))
        empty = [_empty_figure(), [], [], {}]
        return (*empty, *empty, {}, {}, None, notice, hidden)
    basis = basis if basis in BASES else BASES[0]
    bereich = bereich if bereich in frame.bereiche else None
    per_inhabitant = residents is not None
    unit = t("budget.unit_per_inhabitant" if per_inhabitant else "budget.unit_eur", lang)
    has_actual = closed(lines, year)
    outputs: list = []
    styles: list = []
    for statement in STATEMENTS:
        records = budget_records(lines, frame, statement=statement, period=year,
                                 bereich=bereich, basis=basis, residents=residents)
        sums = [{**r, "name": t("budget.total", lang)} for r in total_records(records, basis)]
        options, style = grid_layout(len(records))
        styles.append(style)
        outputs += [
            budget_chart(records, statement, basis=basis, has_actual=has_actual, unit=unit,
                         decimals=2 if per_inhabitant else 0, lang=lang),
            grid_rows(records, lang),
            grid_columns(lang, drilled=bereich is not None, per_inhabitant=per_inhabitant),
            {**options, "pinnedBottomRowData": grid_rows(sums, lang)},
        ]
    notes = [html.P(t("budget.source", lang, basis=t(f"budget.basis_name.{basis}", lang)),
                    className="small text-body-secondary mb-1")]
    if bereich is not None:
        notes.insert(0, html.P(html.Strong(t("budget.drill", lang,
                                             name=f"{bereich} {frame.name(bereich)}")),
                               className="mb-1"))
    if not has_actual:
        notes.append(dbc.Alert(t("budget.open_year", lang, year=format_period(year, lang)),
                               color="info", className="py-2 small"))
    if view == "per_inhabitant":
        key = ("budget.residents", {"n": format_number(residents, 0, lang), "year": year}) \
            if per_inhabitant else ("budget.no_residents", {"year": year})
        notes.append(html.P(t(key[0], lang, **key[1]), className="small mb-1"))
    return (*outputs, *styles, html.Div(notes), None, {} if bereich else hidden)


@callback(
    Output(BEREICH, "value"),
    Input(GRIDS["ergebnis"], "cellClicked"), Input(GRIDS["finanz"], "cellClicked"),
    Input(BACK, "n_clicks"),
    State(BEREICH, "value"),
    prevent_initial_call=True,
)
@validated
def drill_down(cell_ergebnis: CellClick | None, cell_finanz: CellClick | None,
               back: int | None, current: Key | None) -> str:
    """A click on a Produktbereich's row opens its Produktgruppen; the back link (or a
    click in the drilled-down table) returns to all Produktbereiche."""
    gate, viewer = current_gate(), current_viewer()
    try:
        frame = gate.budget(viewer).produktrahmen
    except (GateError, DefinitionError):
        raise PreventUpdate from None
    if ctx.triggered_id == BACK:
        return ""
    cell = cell_ergebnis if ctx.triggered_id == GRIDS["ergebnis"] else cell_finanz
    row_id = (cell or {}).get("rowId")
    code = row_id.split(":", 1)[0] if isinstance(row_id, str) else None
    if current or code not in frame.bereiche:
        raise PreventUpdate  # a Produktgruppe or the total row: nothing below it
    return code


clientside_callback(
    """function(year, basis, view, bereich) {
        return window.cockpitSetQuery({year: year, basis: basis, view: view,
                                       bereich: bereich});
    }""",
    Output(URL_SINK, "data"),
    Input(YEAR, "value"), Input(BASIS, "value"), Input(VIEW, "value"),
    Input(BEREICH, "value"),
)
