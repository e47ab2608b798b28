"""Indicators that exist only for the whole municipality: a note instead of a map.

A map of the top level alone is one polygon (it showed as an inverted square) and says
nothing; the comparison page shows this note in its place.
"""

from __future__ import annotations

from cockpit.app.i18n import register_strings, t
from cockpit.app.level_words import whole_phrase
from cockpit.territory.levels import Levels

register_strings({
    "compare.city_only": {
        "de": "Dieser Indikator liegt nur für {whole} vor; Werte für Teilgebiete "
              "und damit eine Karte gibt es nicht.",
        "en": "This indicator exists only for {whole}; there are no values for smaller "
              "areas and therefore no map.",
    },
})


def city_only_note(level: str | None, declared: Levels, lang: str) -> str | None:
    """The note to show instead of a map when the chosen level is the top one (the
    comparison offers it only for indicators without a level below); None otherwise."""
    if level is None or level != declared.top.id:
        return None
    return t("compare.city_only", lang, whole=whole_phrase(declared.top, lang))


def note_figure(text: str) -> dict:
    """An empty figure that carries only the note (no axes, no map)."""
    return {"data": [], "layout": {
        "xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 200,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "annotations": [{"text": text, "x": 0.5, "y": 0.5, "xref": "paper",
                         "yref": "paper", "showarrow": False, "font": {"size": 14}}],
    }}
