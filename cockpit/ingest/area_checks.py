"""The right place or none: a delivery's area codes and names against the territory.

Three questions per delivery, answered before the values are looked at:

1. Where does each delivered code go (`cockpit.territory.keys`)? Rows of areas at a level
   the dataset does not cover (Deutschland, Länder, Regierungsbezirke in a Kreis table) and
   official areas outside the territory are skipped and counted, not refused.
2. Do the names the delivery carries fit the territory's names for those codes? A few
   differences are warnings; when most names disagree the keys mean something else here
   and the delivery is refused.
3. What does a GENESIS special sign mean for each row: "-" for an area that did not
   exist at the period's key date ("Gebiet bestand nicht"), a missing stock figure, or a
   real zero; ".", "x", "...", "/" a missing value with a reason (a warning).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from cockpit.catalog import Dataset
from cockpit.ingest.area_names import compare_names
from cockpit.ingest.genesis_reader import MISSING_SIGNS
from cockpit.ingest.problems import Problem, error, german_int, info, quote, warning
from cockpit.periods import PeriodError, period_end
from cockpit.territory.keys import (
    KEEP,
    KIND_ORDER,
    NOT_IN_TERRITORY,
    OTHER_LEVEL,
    OUTSIDE,
    KeyPlacer,
    Placement,
    kind_label,
)
from cockpit.territory.lookup import TerritoryLookup

DASH = "-"
_SHOWN = 5  # examples named in one summary line


@dataclass
class Placed:
    """The delivery's codes placed into the territory."""

    placements: dict[str, Placement]
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: int = 0


def place_rows(cells: pd.DataFrame, dataset: Dataset, territory: TerritoryLookup,
               names: Mapping[str, tuple[str, int]]) -> tuple[pd.DataFrame, Placed]:
    """Rows that belong to the dataset's areas (codes mapped to the territory's), and what
    happened to the others. `cells` has the columns line and area_code at least."""
    placer = KeyPlacer(territory.levels(), dataset.levels, dataset.keys)
    codes = cells["area_code"]
    placements = {code: placer.place(code) for code in codes.unique()}
    placed = Placed(placements)
    outcome = codes.map({code: p.outcome for code, p in placements.items()})
    skip = outcome.isin([OTHER_LEVEL, OUTSIDE, NOT_IN_TERRITORY])
    placed.skipped_rows = int(skip.sum())
    placed.problems += _skipped_summary(placements, set(codes[skip]), dataset, territory,
                                        names)
    placed.problems += check_names(placements, territory, names)
    kept = cells[~skip].copy()
    renamed = {code: p.code for code, p in placements.items()
               if p.outcome == KEEP and p.code and p.code != code}
    if renamed:  # 10/11/12-digit and kreisfreie-Stadt keys become the territory's AGS
        codes = kept["area_code"]  # (Series.replace with thousands of keys is slow)
        kept["area_code"] = pd.Series([renamed.get(code, code) for code in codes],
                                      index=codes.index, dtype="str")
    also = {code: p.also for code, p in placements.items() if p.outcome == KEEP and p.also}
    if also:  # kreisfreie Städte: the Kreis's rows are the Gemeinde's rows too
        extra = cells[cells["area_code"].isin(list(also))].copy()
        extra["area_code"] = pd.Series([also[code] for code in extra["area_code"]],
                                        index=extra.index, dtype="str")
        kept = pd.concat([kept, extra], ignore_index=True)
    if placed.skipped_rows and kept.empty:
        placed.problems.append(error(None, "area_code", (
            "Keine Zeile der Lieferung gehört zu einer Ebene des Datensatzes ("
            + ", ".join(territory.level_label(level) for level in dataset.levels)
            + ") – alle Zeilen wurden übersprungen; passt der Datensatz zur Lieferung?")))
    return kept, placed


def _skipped_summary(placements: Mapping[str, Placement], skipped: set[str],
                     dataset: Dataset, territory: TerritoryLookup,
                     names: Mapping[str, tuple[str, int]]) -> list[Problem]:
    problems: list[Problem] = []
    by_outcome: dict[str, Counter[str]] = {OTHER_LEVEL: Counter(), OUTSIDE: Counter(),
                                           NOT_IN_TERRITORY: Counter()}
    for code in skipped:
        placement = placements[code]
        by_outcome[placement.outcome][placement.kind] += 1
    if by_outcome[OTHER_LEVEL]:
        problems.append(info(
            "Übersprungen (Ebene nicht im Datensatz): "
            + _counted(by_outcome[OTHER_LEVEL], dataset, territory)))
    if by_outcome[OUTSIDE]:
        problems.append(info(
            "Übersprungen (außerhalb des Gebiets): "
            + _counted(by_outcome[OUTSIDE], dataset, territory)))
    if by_outcome[NOT_IN_TERRITORY]:
        # Inside the territory's bounds but none of its areas: a Gemeinde dissolved before
        # the territory's Gebietsstand, or a typing error; someone must look at it.
        missing = sorted(code for code in skipped
                         if placements[code].outcome == NOT_IN_TERRITORY)
        shown = ", ".join(_code_and_name(code, names) for code in missing[:_SHOWN])
        more = f" und {german_int(len(missing) - _SHOWN)} weitere" if len(missing) > _SHOWN else ""
        problems.append(warning(None, "area_code", (
            f"{_counted(by_outcome[NOT_IN_TERRITORY], dataset, territory)} gibt es im "
            f"Gebietsstand dieser Installation nicht (aufgelöst, neu gebildet oder "
            f"Tippfehler?) – ihre Zeilen werden übersprungen: {shown}{more}")))
    return problems


def _counted(kinds: Counter[str], dataset: Dataset, territory: TerritoryLookup) -> str:
    """'1 Deutschland, 16 Länder, 38 Regierungsbezirke' (official kinds top first; local
    levels by their display name)."""
    def order(kind: str) -> tuple[int, str]:
        return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind)

    parts = []
    for kind in sorted(kinds, key=order):
        n = kinds[kind]
        if kind in KIND_ORDER:
            parts.append(f"{german_int(n)} {kind_label(kind, n)}")
        else:
            levels = " oder ".join(territory.level_label(level) for level in kind.split("|"))
            parts.append(f"{german_int(n)} {'Gebiet' if n == 1 else 'Gebiete'} der Ebene "
                         f"{levels}")
    return ", ".join(parts)


def _code_and_name(code: str, names: Mapping[str, tuple[str, int]]) -> str:
    name = names.get(code, ("", 0))[0]
    return f"{code} {quote(name)}" if name else code


def check_names(placements: Mapping[str, Placement], territory: TerritoryLookup,
                names: Mapping[str, tuple[str, int]]) -> list[Problem]:
    """Warnings for names that differ; an error when most of them do."""
    if not names:
        return []
    pairs = [(placement.code, names[code][0], names[code][1])
             for code, placement in placements.items()
             if placement.code is not None and code in names]
    result = compare_names(pairs, territory.names())
    problems = [warning(m.line, "area_name", (
        f"Gebietsschlüssel {quote(m.code)} heißt hier {quote(m.known)}, in der Lieferung "
        f"{quote(m.delivered)}")) for m in result.mismatches]
    if result.refused:
        first = result.mismatches[0]
        problems.insert(0, error(first.line, "area_code", (
            f"Die Gebietsnamen passen nicht zum Gebiet dieser Installation: "
            f"{german_int(len(result.mismatches))} von {german_int(result.compared)} Namen "
            f"weichen ab. Gebietsschlüssel {quote(first.code)} heißt hier {quote(first.known)}, "
            f"in der Lieferung {quote(first.delivered)} – passt die Lieferung zu diesem "
            f"Gebiet (Schlüsselsystem, Ebene)? Nichts wird übernommen.")))
    return problems


def resolve_signs(cells: pd.DataFrame, open_rows: pd.Series, dataset: Dataset,
                  territory: TerritoryLookup) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """GENESIS special signs per row: (rows to skip, the value column with "-" turned into
    "0" where it is a real zero, the report lines).

    `open_rows` are rows whose area and period passed their checks; on the others "-" is
    read as 0 so that only the real problem is reported.
    """
    values = cells["value"]
    skip = pd.Series(False, index=cells.index)
    problems: list[Problem] = []
    signs = values.isin(list(MISSING_SIGNS))
    for index in cells.index[signs]:
        sign = values[index]
        problems.append(warning(int(cells.at[index, "line"]), "value", (
            f"Wert {quote(sign)} ({MISSING_SIGNS[sign]}) für {cells.at[index, 'period']} "
            "übernommen als fehlend")))
    skip |= signs
    dash = values == DASH
    # Skipped rows are never published; "0" only keeps them out of the number checks.
    values = values.mask(signs, "0")
    if not dash.any():
        return skip, values, problems
    gone: dict[str, set[str]] = {}
    missing: dict[str, set[str]] = {}
    candidates = cells[dash & open_rows]
    skipped: list[object] = []
    for (code, period), index in candidates.groupby(["area_code", "period"]).groups.items():
        try:
            day = period_end(period)
        except PeriodError:
            continue
        if not territory.exists_on(code, day):
            gone.setdefault(code, set()).add(period)
        elif dataset.genesis_dash == "missing":
            missing.setdefault(code, set()).add(period)
        else:
            continue
        skipped.extend(index)
    skip.loc[skipped] = True
    if gone:
        count = sum(len(p) for p in gone.values())
        problems.append(info(
            f"Gebiet bestand nicht: „-“ für {german_int(len(gone))} "
            f"{'Gebiet' if len(gone) == 1 else 'Gebiete'} in Zeiträumen, zu deren Stichtag "
            f"es nicht bestand ({german_int(count)} Gebiet-Zeitraum-Paare, nicht als 0 "
            f"übernommen): {_periods_text(gone, territory, with_validity=True)}"))
    if missing:
        problems.append(info(
            f"„-“ als fehlender Wert übernommen (Bestandszahl, genesis.dash: missing), nicht "
            f"als 0: {_periods_text(missing, territory, with_validity=False)}"))
    return skip, values.mask(dash, "0"), problems


def _periods_text(periods: Mapping[str, Iterable[str]], territory: TerritoryLookup, *,
                  with_validity: bool) -> str:
    parts = []
    for code in sorted(periods)[:_SHOWN]:
        name = territory.name(code)
        validity = territory.validity_text(code) if with_validity else ""
        text = f"{code}{' ' + quote(name) if name else ''} ({', '.join(sorted(periods[code]))}"
        parts.append(text + (f"; {validity})" if validity else ")"))
    if len(periods) > _SHOWN:
        parts.append(f"… und {german_int(len(periods) - _SHOWN)} weitere")
    return ", ".join(parts)
