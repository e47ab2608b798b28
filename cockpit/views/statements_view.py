"""The Kernaussagen view type: the published key statements of one indicator, level and
period, exactly as the comparison page's card shows them to this viewer."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cockpit.access import Gate, Viewer
from cockpit.access.errors import GateError
from cockpit.app.formatting import format_period
from cockpit.app.i18n import register_strings, t
from cockpit.app.key_statements import statements_card
from cockpit.views.model import ViewDefinition

register_strings({
    "views.statements_none": {"de": "Zu dieser Auswahl gibt es keine Kernaussagen.",
                              "en": "There are no key statements for this choice."},
})


def render(gate: Gate, viewer: Viewer | None, definition: ViewDefinition, lang: str, *,
           period: str | None = None, area: str | None = None) -> html.Div:
    """The statements card for the view's indicator; `area` is not used (statements speak
    of all areas of the level). Everything comes through the gate with the viewer's rights."""
    indicator_id = definition.indicators[0]
    level = definition.level or gate.declared_levels().bottom.id
    try:
        indicator = gate.indicator(viewer, indicator_id)
        if period is None:
            period = definition.periods[0] if definition.periods else None
        if period is None:
            periods = gate.periods(viewer, indicator_id)
            period = periods[-1] if periods else None
        card = (statements_card(gate, viewer, indicator_id, level, period, lang)
                if viewer is not None and period is not None else None)
    except GateError:
        return html.Div(dbc.Alert(t("views.statements_none", lang), color="info"))
    caption = html.P([html.Strong(indicator.title(lang)),
                      f" · {format_period(period, lang)}" if period else ""], className="mb-1")
    if card is None:
        return html.Div([caption, dbc.Alert(t("views.statements_none", lang), color="info")])
    return html.Div([caption, card], className="view-statements")
