"""The budget (Haushalt) by Produktrahmen: plan against actual, pure functions only.

The dataset `haushalt` (data/datasets/haushalt.yaml) holds one amount per year,
Produktgruppe (`category`), position (`measure`) and stage (`variant`: Ansatz,
fortgeschriebener Ansatz, Ergebnis). Names and Produktbereiche come from
data/produktrahmen.yaml; a Produktgruppe belongs to the Produktbereich named by the
first two digits of its code. Nothing here reads the store or knows a viewer: the
gate's budget desk (cockpit/access/budget.py) hands the permitted lines in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from cockpit.catalog import Dataset, DefinitionError

BUDGET_DATASET = "haushalt"
PRODUKTRAHMEN_FILE = "produktrahmen.yaml"

#: Positions of the Ergebnishaushalt (accrual) and the Finanzhaushalt (cash), in order.
STATEMENTS: dict[str, tuple[str, ...]] = {
    "ergebnis": ("ertraege", "aufwendungen"),
    "finanz": ("einzahlungen_lfd", "auszahlungen_lfd", "einzahlungen_invest",
               "auszahlungen_invest"),
}
STAGES = ("ansatz", "fortgeschrieben", "ergebnis")
#: What the Ergebnis is compared with: the adopted Ansatz or the fortgeschriebener Ansatz.
BASES = ("fortgeschrieben", "ansatz")
AMOUNT_COLUMNS = ("ansatz", "fortgeschrieben", "ergebnis", "deviation")


@dataclass(frozen=True)
class Produktrahmen:
    """Names of the Produktbereiche and Produktgruppen, codes as text ("06", "0603")."""

    bereiche: dict[str, str]
    gruppen: dict[str, str]

    @staticmethod
    def bereich_of(gruppe: str) -> str:
        """The Produktbereich a Produktgruppe belongs to: the first two digits."""
        return gruppe[:2]

    def gruppen_of(self, bereich: str) -> list[str]:
        """The Produktgruppen of one Produktbereich, in code order."""
        return sorted(g for g in self.gruppen if self.bereich_of(g) == bereich)

    def name(self, code: str) -> str:
        """The name of a Produktbereich or Produktgruppe (the code when it has none)."""
        return self.bereiche.get(code) or self.gruppen.get(code) or code


def load_produktrahmen(data_dir: Path, dataset: Dataset | None = None) -> Produktrahmen:
    """Read data/produktrahmen.yaml; with the dataset, check that every Produktgruppe it
    may deliver has a name and lies in a declared Produktbereich (DefinitionError, German)."""
    path = data_dir / PRODUKTRAHMEN_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DefinitionError(f"{path}: Datei fehlt – sie nennt die Produktbereiche und "
                              "Produktgruppen des Haushalts") from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: kein gültiges YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: erwartet produktbereiche: und produktgruppen:")
    parts = {}
    for key in ("produktbereiche", "produktgruppen"):
        entries = raw.get(key)
        if not isinstance(entries, dict) or not entries:
            raise DefinitionError(f"{path}: {key} fehlt oder ist leer (Code: Name)")
        parts[key] = {str(code): str(name) for code, name in entries.items()}
    frame = Produktrahmen(parts["produktbereiche"], parts["produktgruppen"])
    for gruppe in frame.gruppen:
        if frame.bereich_of(gruppe) not in frame.bereiche:
            raise DefinitionError(
                f"{path}: Produktgruppe {gruppe} gehört zu keinem Produktbereich – ihre "
                f"ersten zwei Ziffern ({gruppe[:2]}) sind nicht unter produktbereiche genannt")
    if dataset is not None:
        unnamed = [c for c in dataset.dimensions.get("category", ()) if c not in frame.gruppen]
        if unnamed:
            raise DefinitionError(
                f"{path}: Produktgruppe(n) {', '.join(unnamed)} aus {dataset.path.name} "
                "fehlen unter produktgruppen")
    return frame


def check_produktrahmen(data_dir: Path, datasets: dict[str, Dataset]) -> list[str]:
    """Problems of data/produktrahmen.yaml against the budget dataset, for `cockpit
    check` (none when the installation has no budget dataset)."""
    dataset = datasets.get(BUDGET_DATASET)
    if dataset is None:
        return []
    try:
        load_produktrahmen(data_dir, dataset)
    except DefinitionError as exc:
        return [str(exc)]
    return []


def deviation(actual: float | None, plan: float | None) -> tuple[float | None, float | None]:
    """Ergebnis minus plan in EUR, and in percent of the plan (None without a plan > 0)."""
    if actual is None or plan is None or _missing(actual) or _missing(plan):
        return None, None
    difference = actual - plan
    return difference, (100.0 * difference / plan if plan else None)


def _missing(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


TABLE_COLUMNS = ["code", "name", "measure", *AMOUNT_COLUMNS, "deviation_pct"]


def budget_table(lines: pd.DataFrame, frame: Produktrahmen, **options: object) -> pd.DataFrame:
    """`budget_records` as a frame (columns TABLE_COLUMNS)."""
    return pd.DataFrame(budget_records(lines, frame, **options), columns=TABLE_COLUMNS)


def budget_records(
    lines: pd.DataFrame,
    frame: Produktrahmen,
    *,
    statement: str,
    period: str,
    bereich: str | None = None,
    basis: str = "fortgeschrieben",
    residents: float | None = None,
) -> list[dict]:
    """Plan against actual of one statement (`ergebnis` or `finanz`) and year.

    Without `bereich` one row per Produktbereich and position, with `bereich` one per
    Produktgruppe of it (the drill-down); a Produktbereich's figures are the sums of its
    Produktgruppen. `lines` has columns period, category, measure, variant, value.
    Columns: code, name, measure, ansatz, fortgeschrieben, ergebnis, deviation (Ergebnis
    minus `basis`), deviation_pct. With `residents` every amount is per inhabitant
    (the percentages are the same). Ergebnis is None for a year not yet closed.
    Records, not a frame: a year holds a few hundred lines, and pandas' overhead per
    operation would be most of the time of the page's callback.
    """
    if statement not in STATEMENTS or basis not in BASES:
        raise ValueError(f"unknown statement {statement!r} or basis {basis!r}")
    measures = STATEMENTS[statement]
    sums: dict[tuple[str, str, str], float] = {}
    for year, category, measure, stage, value in zip(
            lines["period"].to_numpy(), lines["category"].to_numpy(),
            lines["measure"].to_numpy(), lines["variant"].to_numpy(),
            lines["value"].to_numpy(), strict=True):
        if year != period or measure not in measures or value != value:  # NaN: no value
            continue
        if bereich is not None:
            if category[:2] != bereich:
                continue
            unit = category
        else:
            unit = frame.bereich_of(category)
        key = (unit, measure, stage)
        sums[key] = sums.get(key, 0.0) + float(value)
    units = frame.gruppen_of(bereich) if bereich is not None else sorted(frame.bereiche)
    divisor = residents if residents else 1.0
    rows = []
    for unit in units:
        for measure in measures:
            amounts = {stage: sums.get((unit, measure, stage)) for stage in STAGES}
            if all(value is None for value in amounts.values()):
                continue  # a Produktgruppe without this position
            difference, pct = deviation(amounts["ergebnis"], amounts[basis])
            row = {"code": unit, "name": frame.name(unit), "measure": measure, **amounts,
                   "deviation": difference, "deviation_pct": pct}
            for column in AMOUNT_COLUMNS:
                if row[column] is not None:
                    row[column] = row[column] / divisor
            rows.append(row)
    return rows


def totals(table: pd.DataFrame, basis: str = "fortgeschrieben") -> pd.DataFrame:
    """`total_records` of a budget table, as a frame."""
    return pd.DataFrame(total_records(table.to_dict("records"), basis), columns=TABLE_COLUMNS)


def total_records(records: list[dict], basis: str = "fortgeschrieben") -> list[dict]:
    """One total row per position of a budget table (the sum of the rows shown); the
    deviation in percent is recomputed from the sums, never averaged."""
    rows = []
    for measure in dict.fromkeys(r["measure"] for r in records):
        part = [r for r in records if r["measure"] == measure]
        sums = {}
        for column in ("ansatz", "fortgeschrieben", "ergebnis"):
            present = [r[column] for r in part if not _absent(r[column])]
            sums[column] = float(sum(present)) if present else None
        difference, pct = deviation(sums["ergebnis"], sums[basis])
        rows.append({"code": "", "name": "Summe", "measure": measure, **sums,
                     "deviation": difference, "deviation_pct": pct})
    return rows


def _absent(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def budget_periods(lines: pd.DataFrame) -> list[str]:
    """The years the budget lines cover, oldest first."""
    return sorted(set(lines["period"]))


def closed(lines: pd.DataFrame, period: str) -> bool:
    """Whether the year has an Ergebnis (its Jahresabschluss is delivered)."""
    return bool(((lines["period"] == period) & (lines["variant"] == "ergebnis")).any())
