"""Where an indicator can be opened: comparison, time series, and whatever else registers.

The catalogue links each indicator into these places. Other parts of the cockpit (the
saved views of the view builder) add their own links with `register_link_provider`: a
provider gets the gate, the viewer, the indicator id and the language and returns
(label, href) pairs. It must ask the gate itself: a link is never a permission, but a
view the viewer may not open should not be offered either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from cockpit.access import Gate, Viewer
from cockpit.app.i18n import register_strings, t

logger = logging.getLogger(__name__)

LinkProvider = Callable[[Gate, Viewer | None, str, str], list[tuple[str, str]]]
_PROVIDERS: list[LinkProvider] = []

register_strings({
    "links.compare": {"de": "Im Vergleich öffnen", "en": "Open in comparison"},
    "links.timeseries": {"de": "Als Zeitreihe öffnen", "en": "Open as time series"},
})


def register_link_provider(provider: LinkProvider) -> LinkProvider:
    """Add a source of further links (e.g. saved views that show the indicator); usable
    as a decorator. Registering the same provider twice keeps one."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def indicator_links(gate: Gate, viewer: Viewer | None, indicator_id: str, lang: str,
                    root: str = "") -> list[tuple[str, str]]:
    """(label, href) of every place that shows the indicator, the built-in pages first."""
    query = urlencode({"indicator": indicator_id})
    links = [(t("links.compare", lang), f"{root}/vergleich?{query}"),
             (t("links.timeseries", lang), f"{root}/zeitreihe?{query}")]
    for provider in _PROVIDERS:
        try:
            links += provider(gate, viewer, indicator_id, lang)
        except Exception:  # noqa: BLE001 - one broken provider must not empty the catalogue
            logger.exception("Links für %s nicht ermittelbar", indicator_id)
    return links
