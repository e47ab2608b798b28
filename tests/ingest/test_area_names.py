"""Area names compared across spellings of official sources and the territory's own."""

from __future__ import annotations

import pytest

from cockpit.ingest.area_names import compare_names, same_area_name


@pytest.mark.parametrize(("delivered", "known"), [
    ("Grossrosseln", "Großrosseln"),
    ("St.Ingbert", "St. Ingbert"),
    ("Sankt Ingbert", "St. Ingbert"),
    ("      Saarbrücken, Landeshauptstadt", "Saarbrücken"),
    ("Saarbrücken, Regionalverband", "Regionalverband Saarbrücken"),
    ("Flensburg, Kreisfreie Stadt", "Flensburg"),
    ("Kiel, Landeshauptstadt, Kreisfreie Stadt", "Kiel"),
    ("Kreisfreie Stadt Greifswald, Hansestadt", "Greifswald"),
    ("Dithmarschen, Landkreis", "Landkreis Dithmarschen"),
    ("Stadtkreis Heidelberg", "Heidelberg"),
    ("Suhl, krsfr. Stadt", "Suhl"),
    ("Altenburger Land, Kreis", "Altenburger Land"),
    ("Sulzbach, Saar", "Sulzbach/Saar"),
    ("Halle (Saale), Stadt", "Halle (Saale)"),
    ("MÜNCHEN", "München"),
    ("Garding, Kirchspiel", "Kirchspiel Garding"),
    ("Mariental b Helmstedt", "Mariental"),
    ("Rüsselsheim", "Rüsselsheim am Main"),
    ("Herschweiler-Petter.", "Herschweiler-Pettersheim"),
    ("Düddenbüttel", "Düdenbüttel"),
    ("Neualbenreuth, M", "Bad Neualbenreuth"),
    ("Côte", "Cote"),
])
def test_spellings_of_the_same_area(delivered: str, known: str) -> None:
    assert same_area_name(delivered, known)
    assert same_area_name(known, delivered)


@pytest.mark.parametrize(("delivered", "known"), [
    ("Hamburg", "Nord"),
    ("Schleswig-Holstein", "Mitte"),
    ("Nord", "Ost"),
    ("Süd", "Südwest"),
    ("Saarlouis", "Saarbrücken"),
    ("Neunkirchen", "Merzig"),
    ("Bremen", "Bremerhaven"),
])
def test_different_areas(delivered: str, known: str) -> None:
    assert not same_area_name(delivered, known)


def test_most_names_differing_is_a_refusal() -> None:
    known = {"01": "Mitte", "02": "Nord", "03": "Ost", "04": "Süd"}
    wrong = [("01", "Schleswig-Holstein", 7), ("02", "Hamburg", 8), ("03", "Niedersachsen", 9),
             ("04", "Süd", 10)]
    check = compare_names(wrong, known)
    assert (check.compared, len(check.mismatches), check.refused) == (4, 3, True)
    assert check.mismatches[1].code == "02"
    assert (check.mismatches[1].known, check.mismatches[1].delivered) == ("Nord", "Hamburg")
    few = [("01", "Mitte", 7), ("02", "Nord", 8), ("03", "Oststadt", 9), ("04", "Süd", 10)]
    check = compare_names(few, known)
    assert (check.compared, len(check.mismatches), check.refused) == (4, 1, False)


def test_codes_without_names_are_not_compared() -> None:
    check = compare_names([("01", "", 3), ("09", "Hamburg", 4), ("02", "Nord", 5),
                           ("02", "Hamburg", 6)], {"01": "Mitte", "02": "Nord"})
    assert (check.compared, check.mismatches, check.refused) == (1, [], False)


def test_any_earlier_name_of_a_code_counts() -> None:
    known = {"16077": ("Altenburg", "Altenburger Land")}
    check = compare_names([("16077", "Altenburg, Kreis", 3)], known)
    assert (check.compared, check.mismatches) == (1, [])
    check = compare_names([("16077", "Greiz, Kreis", 3)], known)
    assert check.mismatches[0].known == "Altenburger Land"
