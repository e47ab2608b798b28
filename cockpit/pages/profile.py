"""Stadtteilprofil: every indicator the viewer may see for one area, printable on A4."""

from __future__ import annotations

import math
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import flask
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html
from pydantic import TypeAdapter, ValidationError

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Key, SeriesEntry, SparkId, bad_request, validated
from cockpit.app.components import error_notice
from cockpit.app.figures import sparkline_figure as sparkline_figure_dict
from cockpit.app.formatting import (
    MISSING,
    SUPPRESSED_MARK,
    SUPPRESSED_TOOLTIP,
    format_change,
    format_period,
    format_value,
)
from cockpit.app.i18n import register_strings, t
from cockpit.app.index_figures import class_position
from cockpit.app.level_words import (
    speaks_of_stadtteile,
    top_deviation_label,
    top_value_label,
    top_value_noun,
    within,
)
from cockpit.app.session import (
    current_gate,
    current_lang,
    current_viewer,
    graph_config,
    level_label,
)
from cockpit.app.target_status import area_targets, series_status, target_block
from cockpit.app.value_notes import until_label, value_note
from cockpit.appdb.targets import Target
from cockpit.export.links import download_bar, profile_href
from cockpit.indicators.model import Indicator
from cockpit.periods import sort_key as period_sort_key
from cockpit.periods import sort_periods
from cockpit.territory.levels import Level, Levels, demo_levels

dash.register_page(__name__, path="/profil", name="Stadtteilprofil", order=3,
                   label_key="nav.profile", label_key_areas="nav.profile_areas",
                   title="Stadtteilprofil")

AREA = "profile-area"
RAW = "profile-raw"
PRINT = "profile-print"
CONTENT = "profile-content"
URL_SINK = "profile-url"
PRINT_SINK = "profile-print-sink"
SERIES = "profile-series"
SPARK = "profile-spark"
MAX_PERIODS = 120  # bounds of the series the browser sends back for drawing
MAX_SPARKLINES = 200
SERIES_ENTRY = TypeAdapter(SeriesEntry)  # strict, see callback_inputs
BLANK_FIGURE = {"data": [], "layout": {
    "height": 40, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
    "xaxis": {"visible": False}, "yaxis": {"visible": False},
    "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
}}
FALLBACK_AREA = "01"  # the first Stadtbezirk

register_strings({
    "profile.heading": {"de": "Stadtteilprofil {name}", "en": "Area profile: {name}"},
    "profile.heading_plain": {"de": "Stadtteilprofil", "en": "Area profile"},
    "profile.heading_areas": {"de": "Gebietsprofil {name}", "en": "Area profile: {name}"},
    "profile.area": {"de": "Gebiet", "en": "Area"},
    "profile.note": {
        "de": "Datenstand {version}. Werte jeweils für den letzten verfügbaren Zeitraum "
              "({periods}); {top} für denselben Zeitraum.",
        "en": "Data as of {version}. Values for the latest available period "
              "({periods}); {top} for the same period.",
    },
    "profile.period_of": {"de": "Stand {period}", "en": "{period}"},
    # {top}: the top level's value as a noun (Stadtwert, Wert des Landes; city value)
    "profile.above": {"de": "über dem {top}", "en": "above the {top}"},
    "profile.below": {"de": "unter dem {top}", "en": "below the {top}"},
    "profile.same": {"de": "wie der {top}", "en": "same as the {top}"},
    "profile.trend": {"de": "Verlauf", "en": "Trend"},
    "profile.trend_label": {"de": "Verlauf {first} bis {last}", "en": "Trend {first} to {last}"},
    "profile.no_values": {"de": "Für dieses Gebiet liegen keine Werte vor.",
                          "en": "There are no values for this area."},
    "profile.suppressed_legend": {"de": "{mark} = {text}", "en": "{mark} = {text}"},
    "profile.index_value": {"de": "Indexwert {value}", "en": "index value {value}"},
    "profile.index_breakdown": {"de": "Warum diese Klasse? Index-Zerlegung",
                                "en": "Why this class? Index breakdown"},
    "profile.index_no_top": {
        "de": "Ein Index ordnet die Gebiete einer Ebene in Klassen; einen Vergleichswert "
              "für das Ganze gibt es nicht.",
        "en": "An index puts the areas of a level into classes; there is no value for "
              "the whole to compare with.",
    },
    "profile.index_trend": {"de": "Klasse {first} bis {last}", "en": "Class {first} to {last}"},
})


# -- pure data shaping ------------------------------------------------------------------------

class ProfileRow(NamedTuple):
    """One indicator of the profile: the area's latest value against the city.

    (A NamedTuple, not a dataclass: Dash imports page modules outside sys.modules.)
    """

    period: str
    value: float | None
    suppressed: bool
    city_value: float | None
    city_suppressed: bool
    periods: list[str]
    series: list[float | None]
    # The latest value is a partial sum or converted (cockpit/app/value_notes.py).
    marks: dict | None = None

    @property
    def deviation(self) -> float | None:
        if self.value is None or self.city_value is None:
            return None
        return self.value - self.city_value


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def profile_row(frame: pd.DataFrame | list, area: str, city: str | None) -> ProfileRow | None:
    """The area's latest known value (or suppression) and the city's value of that period.

    `frame` holds the gated rows of one indicator over all periods; None when the area
    has no row there (not computed for its level, or outside the viewer's scope).
    """
    # Plain iteration: the frame holds only this area and the city (a few dozen rows).
    mine, city_by_period = [], {}
    rows = frame.itertuples() if isinstance(frame, pd.DataFrame) else frame
    for r in rows:
        if r.area_code == area:
            mine.append(r)
        elif r.area_code == city:
            city_by_period[str(r.period)] = r
    known = [r for r in mine if bool(r.suppressed) or not pd.isna(r.value)]
    if not known:
        return None
    latest = max(known, key=lambda r: period_sort_key(str(r.period)))  # ends last
    period = str(latest.period)
    suppressed = bool(latest.suppressed)
    city_row = city_by_period.get(period)
    city_suppressed = bool(city_row.suppressed) if city_row is not None else False
    city_value = (None if city_row is None or city_suppressed else _number(city_row.value))
    periods = sort_periods({str(r.period) for r in mine} | set(city_by_period))
    by_period = {str(r.period): (None if r.suppressed else _number(r.value)) for r in mine}
    return ProfileRow(
        period=period,
        value=None if suppressed else _number(latest.value),
        suppressed=suppressed,
        city_value=city_value,
        city_suppressed=city_suppressed,
        periods=periods,
        series=[by_period.get(p) for p in periods],
        marks={name: getattr(latest, name, default) for name, default in
               (("incomplete", False), ("missing", 0), ("expected", 0), ("converted", False))},
    )


class IndexProfileRow(NamedTuple):
    """A composite index in the profile: the area's class in its latest period (its
    place among the ordered classes, not a number compared with the city's)."""

    period: str
    level: str
    klass: int  # -1: "ohne Zuordnung" (or a suppressed component)
    label: str
    reason: str | None
    value: float | None
    suppressed: bool
    periods: list[str]
    series: list[float | None]  # class number (1 = lowest index value) per period


def index_profile_row(rows: list) -> IndexProfileRow | None:
    """The latest of an area's index rows (`IndexRow`s of all periods, from the gate)
    and its class history; None without any row."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda r: period_sort_key(str(r.period)))
    latest = ordered[-1]
    return IndexProfileRow(
        period=str(latest.period), level=str(latest.level), klass=int(latest.klass),
        label=str(latest.label), reason=latest.reason,
        value=None if latest.suppressed else latest.value,
        suppressed=bool(latest.suppressed),
        periods=[str(r.period) for r in ordered],
        series=[float(r.klass + 1) if r.klass >= 0 else None for r in ordered],
    )


def deviation_text(delta: float | None, decimals: int, lang: str,
                   top: Level | None = None) -> str:
    """"+1,2 über dem Stadtwert", "−0,4 unter dem Stadtwert", "±0 wie der Stadtwert";
    the words name the top level `top` (the demo's Stadt when not given)."""
    change = format_change(delta, decimals, lang)
    if change == MISSING:
        return MISSING
    if change.startswith("+"):
        word = "profile.above"
    elif change.startswith("±"):
        word = "profile.same"
    else:
        word = "profile.below"
    top_noun = top_value_noun(top or demo_levels().top, lang)
    return f"{change} {t(word, lang, top=top_noun)}"


def area_options(areas: pd.DataFrame, lang: str) -> list[dict]:
    """Every area in code order (the top area, then each area followed by those within);
    an area that no longer exists says until when ("bis 31.12.2020")."""
    options = []
    for row in areas.itertuples():
        until = until_label(getattr(row, "valid_to", None), lang)
        level = level_label(row.level, lang) + (f", {until}" if until else "")
        options.append({"label": f"{row.name} ({level})", "value": row.code})
    return options


def default_area(viewer: Viewer | None, codes: list[str],
                 first_below_top: str | None = FALLBACK_AREA) -> str | None:
    """The district user's own area, else the first area of the level below the top."""
    own = viewer.area_code if viewer is not None and viewer.role == "district" else None
    for candidate in (own, first_below_top):
        if candidate in codes:
            return candidate
    return codes[0] if codes else None


def first_below_top(areas: pd.DataFrame, levels: Levels) -> str | None:
    """The first area (by code) of the level directly below the top, or None."""
    below = levels.child_of(levels.top.id)
    if below is None:
        return None
    codes = sorted(str(c) for c in areas.loc[areas["level"] == below.id, "code"])
    return codes[0] if codes else None


def version_text(version: str, lang: str) -> str:
    """A snapshot id like 20261126T074023841180Z as a date (26.11.2026); else as is."""
    try:
        stamp = datetime.strptime(version, "%Y%m%dT%H%M%S%fZ")
    except (TypeError, ValueError):
        return str(version)
    return format_period(stamp.strftime("%Y-%m-%d"), lang)


def periods_text(periods: list[str], lang: str) -> str:
    """The periods the rows refer to, most frequent first."""
    return ", ".join(format_period(p, lang) for p, _ in Counter(periods).most_common())


@lru_cache(maxsize=2048)
def _sparkline_json(periods: tuple[str, ...], values: tuple[float | None, ...],
                    direction: str) -> dict:
    # Keyed only by the data drawn, so the cache cannot carry one viewer's data to another;
    # callers pass validated values only (periods as the server writes them, at most
    # MAX_PERIODS, a known direction), so no key is larger than a few kilobytes.
    # Built as a dict (no plotly objects) and handed out as it is: Dash only serialises it.
    return sparkline_figure_dict(list(periods), list(values), direction=direction)


def series_entry(row: ProfileRow, indicator: Indicator) -> dict:
    """What the trend line of a row needs; sent with the table, drawn in a second step."""
    digits = indicator.decimals + 2
    return {"periods": row.periods,
            "values": [None if v is None else round(v, digits) for v in row.series],
            "direction": indicator.direction}


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def sparkline_figure(entry: object) -> dict:
    """Figure JSON of a series entry; a blank figure for anything malformed.

    The entry comes back from the browser, so it is checked before it can become a
    cache key: periods must look like the server's, the direction must be known, and
    there are at most MAX_PERIODS points. It only ever holds data the viewer was
    already sent. The figure is cached and shared: never change what this returns.
    """
    try:
        checked = SERIES_ENTRY.validate_python(entry)
    except ValidationError:
        return BLANK_FIGURE
    periods = tuple(checked["periods"])
    if not periods or len(periods) > MAX_PERIODS or len(checked["values"]) != len(periods):
        return BLANK_FIGURE
    values = tuple(_finite(v) for v in checked["values"])
    return _sparkline_json(periods, values, checked["direction"])


# -- components -------------------------------------------------------------------------------

def _suppressed(lang: str) -> html.Span:
    tip = SUPPRESSED_TOOLTIP[lang]
    return html.Span([html.Span(SUPPRESSED_MARK, **{"aria-hidden": "true"}),
                      html.Span(tip, className="visually-hidden")],
                     title=tip, className="profile-suppressed")


def _cell(content, label: str, className: str = "") -> html.Td:
    return html.Td(content, className=className, **{"data-label": label})


def _target_part(indicator: Indicator, row: ProfileRow, target: Target | None,
                 lang: str) -> list:
    """The area's target and its status, judged from the gated series (hidden = None)."""
    if target is None:
        return []
    status = series_status(target, row.periods, row.series, row.period, row.value)
    return [target_block(target, indicator, status, row.period, lang,
                         "small profile-target")]


def _table_row(indicator: Indicator, row: ProfileRow, area: str, city: str | None,
               lang: str, top: Level, target: Target | None = None) -> html.Tr:
    unit, decimals = indicator.unit, indicator.decimals
    value = (_suppressed(lang) if row.suppressed
             else format_value(row.value, unit, decimals, lang))
    note = value_note(row.marks or {}, lang) if not row.suppressed else None
    if note is not None:  # visible, not only on hover: a partial sum is no total
        value = [value, html.Div(note, className="small text-body-secondary")]
    if row.city_suppressed:
        city_value = _suppressed(lang)
    else:
        city_value = format_value(row.city_value, unit, decimals, lang)
    deviation = MISSING if area == city else deviation_text(row.deviation, decimals, lang,
                                                            top)
    trend_label = t("profile.trend_label", lang, first=format_period(row.periods[0], lang),
                    last=format_period(row.periods[-1], lang))
    trend = html.Div(
        dcc.Graph(id={"type": SPARK, "indicator": indicator.id}, figure=BLANK_FIGURE,
                  config={**graph_config(lang), "staticPlot": True, "displayModeBar": False,
                          "responsive": False},
                  style={"height": "40px", "width": "140px"}),
        role="img", className="profile-spark", **{"aria-label": trend_label},
    )
    return html.Tr([
        html.Th([html.Span(indicator.title(lang), className="profile-title"),
                 html.Span(t("profile.period_of", lang, period=format_period(row.period, lang)),
                           className="profile-meta"),
                 *_target_part(indicator, row, target, lang)],
                scope="row", className="profile-indicator"),
        _cell(value, t("col.value", lang), "profile-num profile-value"),
        _cell(city_value, top_value_label(top, lang), "profile-num"),
        _cell(deviation, top_deviation_label(top, lang), "profile-num"),
        _cell(trend, t("profile.trend", lang), "profile-trend"),
    ], className="profile-row", **{"data-indicator": indicator.id})


def _index_table_row(index: Indicator, row: IndexProfileRow, area: str, lang: str,
                     top: Level) -> html.Tr:
    """A composite index: its class as text with its place among the ordered classes
    and, where the value means something, the index value; no value of the whole to
    compare with; a link to the Index-Zerlegung of this area and period."""
    classes = tuple(index.classes)  # type: ignore[attr-defined]
    if row.suppressed:
        value: object = _suppressed(lang)
    elif row.klass < 0:
        value = [html.Span(row.label, className="profile-class"),
                 html.Div(row.reason, className="small text-body-secondary")
                 if row.reason else None]
    else:
        value = [html.Span(class_position(row.klass, classes, lang),
                           className="profile-class fw-semibold")]
        if getattr(index, "index_kind", "status") != "combined" and row.value is not None:
            value.append(html.Div(t("profile.index_value", lang, value=format_value(
                row.value, "", index.decimals, lang).strip()),
                className="small text-body-secondary"))
    query = urlencode({"index": index.id, "level": row.level, "period": row.period,
                       "area": area})
    root = flask.request.script_root if flask.has_request_context() else ""
    no_top = t("profile.index_no_top", lang)
    trend_label = t("profile.index_trend", lang, first=format_period(row.periods[0], lang),
                    last=format_period(row.periods[-1], lang))
    trend = html.Div(
        dcc.Graph(id={"type": SPARK, "indicator": index.id}, figure=BLANK_FIGURE,
                  config={**graph_config(lang), "staticPlot": True, "displayModeBar": False,
                          "responsive": False},
                  style={"height": "40px", "width": "140px"}),
        role="img", className="profile-spark", **{"aria-label": trend_label},
    )
    return html.Tr([
        html.Th([html.Span(index.title(lang), className="profile-title"),
                 html.Span(t("profile.period_of", lang, period=format_period(row.period, lang)),
                           className="profile-meta"),
                 html.Div(dcc.Link(t("profile.index_breakdown", lang),
                                   href=f"{root}/index-zerlegung?{query}"),
                          className="small no-print")],
                scope="row", className="profile-indicator"),
        _cell(value, t("col.value", lang), "profile-num profile-value"),
        _cell(html.Span(MISSING, title=no_top), top_value_label(top, lang), "profile-num"),
        _cell(html.Span(MISSING, title=no_top), top_deviation_label(top, lang),
              "profile-num"),
        _cell(trend, t("profile.trend", lang), "profile-trend"),
    ], className="profile-row profile-index", **{"data-indicator": index.id})


def _table(rows: list[html.Tr], heading_id: str, lang: str, top: Level) -> html.Table:
    head = html.Thead(html.Tr([
        html.Th(t("col.indicator", lang), scope="col"),
        html.Th(t("col.value", lang), scope="col", className="profile-num"),
        html.Th(top_value_label(top, lang), scope="col", className="profile-num"),
        html.Th(top_deviation_label(top, lang), scope="col", className="profile-num"),
        html.Th(t("profile.trend", lang), scope="col"),
    ]))
    return html.Table([head, html.Tbody(rows)], className="table table-sm profile-table",
                      **{"aria-labelledby": heading_id})


def _error(exc: GateError, lang: str) -> list:
    return [html.H1(t("profile.heading_plain", lang), className="h3"), error_notice(exc, lang)]


class _KeptProfiles:
    """The profiles a worker built last, least recently used dropped first."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.kept: OrderedDict[tuple, list] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], list]) -> list:
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
                return found
        made = make()
        with self.lock:
            self.kept[key] = made
            while len(self.kept) > self.entries:
                self.kept.popitem(last=False)
        return made


# Per gate (one per app), so no installation's profile can answer for another's.
_PROFILES: weakref.WeakKeyDictionary[Gate, _KeptProfiles] = weakref.WeakKeyDictionary()
_PROFILES_KEPT = 32


def profile_content(gate: Gate, viewer: Viewer | None, area: str | None, lang: str) -> list:
    """H1, data note and one table per topic of every indicator with a value for `area`.

    Kept per data version, area, language, the targets of the area and the viewer's
    scope of every indicator it may see: everything the content follows from, so two
    viewers share a profile only where they would get the same one (a committee opening
    the same Stadtteil). Raw views are built and audited every time.
    """
    if viewer is None or viewer.wants_raw:
        return _profile_content(gate, viewer, area, lang)
    try:
        checked = gate.check_area(area)  # type: ignore[arg-type]
        version = gate.data_version
        scopes = tuple((ind.id, scope.allowed, scope.areas)
                       for ind in gate.visible_indicators(viewer)
                       for scope in (gate.scope(viewer, ind),))
    except GateError:
        return _profile_content(gate, viewer, area, lang)  # says what is wrong
    targets = area_targets(gate, checked)
    # The graphs' config names the app's URL prefix (graph_config).
    prefix = flask.request.script_root if flask.has_request_context() else ""
    key = (version, checked, lang, prefix, scopes,
           tuple(sorted((k, repr(v)) for k, v in targets.items())))
    with _PROFILES_LOCK:
        kept = _PROFILES.setdefault(gate, _KeptProfiles(_PROFILES_KEPT))
    return kept.get(key, lambda: _profile_content(gate, viewer, checked, lang, targets))


_PROFILES_LOCK = threading.Lock()


def _profile_content(gate: Gate, viewer: Viewer | None, area: str | None, lang: str,
                     targets: dict[str, Target] | None = None) -> list:
    try:
        area = gate.check_area(area)  # type: ignore[arg-type]
        areas = gate.all_areas(viewer).set_index("code")  # an old area keeps its profile
        indicators = gate.visible_indicators(viewer)
        version = gate.data_version
        levels = gate.declared_levels()
    except GateError as exc:
        return _error(exc, lang)
    top = levels.top  # the whole municipality: every row is compared with its value
    cities = areas.index[areas["level"] == top.id]
    city = str(cities[0]) if len(cities) else None
    info = areas.loc[area]
    topics = gate.registry.topics
    groups: dict[str, list[html.Tr]] = {}
    series: dict[str, dict] = {}
    periods: list[str] = []
    any_suppressed = False
    if targets is None:
        targets = area_targets(gate, area)
    for indicator in indicators:
        if indicator.kind == "index":  # a class, not a number against the city's
            try:
                index_rows = gate.index_rows(viewer, indicator.id, all_periods=True,
                                             areas=[area] if city is None else [area, city])
            except GateError:
                continue  # refused for this viewer, or no level of this area
            found = index_profile_row([r for r in index_rows if r.area_code == area])
            if found is None:
                continue
            periods.append(found.period)
            series[indicator.id] = {"periods": found.periods, "values": found.series,
                                    "direction": indicator.direction}
            any_suppressed |= found.suppressed
            groups.setdefault(indicator.topic, []).append(
                _index_table_row(indicator, found, area, lang, top))
            continue
        try:
            frame = gate.rows(viewer, indicator.id, all_periods=True,
                              areas=[area] if city is None else [area, city])
        except GateError:
            continue  # refused for this viewer: no row, no trace
        row = profile_row(frame, area, city)
        if row is None:
            continue
        periods.append(row.period)
        series[indicator.id] = series_entry(row, indicator)
        any_suppressed |= row.suppressed or row.city_suppressed
        groups.setdefault(indicator.topic, []).append(
            _table_row(indicator, row, area, city, lang, top, targets.get(indicator.id)))
    subtitle = level_label(info['level'], lang)
    parent = info["parent_code"]
    # Where the area lies, unless that is just the whole municipality.
    if isinstance(parent, str) and parent in areas.index and parent != city:
        parent_level = levels.get(areas.loc[parent, "level"]) if areas.loc[
            parent, "level"] in levels else None
        if parent_level is not None:
            subtitle = f"{subtitle} {within(parent_level, areas.loc[parent, 'name'], lang)}"
    content: list = [
        html.H1(t("profile.heading" if speaks_of_stadtteile(levels) else
                  "profile.heading_areas", lang, name=info["name"]), className="h3 mb-1"),
        html.P(subtitle, className="text-body-secondary mb-1"),
    ]
    if not groups:
        return [*content, html.P(t("profile.no_values", lang))]
    content.append(html.P(t("profile.note", lang, version=version_text(version, lang),
                            periods=periods_text(periods, lang),
                            top=top_value_noun(top, lang)),
                          className="small profile-note"))
    raw = viewer is not None and viewer.wants_raw  # the export asks the gate again
    content.append(download_bar({fmt: profile_href(area, fmt, raw)
                                 for fmt in ("pdf", "csv", "xlsx")}, lang))
    for topic, rows in groups.items():
        heading_id = f"profile-topic-{topic}"
        content.append(html.Section([
            html.H2(topics.get(topic, {}).get(lang, topic), id=heading_id,
                    className="h5 mt-3"),
            _table(rows, heading_id, lang, top),
        ], className="profile-topic"))
    if any_suppressed:
        content.append(html.P(t("profile.suppressed_legend", lang, mark=SUPPRESSED_MARK,
                                text=SUPPRESSED_TOOLTIP[lang]), className="small profile-note"))
    # The trend lines follow in a second request: the table must not wait for plotly.
    content.append(dcc.Store(id=SERIES, data=series))
    return content


# -- page -------------------------------------------------------------------------------------

def layout(area: str | None = None, raw: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    gate, viewer = current_gate(), current_viewer()
    may_raw = viewer is not None and viewer.may_view_raw
    want_raw = may_raw and raw == "1"
    try:
        areas = gate.all_areas(viewer)
    except GateError as exc:
        return html.Div(_error(exc, lang))
    codes = [str(c) for c in areas["code"]]
    chosen = (default_area(viewer, codes, first_below_top(areas, gate.declared_levels()))
              if area in (None, "") else area)
    content = profile_content(gate, current_viewer(raw=want_raw), chosen, lang)
    controls = [
        dbc.Col([dbc.Label(t("profile.area", lang), html_for=AREA,
                           className="fw-semibold small mb-1"),
                 dcc.Dropdown(id=AREA, options=area_options(areas, lang),
                              value=chosen if chosen in codes else None,
                              clearable=False, searchable=True)], xs=12, md=6, lg=4),
        dbc.Col(html.Button([html.I(className="bi bi-printer me-1", **{"aria-hidden": "true"}),
                             t("print", lang)],
                            id=PRINT, type="button", className="btn btn-outline-secondary"),
                xs=12, md="auto", className="d-flex align-items-end"),
    ]
    if may_raw:
        controls.append(dbc.Col(dbc.Switch(id=RAW, label=t("raw.toggle", lang),
                                           value=want_raw, className="mt-2"), xs=12))
    return html.Div([
        dbc.Row(controls, className="g-2 mb-3 no-print profile-controls"),
        html.Div(content, id=CONTENT, className="profile"),
        dcc.Store(id=URL_SINK),
        dcc.Store(id=PRINT_SINK),
    ], className="profile-page")


@callback(
    Output(CONTENT, "children"),
    Input(AREA, "value"),
    Input(RAW, "value", allow_optional=True),  # the switch exists for admin/controlling only
    prevent_initial_call=True,  # the layout already carries the profile of the URL's area
)
@validated
def show_profile(area: Key | None, raw: bool | None) -> list:
    return profile_content(current_gate(), current_viewer(raw=bool(raw)), area,
                           current_lang())


@callback(
    Output({"type": SPARK, "indicator": ALL}, "figure"),
    Input(SERIES, "data"),
    State({"type": SPARK, "indicator": ALL}, "id"),
)
@validated
def draw_sparklines(series: dict[Key, object] | None, ids: list[SparkId]) -> list[dict]:
    """The trend line of every row, from the series sent with the table.

    A malformed entry gets a blank figure (sparkline_figure checks each), so one bad
    row does not blank the others.
    """
    if len(ids) != len(dash.ctx.outputs_list):
        # Dash would fail on a figure count that differs from the graphs asked for.
        raise bad_request("input.outputs")
    series = series or {}
    return [sparkline_figure(series.get(key["indicator"])) if n < MAX_SPARKLINES
            else BLANK_FIGURE for n, key in enumerate(ids)]


clientside_callback(
    """function(area, raw) {
        return window.cockpitSetQuery({area: area, raw: raw ? "1" : null});
    }""",
    Output(URL_SINK, "data"),
    Input(AREA, "value"), Input(RAW, "value", allow_optional=True),
)

clientside_callback(
    """function(clicks) {
        if (clicks) { window.print(); }
        return window.dash_clientside.no_update;
    }""",
    Output(PRINT_SINK, "data"),
    Input(PRINT, "n_clicks"),
    prevent_initial_call=True,
)
