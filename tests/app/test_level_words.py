"""Phrases from level names: the demo keeps its words, other names get correct German."""

from __future__ import annotations

import pytest

from cockpit.app.level_words import (
    from_phrase,
    gender,
    genitive,
    speaks_of_stadtteile,
    top_deviation_label,
    top_value_label,
    top_value_noun,
    whole_phrase,
    within,
)
from cockpit.territory.levels import Level, demo_levels, parse_levels_option

STADT = demo_levels().top


def level(de: str, en: str = "Top") -> Level:
    return Level("top", 0, de, en)


def test_the_demo_keeps_its_words() -> None:
    assert top_value_label(STADT, "de") == "Wert der Stadt"
    assert top_deviation_label(STADT, "de") == "Abweichung von der Stadt"
    assert top_value_noun(STADT, "de") == "Stadtwert"
    assert whole_phrase(STADT, "de") == "die Gesamtstadt"
    assert top_value_label(STADT, "en") == "City value"
    assert top_deviation_label(STADT, "en") == "Deviation from the city"
    assert whole_phrase(STADT, "en") == "the whole city"
    assert speaks_of_stadtteile(demo_levels())


@pytest.mark.parametrize("name,kind,gen,von", [
    ("Land", "n", "des Landes", "vom Land"),
    ("Bundesland", "n", "des Bundeslandes", "vom Bundesland"),
    ("Landkreis", "m", "des Landkreises", "vom Landkreis"),
    ("Bezirk", "m", "des Bezirks", "vom Bezirk"),
    ("Gemeinde", "f", "der Gemeinde", "von der Gemeinde"),
    ("Planungsraum", "m", "des Planungsraums", "vom Planungsraum"),
    ("Freie Hansestadt", "f", "der Freie Hansestadt", "von der Freie Hansestadt"),
    ("Xyz", None, "der Ebene „Xyz“", "von der Ebene „Xyz“"),
])
def test_article_and_case_follow_the_head_noun(name: str, kind: str | None, gen: str,
                                               von: str) -> None:
    assert gender(name) == kind
    assert genitive(name) == gen
    assert from_phrase(name) == von


def test_other_top_levels() -> None:
    land = level("Land", "State")
    assert top_value_label(land, "de") == "Wert des Landes"
    assert top_value_noun(land, "de") == "Landeswert"
    assert whole_phrase(land, "de") == "das gesamte Land"
    assert top_value_label(land, "en") == "State value"
    assert top_value_noun(level("Bezirksregion"), "de") == "Wert der Bezirksregion"
    assert whole_phrase(level("Landkreis"), "de") == "den gesamten Landkreis"


def test_within_a_parent() -> None:
    assert within(demo_levels().get("district"), "Mitte", "de") == "im Stadtbezirk Mitte"
    assert within(level("Bezirksregion"), "Zentrum", "de") == "in der Bezirksregion Zentrum"
    assert within(level("Xyz"), "Nord", "de") == "in Nord"
    assert within(level("Bezirksregion"), "Zentrum", "en") == "in Zentrum"
    assert not speaks_of_stadtteile(parse_levels_option("kreis:Kreis,gemeinde:Gemeinde"))
