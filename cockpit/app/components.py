"""Building blocks shared by pages: selectors, notices, error messages."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.formatting import format_period
from cockpit.app.i18n import t
from cockpit.app.session import level_label
from cockpit.indicators.model import Indicator
from cockpit.territory.levels import Levels


def indicator_options(gate: Gate, viewer: Viewer | None, lang: str) -> list[dict]:
    """Dropdown options of every indicator the viewer may see, grouped by topic."""
    options: list[dict] = []
    topic = None
    for indicator in gate.visible_indicators(viewer):
        if indicator.topic != topic:
            topic = indicator.topic
            label = gate.registry.topics.get(topic, {}).get(lang, topic)
            options.append({"label": html.Strong(label), "value": f"__topic__{topic}",
                            "disabled": True})
        options.append({"label": indicator.title(lang), "value": indicator.id,
                        "search": f"{indicator.title_de} {indicator.title_en} {indicator.id}"})
    return options


def period_options(periods: list[str], lang: str) -> list[dict]:
    """Newest period first."""
    return [{"label": format_period(p, lang), "value": p} for p in reversed(periods)]


def level_options(levels: list[str], lang: str, declared: Levels, *,
                  below_city: bool = True) -> list[dict]:
    """Area levels of an indicator in the installation's order (top first), optionally
    without the top level (the whole municipality: nothing to compare it with)."""
    return [{"label": level_label(level, lang), "value": level}
            for level in declared.ids
            if level in levels and not (below_city and level == declared.top.id)]


def default_level(offered: list[str], declared: Levels) -> str | None:
    """The lowest of the offered levels (the finest areas the indicator has)."""
    ordered = sorted(offered, key=declared.sort_key)
    return ordered[-1] if ordered else None


def pick(value: str | None, allowed: list[str], default: str | None) -> str | None:
    """Keep a requested value only if it is allowed (URL parameters are untrusted)."""
    return value if value in allowed else default


def error_notice(exc: GateError, lang: str) -> dbc.Alert:
    """A German/English message for a refusal of the gate; never a traceback."""
    if exc.status == 401:
        text = t("error.not_logged_in", lang)
    elif exc.status == 403:
        text = t("error.forbidden", lang)
    else:  # the gate names what was wrong (unknown period, area, indicator)
        text = exc.message
    return dbc.Alert(text, color="warning", className="my-3")  # renders role="alert"


def indicator_caption(indicator: Indicator, lang: str) -> html.P:
    """Unit, source and definition line shown under a chart."""
    return html.P(
        [html.Span(f"{t('label.unit', lang)}: {indicator.unit}"), " · ",
         html.Span(f"{t('source', lang)}: {indicator.source}")],
        className="small text-body-secondary mb-2",
    )
