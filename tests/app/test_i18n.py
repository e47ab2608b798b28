"""Tests for cockpit.app.i18n (UI strings and the t() lookup)."""

from __future__ import annotations

import re
import string

import pytest

from cockpit.app import i18n
from cockpit.app.i18n import LANGUAGES, STRINGS, t

REQUIRED_KEYS = {
    "nav.overview": ("Übersicht", "Overview"),
    "nav.compare": ("Stadtteilvergleich", "District comparison"),
    "nav.timeseries": ("Zeitreihe", "Time series"),
    "nav.profile": ("Stadtteilprofil", "Area profile"),
    "nav.catalogue": ("Indikatoren", "Indicators"),
    "login.username": ("Benutzername", None),
    "login.password": ("Passwort", None),
    "login.submit": ("Anmelden", None),
    "login.failed": ("Anmeldung fehlgeschlagen: Benutzername oder Passwort falsch.", None),
    "logout": ("Abmelden", None),
    "level.city": ("Stadt", "City"),
    "level.district": ("Stadtbezirk", "District"),
    "level.subdistrict": ("Stadtteil", "Neighbourhood"),
    "label.classes": ("Klassenbildung", None),
    "classes.quantile": ("Quantile", None),
    "classes.equal": ("Gleiche Intervalle", None),
    "label.index_base": ("Index: Basisjahr = 100", None),
    "col.numerator": ("Zähler", None),
    "col.denominator": ("Nenner", None),
    "col.rank": ("Rang", None),
    "col.change": ("Veränderung zum Vorjahr", None),
    "city_value": ("Wert der Stadt", None),
    "error.not_found": ("Unbekannter Indikator oder unbekanntes Gebiet.", None),
    "error.forbidden": ("Für diese Daten fehlt Ihnen die Berechtigung.", None),
    "error.bad_parameter": ("Ungültige Angabe: {detail}", None),
    "raw.toggle": ("Unverfälschte Werte anzeigen (wird protokolliert)", None),
    "direction.higher_is_better": ("höher ist besser", None),
    "direction.neutral": ("keine Wertung", None),
    "deviation": ("Abweichung von der Stadt", None),
    "print": ("Drucken", None),
    "search": ("Suchen", None),
}
OTHER_KEYS = [
    "login.title",
    "label.indicator",
    "label.period",
    "label.level",
    "label.areas",
    "col.area",
    "col.value",
    "direction.lower_is_better",
    "source",
    "updated",
]


def test_languages():
    assert LANGUAGES == ("de", "en")


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_every_language(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGUAGES), key
    for lang in LANGUAGES:
        assert isinstance(entry[lang], str) and entry[lang].strip(), (key, lang)


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_placeholders_match_between_languages(key):
    fields = {
        lang: {name for _, name, _, _ in string.Formatter().parse(text) if name}
        for lang, text in STRINGS[key].items()
    }
    assert fields["de"] == fields["en"], key


def test_keys_are_short_english_ids():
    for key in STRINGS:
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", key), key


@pytest.mark.parametrize(("key", "expected"), sorted(REQUIRED_KEYS.items()))
def test_required_strings(key, expected):
    de, en = expected
    assert t(key, "de") == de
    if en is not None:
        assert t(key, "en") == en


@pytest.mark.parametrize("key", OTHER_KEYS)
def test_other_required_keys_exist(key):
    assert key in STRINGS


def test_default_language_is_german():
    assert t("logout") == "Abmelden"
    assert t("logout", "en") == "Sign out"


def test_unknown_language_falls_back_to_german():
    assert t("nav.overview", "fr") == "Übersicht"


def test_missing_translation_falls_back_to_german(monkeypatch):
    monkeypatch.setitem(i18n.STRINGS, "test.only_german", {"de": "Nur Deutsch"})
    assert t("test.only_german", "en") == "Nur Deutsch"


def test_unknown_key_falls_back_to_key():
    assert t("does.not.exist") == "does.not.exist"
    assert t("does.not.exist", "en") == "does.not.exist"


def test_format_arguments_are_applied():
    assert t("error.bad_parameter", detail="Jahr 1850") == "Ungültige Angabe: Jahr 1850"
    assert t("error.bad_parameter", "en", detail="year 1850") == "Invalid input: year 1850"


def test_without_format_arguments_template_is_returned():
    assert t("error.bad_parameter") == "Ungültige Angabe: {detail}"


def test_missing_format_argument_keeps_placeholder():
    assert t("logged_in_as", "en", other="x") == "Signed in as {user}"
