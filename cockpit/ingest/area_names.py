"""Compare the area names a delivery carries with the territory's names for the same codes.

Keys decide where a value goes; names only check that the keys mean what the territory
thinks they mean. Official files and the territory's sources spell names differently
("Saarbrücken, Landeshauptstadt" / "Saarbrücken", "Grossrosseln" / "Großrosseln",
"St.Ingbert" / "St. Ingbert", "Sulzbach, Saar" / "Sulzbach/Saar"), so both sides are
reduced to a comparison key first: case, spacing, umlauts and ß, accents, punctuation,
and the type words statistics offices add ("Landkreis", ", Kreisfreie Stadt", …) do not
count. A delivery whose names mostly disagree is in the wrong key system (the Länder
01…06 of a GENESIS table are not the Stadtbezirke 01…06 of a city) and is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# More than this share of disagreeing names refuses the delivery: with a few differing
# names the keys are right and the spelling differs; with most of them the keys are wrong.
REFUSE_SHARE = 0.5

# Spelling variants of long names ("Soltendiek" / "Soltendieck") are the same name;
# short names differing by a letter ("Nord" / "Ost") are not compared this way.
_MIN_FUZZY_LENGTH = 8
_MIN_FUZZY_RATIO = 0.9

_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})

# Type words before the name ("Landkreis Saarlouis", "Kreisfreie Stadt Köln").
_PREFIXES = re.compile(
    r"^(?:(?:kreisfreie|krfr\.?|krsfr\.?|kreisfr\.?)\s+stadt|landkreis|stadtkreis|"
    r"regionalverband|kreis|lk|sk|stadt|landeshauptstadt|hansestadt|"
    r"universitaetsstadt|gemeinde|markt|bad|bezirk|stadtbezirk|stadtteil|ortsteil)\s+")
# Abbreviations spelled both ways in official sources.
_WORDS = [
    (re.compile(r"\bsankt\b"), "st"),
    (re.compile(r"\bst\.\s*"), "st "),
    (re.compile(r"\ba\.\s*d\.\s*"), "an der "),
    (re.compile(r"\bi\.\s*"), "im "),
    (re.compile(r"\bb\.\s*"), "bei "),
]
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# Where the name proper ends and a qualifier begins: "Sulzbach, Saar", "Sulzbach/Saar",
# "Halle (Saale)", "Kiel, Landeshauptstadt, Kreisfreie Stadt".
_QUALIFIER = re.compile(r"\s*(?:,|/|\(|\s(?:b|bei|kr)\b\.?)")


def _plain(name: str) -> str:
    """Lower case, umlauts and ß spelled out, accents dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", name).strip().casefold()
    text = text.translate(_TRANSLITERATION)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return [word for word in _NOT_ALNUM.split(text) if word]


def _normal(name: str) -> str:
    text = _plain(name)
    for pattern, replacement in _WORDS:
        text = pattern.sub(replacement, text)
    return text


def _proper(text: str) -> str:
    """The name proper: without qualifiers after ',', '/', '(' or 'bei …' and without
    leading type words."""
    proper = _QUALIFIER.split(text, maxsplit=1)[0]
    previous = None
    while proper != previous:  # "Kreisfreie Stadt Landeshauptstadt X" has two type words
        previous = proper
        proper = _PREFIXES.sub("", proper)
    return proper


def name_keys(name: str) -> set[str]:
    """The comparison keys of a name: the whole name, the name proper (without type words
    and qualifiers) and the whole name's words in any order, each reduced to lower-case
    letters and digits."""
    text = _normal(name)
    keys = {"".join(_words(text)), "".join(_words(_proper(text))),
            " ".join(sorted(_words(text)))}
    keys.discard("")
    return keys


def _starts_with_words(short: list[str], long: list[str]) -> bool:
    """'Rüsselsheim' names 'Rüsselsheim am Main'; 'Mariental' names 'Mariental b Helmstedt'."""
    return bool(short) and len(short) < len(long) and long[: len(short)] == short


def _abbreviates(short: str, long: str) -> bool:
    """'Herschweiler-Petter.' abbreviates 'Herschweiler-Pettersheim' (a cut-off name ends
    with a dot)."""
    if not short.rstrip().endswith("."):
        return False
    cut, full = "".join(_words(short)), "".join(_words(long))
    return len(cut) >= 6 and full.startswith(cut)


def same_area_name(delivered: str, known: str) -> bool:
    """True when two spellings name the same area (see the module docstring)."""
    if name_keys(delivered) & name_keys(known):
        return True
    a, b = _normal(delivered), _normal(known)
    proper_a, proper_b = _words(_proper(a)), _words(_proper(b))
    return (_starts_with_words(proper_a, proper_b) or _starts_with_words(proper_b, proper_a)
            or _abbreviates(a, b) or _abbreviates(b, a)
            or _misspelt("".join(proper_a), "".join(proper_b)))


def _misspelt(a: str, b: str) -> bool:
    """'Düddenbüttel' / 'Düdenbüttel': long names differing by a letter or two."""
    return min(len(a), len(b)) >= _MIN_FUZZY_LENGTH and (
        SequenceMatcher(None, a, b).ratio() >= _MIN_FUZZY_RATIO)


@dataclass(frozen=True)
class NameMismatch:
    """A code whose name in the delivery is not the territory's name for it."""

    code: str
    known: str
    delivered: str
    line: int | None


@dataclass
class NameCheck:
    """The outcome of comparing a delivery's names with the territory's."""

    compared: int = 0
    mismatches: list[NameMismatch] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """Most names disagree: the keys are of another system or another territory."""
        return self.compared > 0 and len(self.mismatches) > REFUSE_SHARE * self.compared


def compare_names(delivered: Iterable[tuple[str, str, int | None]],
                  known: Mapping[str, str | Sequence[str]]) -> NameCheck:
    """Compare (code, delivered name, file line) with the territory's `known` names (one
    name, or all names a code had, newest last).

    Each code counts once; codes without a delivered or known name are not compared.
    """
    check = NameCheck()
    seen: set[str] = set()
    for code, name, line in delivered:
        names = known.get(code, ())
        names = [names] if isinstance(names, str) else list(names)
        names = [n for n in names if n.strip()]
        if code in seen or not name.strip() or not names:
            continue
        seen.add(code)
        check.compared += 1
        if not any(same_area_name(name, one) for one in names):
            check.mismatches.append(NameMismatch(code, names[-1], name.strip(), line))
    return check
