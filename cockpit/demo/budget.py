"""Musterstadt's budget by Produktgruppe: Ansatz, fortgeschriebener Ansatz and Ergebnis.

Built from the Produktbereich totals of the demo's budget (`generator._haushalt`, the
datasets `haushalt_ergebnis` and `haushalt_finanz` the finance indicators read), so the
two agree to the euro: the Ansätze of a Produktbereich's Produktgruppen add up to its
plan, their Ergebnisse to its actual value. The fortgeschriebener Ansatz adds the usual
carry-overs (Ermächtigungsübertragungen) to the spending positions: a few percent for
running costs, a fifth to two fifths for investments, which then flow out far less than
planned; income positions keep their Ansatz. Every number
comes from generators seeded per Produktbereich, so the figures never change.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

from cockpit.store.schema import DIMENSIONS

DATASET = "haushalt"

# Per Produktgruppe: share weights of Aufwendungen, Erträge and investment payments
# within its Produktbereich (roughly as in the budgets of mid-sized NRW cities).
PRODUKTGRUPPEN: dict[str, dict[str, tuple[float, float, float]]] = {
    "01": {"0101": (0.18, 0.05, 0.05), "0102": (0.27, 0.10, 0.05),
           "0103": (0.20, 0.25, 0.10), "0104": (0.35, 0.60, 0.80)},
    "02": {"0201": (0.30, 0.45, 0.10), "0202": (0.20, 0.35, 0.05),
           "0203": (0.50, 0.20, 0.85)},
    "03": {"0301": (0.30, 0.15, 0.40), "0302": (0.42, 0.20, 0.50),
           "0303": (0.18, 0.55, 0.08), "0304": (0.10, 0.10, 0.02)},
    "04": {"0401": (0.55, 0.40, 0.60), "0402": (0.20, 0.45, 0.10),
           "0403": (0.25, 0.15, 0.30)},
    "05": {"0501": (0.38, 0.40, 0.05), "0502": (0.40, 0.45, 0.05),
           "0503": (0.12, 0.12, 0.30), "0504": (0.10, 0.03, 0.60)},
    "06": {"0601": (0.55, 0.70, 0.75), "0602": (0.08, 0.05, 0.15),
           "0603": (0.30, 0.10, 0.05), "0604": (0.07, 0.15, 0.05)},
    "07": {"0701": (0.70, 0.80, 0.70), "0702": (0.30, 0.20, 0.30)},
    "08": {"0801": (0.75, 0.85, 0.90), "0802": (0.25, 0.15, 0.10)},
    "09": {"0901": (0.70, 0.60, 0.60), "0902": (0.30, 0.40, 0.40)},
    "10": {"1001": (0.45, 0.75, 0.05), "1002": (0.15, 0.05, 0.25),
           "1003": (0.40, 0.20, 0.70)},
    "11": {"1101": (0.45, 0.45, 0.30), "1102": (0.55, 0.55, 0.70)},
    "12": {"1201": (0.55, 0.35, 0.70), "1202": (0.30, 0.25, 0.25),
           "1203": (0.15, 0.40, 0.05)},
    "13": {"1301": (0.65, 0.20, 0.70), "1302": (0.35, 0.80, 0.30)},
    "14": {"1401": (1.0, 1.0, 1.0)},
    "15": {"1501": (0.65, 0.60, 0.80), "1502": (0.35, 0.40, 0.20)},
    "16": {"1601": (0.70, 0.97, 1.0), "1602": (0.30, 0.03, 1.0)},
    "17": {"1701": (1.0, 1.0, 1.0)},
}
# Which weight a position takes: 0 spending, 1 income, 2 investment.
_WEIGHT = {"aufwendungen": 0, "auszahlungen_lfd": 0, "ertraege": 1, "einzahlungen_lfd": 1,
           "auszahlungen_invest": 2, "einzahlungen_invest": 2}

_INCOME = frozenset({"ertraege", "einzahlungen_lfd", "einzahlungen_invest"})


def _row(area: str, year: str, value: int, **dims: str) -> tuple:
    return (DATASET, area, year, *(dims.get(d, "_T") for d in DIMENSIONS), float(value))


def split(total: float, weights: list[float]) -> list[int]:
    """Whole euros in proportion to `weights` that add up to round(total) exactly (the
    rounding remainder goes to the largest part)."""
    whole = round(total)
    if whole == 0 or sum(weights) == 0:
        return [0] * len(weights)
    parts = [int(whole * w / sum(weights)) for w in weights]
    parts[max(range(len(weights)), key=weights.__getitem__)] += whole - sum(parts)
    return parts


def budget_rows(totals: Iterable[tuple]) -> Iterator[tuple]:
    """Produktgruppen rows of the dataset `haushalt` from the demo's Produktbereich rows
    (`haushalt_ergebnis` / `haushalt_finanz`, variants plan and ist)."""
    plan: dict[tuple[str, str, str, str], float] = {}
    actual: dict[tuple[str, str, str, str], float] = {}
    dims = {d: i for i, d in enumerate(DIMENSIONS, start=3)}
    for row in totals:
        if row[0] not in ("haushalt_ergebnis", "haushalt_finanz"):
            continue
        key = (row[1], row[2], row[dims["category"]][2:], row[dims["measure"]])
        (plan if row[dims["variant"]] == "plan" else actual)[key] = row[-1]
    for (area, year, bereich, measure), planned in plan.items():
        rng = random.Random(f"haushalt:{bereich}:{measure}:{year}")
        groups = PRODUKTGRUPPEN[bereich]
        weights = [w[_WEIGHT[measure]] for w in groups.values()]
        ansatz = split(planned, weights)
        if measure in _INCOME:  # carry-overs are spending authorisations only
            forward = list(ansatz)
        else:
            invest = measure.endswith("_invest")
            forward = [round(a * (1 + (rng.uniform(0.2, 0.4) if invest else
                                       max(rng.gauss(0.015, 0.012), 0.0)))) for a in ansatz]
        dims_of = {"measure": measure}
        for code, a, f in zip(groups, ansatz, forward, strict=True):
            yield _row(area, year, a, category=code, variant="ansatz", **dims_of)
            yield _row(area, year, f, category=code, variant="fortgeschrieben", **dims_of)
        closed = actual.get((area, year, bereich, measure))
        if closed is None:
            continue  # the Jahresabschluss of this year is not there yet
        # Each Produktgruppe drifts from its Ansatz on its own; together they give the
        # Produktbereich's actual value.
        drift = [a * max(1 + rng.gauss(0, 0.06), 0.05) for a in ansatz]
        for code, e in zip(groups, split(closed, drift if sum(drift) else weights),
                           strict=True):
            yield _row(area, year, e, category=code, variant="ergebnis", **dims_of)
