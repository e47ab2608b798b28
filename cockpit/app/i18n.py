"""User-interface strings in German and English, looked up with `t(key, lang)`."""

from __future__ import annotations

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

STRINGS: dict[str, dict[str, str]] = {
    # Application frame and navigation
    "app.title": {"de": "Kommunales Datencockpit", "en": "Municipal data cockpit"},
    "nav.overview": {"de": "Übersicht", "en": "Overview"},
    "nav.compare": {"de": "Stadtteilvergleich", "en": "District comparison"},
    "nav.timeseries": {"de": "Zeitreihe", "en": "Time series"},
    "nav.profile": {"de": "Stadtteilprofil", "en": "Area profile"},
    # The same pages where the lowest level is not called Stadtteil (Gemeinde, …)
    "nav.compare_areas": {"de": "Gebietsvergleich", "en": "Area comparison"},
    "nav.profile_areas": {"de": "Gebietsprofil", "en": "Area profile"},
    "nav.catalogue": {"de": "Indikatoren", "en": "Indicators"},
    "nav.upload": {"de": "Datenlieferung", "en": "Data delivery"},
    "nav.admin": {"de": "Verwaltung", "en": "Administration"},
    "language": {"de": "Sprache", "en": "Language"},
    "language.de": {"de": "Deutsch", "en": "Deutsch"},
    "language.en": {"de": "English", "en": "English"},
    # Login
    "login.title": {"de": "Anmeldung", "en": "Sign in"},
    "login.username": {"de": "Benutzername", "en": "Username"},
    "login.password": {"de": "Passwort", "en": "Password"},
    "login.submit": {"de": "Anmelden", "en": "Sign in"},
    "login.failed": {
        "de": "Anmeldung fehlgeschlagen: Benutzername oder Passwort falsch.",
        "en": "Sign-in failed: wrong username or password.",
    },
    "logout": {"de": "Abmelden", "en": "Sign out"},
    "nav.toggle": {"de": "Navigation ein- oder ausblenden", "en": "Toggle navigation"},
    "skip_to_content": {"de": "Zum Inhalt springen", "en": "Skip to content"},
    "logged_in_as": {"de": "Angemeldet als {user}", "en": "Signed in as {user}"},
    # Spatial levels
    "level.city": {"de": "Stadt", "en": "City"},
    "level.district": {"de": "Stadtbezirk", "en": "District"},
    "level.subdistrict": {"de": "Stadtteil", "en": "Neighbourhood"},
    # Controls
    "label.indicator": {"de": "Indikator", "en": "Indicator"},
    "label.period": {"de": "Zeitraum", "en": "Period"},
    "label.level": {"de": "Gebietsebene", "en": "Area level"},
    "label.areas": {"de": "Gebiete", "en": "Areas"},
    "label.classes": {"de": "Klassenbildung", "en": "Classification"},
    "label.unit": {"de": "Einheit", "en": "Unit"},
    "label.description": {"de": "Beschreibung", "en": "Description"},
    "label.definition": {"de": "Berechnung", "en": "Calculation"},
    "label.topic": {"de": "Themenfeld", "en": "Topic"},
    "label.direction": {"de": "Wertung", "en": "Direction"},
    "classes.quantile": {"de": "Quantile", "en": "Quantiles"},
    "classes.equal": {"de": "Gleiche Intervalle", "en": "Equal intervals"},
    "label.index_base": {"de": "Index: Basisjahr = 100", "en": "Index: base year = 100"},
    # Table columns
    "col.area": {"de": "Gebiet", "en": "Area"},
    "col.value": {"de": "Wert", "en": "Value"},
    "col.numerator": {"de": "Zähler", "en": "Numerator"},
    "col.denominator": {"de": "Nenner", "en": "Denominator"},
    "col.rank": {"de": "Rang", "en": "Rank"},
    "col.change": {"de": "Veränderung zum Vorjahr", "en": "Change from previous year"},
    "col.period": {"de": "Zeitraum", "en": "Period"},
    "col.indicator": {"de": "Indikator", "en": "Indicator"},
    "city_value": {"de": "Wert der Stadt", "en": "City value"},
    "deviation": {"de": "Abweichung von der Stadt", "en": "Deviation from the city"},
    # Errors and notices
    "error.not_found": {
        "de": "Unbekannter Indikator oder unbekanntes Gebiet.",
        "en": "Unknown indicator or area.",
    },
    "error.forbidden": {
        "de": "Für diese Daten fehlt Ihnen die Berechtigung.",
        "en": "You are not authorised to view these data.",
    },
    "error.bad_parameter": {"de": "Ungültige Angabe: {detail}", "en": "Invalid input: {detail}"},
    "error.not_logged_in": {"de": "Bitte melden Sie sich an.", "en": "Please sign in."},
    "error.page_not_found": {"de": "Seite nicht gefunden.", "en": "Page not found."},
    "error.internal": {
        "de": "Es ist ein interner Fehler aufgetreten.",
        "en": "An internal error occurred.",
    },
    "no_data": {"de": "Keine Daten vorhanden.", "en": "No data available."},
    "raw.toggle": {
        "de": "Unverfälschte Werte anzeigen (wird protokolliert)",
        "en": "Show unaltered values (access is logged)",
    },
    # Indicator metadata
    "direction.higher_is_better": {"de": "höher ist besser", "en": "higher is better"},
    "direction.lower_is_better": {"de": "niedriger ist besser", "en": "lower is better"},
    "direction.neutral": {"de": "keine Wertung", "en": "no valuation"},
    "source": {"de": "Quelle", "en": "Source"},
    "updated": {"de": "Stand", "en": "Last updated"},
    # Actions
    "print": {"de": "Drucken", "en": "Print"},
    "search": {"de": "Suchen", "en": "Search"},
    "download.csv": {"de": "CSV herunterladen", "en": "Download CSV"},
    "reset": {"de": "Zurücksetzen", "en": "Reset"},
}


def register_strings(strings: dict[str, dict[str, str]]) -> None:
    """Add a page's own strings; a key may only be defined once."""
    clashes = set(strings) & set(STRINGS)
    if any(STRINGS[key] != strings[key] for key in clashes):
        raise ValueError(f"UI strings defined twice: {sorted(clashes)}")
    STRINGS.update(strings)


class _KeepMissing(dict):
    """Mapping for str.format_map that leaves unknown placeholders visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """Translate `key` into `lang` (falling back to German, then to the key) and format it."""
    entry = STRINGS.get(key, {})
    text = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or key
    if fmt:
        text = text.format_map(_KeepMissing(fmt))
    return text
