"""The plotly-object versions of `time_series` and `sparkline` as they were before the
figures were built as dicts (issue 9): the reference the dict builders must equal."""

# ruff: noqa: E501
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cockpit.app.figures import (
    _DASHES,
    _DIRECTIONS,
    _SYMBOLS,
    _TEMPLATE,
    _TREND_COLOURS,
    OKABE_ITO,
    OUTLINE_COLOUR,
    TEXT_COLOUR,
    _empty_note,
    _kind,
    _missing_text,
    _new_figure,
    _noted,
    _Row,
    _rows,
    _separators,
    _texts,
    _trend,
    finite_number,
)
from cockpit.app.formatting import format_number, format_period, format_value
from cockpit.periods import period_end, sort_periods


def reference_sparkline(periods: list[str], values: list[float | None], *, direction: str) -> go.Figure:
    """Tiny line without axes; gaps stay gaps, the last known point is marked."""
    if direction not in _DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    if len(periods) != len(values):
        raise ValueError("periods and values differ in length")
    xs = [str(p) for p in periods]
    ys = [finite_number(v) for v in values]
    fig = go.Figure()
    fig.update_layout(
        template=_TEMPLATE,
        separators=_separators("de"),
        height=40,
        margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        dragmode=False,
        hovermode=False,
    )
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="lines", connectgaps=False, hoverinfo="skip", cliponaxis=False,
        line={"color": "#4d4d4d", "width": 1.5},
    ))
    last = next((i for i in range(len(ys) - 1, -1, -1) if ys[i] is not None), None)
    if last is not None:
        fig.add_trace(go.Scatter(
            x=[xs[last]], y=[ys[last]], mode="markers", hoverinfo="skip", cliponaxis=False,
            marker={"size": 6, "color": _TREND_COLOURS[_trend(ys, direction)],
                    "line": {"width": 0}},
        ))
    known = [y for y in ys if y is not None]
    if known:
        low, high = min(known), max(known)
        pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
        fig.update_yaxes(range=[low - pad, high + pad])
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=xs,
                     range=[-0.5, max(len(xs), 1) - 0.5])
    fig.update_xaxes(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    fig.update_yaxes(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    return fig


def reference_time_series(
    df: pd.DataFrame,
    *,
    unit: str,
    decimals: int,
    index_base: str | None = None,
    lang: str = "de",
    title: str | None = None,
) -> go.Figure:
    """One line per area over all periods; gaps stay gaps, optionally indexed to a base."""
    t = _texts(lang)
    rows = _rows(df)
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

    fig = _new_figure(lang, title)
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
        fig.add_trace(go.Scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            connectgaps=False,
            name=label,
            legendgroup=code,
            line={"color": colour, "width": 2.5,
                  "dash": _DASHES[(i // len(OKABE_ITO)) % len(_DASHES)]},
            marker={"size": 8, "symbol": _SYMBOLS[i % len(_SYMBOLS)], "color": colour,
                    "line": {"width": 1, "color": TEXT_COLOUR}},
            customdata=customdata,
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[2]}: %{customdata[1]}"
                          "<extra></extra>",
        ))

    y_title = t["index"].format(base=index_base) if index_base is not None else None
    y_title = y_title or unit or t["value"]
    if on_time_axis:
        # One tick per period with its label (at most about a dozen, else plotly's own).
        ticks = ({"tickmode": "array", "tickvals": xs, "ticktext": labels}
                 if len(xs) <= 16 else {})
        fig.update_xaxes(type="date", title={"text": t["period"]}, showgrid=False, **ticks)
    else:
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(periods),
                         title={"text": t["year"]}, showgrid=False)
    fig.update_yaxes(title={"text": y_title}, showgrid=True)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        legend={"title": {"text": ""}},
        hovermode="closest",
        showlegend=True,
    )
    if index_base is not None:
        fig.add_hline(y=100, line={"color": OUTLINE_COLOUR, "width": 1, "dash": "dot"})
    if not rows:
        _empty_note(fig, lang)
    return fig
