"""Plotly figures of the cockpit: pure functions from gated data to ``go.Figure`` (or, where
speed matters at 11,000 areas, the plain figure dict Dash sends anyway).

Nothing here touches Dash, Flask or the database; callbacks pass in the data frame that the
access gate released and get a figure back.  Conventions shared by all figures:

* Numbers shown to people (bar labels, hover, legend) are pre-formatted strings from
  :mod:`cockpit.app.formatting`, so German formatting does not depend on d3 formats;
  ``layout.separators`` is set as well so axis ticks follow the same locale.
* A row with ``suppressed`` true (or an unknown flag) is never read beyond code and name:
  its ``value``, ``numerator`` and ``denominator`` do not reach the figure, even when the
  caller forgot to blank them.  ``numerator`` and ``denominator`` are never read at all.
* Data go into plotly as plain Python lists (no numpy arrays, which plotly would embed as
  base64), so the figure JSON stays readable and checkable.
* Colours are colour-blind safe (ColorBrewer YlGnBu, Okabe–Ito, blue vs. vermillion) and
  fonts are at least 12 px.  The modebar and the plotly logo are configured by the caller.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cockpit.app.formatting import (
    SUPPRESSED_MARK,
    finite_number,
    format_number,
    format_period,
    format_value,
    format_values,
)
from cockpit.app.i18n import register_strings
from cockpit.app.i18n import t as t_ui
from cockpit.app.ranking import Gap, histogram, select_positions, with_gaps
from cockpit.app.value_notes import value_mark, value_note
from cockpit.periods import PeriodError, period_end, period_kind, sort_periods

__all__ = [
    "BAR_COLOUR",
    "CLASS_COLOURS",
    "HIGHLIGHT_COLOUR",
    "OKABE_ITO",
    "SUPPRESSED_COLOUR",
    "RankedRows",
    "assign_class",
    "choropleth_map",
    "class_breaks",
    "ranking_bar",
    "sparkline",
    "time_series",
]

# --- palette and typography ---------------------------------------------------------------

TEXT_COLOUR = "#1a1a1a"  # 17:1 on white
OUTLINE_COLOUR = "#636363"  # 6:1 on white: area borders, axis lines
GRID_COLOUR = "#d9d9d9"
#: Bars of the ranking (ColorBrewer Blues, 5:1 on white).
BAR_COLOUR = "#2171b5"
#: The highlighted area (Okabe–Ito vermillion, 3.9:1 on white; distinct from blue for all
#: common colour-vision deficiencies).
HIGHLIGHT_COLOUR = "#D55E00"
#: ColorBrewer YlGnBu, 5 classes (colour-blind safe, print friendly), light to dark.
CLASS_COLOURS: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Neutral grey for suppressed areas; its lightness lies between the two lightest classes.
SUPPRESSED_COLOUR = "#e3e3e3"
#: Areas without any value (not suppressed, just missing).
NO_DATA_COLOUR = "#ffffff"
#: Okabe–Ito, ordered by contrast against white so that small selections read best.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442",
)
_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "x", "star")
_DASHES = ("solid", "dash", "dot", "dashdot")
_DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
_TREND_COLOURS = {"good": "#0072B2", "bad": "#D55E00", "neutral": "#4d4d4d"}

FONT_SIZE = 14
SMALL_FONT_SIZE = 13
BAR_PX = 28

_AXIS_STYLE = {"gridcolor": GRID_COLOUR, "linecolor": OUTLINE_COLOUR,
               "zerolinecolor": OUTLINE_COLOUR, "tickfont": {"size": SMALL_FONT_SIZE},
               "title": {"font": {"size": FONT_SIZE}}, "automargin": True,
               # "250.000" instead of the English SI suffix "250k"
               "exponentformat": "none", "separatethousands": True}
_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"size": FONT_SIZE, "color": TEXT_COLOUR},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=list(OKABE_ITO),
        hoverlabel={"bgcolor": "#ffffff", "bordercolor": TEXT_COLOUR,
                    "font": {"size": FONT_SIZE, "color": TEXT_COLOUR}},
        legend={"font": {"size": SMALL_FONT_SIZE}},
        xaxis=_AXIS_STYLE,
        yaxis=_AXIS_STYLE,
    )
)

_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "city": "Stadt",
        "value": "Wert",
        "suppressed": "Geheimhaltung",
        "no_data": "keine Daten",
        "suppressed_note": f"{SUPPRESSED_MARK} = aus Gründen der Geheimhaltung nicht ausgewiesen",
        "index": "Index ({base} = 100)",
        "no_base": "kein Basiswert",
        "class": "Klasse",
        "quantile": "Klassen (Quantile)",
        "index_classes": "Klassen des Index",
        "unclassified": "ohne Zuordnung",
        "equal": "Klassen (gleiche Intervalle)",
        "year": "Jahr",
        "period": "Zeitraum",
        "empty": "Keine Daten vorhanden",
    },
    "en": {
        "city": "City",
        "value": "Value",
        "suppressed": "suppressed",
        "no_data": "no data",
        "suppressed_note": f"{SUPPRESSED_MARK} = withheld for confidentiality",
        "index": "Index ({base} = 100)",
        "no_base": "no base value",
        "class": "Class",
        "quantile": "Classes (quantiles)",
        "index_classes": "Index classes",
        "unclassified": "not classified",
        "equal": "Classes (equal intervals)",
        "year": "Year",
        "period": "Period",
        "empty": "No data available",
    },
}


def _texts(lang: str) -> dict[str, str]:
    """Return the UI strings of a language (German when unknown)."""
    return _TEXTS.get(lang, _TEXTS["de"])


def _separators(lang: str) -> str:
    """Return plotly's decimal and thousands separators for a language."""
    return ".," if lang == "en" else ",."


def _new_figure(lang: str, title: str | None) -> go.Figure:
    """Return an empty figure with the cockpit template, locale and optional title."""
    fig = go.Figure()
    fig.update_layout(template=_TEMPLATE, separators=_separators(lang))
    if title:
        fig.update_layout(title={"text": title, "x": 0, "xanchor": "left",
                                 "font": {"size": 16, "color": TEXT_COLOUR}})
    return fig


def _empty_note(fig: go.Figure, lang: str) -> None:
    """Add a centred 'no data' note to a figure."""
    fig.add_annotation(text=_texts(lang)["empty"], x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": FONT_SIZE})


# --- input rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    period: str
    value: float | None  # None when suppressed or missing
    suppressed: bool
    # incomplete, missing, expected, converted (cockpit/app/value_notes.py), if given
    marks: dict | None = None


def _is_suppressed(flag: Any) -> bool:
    """Interpret a suppression flag; an unknown (missing) flag counts as suppressed."""
    if flag is None:
        return True
    try:
        if pd.isna(flag):
            return True
    except (TypeError, ValueError):
        pass
    if isinstance(flag, str):
        return flag.strip().lower() not in ("false", "0", "no", "")
    return bool(flag)


def _rows(df: pd.DataFrame) -> list[_Row]:
    """Read the gated frame; values of suppressed rows are dropped right here."""
    missing = {"area_code", "suppressed", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"data frame lacks column(s): {', '.join(sorted(missing))}")
    codes = [str(c) for c in df["area_code"].tolist()]
    names = ([str(n) for n in df["area_name"].tolist()] if "area_name" in df.columns
             else codes)
    periods = ([str(p) for p in df["period"].tolist()] if "period" in df.columns
               else [""] * len(codes))
    marked = [c for c in ("incomplete", "missing", "expected", "converted") if c in df.columns]
    marks = (df[marked].to_dict("records") if "incomplete" in marked or "converted" in marked
             else [None] * len(codes))
    rows = []
    for code, name, period, flag, value, mark in zip(
        codes, names, periods, df["suppressed"].tolist(), df["value"].tolist(), marks,
        strict=True
    ):
        hidden = _is_suppressed(flag)
        rows.append(_Row(code, name, period, None if hidden else finite_number(value), hidden,
                         None if hidden else mark))
    return rows


def _rows_of(records: Sequence[Any]) -> list[_Row]:
    """The same as `_rows` for the gate's rows (named tuples with every value column)."""
    rows = []
    for r in records:
        hidden = _is_suppressed(r.suppressed)
        rows.append(_Row(str(r.area_code), str(r.area_name), str(r.period),
                         None if hidden else finite_number(r.value), hidden,
                         None if hidden else {"incomplete": r.incomplete, "missing": r.missing,
                                              "expected": r.expected,
                                              "converted": r.converted}))
    return rows


def _noted(text: str, row: _Row, lang: str) -> str:
    """A hover text with the row's note (partial sum, converted) on a line of its own."""
    note = value_note(row.marks, lang) if row.marks else None
    return f"{text}<br>{note}" if note else text


def _missing_text(row: _Row, lang: str) -> str:
    """Hover text of an area without a shown value."""
    t = _texts(lang)
    return f"{SUPPRESSED_MARK} {t['suppressed']}" if row.suppressed else f"– {t['no_data']}"


# --- 1. ranking -----------------------------------------------------------------------------

register_strings({
    "ranking.gap": {
        "de": "… {count} weitere Gebiete (vollständige Liste in der Tabelle)",
        "en": "… {count} more areas (full list in the table)",
    },
    "ranking.gap.one": {
        "de": "… 1 weiteres Gebiet (vollständige Liste in der Tabelle)",
        "en": "… 1 more area (full list in the table)",
    },
    "ranking.distribution": {
        "de": "Verteilung aller {count} Gebiete mit Wert",
        "en": "Distribution of all {count} areas with a value",
    },
    "ranking.areas_axis": {"de": "Anzahl Gebiete", "en": "Number of areas"},
    "ranking.bin": {"de": "{low} bis {high}: {count} Gebiete",
                    "en": "{low} to {high}: {count} areas"},
})

#: Bars of the distribution (ColorBrewer Blues, lighter than the ranking's bars).
DISTRIBUTION_COLOUR = "#6baed6"
#: Pixel height of the distribution below a long ranking, and the space between the two.
DISTRIBUTION_PX = 220
_BETWEEN_PX = 90
_TEMPLATE_DICT: dict[str, Any] = _TEMPLATE.to_plotly_json()


@dataclass(frozen=True)
class RowTexts:
    """The texts of each row for one unit, number of places and language, in the rows'
    given order: the formatted value ("–" without one), the note (partial sum,
    converted; None for a plain value) and its short mark ("¹", "²" or "")."""

    value: list[str]
    note: list[str | None]
    mark: list[str]


class RankedRows:
    """One period's gated rows of a level, column by column, with their ranking order.

    Built once per answer of the gate (cockpit/app/comparison.py keeps it per data
    version, indicator, viewer scope, level and period) or from a data frame: the
    ranking and the map then only pick rows and assemble lists. The rows keep the
    caller's order (the map lists areas in it); `order` is the ranking order (values
    first, highest on top, ties by name and code; then suppressed, then missing).
    Suppressed rows lose their numbers and marks right here, whatever the caller
    passed. Texts and map parts are kept per unit, language and method (`memo`), so an
    object must only ever hold rows that every viewer asking for it may see."""

    def __init__(self, codes: Sequence[str], names: Sequence[str], values: np.ndarray,
                 hidden: np.ndarray, marks: Mapping[str, np.ndarray] | None = None) -> None:
        n = len(codes)
        self.hidden = np.asarray(hidden, dtype=bool)
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            self.value = np.where(self.hidden | ~np.isfinite(values), np.nan, values)
        self.has_value = ~np.isnan(self.value)
        self.codes: list[str] = [str(code) for code in codes]
        self.names: list[str] = [str(name) for name in names]
        code_array = np.array(self.codes, dtype=str) if n else np.zeros(0, dtype=str)
        name_array = np.array(self.names, dtype=str) if n else np.zeros(0, dtype=str)
        marks = marks or {}
        shown = ~self.hidden
        self.incomplete = np.asarray(marks.get("incomplete", np.zeros(n, dtype=bool)),
                                     dtype=bool) & shown
        self.converted = np.asarray(marks.get("converted", np.zeros(n, dtype=bool)),
                                    dtype=bool) & shown
        self.missing = np.asarray(marks.get("missing", np.zeros(n)), dtype=np.int64)
        self.expected = np.asarray(marks.get("expected", np.zeros(n)), dtype=np.int64)
        # Values first (highest on top, ties by name and code), then suppressed, then missing.
        self.order = np.lexsort((code_array, name_array, ~self.hidden,
                                 -np.nan_to_num(self.value, nan=0.0), ~self.has_value))
        self.n_shown = int(self.has_value.sum())
        # Competition rank (1, 2, 2, 4) among the areas with a value, in ranking order.
        ranked = self.value[self.order]
        self.rank = np.where(np.isnan(ranked), 0, np.searchsorted(
            -ranked[:self.n_shown], -ranked, side="left") + 1).tolist()
        # code -> its row in the given order (the first, should a code come twice)
        self.row_of: dict[str, int] = dict(zip(reversed(self.codes), range(n - 1, -1, -1),
                                               strict=True))
        self._place = np.empty(n, dtype=np.int64)  # row -> position in the ranking
        self._place[self.order] = np.arange(n)
        self._memo: dict[tuple, Any] = {}

    @classmethod
    def of_frame(cls, df: pd.DataFrame) -> RankedRows:
        """The rows of a gated data frame (area_code, suppressed and value required;
        area_name, incomplete, missing, expected, converted optional)."""
        missing = {"area_code", "suppressed", "value"} - set(df.columns)
        if missing:
            raise ValueError(f"data frame lacks column(s): {', '.join(sorted(missing))}")
        flags = df["suppressed"]
        hidden = (flags.to_numpy(dtype=bool) if flags.dtype == bool
                  else np.array([_is_suppressed(f) for f in flags.tolist()], dtype=bool))
        values = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=float,
                                                                       na_value=np.nan)
        codes = df["area_code"].astype(str).tolist()
        names = df["area_name"].astype(str).tolist() if "area_name" in df.columns else codes
        marks = {}
        for mark in ("incomplete", "converted"):
            if mark in df.columns:
                marks[mark] = df[mark].astype(object).fillna(False).to_numpy(dtype=bool)
        for count in ("missing", "expected"):
            if count in df.columns:
                marks[count] = pd.to_numeric(df[count], errors="coerce").fillna(0).to_numpy()
        return cls(codes, names, values, hidden, marks)

    def __len__(self) -> int:
        return len(self.codes)

    def positions(self, codes: Iterable[str]) -> list[int]:
        """The ranking positions of those of `codes` that are among the rows."""
        rows = [self.row_of[code] for code in codes if code in self.row_of]
        return self._place[rows].tolist() if rows else []

    def memo(self, key: tuple, make: Callable[[], Any]) -> Any:
        """`make()` once per key (texts per language, map parts per method): two
        requests at once may both make it, and keep equal results."""
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = make()
        return found

    def texts(self, unit: str, decimals: int, lang: str) -> RowTexts:
        """The rows' value texts, notes and marks (kept per unit, places and language)."""
        return self.memo(("texts", unit, decimals, lang),
                         lambda: self._make_texts(unit, decimals, lang))

    def _make_texts(self, unit: str, decimals: int, lang: str) -> RowTexts:
        notes: list[str | None] = [None] * len(self)
        marks = [""] * len(self)
        for row in np.flatnonzero(self.incomplete | self.converted).tolist():
            fields = {"incomplete": bool(self.incomplete[row]),
                      "missing": int(self.missing[row]), "expected": int(self.expected[row]),
                      "converted": bool(self.converted[row])}
            notes[row], marks[row] = value_note(fields, lang), value_mark(fields)
        return RowTexts(format_values(self.value, unit, decimals, lang), notes, marks)

    def ranked_values(self) -> np.ndarray:
        """Every shown value, in ranking order."""
        return self.value[self.order[:self.n_shown]]


def _ranking_axes(unit: str, t: dict[str, str], x_range: list[float]) -> dict:
    return {"title": {"text": unit or t["value"]}, "range": x_range, "zeroline": True,
            "showgrid": True, "fixedrange": True}


def ranking_bar(
    df: pd.DataFrame | RankedRows,
    *,
    unit: str,
    decimals: int,
    city_value: float | None,
    highlight: str | None = None,
    lang: str = "de",
    title: str | None = None,
    city_label: str | None = None,
    own: Collection[str] = (),
) -> dict[str, Any]:
    """Horizontal ranking of areas, highest on top, suppressed areas as '·' at the bottom,
    as a plain plotly figure dict (no ``go.Figure``: its validation deep-copies every list,
    a million ``copy.deepcopy`` calls at 11,000 areas).

    `df` is the gated frame or its :class:`RankedRows` (prepared once, cheaper for
    repeated rankings). `city_value` is the top level's value (the whole municipality),
    marked as a line labelled `city_label` (the top level's name; "Stadt" when not
    given). Up to :data:`cockpit.app.ranking.FULL_MAX` areas each gets its bar; a longer
    ranking shows the top and bottom areas with their rank, the `own` areas (a district
    user's area and its sub-areas) and the highlighted one, a labelled gap for the areas
    left out, and below it the distribution of all values with the city value and the
    highlighted area marked."""
    t = _texts(lang)
    ranked = df if isinstance(df, RankedRows) else RankedRows.of_frame(df)
    city = finite_number(city_value)
    layout: dict[str, Any] = {"template": _TEMPLATE_DICT, "separators": _separators(lang)}
    if title:
        layout["title"] = {"text": title, "x": 0, "xanchor": "left",
                           "font": {"size": 16, "color": TEXT_COLOUR}}
    if len(ranked) == 0:
        layout.update(
            xaxis={"visible": False}, yaxis={"visible": False},
            annotations=[{"text": t["empty"], "x": 0.5, "y": 0.5, "xref": "paper",
                          "yref": "paper", "showarrow": False, "font": {"size": FONT_SIZE}}])
        return {"data": [], "layout": layout}

    n_total, n_shown = len(ranked), ranked.n_shown
    wanted = [*own, *([highlight] if highlight else [])]
    kept = ranked.positions(wanted)
    positions = select_positions(n_shown, n_total, kept)
    compact = len(positions) < n_total
    items = with_gaps(positions, n_total)
    texts = ranked.texts(unit, decimals, lang)
    order = ranked.order.tolist() if not compact else None

    def bold(text: str, code: str) -> str:
        return f"<b>{text}</b>" if code == highlight else text

    categories: list[str] = []
    ticks: list[str] = []
    bars: dict[str, list] = {"x": [], "y": [], "text": [], "color": [], "customdata": []}
    marks: dict[str, list] = {"y": [], "text": [], "customdata": []}
    gaps: list[tuple[str, int]] = []
    any_suppressed = False
    for item in items:
        if isinstance(item, Gap):
            key = f"…{len(gaps) + 1}"  # never an area code (codes are letters and digits)
            gaps.append((key, int(item)))
            categories.append(key)
            ticks.append("")
            continue
        row = order[item] if order is not None else int(ranked.order[item])
        code, name = ranked.codes[row], ranked.names[row]
        categories.append(code)
        has_value = bool(ranked.has_value[row])
        ticks.append(bold(f"{ranked.rank[item]}. {name}" if compact and has_value else name,
                          code))
        if has_value:
            note = texts.note[row]
            label = texts.value[row] + texts.mark[row]
            bars["x"].append(float(ranked.value[row]))
            bars["y"].append(code)
            bars["text"].append(bold(label, code))
            bars["color"].append(HIGHLIGHT_COLOUR if code == highlight else BAR_COLOUR)
            bars["customdata"].append([code, name, f"{label}<br>{note}" if note else label])
        else:
            suppressed = bool(ranked.hidden[row])
            any_suppressed |= suppressed
            marks["y"].append(code)
            marks["text"].append(bold(SUPPRESSED_MARK if suppressed else "–", code))
            marks["customdata"].append(
                [code, name, f"{SUPPRESSED_MARK} {t['suppressed']}" if suppressed
                 else f"– {t['no_data']}"])

    hover = "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>"
    data: list[dict[str, Any]] = []
    if bars["x"]:
        data.append({
            "type": "bar", "orientation": "h", "x": bars["x"], "y": bars["y"],
            "text": bars["text"], "textposition": "outside", "cliponaxis": False,
            "textfont": {"size": SMALL_FONT_SIZE, "color": TEXT_COLOUR},
            "marker": {"color": bars["color"]}, "customdata": bars["customdata"],
            "hovertemplate": hover, "name": t["value"], "showlegend": False,
        })
    if marks["y"]:
        data.append({
            "type": "scatter", "mode": "text", "x": [0] * len(marks["y"]), "y": marks["y"],
            "text": marks["text"], "textposition": "middle right",
            "textfont": {"size": 16, "color": TEXT_COLOUR}, "cliponaxis": False,
            "customdata": marks["customdata"], "hovertemplate": hover,
            "name": t["suppressed"] if any_suppressed else t["no_data"], "showlegend": False,
        })

    # x range: include zero and the city value, leave room for the outside labels.
    xs = [*bars["x"], *([city] if city is not None else [])]
    low, high = min([0.0, *xs]), max([0.0, *xs])
    span = (high - low) or 1.0
    x_range = [low - (0.18 * span if low < 0 else 0.0), high + (0.18 * span if high > 0 else 0.0)]

    top = 40 + (40 if title else 0)
    bottom = 60 + (28 if any_suppressed or (compact and ranked.hidden.any()) else 0)
    rank_px = BAR_PX * len(categories)
    annotations: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    yaxis = {"type": "category", "categoryorder": "array", "categoryarray": categories,
             "autorange": "reversed", "tickmode": "array", "tickvals": categories,
             "ticktext": ticks, "showgrid": False, "ticks": "", "title": None,
             "fixedrange": True}
    if compact:
        plot_px = rank_px + _BETWEEN_PX + DISTRIBUTION_PX
        split = (DISTRIBUTION_PX + _BETWEEN_PX) / plot_px
        yaxis["domain"] = [split, 1.0]
        line_ref = {"yref": "y domain", "y0": 0, "y1": 1}
    else:
        plot_px = rank_px
        line_ref = {"yref": "paper", "y0": 0, "y1": 1}
    for key, count in gaps:
        annotations.append({
            "x": 0, "xref": "paper", "xanchor": "left", "y": key, "yref": "y",
            "showarrow": False, "align": "left", "bgcolor": "#ffffff",
            "text": "<i>" + t_ui("ranking.gap.one" if count == 1 else "ranking.gap", lang,
                                 count=format_number(count, 0, lang)) + "</i>",
            "font": {"size": SMALL_FONT_SIZE, "color": TEXT_COLOUR},
        })
    if city is not None:
        shapes.append({"type": "line", "x0": city, "x1": city, "xref": "x", **line_ref,
                       "line": {"color": TEXT_COLOUR, "width": 2, "dash": "dash"}})
        annotations.append({
            "x": city, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
            "showarrow": False, "bgcolor": "#ffffff",
            "text": f"{city_label or t['city']}: {format_value(city, unit, decimals, lang)}",
            "font": {"size": SMALL_FONT_SIZE, "color": TEXT_COLOUR},
        })
    if bottom > 60:
        annotations.append({
            "x": 0, "xref": "paper", "xanchor": "left", "y": 0, "yref": "paper",
            "yanchor": "top", "yshift": -58, "showarrow": False, "text": t["suppressed_note"],
            "font": {"size": 12, "color": TEXT_COLOUR}, "align": "left",
        })
    layout.update(
        xaxis=_ranking_axes(unit, t, x_range), yaxis=yaxis,
        height=plot_px + top + bottom,
        margin={"l": 10, "r": 20, "t": top, "b": bottom},
        bargap=0.25, showlegend=False,
    )
    if compact:
        _add_distribution(data, layout, annotations, shapes, ranked,
                          split=split - _BETWEEN_PX / plot_px, unit=unit, decimals=decimals,
                          city=city, highlight=highlight, lang=lang)
    layout["annotations"] = annotations
    layout["shapes"] = shapes
    return {"data": data, "layout": layout}


def _add_distribution(data: list, layout: dict, annotations: list, shapes: list,
                      ranked: RankedRows, *, split: float, unit: str,
                      decimals: int, city: float | None, highlight: str | None,
                      lang: str) -> None:
    """A histogram of every shown value below the ranking (x2/y2), binned here so the
    figure carries 40 counts, not thousands of values; only values the viewer may see
    (suppressed rows are NaN by now) are counted."""
    t = _texts(lang)
    edges, counts, hover = ranked.memo(("distribution", unit, decimals, lang),
                                       lambda: _binned(ranked, unit, decimals, lang))
    if counts:
        data.append({
            "type": "bar", "x": [(lo + hi) / 2 for lo, hi in zip(edges, edges[1:],
                                                                  strict=False)],
            "y": counts, "width": [hi - lo for lo, hi in zip(edges, edges[1:], strict=False)],
            "xaxis": "x2", "yaxis": "y2", "marker": {"color": DISTRIBUTION_COLOUR,
                                                     "line": {"color": "#ffffff", "width": 1}},
            "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
            "name": t_ui("ranking.areas_axis", lang), "showlegend": False,
        })
    layout["xaxis2"] = {"anchor": "y2", "domain": [0, 1], "title": {"text": unit or t["value"]},
                        "showgrid": True, "fixedrange": True, "zeroline": False}
    layout["yaxis2"] = {"anchor": "x2", "domain": [0, max(split, 0.0)], "fixedrange": True,
                        "title": {"text": t_ui("ranking.areas_axis", lang)}, "showgrid": True,
                        "rangemode": "tozero"}
    annotations.append({
        "x": 0, "xref": "paper", "xanchor": "left", "y": split, "yref": "paper",
        "yanchor": "bottom", "yshift": 8, "showarrow": False,
        "text": "<b>" + t_ui("ranking.distribution", lang,
                             count=format_number(ranked.n_shown, 0, lang)) + "</b>",
        "font": {"size": FONT_SIZE, "color": TEXT_COLOUR},
    })
    marked = []
    if city is not None:
        marked.append((city, TEXT_COLOUR, "dash", t["city"]))
    row = ranked.row_of.get(highlight) if highlight is not None else None
    if row is not None and ranked.has_value[row]:
        marked.append((float(ranked.value[row]), HIGHLIGHT_COLOUR, "solid", ranked.names[row]))
    for x, colour, dash, label in marked:
        shapes.append({"type": "line", "x0": x, "x1": x, "xref": "x2", "yref": "y2 domain",
                       "y0": 0, "y1": 1, "line": {"color": colour, "width": 2, "dash": dash}})
        annotations.append({"x": x, "xref": "x2", "y": 1, "yref": "y2 domain",
                            "yanchor": "bottom", "showarrow": False, "text": label,
                            "bgcolor": "#ffffff",
                            "font": {"size": SMALL_FONT_SIZE, "color": colour}})


def _binned(ranked: RankedRows, unit: str, decimals: int,
            lang: str) -> tuple[list[float], list[int], list[str]]:
    """The distribution's bin edges, counts and hover texts."""
    edges, counts = histogram(ranked.ranked_values())
    hover = [t_ui("ranking.bin", lang, low=low, high=high, count=format_number(count, 0, lang))
             for low, high, count in zip(format_values(np.array(edges[:-1]), unit, decimals,
                                                       lang),
                                         format_values(np.array(edges[1:]), unit, decimals,
                                                       lang), counts, strict=False)]
    return edges, counts, hover


# --- 2. classes -----------------------------------------------------------------------------


def class_breaks(values: Sequence[float] | np.ndarray, method: str = "quantile",
                 k: int = 5) -> list[float]:
    """Return ascending class bounds (min..max) by quantiles or equal intervals (a numpy
    float array is read without a Python loop)."""
    if method not in ("quantile", "equal"):
        raise ValueError(f"unknown classification method {method!r}")
    if k < 1:
        raise ValueError("k must be at least 1")
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        finite = values[np.isfinite(values)].astype(float)
    else:
        finite = np.array([f for f in (finite_number(v) for v in values) if f is not None],
                          dtype=float)
    if not finite.size:
        return []
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        return [low, high]  # one degenerate class
    distinct = np.unique(finite).tolist()
    classes = min(k, len(distinct))  # never more classes than distinct values
    if method == "equal":
        step = (high - low) / classes
        bounds = [low + i * step for i in range(classes)] + [high]
    elif len(distinct) <= k:
        # One class per distinct value, split half-way between neighbours.
        bounds = [low, *((a + b) / 2 for a, b in zip(distinct, distinct[1:], strict=False)),
                  high]
    else:
        quantiles = np.quantile(finite, np.linspace(0.0, 1.0, k + 1))
        bounds = [low, *(float(q) for q in quantiles[1:-1]), high]
    result: list[float] = []
    for bound in bounds:  # ties collapse: fewer classes, never duplicate bounds
        if not result or bound > result[-1]:
            result.append(float(bound))
    if result[-1] < high:
        result[-1] = high
    return result


def assign_class(value: float | None, breaks: Sequence[float]) -> int | None:
    """Return the 0-based class of a value (upper bounds inclusive, min in class 0)."""
    number = finite_number(value)
    if number is None or len(breaks) < 2:
        return None
    last = len(breaks) - 1
    # Class i spans (breaks[i], breaks[i+1]], class 0 also holds breaks[0]; values outside
    # the range are clamped to the first or last class.
    return bisect_left(list(breaks), number, 1, last) - 1


def _class_colours(n: int) -> list[str]:
    """Pick n colours spread over the 5-class palette (all five for five classes)."""
    if n <= 0:
        return []
    if n == 1:
        return [CLASS_COLOURS[2]]
    top = len(CLASS_COLOURS) - 1
    return [CLASS_COLOURS[round(i * top / (n - 1))] for i in range(n)]


def index_colours(n: int) -> list[str]:
    """Colours of an index's n ordered classes, colour-blind safe: the 5-class
    ColorBrewer palette up to five, viridis sampled beyond (e.g. 12 status x dynamics
    groups), both ordered light to dark or dark to light without a hue reversal."""
    if n <= len(CLASS_COLOURS):
        return _class_colours(n)
    from plotly.colors import sample_colorscale

    return sample_colorscale("Viridis", [1 - i / (n - 1) for i in range(n)])


def _stepped_colourscale(colours: Sequence[str]) -> list[list[Any]]:
    """A colourscale with a hard step per class, for z = class index and zmin/zmax ±0.5."""
    n = len(colours)
    scale: list[list[Any]] = []
    for i, colour in enumerate(colours):
        scale.append([i / n, colour])
        scale.append([(i + 1) / n, colour])
    return scale


def _class_labels(breaks: Sequence[float], *, unit: str, decimals: int, lang: str,
                  with_unit: bool) -> list[str]:
    """Legend texts of the classes, e.g. '12,3 – 15,0 %'."""

    def upper(value: float) -> str:
        if with_unit:
            return format_value(value, unit, decimals, lang)
        return format_number(value, decimals=decimals, lang=lang)

    if len(breaks) == 2 and breaks[0] == breaks[1]:
        return [upper(breaks[0])]
    return [f"{format_number(lo, decimals=decimals, lang=lang)} – {upper(hi)}"
            for lo, hi in zip(breaks, breaks[1:], strict=False)]


def _wrap(text: str, width: int = 14) -> str:
    """Break a short text into <br>-separated lines of about `width` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


# --- 3. map -------------------------------------------------------------------------------

# The cockpit template as plain JSON, built once: the map is a dict, not a go.Figure.
_TEMPLATE_JSON: dict[str, Any] = _TEMPLATE.to_plotly_json()
# The template of the figures built as dicts (time series, sparklines): one object shared
# by all of them, never copied or changed (Dash only serialises it).
_TEMPLATE_SHARED = _TEMPLATE_JSON
_MAP_LINE = {"color": OUTLINE_COLOUR, "width": 0.8}
# The area's name comes from the geometry (`properties.name`), so the figure carries only
# codes, classes and value texts; plotly puts a feature's properties into its hover data.
_NAME = "<b>%{properties.name}</b>"


def _map_trace(geometry_url: str, codes: list[str], z: list[int], *, zmin: float,
               zmax: float, colourscale: list[list[Any]], line: dict[str, Any], name: str,
               hover: str, customdata: list[str] | None = None,
               showlegend: bool = False) -> dict[str, Any]:
    """One choropleth trace over the shared geometry URL (plotly fetches it once)."""
    trace: dict[str, Any] = {
        "type": "choropleth", "geojson": geometry_url, "featureidkey": "properties.code",
        "locations": codes, "z": z, "zmin": zmin, "zmax": zmax, "colorscale": colourscale,
        "showscale": False, "marker": {"line": line}, "name": name,
        "showlegend": showlegend, "hovertemplate": hover,
    }
    if customdata is not None:
        trace["customdata"] = customdata
    return trace


def choropleth_map(
    df: pd.DataFrame | RankedRows,
    geometry_url: str,
    *,
    unit: str,
    decimals: int,
    method: str = "quantile",
    highlight: str | None = None,
    lang: str = "de",
    title: str | None = None,
    classes: Sequence[str] | None = None,
    class_of: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Choropleth map with 5 discrete colour classes, suppressed areas in neutral grey.

    `df` is the gated frame or its :class:`RankedRows` (which keeps the map's classes and
    texts per method and language, so only the highlight is added per call).
    For a composite index, `classes` are its ordered class labels and `class_of` each
    area's class (-1: "ohne Zuordnung"): the legend is then the index's own classes, in
    their order, instead of classes computed from the values.
    `geometry_url` is the versioned address of the level's FeatureCollection
    (cockpit/api/geometry.py, `properties.code` and `properties.name`); the figure holds
    that URL in every trace instead of the geometry, so a callback carries values only and
    the browser fetches the boundaries once per level, period and data version. The figure
    is a plain dict: go.Figure would validate and deep-copy every list at 11,000 areas."""
    if not isinstance(geometry_url, str) or not geometry_url:
        raise ValueError("geometry_url must be the URL of the geometry route")
    ranked = df if isinstance(df, RankedRows) else RankedRows.of_frame(df)
    index_classes = tuple(classes) if classes is not None else None
    base = ranked.memo(("map", geometry_url, unit, decimals, method, lang, title,
                        index_classes),
                       lambda: _map_base(ranked, geometry_url, unit=unit, decimals=decimals,
                                         method=method, lang=lang, title=title,
                                         classes=index_classes, class_of=class_of))
    traces = base.traces
    row = ranked.row_of.get(highlight) if highlight is not None else None
    if row is not None:
        # A white halo under a black line keeps the outline visible on light and dark classes.
        hover = _escape_template(base.hover(row))
        traces = [*traces, *(_map_trace(
            geometry_url, [highlight], [0], zmin=0, zmax=1,
            colourscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            line={"color": colour, "width": width}, name=ranked.names[row],
            hover=f"{_NAME}<br>{hover}<extra></extra>")
            for colour, width in (("#ffffff", 6), ("#000000", 3)))]
    return {"data": traces, "layout": base.layout}


@dataclass(frozen=True)
class _MapBase:
    """The map of one method and language without a highlight: its traces and layout,
    and what a highlighted area's hover needs (class per row, class lines, texts)."""

    traces: list[dict[str, Any]]
    layout: dict[str, Any]
    classes: np.ndarray  # class per row, -1 without a value
    class_lines: list[str]
    value_texts: list[str]
    missing_texts: tuple[str, str]  # suppressed, no data

    def hover(self, row: int) -> str:
        """The hover lines below the name of one row's area."""
        c = int(self.classes[row])
        if c >= 0:
            return f"{self.value_texts[row]}<br>{self.class_lines[c]}"
        return self.missing_texts[0 if self.value_texts[row] is None else 1]


def _map_base(ranked: RankedRows, geometry_url: str, *, unit: str, decimals: int,
              method: str, lang: str, title: str | None,
              classes: Sequence[str] | None = None,
              class_of: Mapping[str, int] | None = None) -> _MapBase:
    t = _texts(lang)
    texts = ranked.texts(unit, decimals, lang)
    traces: list[dict[str, Any]] = []
    shown = np.flatnonzero(ranked.has_value)
    classes_of_rows = np.full(len(ranked), -1, dtype=np.int64)
    class_lines: list[str] = []
    # The hover text of a shown row (value and note); None marks a suppressed row.
    hover_texts: list[Any] = [None if hidden else "" for hidden in ranked.hidden.tolist()]
    codes = ranked.codes
    no_data = ~ranked.hidden & ~ranked.has_value
    unclassified = np.zeros(len(ranked), dtype=bool)
    index_class = None
    if classes is not None:  # a composite index: its own ordered classes
        of = class_of or {}
        index_class = np.array([of.get(code, -1) for code in codes], dtype=np.int64)
        unclassified = no_data & (index_class < 0)
        no_data = no_data & ~unclassified

    if shown.size:
        values = ranked.value[shown]
        if classes is not None and index_class is not None:
            n = len(classes)
            scale = _stepped_colourscale(index_colours(n))
            labels = list(classes)
            classes_of_rows[shown] = np.maximum(index_class[shown], 0)
            bar_title = t["index_classes"]
        else:
            breaks = class_breaks(values, method, k=len(CLASS_COLOURS))
            n = max(len(breaks) - 1, 1)
            scale = _stepped_colourscale(_class_colours(n))
            short_unit = len(unit) <= 6
            labels = _class_labels(breaks, unit=unit, decimals=decimals, lang=lang,
                                   with_unit=short_unit)
            # Class i spans (breaks[i], breaks[i+1]], class 0 also holds the minimum (as
            # assign_class, for all values at once).
            inner = np.asarray(breaks[1:len(breaks) - 1], dtype=float)
            classes_of_rows[shown] = (np.searchsorted(inner, values, side="left")
                                      if len(breaks) >= 2 else 0)
            bar_title = t["quantile" if method == "quantile" else "equal"]
            if unit and not short_unit:
                bar_title += "<br>" + _wrap(unit)
        colourbar = {
            "title": {"text": bar_title, "side": "top", "font": {"size": SMALL_FONT_SIZE}},
            "tickmode": "array",
            "tickvals": list(range(n)),
            "ticktext": labels,
            "tickfont": {"size": SMALL_FONT_SIZE},
            "ticks": "",
            "outlinecolor": OUTLINE_COLOUR,
            "outlinewidth": 1,
            "thickness": 18,
            "len": min(0.9, (0.18 if n <= 5 else 0.07) * n + 0.1),
            "y": 1,
            "yanchor": "top",
        }
        for row in shown.tolist():
            note = texts.note[row]
            hover_texts[row] = (f"{texts.value[row]}<br>{note}" if note
                                else texts.value[row])
        class_lines = [f"{t['class']}: {label}" for label in labels]
        # One trace per class: the class label sits once in the trace's hover template
        # instead of once per area; all share one colour scale, so the colours are those
        # of a single trace with z = class, and the first carries the colour bar.
        for c in range(n):
            members = np.flatnonzero(classes_of_rows == c).tolist()
            if not members:
                continue
            trace = _map_trace(
                geometry_url, [codes[r] for r in members], [c] * len(members), zmin=-0.5,
                zmax=n - 0.5, colourscale=scale, line=_MAP_LINE, name=t["value"],
                hover=f"{_NAME}<br>%{{customdata}}<br>{_escape_template(class_lines[c])}"
                      "<extra></extra>",
                customdata=[hover_texts[r] for r in members])
            if not traces:
                trace["showscale"] = True
                trace["colorbar"] = colourbar
            traces.append(trace)

    missing_texts = (f"{SUPPRESSED_MARK} {t['suppressed']}", f"– {t['no_data']}")
    for group, colour, label, text in (
        (ranked.hidden, SUPPRESSED_COLOUR, f"{SUPPRESSED_MARK} {t['suppressed']}",
         missing_texts[0]),
        (no_data, NO_DATA_COLOUR, f"– {t['no_data']}", missing_texts[1]),
        (unclassified, NO_DATA_COLOUR, f"○ {t['unclassified']}", t["unclassified"]),
    ):
        members = np.flatnonzero(group).tolist()
        if not members:
            continue
        traces.append(_map_trace(
            geometry_url, [codes[r] for r in members], [0] * len(members), zmin=0, zmax=1,
            colourscale=[[0, colour], [1, colour]], line=_MAP_LINE, name=label,
            hover=f"{_NAME}<br>{_escape_template(text)}<extra></extra>", showlegend=True))

    layout: dict[str, Any] = {
        "template": _TEMPLATE_JSON,
        "separators": _separators(lang),
        "geo": {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"},
                "bgcolor": "rgba(0,0,0,0)", "showframe": False},
        "margin": {"l": 0, "r": 0, "t": 50 if title else 10, "b": 10},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top",
                   "font": {"size": SMALL_FONT_SIZE}},
        "dragmode": False,
    }
    if title:
        layout["title"] = {"text": title, "x": 0, "xanchor": "left",
                           "font": {"size": 16, "color": TEXT_COLOUR}}
    if not len(ranked):
        layout["annotations"] = [{"text": t["empty"], "x": 0.5, "y": 0.5, "xref": "paper",
                                  "yref": "paper", "showarrow": False,
                                  "font": {"size": FONT_SIZE}}]
    return _MapBase(traces, layout, classes_of_rows, class_lines, hover_texts, missing_texts)


def _escape_template(text: str) -> str:
    """A fixed text inside a hover template: plotly would read `%{` as a variable."""
    return text.replace("%{", "%\u200b{")


# --- 4. sparkline -----------------------------------------------------------------------------


def _trend(values: Sequence[float | None], direction: str) -> str:
    """'good', 'bad' or 'neutral' for the change between the last two known values."""
    known = [v for v in values if v is not None]
    if direction == "neutral" or len(known) < 2 or known[-1] == known[-2]:
        return "neutral"
    rising = known[-1] > known[-2]
    return "good" if rising == (direction == "higher_is_better") else "bad"


def sparkline(periods: list[str], values: list[float | None], *, direction: str) -> go.Figure:
    """Tiny line without axes; gaps stay gaps, the last known point is marked."""
    return go.Figure(sparkline_figure(periods, values, direction=direction))


def sparkline_figure(periods: list[str], values: list[float | None], *,
                     direction: str) -> dict[str, Any]:
    """The figure of `sparkline` as the dict plotly would serialise, built directly:
    no plotly objects, no validation or deep copies (a profile draws ~35 of them per
    request). The template is shared, never copied: nothing may change the result."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    if len(periods) != len(values):
        raise ValueError("periods and values differ in length")
    xs = [str(p) for p in periods]
    ys = [finite_number(v) for v in values]
    data: list[dict[str, Any]] = [{
        "cliponaxis": False, "connectgaps": False, "hoverinfo": "skip",
        "line": {"color": "#4d4d4d", "width": 1.5}, "mode": "lines", "x": xs, "y": ys,
        "type": "scatter"}]
    last = next((i for i in range(len(ys) - 1, -1, -1) if ys[i] is not None), None)
    if last is not None:
        data.append({
            "cliponaxis": False, "hoverinfo": "skip",
            "marker": {"color": _TREND_COLOURS[_trend(ys, direction)], "line": {"width": 0},
                       "size": 6},
            "mode": "markers", "x": [xs[last]], "y": [ys[last]], "type": "scatter"})
    yaxis: dict[str, Any] = {}
    known = [y for y in ys if y is not None]
    if known:
        low, high = min(known), max(known)
        pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
        yaxis["range"] = [low - pad, high + pad]
    yaxis.update(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    layout = {
        "template": _TEMPLATE_SHARED, "separators": _separators("de"), "height": 40,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False, "dragmode": False, "hovermode": False, "yaxis": yaxis,
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": xs,
                  "range": [-0.5, max(len(xs), 1) - 0.5], "visible": False,
                  "showgrid": False, "zeroline": False, "fixedrange": True},
    }
    return {"data": data, "layout": layout}


# --- 5. time series ---------------------------------------------------------------------------


def _kind(period: str) -> str:
    """The period type; anything the cockpit does not know is placed like a category."""
    try:
        return period_kind(period)
    except PeriodError:
        return "year"


def time_series(
    df: pd.DataFrame,
    *,
    unit: str,
    decimals: int,
    index_base: str | None = None,
    lang: str = "de",
    title: str | None = None,
) -> go.Figure:
    """One line per area over all periods; gaps stay gaps, optionally indexed to a base."""
    return go.Figure(time_series_figure(df, unit=unit, decimals=decimals,
                                        index_base=index_base, lang=lang, title=title))


def time_series_figure(
    df: pd.DataFrame | Sequence[Any],
    *,
    unit: str,
    decimals: int,
    index_base: str | None = None,
    lang: str = "de",
    title: str | None = None,
) -> dict[str, Any]:
    """The figure of `time_series` as the dict plotly would serialise, built directly
    (plotly's objects validated and deep-copied every trace: ~60 % of the callback).
    `df` may also be the gate's rows (named tuples with the value columns)."""
    t = _texts(lang)
    rows = _rows(df) if isinstance(df, pd.DataFrame) else _rows_of(df)
    periods = sort_periods(r.period for r in rows)
    # Years stay categories ("2015", "2016", ...); half-years, quarters, months or mixed
    # periods are placed at their end date on a time axis, so 2024-H1 sits in June and
    # 2024 (31.12.) half a year later, and gaps in time look like gaps.
    on_time_axis = any(_kind(p) != "year" for p in periods)
    xs = [period_end(p).isoformat() if on_time_axis else p for p in periods]
    labels = [format_period(p, lang) for p in periods]
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], _Row] = {}
    for r in rows:
        names.setdefault(r.code, r.name)
        cells[(r.code, r.period)] = r

    data: list[dict[str, Any]] = []
    for i, (code, name) in enumerate(names.items()):
        cell = [cells.get((code, p)) for p in periods]  # reindexed: absent periods are None
        raw = [c.value if c is not None else None for c in cell]
        label = name
        if index_base is None:
            ys = raw
            texts = [format_value(v, unit, decimals, lang) if v is not None else None
                     for v in raw]
        else:
            base_cell = cells.get((code, index_base))
            base = base_cell.value if base_cell is not None else None
            if base is None or base == 0:
                ys = [None] * len(raw)
                texts = [None] * len(raw)
                label = f"{name} ({t['no_base']})"
            else:
                ys = [v / base * 100 if v is not None else None for v in raw]
                texts = [
                    f"Index {format_number(y, decimals=1, lang=lang)} "
                    f"({format_value(v, unit, decimals, lang)})"
                    if y is not None and v is not None else None
                    for y, v in zip(ys, raw, strict=True)
                ]
        customdata = [
            [name, _noted(text, c, lang) if text is not None and c is not None
             else text if text is not None
             else (_missing_text(c, lang) if c is not None and c.suppressed
                   else f"– {t['no_data']}"), period_text]
            for text, c, period_text in zip(texts, cell, labels, strict=True)
        ]
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        data.append({
            "connectgaps": False,
            "customdata": customdata,
            "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[2]}: %{customdata[1]}"
                             "<extra></extra>",
            "legendgroup": code,
            "line": {"color": colour, "dash": _DASHES[(i // len(OKABE_ITO)) % len(_DASHES)],
                     "width": 2.5},
            "marker": {"color": colour, "line": {"color": TEXT_COLOUR, "width": 1}, "size": 8,
                       "symbol": _SYMBOLS[i % len(_SYMBOLS)]},
            "mode": "lines+markers",
            "name": label,
            "x": list(xs),
            "y": ys,
            "type": "scatter",
        })

    y_title = t["index"].format(base=index_base) if index_base is not None else None
    y_title = y_title or unit or t["value"]
    layout: dict[str, Any] = {"template": _TEMPLATE_SHARED, "separators": _separators(lang)}
    if title:
        layout["title"] = {"font": {"size": 16, "color": TEXT_COLOUR}, "text": title, "x": 0,
                           "xanchor": "left"}
    if on_time_axis:
        # One tick per period with its label (at most about a dozen, else plotly's own).
        xaxis: dict[str, Any] = {"title": {"text": t["period"]}, "type": "date",
                                 "showgrid": False}
        if len(xs) <= 16:
            xaxis.update(tickmode="array", tickvals=list(xs), ticktext=labels)
    else:
        xaxis = {"title": {"text": t["year"]}, "type": "category", "categoryorder": "array",
                 "categoryarray": list(periods), "showgrid": False}
    layout.update(
        xaxis=xaxis,
        yaxis={"title": {"text": y_title}, "showgrid": True},
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        legend={"title": {"text": ""}},
        hovermode="closest",
        showlegend=True,
    )
    if index_base is not None:
        layout["shapes"] = [{"line": {"color": OUTLINE_COLOUR, "dash": "dot", "width": 1},
                             "type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": 100,
                             "y1": 100, "yref": "y"}]
    if not rows:
        layout["annotations"] = [{"font": {"size": FONT_SIZE}, "showarrow": False,
                                  "text": t["empty"], "x": 0.5, "xref": "paper", "y": 0.5,
                                  "yref": "paper"}]
    return {"data": data, "layout": layout}
