"""Zusammenhang: two indicators across the areas of one level and period, as a scatter
plot with the least-squares line, Pearson's r and n.

Everything comes through the gate: the indicator lists are the viewer's visible ones,
each column of values is `Gate.answer` for the viewer's scope, and an area enters only
where the viewer may see both values and neither is withheld; the others are counted,
never drawn (cockpit/app/relation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import dash
import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from cockpit.access import Gate, Viewer
from cockpit.access.budget import RESIDENTS_INDICATOR
from cockpit.access.errors import GateError
from cockpit.access.gate import AREA_PATTERN, ValueRow
from cockpit.app.callback_inputs import ClickData, Key, validated
from cockpit.app.components import (
    default_level,
    error_notice,
    indicator_options,
    level_options,
    period_options,
    pick,
)
from cockpit.app.formatting import format_number, format_period, format_values
from cockpit.app.i18n import register_strings, t
from cockpit.app.relation import MIN_PAIRS, Cell, Fit, Pairs, pair, strength
from cockpit.app.relation_figure import LABEL_MAX, label_positions, relation_scatter
from cockpit.app.session import current_gate, current_lang, current_viewer, graph_config
from cockpit.indicators.model import Indicator

dash.register_page(__name__, path="/zusammenhang", name="Zusammenhang", order=2.5,
                   label_key="nav.relation", title="Zusammenhang",
                   chunks=("dropdown", "graph"))

X = "scatter-x"
Y = "scatter-y"
PERIOD = "scatter-period"
LEVEL = "scatter-level"
HIGHLIGHT = "scatter-highlight"
BUBBLES = "scatter-bubbles"
GRAPH = "scatter-graph"
SUMMARY = "scatter-summary"
CAPTION = "scatter-caption"
MESSAGE = "scatter-message"
URL_SINK = "scatter-url"
#: Up to this many areas the picker holds them all; above it (a Land's Gemeinden) it
#: asks for the first SEARCH_MAX matches of what the user types.
PICKER_MAX = 1000
SEARCH_MAX = 50

register_strings({
    "nav.relation": {"de": "Zusammenhang", "en": "Relationship"},
    "relation.heading": {"de": "Zusammenhang zweier Indikatoren",
                         "en": "Relationship of two indicators"},
    "relation.x": {"de": "Indikator auf der x-Achse", "en": "Indicator on the x axis"},
    "relation.y": {"de": "Indikator auf der y-Achse", "en": "Indicator on the y axis"},
    "relation.pick_area": {"de": "Gebiet hervorheben", "en": "Highlight an area"},
    "relation.pick_placeholder": {"de": "Gebiet wählen …", "en": "Choose an area …"},
    "relation.bubbles": {"de": "Punktgröße nach Einwohnerzahl",
                         "en": "Point size by number of residents"},
    "relation.hint": {
        "de": "Jeder Punkt ist ein Gebiet. Ein Klick auf einen Punkt hebt das Gebiet "
              "hervor; ein zweiter Klick nimmt die Hervorhebung zurück.",
        "en": "Each point is an area. Click a point to highlight the area; click it again "
              "to clear the highlight.",
    },
    "relation.r": {"de": "Korrelation nach Pearson: r = {r} ({words})",
                   "en": "Pearson correlation: r = {r} ({words})"},
    "relation.n": {"de": "n = {n} Gebiete", "en": "n = {n} areas"},
    "relation.n_one": {"de": "n = 1 Gebiet", "en": "n = 1 area"},
    "relation.words.none": {"de": "kein linearer Zusammenhang",
                            "en": "no linear relationship"},
    "relation.words.weak": {"de": "schwacher {sign} Zusammenhang",
                            "en": "weak {sign} relationship"},
    "relation.words.moderate": {"de": "mittlerer {sign} Zusammenhang",
                                "en": "moderate {sign} relationship"},
    "relation.words.strong": {"de": "starker {sign} Zusammenhang",
                              "en": "strong {sign} relationship"},
    "relation.positive": {"de": "positiver", "en": "positive"},
    "relation.negative": {"de": "negativer", "en": "negative"},
    "relation.line": {"de": "Trendlinie: y = {slope} · x {sign} {intercept}",
                      "en": "Trend line: y = {slope} · x {sign} {intercept}"},
    "relation.too_few": {
        "de": "Zu wenige Gebiete mit beiden Werten für r und Trendlinie "
              "(mindestens {min} nötig).",
        "en": "Too few areas with both values for r and a trend line (at least {min} "
              "needed).",
    },
    "relation.constant": {
        "de": "r ist nicht bestimmbar: ein Indikator hat in allen Gebieten denselben Wert.",
        "en": "r cannot be computed: one indicator has the same value in every area.",
    },
    "relation.left_out": {"de": "{n} Gebiete ohne Wert ausgelassen",
                          "en": "{n} areas without a value left out"},
    "relation.left_out_one": {"de": "1 Gebiet ohne Wert ausgelassen",
                              "en": "1 area without a value left out"},
    "relation.left_out_secret": {"de": ", davon {n} geheim gehalten",
                                 "en": ", {n} of them withheld for confidentiality"},
    "relation.out_of_scope": {
        "de": "{n} Gebiete fehlen, weil Sie einen der Indikatoren dort nicht sehen dürfen.",
        "en": "{n} areas are missing because you may not view one of the indicators "
              "there.",
    },
    "relation.no_residents": {
        "de": "Für diesen Zeitraum und diese Ebene gibt es keine Einwohnerzahlen; "
              "alle Punkte sind gleich groß.",
        "en": "There are no resident numbers for this period and level; all points have "
              "the same size.",
    },
    "relation.no_common": {
        "de": "Die beiden Indikatoren haben keinen gemeinsamen Zeitraum auf einer "
              "Gebietsebene unterhalb der Gesamtstadt.",
        "en": "The two indicators share no period on an area level below the whole "
              "municipality.",
    },
    "relation.caution": {
        "de": "Ein Zusammenhang zeigt, dass Werte gemeinsam variieren – nicht, dass das "
              "eine das andere verursacht.",
        "en": "A relationship shows that values vary together – not that one causes the "
              "other.",
    },
})


class Column:
    """One indicator's values of one level and period as the gate released them for a
    scope, by area code (kept by `Gate.answer` per data version and scope)."""

    def __init__(self, rows: list[ValueRow]) -> None:
        # A new area's converted past belongs to its series, not to this period's areas.
        self.cells = {r.area_code: Cell(r.area_name, None if r.suppressed else r.value,
                                        bool(r.suppressed))
                      for r in rows if not r.converted}
        # The cells, their shown values and texts, and the pairs made with other columns.
        self.nbytes = 480 * len(self.cells)
        # The pairs with another column, their fit and label places, by the other
        # indicator's id (kept with the other column, so a new answer of it is not
        # mistaken for the old one): a highlight, the bubbles or the language then only
        # assemble the figure.
        self._relations: dict[str, tuple[Column, Relation]] = {}
        self._shown: dict[str, float] | None = None
        self._texts: dict[str, dict[str, str]] = {}

    def shown(self) -> dict[str, float]:
        """The shown values by area (none withheld or missing)."""
        if self._shown is None:
            self._shown = {code: float(cell.value) for code, cell in self.cells.items()
                           if not cell.suppressed and cell.value is not None}
        return self._shown

    def shown_texts(self, decimals: int, lang: str) -> dict[str, str]:
        """The shown values formatted (no unit), by area, per language."""
        texts = self._texts.get(lang)
        if texts is None:
            shown = self.shown()
            texts = dict(zip(shown, format_values(np.fromiter(shown.values(), float,
                                                              len(shown)), "", decimals,
                                                  lang), strict=True))
            self._texts[lang] = texts
        return texts

    def relation(self, other_id: str, other: Column,
                 areas: Callable[[], tuple[list[str], int]]) -> Relation:
        """The pairs of this column (x) with `other` (y) over the areas `areas()` gives
        (with the number of areas out of either scope), their fit and label places;
        made once per pair of columns."""
        known = self._relations.get(other_id)
        if known is not None and known[0] is other:
            return known[1]
        codes, out_of_scope = areas()
        pairs = pair(self.cells, other.cells, codes)
        made = Relation(pairs, pairs.fit(), label_positions(pairs.x, pairs.y, pairs.names)
                        if pairs.n <= LABEL_MAX else None, out_of_scope, {})
        # A few partners per indicator: at 11,000 areas one relation holds some MB (its
        # options, texts and base trace), which the gate's byte budget does not see.
        if len(self._relations) >= 4:
            self._relations.clear()
        self._relations[other_id] = (other, made)
        return made


class Relation(NamedTuple):
    """Two columns paired: the pairs, r and the line, and the label places."""

    pairs: Pairs
    fit: Fit
    places: list[str] | None
    out_of_scope: int  # areas where the viewer may not see one of the two
    memo: dict

    def options(self) -> list[dict[str, str]]:
        """The area picker's options: the drawn areas by name."""
        found = self.memo.get("options")
        if found is None:
            found = sorted(({"label": name, "value": code} for code, name in
                            zip(self.pairs.codes, self.pairs.names, strict=True)),
                           key=lambda o: o["label"].casefold())
            self.memo["options"] = found
        return found

    def texts(self, x_ind: Indicator, y_ind: Indicator, lang: str
              ) -> tuple[list[str], list[str]]:
        """The x and y values formatted (the figure adds the units), per language."""
        found = self.memo.get(lang)
        if found is None:
            found = (format_values(self.pairs.x, "", x_ind.decimals, lang),
                     format_values(self.pairs.y, "", y_ind.decimals, lang))
            self.memo[lang] = found
        return found


def _column(gate, viewer, indicator_id: str, level: str, period: str) -> Column:  # noqa: ANN001
    return gate.answer(viewer, indicator_id, Column, level=level, period=period,
                       key="scatter-column")


def _label(text: str, target: str) -> dbc.Label:
    return dbc.Label(text, html_for=target, className="fw-semibold small mb-1")


def _choices(x: str | None, y: str | None, period: str | None, level: str | None) -> tuple:
    """Period options and value, level options and value common to both indicators."""
    gate, viewer, lang = current_gate(), current_viewer(), current_lang()
    if not x or not y:
        return [], None, [], None
    try:
        x_periods, y_periods = gate.periods(viewer, x), gate.periods(viewer, y)
        levels = [lv for lv in gate.levels(viewer, x) if lv in gate.levels(viewer, y)]
    except GateError:
        return [], None, [], None
    periods = [p for p in x_periods if p in set(y_periods)]
    declared = gate.declared_levels()
    level_choices = level_options(levels, lang, declared, below_city=True)
    allowed_levels = [o["value"] for o in level_choices]
    if not periods or not allowed_levels:
        return [], None, [], None
    return (period_options(periods, lang), pick(period, periods, periods[-1]),
            level_choices, pick(level, allowed_levels, default_level(allowed_levels, declared)))


def _own_areas(gate, viewer) -> set[str]:  # noqa: ANN001 - Gate, Viewer
    """A district user's own area and everything below it."""
    code = getattr(viewer, "area_code", None)
    if not code:
        return set()
    return {code, *gate.areas_info().descendants.get(code, frozenset())}


class _View(NamedTuple):
    """What show_relation answers (also the layout's first drawing)."""

    figure: Any = None
    areas: list = []
    summary: Any = None
    caption: Any = None
    message: Any = None


_EMPTY = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def _summary(pairs: Pairs, fit: Fit, out_of_scope: int, lang: str,
             residents_missing: bool, x_decimals: int, y_decimals: int) -> html.Div:
    """r, n, the line and what was left out, as text (also for screen readers)."""
    lines: list[Any] = []
    n_text = t("relation.n_one" if pairs.n == 1 else "relation.n", lang,
               n=format_number(pairs.n, 0, lang))
    if fit.r is not None:
        sign = t("relation.positive" if fit.r > 0 else "relation.negative", lang)
        words = t(f"relation.words.{strength(fit.r)}", lang, sign=sign)
        lines.append(html.P([html.Strong(t("relation.r", lang, r=format_number(fit.r, 2, lang),
                                           words=words)), " · ", n_text], className="mb-1"))
    else:
        reason = "relation.too_few" if pairs.n < MIN_PAIRS else "relation.constant"
        lines.append(html.P([n_text, " · ", t(reason, lang, min=MIN_PAIRS)], className="mb-1"))
    if fit.slope is not None and fit.intercept is not None:
        places = max(x_decimals, y_decimals, 2)
        lines.append(html.P(t(
            "relation.line", lang, slope=format_number(fit.slope, places, lang),
            sign="−" if fit.intercept < 0 else "+",
            intercept=format_number(abs(fit.intercept), places, lang)),
            className="mb-1 small"))
    notes: list[str] = []
    if pairs.left_out:
        text = t("relation.left_out_one" if pairs.left_out == 1 else "relation.left_out", lang,
                 n=format_number(pairs.left_out, 0, lang))
        if pairs.secret:
            text += t("relation.left_out_secret", lang, n=format_number(pairs.secret, 0, lang))
        notes.append(text + ".")
    if out_of_scope:
        notes.append(t("relation.out_of_scope", lang, n=format_number(out_of_scope, 0, lang)))
    if residents_missing:
        notes.append(t("relation.no_residents", lang))
    for note in notes:
        lines.append(html.P(note, className="mb-1 small"))
    lines.append(html.P(t("relation.caution", lang), className="mb-0 small text-body-secondary"))
    return html.Div(lines)


def _residents(gate, viewer, level: str, period: str,  # noqa: ANN001 - Gate, Viewer
               lang: str) -> tuple[dict[str, float], dict[str, str]] | None:
    """Residents by area (shown values only) and their texts, for the bubble sizes;
    None when there are none for this level and period (or the viewer may not see
    them)."""
    try:
        column = _column(gate, viewer, RESIDENTS_INDICATOR, level, period)
    except GateError:
        return None
    if not column.shown():
        return None
    return column.shown(), column.shown_texts(0, lang)


def _prepared(gate, viewer, x: str, y: str, period: str,  # noqa: ANN001 - Gate, Viewer
              level: str) -> tuple[Indicator, Indicator, Relation]:
    """The two indicators and their pairs for this viewer; GateError when refused.

    Gate.answer decides access on every call (an unknown or hidden id is refused alike);
    only then are the indicators' descriptions read."""
    x_col = _column(gate, viewer, x, level, period)
    y_col = _column(gate, viewer, y, level, period)
    x_ind, y_ind = gate.registry.get(x), gate.registry.get(y)

    def in_both_scopes() -> tuple[list[str], int]:
        # Asked only when the pair of columns is new: x_col and y_col are the gate's
        # answers for exactly these scopes, so the areas follow from them.
        x_scope, y_scope = gate.scope(viewer, x_ind), gate.scope(viewer, y_ind)
        every = list(dict.fromkeys([*x_col.cells, *y_col.cells]))
        codes = [c for c in every if x_scope.covers(c) and y_scope.covers(c)]
        return codes, len(every) - len(codes)

    return x_ind, y_ind, x_col.relation(y, y_col, in_both_scopes)


def _picker_options(options: list[dict[str, str]], highlight: str | None
                    ) -> list[dict[str, str]]:
    """All areas for the picker, or above PICKER_MAX only the highlighted one (the
    others come as the user types: search_areas)."""
    if len(options) <= PICKER_MAX:
        return options
    return [o for o in options if o["value"] == highlight]


def relation_view(x: str, y: str, period: str, level: str, highlight: str | None,
                  bubbles: bool, *, gate: Gate | None = None, viewer: Viewer | None = None,
                  lang: str | None = None) -> _View:
    """The scatter, the area picker's options, the summary and the caption for the
    current viewer (or the one given: a saved view draws it for its viewer); a refusal
    of the gate gives its message and nothing else."""
    if gate is None:
        gate, viewer = current_gate(), current_viewer()
    lang = lang or current_lang()
    try:
        x_ind, y_ind, relation = _prepared(gate, viewer, x, y, period, level)
    except GateError as exc:
        return _View(figure=_EMPTY, message=error_notice(exc, lang))
    pairs, fit, places, out_of_scope = relation[:4]
    residents = _residents(gate, viewer, level, period, lang) if bubbles else None
    sizes, size_texts = residents if residents is not None else (None, None)
    highlight = highlight if highlight in set(pairs.codes) else None
    figure = relation_scatter(
        pairs, fit, x_title=x_ind.title(lang), y_title=y_ind.title(lang), x_unit=x_ind.unit,
        y_unit=y_ind.unit, x_decimals=x_ind.decimals, y_decimals=y_ind.decimals, lang=lang,
        highlight=highlight, own=_own_areas(gate, viewer), sizes=sizes, places=places,
        texts=relation.texts(x_ind, y_ind, lang), size_texts=size_texts,
        memo=relation.memo)
    areas = _picker_options(relation.options(), highlight)
    summary = _summary(pairs, fit, out_of_scope, lang,
                       bool(bubbles) and sizes is None, x_ind.decimals, y_ind.decimals)
    caption = html.P(
        [f"x: {x_ind.title(lang)} ({t('source', lang)}: {x_ind.source}) · ",
         f"y: {y_ind.title(lang)} ({t('source', lang)}: {y_ind.source}) · ",
         format_period(period, lang)],
        className="small text-body-secondary mb-2")
    return _View(figure=figure, areas=areas, summary=summary, caption=caption)


def _refusal(indicator_id: str | None, ids: list[str], lang: str) -> Any:
    """The gate's message for an indicator id from the URL that is not offered."""
    if indicator_id is None or indicator_id in ids:
        return None
    try:  # say why: unknown or not permitted (a hidden one reads as unknown)
        current_gate().indicator(current_viewer(), indicator_id)
    except GateError as exc:
        return error_notice(exc, lang)
    return None


def _other_topic(gate, viewer, x: str) -> str:  # noqa: ANN001 - Gate, Viewer
    """A first y for `x`: the first visible indicator of another topic (two shares of
    one population relate trivially), else x itself."""
    visible = gate.visible_indicators(viewer)
    topic = next((ind.topic for ind in visible if ind.id == x), None)
    return next((ind.id for ind in visible if ind.topic != topic and ind.kind != "index"),
                x)


def layout(x: str | None = None, y: str | None = None, period: str | None = None,
           level: str | None = None, area: str | None = None, size: str | None = None,
           **_: str) -> html.Div:
    lang = current_lang()
    gate, viewer = current_gate(), current_viewer()
    options = indicator_options(gate, viewer, lang)
    ids = [o["value"] for o in options if not o.get("disabled")]
    notice = _refusal(x, ids, lang) or _refusal(y, ids, lang)
    x = pick(x, ids, ids[0] if ids else None)
    y = pick(y, ids, _other_topic(gate, viewer, x) if x else None)
    highlight = area if isinstance(area, str) and AREA_PATTERN.match(area) else None
    bubbles = size == "1"
    period_choices, period, level_choices, level = _choices(x, y, period, level)
    first = _View()
    if notice is not None:
        pass  # a refused id: its message and nothing else (no drawing of the defaults)
    elif x and y and period and level:
        first = relation_view(x, y, period, level, highlight, bubbles)
    elif x and y:
        first = _View(message=dbc.Alert(t("relation.no_common", lang), color="info"))
    controls = [
        dbc.Col([_label(t("relation.x", lang), X),
                 dcc.Dropdown(id=X, options=options, value=x, clearable=False,
                              searchable=True)], xs=12, lg=6),
        dbc.Col([_label(t("relation.y", lang), Y),
                 dcc.Dropdown(id=Y, options=options, value=y, clearable=False,
                              searchable=True)], xs=12, lg=6),
        dbc.Col([_label(t("label.period", lang), PERIOD),
                 dcc.Dropdown(id=PERIOD, options=period_choices, value=period,
                              clearable=False)], xs=6, lg=2),
        dbc.Col([_label(t("label.level", lang), LEVEL),
                 dcc.Dropdown(id=LEVEL, options=level_choices, value=level,
                              clearable=False)], xs=6, lg=2),
        dbc.Col([_label(t("relation.pick_area", lang), HIGHLIGHT),
                 dcc.Dropdown(id=HIGHLIGHT, options=first.areas,
                              value=highlight if any(o["value"] == highlight
                                                     for o in first.areas) else None,
                              placeholder=t("relation.pick_placeholder", lang),
                              clearable=True, searchable=True)], xs=12, lg=4),
        dbc.Col(dbc.Switch(id=BUBBLES, label=t("relation.bubbles", lang), value=bubbles,
                           className="mt-lg-4 pt-lg-2"), xs=12, lg=4),
    ]
    figure = {"figure": first.figure} if first.figure is not None else {}
    return html.Div([
        html.H1(t("relation.heading", lang), className="h3"),
        notice,
        dbc.Row(controls, className="g-2 mb-2 no-print"),
        html.P(t("relation.hint", lang), className="small text-body-secondary"),
        html.Div(first.message, id=MESSAGE, role="status"),
        html.Div(first.summary, id=SUMMARY, **{"aria-live": "polite"}),
        dcc.Loading(dcc.Graph(id=GRAPH, config=graph_config(lang), style={"height": "560px"},
                              **figure)),
        html.Div(first.caption, id=CAPTION),
        dcc.Store(id=URL_SINK),
    ])


@callback(
    Output(PERIOD, "options"), Output(PERIOD, "value"),
    Output(LEVEL, "options"), Output(LEVEL, "value"),
    Input(X, "value"), Input(Y, "value"),
    State(PERIOD, "value"), State(LEVEL, "value"),
    prevent_initial_call=True,
)
@validated
def choose_period_and_level(x: Key | None, y: Key | None, period: Key | None,
                            level: Key | None) -> tuple:
    """Offer the periods and levels both indicators have; keep the choice if still valid."""
    if not x or not y:
        raise PreventUpdate
    return _choices(x, y, period, level)


@callback(
    Output(GRAPH, "figure"), Output(HIGHLIGHT, "options"), Output(SUMMARY, "children"),
    Output(CAPTION, "children"), Output(MESSAGE, "children"),
    Input(X, "value"), Input(Y, "value"), Input(PERIOD, "value"), Input(LEVEL, "value"),
    Input(HIGHLIGHT, "value"), Input(BUBBLES, "value"),
    # The layout already holds the first drawing (relation_view with its choices).
    prevent_initial_call=True,
)
@validated
def show_relation(x: Key | None, y: Key | None, period: Key | None, level: Key | None,
                  highlight: Key | None, bubbles: bool | None) -> tuple:
    """The scatter of two indicators for one period and level."""
    if not x or not y:
        raise PreventUpdate
    if not period or not level:
        gate, viewer, lang = current_gate(), current_viewer(), current_lang()
        for indicator_id in (x, y):  # a refused id says so, not "no common period"
            try:
                gate.indicator(viewer, indicator_id)
            except GateError as exc:
                return _EMPTY, [], None, None, error_notice(exc, lang)
        return _EMPTY, [], None, None, dbc.Alert(t("relation.no_common", lang), color="info")
    view = relation_view(x, y, period, level, highlight, bool(bubbles))
    # A click or the bubbles switch leaves the areas as they are: the picker keeps its
    # options (thousands for a Land's Gemeinden) instead of receiving them again.
    same_areas = bool(ctx.triggered_prop_ids) and set(ctx.triggered_prop_ids) <= {
        f"{HIGHLIGHT}.value", f"{BUBBLES}.value"} and view.message is None
    return (view.figure, no_update if same_areas else view.areas, view.summary,
            view.caption, view.message)


@callback(
    Output(HIGHLIGHT, "options", allow_duplicate=True),
    Input(HIGHLIGHT, "search_value"),
    State(X, "value"), State(Y, "value"), State(PERIOD, "value"), State(LEVEL, "value"),
    State(HIGHLIGHT, "value"),
    prevent_initial_call=True,
)
@validated
def search_areas(search: Key | None, x: Key | None, y: Key | None, period: Key | None,
                 level: Key | None, current: Key | None) -> list:
    """Above PICKER_MAX areas the picker is filled as the user types: the first
    SEARCH_MAX drawn areas whose name contains the text (and the highlighted one)."""
    if not search or not x or not y or not period or not level:
        raise PreventUpdate
    try:
        _, _, relation = _prepared(current_gate(), current_viewer(), x, y, period, level)
    except GateError:
        return []
    options = relation.options()
    if len(options) <= PICKER_MAX:
        raise PreventUpdate  # the picker holds every area already
    needle = search.casefold()
    found = [o for o in options if needle in o["label"].casefold()][:SEARCH_MAX]
    return [*found, *(o for o in options if o["value"] == current and o not in found)]


@callback(
    Output(HIGHLIGHT, "value"),
    Input(GRAPH, "clickData"),
    State(HIGHLIGHT, "value"),
    prevent_initial_call=True,
)
@validated
def choose_highlight(click: ClickData | None, current: Key | None) -> str | None:
    """The area clicked last; a second click on it clears the highlight."""
    points = (click or {}).get("points") or []
    custom = points[0].get("customdata") if points else None
    code = custom[0] if isinstance(custom, list) and custom else None
    if not isinstance(code, str) or not AREA_PATTERN.match(code):
        raise PreventUpdate
    return None if code == current else code


clientside_callback(
    """function(x, y, period, level, area, size) {
        return window.cockpitSetQuery({x: x, y: y, period: period, level: level,
                                       area: area, size: size ? "1" : null});
    }""",
    Output(URL_SINK, "data"),
    Input(X, "value"), Input(Y, "value"), Input(PERIOD, "value"), Input(LEVEL, "value"),
    Input(HIGHLIGHT, "value"), Input(BUBBLES, "value"),
)
