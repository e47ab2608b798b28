"""Phrases built from an installation's level names: "Wert der Stadt", "Wert des Landes".

The top level (depth 0) is the whole municipality: the demo calls it Stadt, a Land calls
it Land, a Landkreis Kreis. Page texts that compare with it ("Abweichung von der Stadt")
need the German article and case of that noun. German compounds take the gender of their
last part (Landkreis like Kreis, Bundesland like Land), so the gender is read from the
head noun; for a name whose gender is not known the phrase falls back to the neutral
"der Ebene „X“", which is correct German for any name.
"""

from __future__ import annotations

from cockpit.territory.levels import Level, Levels

# Head nouns of level names, longest first wins; f, m or n.
_GENDERS: dict[str, str] = {
    "stadt": "f", "gemeinde": "f", "region": "f", "kommune": "f", "provinz": "f",
    "verwaltungsgemeinschaft": "f", "samtgemeinde": "f", "zone": "f", "einheit": "f",
    "land": "n", "gebiet": "n", "amt": "n", "viertel": "n", "quartier": "n",
    "kreis": "m", "bezirk": "m", "raum": "m", "teil": "m", "ort": "m", "verband": "m",
    "bund": "m", "staat": "m", "sprengel": "m", "distrikt": "m", "block": "m",
}
# Genitive endings that are not just -s.
_GENITIVE_ES = ("land", "amt", "bund", "kreis", "ort", "staat", "verband")
# Compounds with "-wert" that German uses instead of "Wert der/des …".
_VALUE_NOUNS: dict[str, str] = {
    "stadt": "Stadtwert", "gemeinde": "Gemeindewert", "kreis": "Kreiswert",
    "landkreis": "Kreiswert", "land": "Landeswert", "bundesland": "Landeswert",
    "bezirk": "Bezirkswert",
}
# "nur für … verfügbar": the whole of the top level.
_WHOLE: dict[str, str] = {"stadt": "die Gesamtstadt", "gemeinde": "die Gesamtgemeinde"}


def _head(name: str) -> str:
    return name.strip().split()[-1].lower() if name.strip() else ""


def gender(name: str) -> str | None:
    """f, m or n for a German level name (by its head noun), None when unknown."""
    head = _head(name)
    for noun in sorted(_GENDERS, key=len, reverse=True):
        if head.endswith(noun):
            return _GENDERS[noun]
    return None


def genitive(name: str) -> str:
    """"der Stadt", "des Landes", "des Bezirks"; "der Ebene „X“" for an unknown noun."""
    kind = gender(name)
    if kind == "f":
        return f"der {name}"
    if kind in ("m", "n"):
        head = _head(name)
        ending = "es" if head.endswith(_GENITIVE_ES) or head[-1:] in "sßxz" else "s"
        return f"des {name}{ending}"
    return f"der Ebene „{name}“"


def from_phrase(name: str) -> str:
    """"von der Stadt", "vom Land"; "von der Ebene „X“" for an unknown noun."""
    kind = gender(name)
    if kind == "f":
        return f"von der {name}"
    if kind in ("m", "n"):
        return f"vom {name}"
    return f"von der Ebene „{name}“"


def top_value_label(level: Level, lang: str) -> str:
    """Column heading of the top level's value: "Wert der Stadt", "City value"."""
    if lang == "en":
        return f"{level.name_en} value"
    return f"Wert {genitive(level.name_de)}"


def top_deviation_label(level: Level, lang: str) -> str:
    """"Abweichung von der Stadt", "Deviation from the city"."""
    if lang == "en":
        return f"Deviation from the {level.name_en.lower()}"
    return f"Abweichung {from_phrase(level.name_de)}"


def top_value_noun(level: Level, lang: str) -> str:
    """The top level's value as a masculine noun: "Stadtwert", "Wert des Landes"."""
    if lang == "en":
        return f"{level.name_en.lower()} value"
    return _VALUE_NOUNS.get(level.name_de.strip().lower(), f"Wert {genitive(level.name_de)}")


def whole_phrase(level: Level, lang: str) -> str:
    """The whole of the top level, as object of "für": "die Gesamtstadt", "das gesamte Land"."""
    if lang == "en":
        return f"the whole {level.name_en.lower()}"
    name = level.name_de
    known = _WHOLE.get(name.strip().lower())
    if known:
        return known
    article = {"f": "die gesamte", "m": "den gesamten", "n": "das gesamte"}.get(
        gender(name) or "")
    return f"{article} {name}" if article else f"die gesamte Ebene „{name}“"


def within(parent_level: Level, parent_name: str, lang: str) -> str:
    """Where an area lies: "im Stadtbezirk Mitte", "in der Bezirksregion X", "in Y"."""
    if lang == "en":
        return f"in {parent_name}"
    kind = gender(parent_level.name_de)
    if kind == "f":
        return f"in der {parent_level.name_de} {parent_name}"
    if kind in ("m", "n"):
        return f"im {parent_level.name_de} {parent_name}"
    return f"in {parent_name}"


def speaks_of_stadtteile(levels: Levels) -> bool:
    """Whether the page names "Stadtteilvergleich" and "Stadtteilprofil" fit: the lowest
    level is called Stadtteil (the demo, Köln). Otherwise pages say "Gebiet…", which fits
    Gemeinden, Planungsräume and any other name."""
    return levels.bottom.name_de.strip().lower() == "stadtteil"
