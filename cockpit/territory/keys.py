"""Area key systems: where a delivered area code belongs in the installation's territory.

Two systems:

- `local`: the installation's own codes (a city's Stadtbezirk "01", Stadtteil "101"). A
  delivered code matches only exactly; leading zeros are part of the code.
- `ags`: the official keys. Amtlicher Gemeindeschlüssel (AGS) with 2 digits for a Land,
  3 for a Regierungsbezirk, 5 for a Kreis and 8 for a Gemeinde; Regionalschlüssel (ARS)
  with 12 digits for a Gemeinde (9 for a Gemeindeverband). The Regionaldatenbank writes
  Gemeinden of Verbands- and Samtgemeinden with 10 and 11 digits (Kreis + Verband +
  Gemeinde) and kreisfreie Städte only with their 5-digit Kreis key; all of these map to
  the 8-digit AGS (first 5 + last 3 digits; a kreisfreie Stadt + "000"). "DG" is Germany,
  7-digit keys are Gemeindeverbände.

Codes stay strings everywhere: "01001" is Flensburg, 1001 is nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

KEY_SYSTEMS: tuple[str, ...] = ("local", "ags")
KEY_SYSTEM_LABELS_DE: dict[str, str] = {
    "local": "eigene Gebietsschlüssel der Installation",
    "ags": "Amtlicher Gemeindeschlüssel (AGS/ARS, Formen der Regionaldatenbank)",
}

# Kinds of official areas, top first, with the German names used in reports.
DEUTSCHLAND = "deutschland"
LAND = "land"
REGIERUNGSBEZIRK = "regierungsbezirk"
KREIS = "kreis"
GEMEINDEVERBAND = "gemeindeverband"
GEMEINDE = "gemeinde"
KIND_ORDER: tuple[str, ...] = (DEUTSCHLAND, LAND, REGIERUNGSBEZIRK, KREIS, GEMEINDEVERBAND,
                               GEMEINDE)
KIND_LABELS_DE: dict[str, tuple[str, str]] = {  # singular, plural
    DEUTSCHLAND: ("Deutschland", "Deutschland"),
    LAND: ("Land", "Länder"),
    REGIERUNGSBEZIRK: ("Regierungsbezirk", "Regierungsbezirke"),
    KREIS: ("Kreis", "Kreise"),
    GEMEINDEVERBAND: ("Gemeindeverband", "Gemeindeverbände"),
    GEMEINDE: ("Gemeinde", "Gemeinden"),
}

_GERMANY_CODES = frozenset({"DG", "0"})
_KIND_BY_WIDTH: dict[int, str] = {
    2: LAND, 3: REGIERUNGSBEZIRK, 5: KREIS, 7: GEMEINDEVERBAND, 9: GEMEINDEVERBAND,
    8: GEMEINDE, 10: GEMEINDE, 11: GEMEINDE, 12: GEMEINDE,
}


def kind_label(kind: str, count: int = 1) -> str:
    """'Land' / 'Länder'; the kind itself for kinds that are not official (local levels)."""
    singular, plural = KIND_LABELS_DE.get(kind, (kind, kind))
    return singular if count == 1 else plural


def ags_kind(code: str) -> str | None:
    """The kind of official area a key names by its form, or None if it is no AGS/ARS."""
    if code in _GERMANY_CODES:
        return DEUTSCHLAND
    if not code.isascii() or not code.isdigit():
        return None
    return _KIND_BY_WIDTH.get(len(code))


def gemeinde_ags(code: str) -> str | None:
    """The 8-digit AGS of a Gemeinde key of 8, 10, 11 or 12 digits (else None).

    10 digits (Rheinland-Pfalz: Kreis + Verbandsgemeinde + Gemeinde), 11 digits
    (Niedersachsen: Kreis + Samtgemeinde + Gemeinde) and the 12-digit ARS all end in the
    Gemeinde's 3 digits and start with its Kreis's 5.
    """
    if ags_kind(code) != GEMEINDE:
        return None
    return code if len(code) == 8 else code[:5] + code[-3:]


def kreis_as_gemeinde(code: str) -> str | None:
    """'01001' (kreisfreie Stadt Flensburg) -> '01001000' (its Gemeinde), else None."""
    return code + "000" if ags_kind(code) == KREIS else None


# --- placing delivered codes ---------------------------------------------------------------

KEEP = "keep"  # the row belongs to `code` of the territory
OTHER_LEVEL = "other_level"  # a real area of a level the dataset does not cover
OUTSIDE = "outside"  # an official area outside the territory
NOT_IN_TERRITORY = "not_in_territory"  # inside the territory's bounds but not one of its areas
UNKNOWN = "unknown"  # not a key of this system: an error


@dataclass(frozen=True)
class Placement:
    """Where one delivered code goes.

    `code` is the territory's code for KEEP (and the matched code for OTHER_LEVEL when the
    territory has the area); `kind` is what the code names (an AGS kind or a level id) and
    decides how skipped rows are counted; `hint` explains an UNKNOWN code; `also` is a
    second territory code the same rows belong to (a kreisfreie Stadt is its Kreis and its
    only Gemeinde when the dataset covers both levels).
    """

    outcome: str
    code: str | None
    kind: str
    hint: str = ""
    also: str | None = None


class KeyPlacer:
    """Places delivered codes into a territory for a dataset covering some levels."""

    def __init__(self, territory_levels: Mapping[str, str], covered: Iterable[str],
                 system: str = "local") -> None:
        if system not in KEY_SYSTEMS:
            raise ValueError(f"unknown key system {system!r}")
        self.levels = territory_levels  # code -> level id
        self.covered = frozenset(covered)
        self.system = system
        self._by_digits = {code.lstrip("0"): code for code in territory_levels
                           if code.isdigit()}
        widths: dict[int, set[str]] = {}
        self._numeric_widths: set[int] = set()
        lettered: set[int] = set()
        for code, level in territory_levels.items():
            widths.setdefault(len(code), set()).add(level)
            (self._numeric_widths if code.isdigit() else lettered).add(len(code))
        self._numeric_widths -= lettered
        # Widths that only levels outside the dataset use: a code of such a width that the
        # territory lacks is clearly of another level (a local key has no other structure);
        # its kind names the candidate levels ("city|district").
        self._other_level_widths = {
            width: "|".join(sorted(levels)) for width, levels in widths.items()
            if not levels & self.covered}
        if system == "ags":
            self._covered_kinds = {ags_kind(code) for code, level in territory_levels.items()
                                   if level in self.covered}
            self._containers = self._container_prefixes()

    def place(self, code: str) -> Placement:
        """Where `code` (as delivered, stripped) belongs."""
        if self.system == "ags":
            return self._place_ags(code)
        return self._place_local(code)

    def zero_hint(self, code: str) -> str:
        """' – führende Null verloren? Bekannt ist „0101“' when a known code lost its zeros."""
        known = self._by_digits.get(code.lstrip("0")) if code.isdigit() else None
        return f" – führende Null verloren? Bekannt ist „{known}“" if known else ""

    def _place_local(self, code: str) -> Placement:
        level = self.levels.get(code)
        if level is None:
            hint = self.zero_hint(code)
            other = self._other_level_widths.get(len(code))
            looks_alike = code.isdigit() or len(code) not in self._numeric_widths
            if other is not None and not hint and looks_alike and code.isalnum():
                return Placement(OTHER_LEVEL, None, other)
            return Placement(UNKNOWN, None, "", hint)
        if level in self.covered:
            return Placement(KEEP, code, level)
        return Placement(OTHER_LEVEL, code, level)

    def _covered(self, code: str | None) -> bool:
        return code is not None and self.levels.get(code) in self.covered

    def _place_ags(self, code: str) -> Placement:
        kind = ags_kind(code)
        target = gemeinde_ags(code) or code
        as_gemeinde = kreis_as_gemeinde(code)
        # A kreisfreie Stadt given by its Kreis key: the Kreis where the dataset covers
        # Kreise, the Gemeinde where it covers Gemeinden (both where it covers both).
        if self._covered(target):
            also = as_gemeinde if self._covered(as_gemeinde) else None
            return Placement(KEEP, target, kind or self.levels[target], also=also)
        if self._covered(as_gemeinde):
            return Placement(KEEP, as_gemeinde, KREIS)
        if target in self.levels:
            return Placement(OTHER_LEVEL, target, kind or self.levels[target])
        if as_gemeinde in self.levels:
            return Placement(OTHER_LEVEL, as_gemeinde, KREIS)
        lost_zero = self.zero_hint(code)
        if kind is None or lost_zero:
            return Placement(UNKNOWN, None, kind or "", lost_zero)
        if kind in (DEUTSCHLAND, GEMEINDEVERBAND) or kind not in self._covered_kinds:
            return Placement(OTHER_LEVEL, None, kind)
        if not any(target[:width] in self._containers for width in (2, 3, 5)):
            return Placement(OUTSIDE, None, kind)
        return Placement(NOT_IN_TERRITORY, None, kind)

    def _container_prefixes(self) -> set[str]:
        """Codes an official key inside the territory starts with: the territory's Länder,
        Regierungsbezirke and Kreise, and the Kreise of its Gemeinden."""
        prefixes: set[str] = set()
        for code in self.levels:
            kind = ags_kind(code)
            if kind in (LAND, REGIERUNGSBEZIRK, KREIS):
                prefixes.add(code)
            elif kind == GEMEINDE:
                prefixes.add(code[:5])
        return prefixes
