"""Key systems: every AGS/ARS form and the Regionaldatenbank's, placed into a territory."""

from __future__ import annotations

import pytest

from cockpit.territory.keys import (
    DEUTSCHLAND,
    GEMEINDE,
    GEMEINDEVERBAND,
    KEEP,
    KREIS,
    LAND,
    NOT_IN_TERRITORY,
    OTHER_LEVEL,
    OUTSIDE,
    REGIERUNGSBEZIRK,
    UNKNOWN,
    KeyPlacer,
    ags_kind,
    gemeinde_ags,
    kind_label,
    kreis_as_gemeinde,
)

# A Land > Kreis > Gemeinde territory shaped like the Saarland from VG5000, plus one
# Land with a kreisfreie Stadt (Flensburg) and a Gemeinde of a Verbandsgemeinde.
TERRITORY = {
    "10": "land", "10041": "kreis", "10042": "kreis",
    "10041100": "gemeinde", "10041511": "gemeinde", "10042111": "gemeinde",
    "01": "land", "01001": "kreis", "01001000": "gemeinde",
    "07": "land", "07131": "kreis", "07131001": "gemeinde", "07131007": "gemeinde",
    "03": "land", "03151": "kreis", "03151002": "gemeinde",
}


@pytest.mark.parametrize(("code", "kind"), [
    ("DG", DEUTSCHLAND), ("10", LAND), ("031", REGIERUNGSBEZIRK), ("10041", KREIS),
    ("0713101", GEMEINDEVERBAND), ("100410511", GEMEINDEVERBAND), ("10041100", GEMEINDE),
    ("0713101001", GEMEINDE), ("03151401002", GEMEINDE), ("100410100100", GEMEINDE),
    ("1004", None), ("abc", None), ("", None), ("１０", None),
])
def test_kind_by_key_form(code: str, kind: str | None) -> None:
    assert ags_kind(code) == kind


@pytest.mark.parametrize(("code", "ags"), [
    ("10041100", "10041100"),        # AGS as it is
    ("0713101001", "07131001"),      # 10 digits: Kreis + Verbandsgemeinde + Gemeinde
    ("03151401002", "03151002"),     # 11 digits: Kreis + Samtgemeinde + Gemeinde
    ("100410100100", "10041100"),    # 12-digit ARS of Saarbrücken
    ("10041", None), ("0713101", None), ("DG", None),
])
def test_gemeinde_keys_map_to_the_8_digit_ags(code: str, ags: str | None) -> None:
    assert gemeinde_ags(code) == ags


def test_kreisfreie_stadt_key_and_labels() -> None:
    assert kreis_as_gemeinde("01001") == "01001000"
    assert kreis_as_gemeinde("10041100") is None
    assert kind_label(LAND, 16) == "Länder"
    assert kind_label(REGIERUNGSBEZIRK, 1) == "Regierungsbezirk"
    assert kind_label("stadtteil", 3) == "stadtteil"


def ags(*levels: str) -> KeyPlacer:
    return KeyPlacer(TERRITORY, levels, "ags")


@pytest.mark.parametrize(("code", "outcome", "target", "kind"), [
    ("10041100", KEEP, "10041100", GEMEINDE),
    ("0713101001", KEEP, "07131001", GEMEINDE),
    ("0713100007", KEEP, "07131007", GEMEINDE),      # verbandsfreie Gemeinde, 10 digits
    ("03151401002", KEEP, "03151002", GEMEINDE),
    ("100410100100", KEEP, "10041100", GEMEINDE),
    ("01001", KEEP, "01001000", KREIS),              # kreisfreie Stadt by its Kreis key
    ("10041", OTHER_LEVEL, "10041", KREIS),          # a Kreis of the territory
    ("10", OTHER_LEVEL, "10", LAND),
    ("DG", OTHER_LEVEL, None, DEUTSCHLAND),
    ("101", OTHER_LEVEL, None, REGIERUNGSBEZIRK),    # not in the territory, other level
    ("0713101", OTHER_LEVEL, None, GEMEINDEVERBAND),  # Gemeindeverband: no such level
    ("09162", OTHER_LEVEL, None, KREIS),             # a Kreis elsewhere: still a Kreis
    ("09162000", OUTSIDE, None, GEMEINDE),           # München: not in this territory
    ("0913101001", OUTSIDE, None, GEMEINDE),
    ("10041999", NOT_IN_TERRITORY, None, GEMEINDE),  # inside the Saarland, not an area
])
def test_placing_official_keys_at_gemeinde_level(code: str, outcome: str, target: str | None,
                                                 kind: str) -> None:
    placement = ags("gemeinde").place(code)
    assert (placement.outcome, placement.code, placement.kind) == (outcome, target, kind)


def test_kreis_level_takes_the_kreis_of_a_kreisfreie_stadt_first() -> None:
    placer = ags("kreis")
    assert placer.place("01001").code == "01001"
    assert placer.place("01001").outcome == KEEP
    assert placer.place("10041100").outcome == OTHER_LEVEL  # a Gemeinde of the territory
    assert placer.place("09162").outcome == OUTSIDE         # a Kreis outside the territory
    assert placer.place("10043").outcome == NOT_IN_TERRITORY  # inside the Saarland


def test_kreisfreie_stadt_is_kreis_and_gemeinde_where_both_are_covered() -> None:
    placement = ags("kreis", "gemeinde").place("01001")
    assert (placement.outcome, placement.code, placement.also) == (KEEP, "01001", "01001000")
    assert ags("kreis", "gemeinde").place("01051").also is None
    assert ags("gemeinde").place("01001").also is None


def test_lost_leading_zero_is_an_error_with_a_hint() -> None:
    placement = ags("gemeinde").place("1001000")  # 01001000 read as a number
    assert placement.outcome == UNKNOWN
    assert placement.hint == " – führende Null verloren? Bekannt ist „01001000“"
    assert ags("gemeinde").place("Saarbrücken").outcome == UNKNOWN


def test_local_codes_match_exactly_with_leading_zeros() -> None:
    placer = KeyPlacer({"00": "city", "01": "district", "0101": "subdistrict",
                        "101": "subdistrict"}, ["subdistrict"])
    assert (placer.place("0101").outcome, placer.place("0101").code) == (KEEP, "0101")
    assert (placer.place("101").outcome, placer.place("101").code) == (KEEP, "101")
    assert placer.place("01").outcome == OTHER_LEVEL
    assert placer.place("01").kind == "district"
    unknown = placer.place("0199")
    assert unknown.outcome == UNKNOWN and unknown.hint == ""
    # A code of a width that only uncovered levels have is of one of them.
    assert placer.place("07").outcome == OTHER_LEVEL
    assert placer.place("07").kind == "city|district"
    assert placer.place("DG").outcome == UNKNOWN
    # Local keys are never read as official ones: no 10 -> 8 digit mapping, no "000".
    local = KeyPlacer({"10041100": "gemeinde", "01001000": "gemeinde"}, ["gemeinde"])
    assert local.place("100410100100").outcome == UNKNOWN
    assert local.place("01001").outcome == UNKNOWN


def test_unknown_key_system_is_refused() -> None:
    with pytest.raises(ValueError, match="key system"):
        KeyPlacer({}, [], "nuts")
