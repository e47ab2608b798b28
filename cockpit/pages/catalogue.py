"""Indikatoren: the searchable catalogue of indicator metadata sheets (Steckbriefe)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, callback, clientside_callback, dcc, html

from cockpit.access.errors import GateError
from cockpit.app.callback_inputs import Text, validated
from cockpit.app.components import error_notice
from cockpit.app.i18n import register_strings, t
from cockpit.app.indicator_links import indicator_links
from cockpit.app.markdown_text import md_text
from cockpit.app.session import current_gate, current_lang, current_viewer
from cockpit.catalog import Catalog
from cockpit.indicators.model import Indicator
from cockpit.periods import KIND_LABELS

dash.register_page(__name__, path="/indikatoren", name="Indikatoren", order=4,
                   label_key="nav.catalogue", title="Indikatoren",
                   # preloaded with the page (dash_app.preload_hints): the sheets' Markdown
                   chunks=("markdown",))

SEARCH = "catalogue-search"
RESULTS = "catalogue-results"
URL_SINK = "catalogue-url"

register_strings({
    "catalogue.heading": {"de": "Indikatorenkatalog", "en": "Indicator catalogue"},
    "catalogue.search_hint": {"de": "Titel, Beschreibung oder Quelle durchsuchen",
                              "en": "Search title, description or source"},
    "catalogue.count": {"de": "{n} Indikatoren", "en": "{n} indicators"},
    "catalogue.classification": {"de": "Einstufung", "en": "Classification"},
    "catalogue.numerator": {"de": "Zähler", "en": "Numerator"},
    "catalogue.denominator": {"de": "Nenner", "en": "Denominator"},
    "catalogue.formula": {"de": "Formel", "en": "Formula"},
    "catalogue.cycle": {"de": "Aktualisierung", "en": "Update cycle"},
    "catalogue.notes": {"de": "Hinweise", "en": "Notes"},
    "catalogue.min_count": {"de": "Mindestfallzahl", "en": "Minimum count"},
    "catalogue.period": {"de": "Zeitraum", "en": "Period"},
    "catalogue.key_date": {"de": "Stichtag {dates}", "en": "key date {dates}"},
    "catalogue.period_end": {"de": "Stand zum Ende des Zeitraums",
                             "en": "as of the end of each period"},
    "catalogue.mixed_periods": {"de": "gemischt", "en": "mixed"},
    "classification.public": {"de": "öffentlich", "en": "public"},
    "classification.internal": {"de": "intern", "en": "internal"},
    "classification.restricted": {"de": "vertraulich", "en": "restricted"},
})


def _matches(indicator: Indicator, query: str) -> bool:
    haystack = " ".join([indicator.id, indicator.title_de, indicator.title_en,
                         indicator.description, indicator.source, indicator.topic]).lower()
    return all(word in haystack for word in query.lower().split())


def period_text(catalog: Catalog, indicator: Indicator, lang: str) -> str:
    """The period type the indicator inherits from its datasets and their key dates
    („Halbjahr“, „Jahr, Stichtag 31.12.“)."""
    kind = catalog.period_type(indicator.datasets)
    text = KIND_LABELS[kind][lang if lang == "en" else "de"] if kind else t(
        "catalogue.mixed_periods", lang)
    if text and lang == "en":
        text = text[0].upper() + text[1:]
    dates = catalog.key_dates(indicator.datasets)
    if dates:
        return f"{text}, {t('catalogue.key_date', lang, dates=', '.join(dates))}"
    if kind and kind != "year":
        return f"{text}, {t('catalogue.period_end', lang)}"
    return text


def sheet_markdown(indicator: Indicator, lang: str, min_count: int, periods: str = "") -> str:
    """The Steckbrief's facts as Markdown lines ("**Formel:** …")."""
    rows = [
        ("label.description", indicator.description),
        ("catalogue.formula", indicator.formula()),
        ("catalogue.numerator", indicator.numerator),
        ("catalogue.denominator", indicator.denominator or "–"),
        ("label.unit", indicator.unit),
        ("label.direction", t(f"direction.{indicator.direction}", lang)),
        ("source", indicator.source),
        ("catalogue.cycle", indicator.update_cycle),
        *([("catalogue.period", periods)] if periods else []),
        ("catalogue.classification", t(f"classification.{indicator.classification}", lang)),
        ("catalogue.min_count", str(min_count)),
    ]
    if indicator.notes:
        rows.append(("catalogue.notes", indicator.notes))
    return "  \n".join(f"**{md_text(t(key, lang))}:** {md_text(text)}" for key, text in rows)


def _sheet(indicator: Indicator, topic: str, lang: str, min_count: int,
           periods: str = "", links: list[tuple[str, str]] | None = None) -> html.Section:
    """One Steckbrief as a card of a handful of components.

    The catalogue used to build ~30 Dash components per sheet (a Dt and Dd per fact):
    ~1,400 for the demo's 45 indicators, which the browser's Dash renderer took seconds
    to walk. The facts are now one Markdown block per sheet (escaped text, no HTML).
    """
    link_items = [dcc.Link(label, href=href, className="me-3") for label, href in links or []]
    return html.Section(html.Div([
        html.H2(indicator.title(lang), className="h5 card-title", id=f"ind-{indicator.id}"),
        html.P([html.Span(topic, className="badge text-bg-secondary me-2"),
                html.Code(indicator.id)], className="small mb-2"),
        html.P(link_items, className="small mb-2 catalogue-links") if link_items else None,
        dcc.Markdown(sheet_markdown(indicator, lang, min_count, periods),
                     className="small catalogue-sheet"),
    ], className="card-body"), className="card mb-3")


def layout(q: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    query = (q or "")[:100]
    return html.Div([
        html.H1(t("catalogue.heading", lang), className="h3"),
        dbc.Label(t("search", lang), html_for=SEARCH, className="visually-hidden"),
        dbc.Input(id=SEARCH, type="search", value=query, debounce=True,
                  placeholder=t("catalogue.search_hint", lang), className="mb-3"),
        # The sheets come with the page: no second request (and drawing) before they show.
        html.Div(sheets(query, lang), id=RESULTS, **{"aria-live": "polite"}),
        dcc.Store(id=URL_SINK),
    ])


def sheets(query: str, lang: str) -> list:
    """The count line and the Steckbrief of every indicator the viewer may see that
    matches the search."""
    gate, viewer = current_gate(), current_viewer()
    try:
        found = [ind for ind in gate.visible_indicators(viewer) if _matches(ind, query)]
    except GateError as exc:
        return [error_notice(exc, lang)]
    topics = gate.registry.topics
    root = flask.request.script_root
    return [html.P(t("catalogue.count", lang, n=len(found)), className="text-body-secondary"),
            *[_sheet(ind, topics.get(ind.topic, {}).get(lang, ind.topic), lang,
                     gate.min_count(ind), period_text(gate.inst.catalog, ind, lang),
                     indicator_links(gate, viewer, ind.id, lang, root))
              for ind in found]]


# The layout already shows the URL's search; this answers only a new one.
@callback(Output(RESULTS, "children"), Input(SEARCH, "value"), prevent_initial_call=True)
@validated
def show_sheets(query: Text | None) -> list:
    return sheets((query or "")[:100], current_lang())


clientside_callback(
    "function(q) { return window.cockpitSetQuery({q: q}); }",
    Output(URL_SINK, "data"),
    Input(SEARCH, "value"),
)
