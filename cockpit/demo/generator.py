"""Deterministic observations of the demo city Musterstadt, 2012-2025.

The numbers follow a few latent traits per Stadtteil (poverty, migration, age
structure, growth) so that the indicators show the relations municipal
reports find everywhere: more poverty where the migration share is higher,
fewer Gymnasium transitions and fewer holiday-programme children where the
SGB-II rate is high, ageing quarters, and one new-build quarter growing fast.
Each (dataset, area) pair draws from its own seeded generator, so adding a
dataset never changes the numbers of another.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from cockpit.demo.budget import budget_rows
from cockpit.store.schema import DIMENSIONS, TOTAL

SEED = 20121231
YEARS: tuple[int, ...] = tuple(range(2012, 2026))
LAST_CLOSED_BUDGET_YEAR = 2024

AGE_GROUPS: tuple[str, ...] = (
    "00_02", "03_05", "06_09", "10_14", "15_17", "18_20",
    "21_24", "25_44", "45_64", "65_79", "80_PLUS",
)
_BASE_AGE_SHARE = dict(zip(AGE_GROUPS, (
    0.028, 0.027, 0.035, 0.043, 0.027, 0.032, 0.050, 0.270, 0.270, 0.150, 0.068,
), strict=True))
_CHILD_GROUPS = {"00_02", "03_05", "06_09", "10_14", "15_17"}
_OLD_GROUPS = {"65_79", "80_PLUS"}


@dataclass(frozen=True)
class Profile:
    """Latent traits of one Stadtteil that drive all its numbers."""

    pop2012: int
    poverty: float  # 0 (affluent) .. 1 (deprived)
    migration: float  # share of non-German residents in 2012
    elderly: float  # shift of the age structure towards old age, -1 .. 1
    ageing: float = 0.0  # yearly increase of that shift
    growth: float = 0.0  # yearly population growth
    new_build: bool = False


PROFILES: dict[str, Profile] = {
    "0101": Profile(9000, 0.45, 0.25, 0.0, growth=0.004),
    "0102": Profile(11000, 0.35, 0.22, 0.0, growth=0.002),
    "0103": Profile(8000, 0.85, 0.42, -0.3, growth=0.008),
    "0104": Profile(7500, 0.08, 0.09, 0.4),
    "0201": Profile(21000, 0.80, 0.36, -0.2, growth=0.006),
    "0202": Profile(12000, 0.30, 0.12, 0.5, ageing=0.03, growth=-0.003),
    "0203": Profile(9500, 0.15, 0.07, 0.6, ageing=0.03, growth=-0.004),
    "0204": Profile(14000, 0.90, 0.45, -0.3, growth=0.005),
    "0301": Profile(17000, 0.55, 0.28, 0.0, growth=0.003),
    "0302": Profile(10500, 0.10, 0.08, 0.2, growth=0.001),
    "0303": Profile(8500, 0.25, 0.10, 0.5, ageing=0.025, growth=-0.005),
    "0304": Profile(6000, 0.05, 0.05, 0.3),
    "0401": Profile(19000, 0.50, 0.24, 0.0, growth=0.002),
    "0402": Profile(9000, 0.07, 0.08, 0.2, growth=0.002),
    "0403": Profile(7000, 0.03, 0.05, 0.1, growth=0.003),
    "0404": Profile(8000, 0.20, 0.09, 0.6, ageing=0.03, growth=-0.004),
    "0501": Profile(11000, 0.30, 0.15, 0.1, growth=0.002),
    "0502": Profile(6500, 0.20, 0.08, 0.5, ageing=0.03, growth=-0.006),
    "0503": Profile(1500, 0.15, 0.12, -0.6, new_build=True),
    "0504": Profile(7000, 0.15, 0.10, 0.2, growth=0.001),
    "0601": Profile(18000, 0.70, 0.33, -0.1, growth=0.004),
    "0602": Profile(13000, 0.75, 0.38, -0.2, growth=0.005),
    "0603": Profile(10000, 0.60, 0.30, -0.1, growth=0.003),
    "0604": Profile(8000, 0.25, 0.12, 0.3, ageing=0.02, growth=-0.002),
}

Row = tuple  # (dataset_id, area_code, period, *DIMENSIONS, value)


def _row(dataset: str, area: str, year: int, value: float, **dims: str) -> Row:
    unknown = set(dims) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions {unknown}")
    return (dataset, area, str(year), *(dims.get(d, TOTAL) for d in DIMENSIONS), float(value))


def _rng(*key: object) -> random.Random:
    return random.Random(":".join(str(k) for k in (SEED, *key)))


def _count(rng: random.Random, expected: float) -> int:
    """Draw a non-negative count around `expected` with Poisson-like spread."""
    if expected <= 0:
        return 0
    return max(0, round(rng.gauss(expected, math.sqrt(expected))))


# -- population ---------------------------------------------------------------

def population_total(code: str, year: int) -> float:
    """Expected population of a Stadtteil in a year (before age split and noise)."""
    p = PROFILES[code]
    if p.new_build:
        # Construction starts in 2014; the quarter fills up along an S-curve.
        return p.pop2012 + 11000 / (1 + math.exp(-(year - 2019) / 1.4)) - 11000 / (
            1 + math.exp(-(2012 - 2019) / 1.4)
        )
    total = p.pop2012 * (1 + p.growth) ** (year - 2012)
    # Refugee arrivals 2015/16 and 2022 settle mostly where migrants already live.
    if year >= 2015:
        total *= 1 + 0.04 * p.migration
    if year >= 2016:
        total *= 1 + 0.03 * p.migration
    if year >= 2022:
        total *= 1 + 0.04 * p.migration
    return total


def _age_shares(p: Profile, year: int) -> dict[str, float]:
    shift = p.elderly + p.ageing * (year - 2012)
    weights = {}
    for group, base in _BASE_AGE_SHARE.items():
        if group in _CHILD_GROUPS:
            factor = 1 + 0.35 * p.poverty - 0.4 * shift + (0.7 if p.new_build else 0)
        elif group in ("18_20", "21_24"):
            factor = 1 + 0.25 * p.poverty - 0.2 * shift
        elif group == "25_44":
            factor = 1 - 0.3 * shift + (0.35 if p.new_build else 0)
        elif group == "45_64":
            factor = 1 + 0.1 * shift
        else:
            factor = 1 + (0.8 if group == "65_79" else 1.1) * shift
        weights[group] = base * max(factor, 0.25)
    total = sum(weights.values())
    return {g: w / total for g, w in weights.items()}


def migration_share(code: str, year: int) -> float:
    """Expected share of non-German residents of a Stadtteil in a year."""
    p = PROFILES[code]
    share = 0.8 * p.migration * (1 + 0.015 * (year - 2012))
    if year >= 2015:
        share += 0.03 * p.migration
    if year >= 2022:
        share += 0.03 * p.migration
    return min(share, 0.7)


_NATIONALITY_FACTOR = {
    "00_02": 0.8, "03_05": 0.85, "06_09": 0.9, "10_14": 0.9, "15_17": 0.95,
    "18_20": 1.2, "21_24": 1.4, "25_44": 1.35, "45_64": 0.85, "65_79": 0.4, "80_PLUS": 0.2,
}
_MALE_SHARE = {"65_79": 0.46, "80_PLUS": 0.37}


def population(code: str) -> dict[int, dict[tuple[str, str, str], int]]:
    """Residents by year, then (age group, sex, nationality), for one Stadtteil."""
    p = PROFILES[code]
    rng = _rng("bevoelkerung", code)
    cells: dict[int, dict[tuple[str, str, str], int]] = {}
    for year in YEARS:
        year_cells = cells[year] = {}
        total = population_total(code, year) * (1 + rng.gauss(0, 0.004))
        shares = _age_shares(p, year)
        mig = migration_share(code, year)
        for group in AGE_GROUPS:
            group_total = total * shares[group] * (1 + rng.gauss(0, 0.008))
            male = _MALE_SHARE.get(group, 0.505)
            foreign = min(mig * _NATIONALITY_FACTOR[group], 0.85)
            for sex, s_share in (("m", male), ("w", 1 - male)):
                for nat, n_share in (("deutsch", 1 - foreign), ("nichtdeutsch", foreign)):
                    year_cells[(group, sex, nat)] = max(0, round(group_total * s_share * n_share))
    return cells


def _sum(cells: dict, year: int, groups: set[str] | tuple[str, ...], **match: str) -> int:
    total = 0
    for (group, sex, nat), n in cells[year].items():
        if group not in groups:
            continue
        if match.get("sex", sex) != sex or match.get("nationality", nat) != nat:
            continue
        total += n
    return total


# -- per-dataset generators ----------------------------------------------------

def _bevoelkerung(code: str, cells: dict) -> Iterator[Row]:
    for year, year_cells in cells.items():
        for (group, sex, nat), n in year_cells.items():
            yield _row("bevoelkerung", code, year, n, sex=sex, age_group=group,
                       nationality=nat)


def _births(code: str, cells: dict) -> dict[int, int]:
    p = PROFILES[code]
    rng = _rng("geburten", code)
    rate = 0.052 + 0.02 * p.poverty + (0.025 if p.new_build else 0)
    births = {}
    for year in YEARS:
        women = _sum(cells, year, {"21_24", "25_44"}, sex="w")
        trend = 1 + 0.012 * min(year - 2012, 5) - 0.01 * max(year - 2021, 0)
        births[year] = _count(rng, women * rate * trend)
    return births


def _geburten(code: str, births: dict[int, int]) -> Iterator[Row]:
    for year, n in births.items():
        yield _row("geburten", code, year, n)


def _wanderungen(code: str, cells: dict, births: dict[int, int]) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("wanderungen", code)
    previous = population_total(code, 2011) if not p.new_build else p.pop2012
    for year in YEARS:
        current = sum(cells[year].values())
        deaths = 0.012 * _sum(cells, year, {"65_79"}) + 0.075 * _sum(cells, year, {"80_PLUS"})
        net = current - previous - births[year] + deaths
        turnover = current * (0.075 + 0.06 * p.poverty) * (1 + rng.gauss(0, 0.04))
        moves_in = round(turnover + max(net, 0))
        moves_out = max(0, round(moves_in - net))
        yield _row("wanderungen", code, year, moves_in, measure="zuzuege")
        yield _row("wanderungen", code, year, moves_out, measure="fortzuege")
        previous = current


def _sgb2_trend(year: int) -> float:
    trend = 1.0 - 0.012 * min(year - 2012, 7)
    if year >= 2016:
        trend += 0.04
    if year >= 2020:
        trend += 0.03
    if year >= 2022:
        trend += 0.06
    return trend


def _sgb2(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("sgb2", code)
    rate = 0.018 + 0.18 * p.poverty
    for year in YEARS:
        under15 = _sum(cells, year, {"00_02", "03_05", "06_09", "10_14"})
        working = _sum(cells, year, {"15_17", "18_20", "21_24", "25_44", "45_64"})
        trend = _sgb2_trend(year)
        yield _row("sgb2", code, year, _count(rng, under15 * min(rate * 1.55 * trend, 0.6)),
                   age_group="00_14")
        yield _row("sgb2", code, year, _count(rng, working * rate * trend), age_group="15_64")


def _arbeitslose(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("arbeitslose", code)
    rate = 0.022 + 0.085 * p.poverty
    for year in YEARS:
        trend = 1.0 - 0.03 * min(year - 2012, 7) + (0.12 if year >= 2020 else 0)
        trend -= 0.03 if year >= 2022 else 0
        young = _sum(cells, year, {"15_17", "18_20", "21_24"})
        older = _sum(cells, year, {"25_44", "45_64"})
        yield _row("arbeitslose", code, year, _count(rng, young * rate * 0.75 * trend),
                   age_group="15_24")
        yield _row("arbeitslose", code, year, _count(rng, older * rate * trend),
                   age_group="25_64")


_ELECTIONS = {
    "kommunalwahl": {2014: 0.0, 2020: -0.02, 2025: 0.03},
    "bundestagswahl": {2013: -0.03, 2017: 0.0, 2021: 0.01, 2025: 0.04},
}
_ADULT_GROUPS = {"18_20", "21_24", "25_44", "45_64", "65_79", "80_PLUS"}


def _wahlen(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("wahlen", code)
    for election, years in _ELECTIONS.items():
        base = 0.58 - 0.32 * p.poverty if election == "kommunalwahl" else 0.81 - 0.26 * p.poverty
        for year, effect in years.items():
            eligible = _sum(cells, year, _ADULT_GROUPS, nationality="deutsch")
            if election == "kommunalwahl":
                # EU citizens may vote in local elections.
                eligible += round(0.3 * _sum(cells, year, _ADULT_GROUPS,
                                             nationality="nichtdeutsch"))
            turnout = min(max(base + effect + rng.gauss(0, 0.015), 0.2), 0.95)
            yield _row("wahlen", code, year, eligible, measure="wahlberechtigte",
                       variant=election)
            yield _row("wahlen", code, year, round(eligible * turnout), measure="waehlende",
                       variant=election)


def _kita(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("kita", code)
    for year in YEARS:
        t = year - 2012
        for group, rate, supply in (
            ("00_02", min(0.34 - 0.2 * p.poverty + 0.012 * t, 0.7), 1.04),
            ("03_05", min(0.93 - 0.12 * p.poverty + 0.003 * t, 0.99), 1.02),
        ):
            children = _sum(cells, year, {group})
            in_care = min(_count(rng, children * rate), children)
            # New quarters build Kitas after the families arrive.
            lag = 0.82 if p.new_build and 2015 <= year <= 2020 else 1.0
            places = round(in_care * supply * lag * (1 + rng.gauss(0, 0.04)))
            yield _row("kita", code, year, in_care, measure="betreute_kinder", age_group=group)
            yield _row("kita", code, year, max(places, 0), measure="plaetze", age_group=group)


def _shares_to_counts(rng: random.Random, total: int, shares: dict[str, float]) -> dict[str, int]:
    noisy = {k: max(v * (1 + rng.gauss(0, 0.08)), 0.0) for k, v in shares.items()}
    norm = sum(noisy.values())
    return {k: _count(rng, total * v / norm) for k, v in noisy.items()}


def _schuluebergaenge(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("schuluebergaenge", code)
    shares = {
        "gymnasium": 0.58 - 0.42 * p.poverty,
        "hauptschule": 0.015 + 0.11 * p.poverty,
        "sonstige": 0.01 + 0.03 * p.poverty,
        "gesamtschule": 0.18 + 0.16 * p.poverty,
    }
    shares["realschule"] = 1 - sum(shares.values())
    for year in YEARS:
        cohort = round(_sum(cells, year, {"10_14"}) / 5)
        for school, n in _shares_to_counts(rng, cohort, shares).items():
            yield _row("schuluebergaenge", code, year, n, category=school)


def _schulabgaenger(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("schulabgaenger", code)
    for year in YEARS:
        trend = 1 - 0.01 * (year - 2012)
        shares = {
            "ohne_abschluss": (0.022 + 0.1 * p.poverty) * trend,
            "hauptschulabschluss": 0.07 + 0.12 * p.poverty,
            "mittlerer_abschluss": 0.38,
        }
        shares["hochschulreife"] = 1 - sum(shares.values())
        cohort = round(_sum(cells, year, {"15_17"}) / 3)
        for certificate, n in _shares_to_counts(rng, cohort, shares).items():
            yield _row("schulabgaenger", code, year, n, category=certificate)


def _hze(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("hze", code)
    under21 = {"00_02", "03_05", "06_09", "10_14", "15_17", "18_20"}
    for year in YEARS:
        rate = (0.006 + 0.04 * p.poverty) * (1 + 0.015 * (year - 2012))
        young = _sum(cells, year, under21)
        for kind, share in (("ambulant", 0.62), ("teilstationaer", 0.08), ("stationaer", 0.30)):
            yield _row("hze", code, year, _count(rng, young * rate * share), category=kind)


_PANDEMIC = {2020: 0.3, 2021: 0.65}


def _ferienprogramm(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("ferienprogramm", code)
    for year in YEARS:
        for group, factor in (("06_09", 1.2), ("10_14", 0.8)):
            kids = _sum(cells, year, {group})
            rate = (0.27 - 0.19 * p.poverty) * factor * _PANDEMIC.get(year, 1.0)
            yield _row("ferienprogramm", code, year, min(_count(rng, kids * rate), kids),
                       age_group=group)


def _vhs(code: str, cells: dict) -> Iterator[Row]:
    p = PROFILES[code]
    rng = _rng("vhs", code)
    shares = {
        "sprachen": 0.28,
        "integration": 0.04 + 0.25 * p.migration,
        "grundbildung": 0.02 + 0.04 * p.poverty,
        "beruf": 0.12,
        "gesundheit": 0.26 - 0.08 * p.poverty,
        "kultur": 0.16 - 0.05 * p.poverty,
    }
    for year in YEARS:
        residents = sum(cells[year].values())
        total = round(residents * (0.058 - 0.018 * p.poverty) * _PANDEMIC.get(year, 1.0) ** 0.6)
        for area, n in _shares_to_counts(rng, total, shares).items():
            yield _row("vhs", code, year, n, category=area)


def _berufsbildung(city: str, city_pop_18_20: dict[int, int]) -> Iterator[Row]:
    rng = _rng("berufsbildung", city)
    for year in YEARS:
        total = city_pop_18_20[year] * 0.42
        transition = 0.24 - 0.008 * (year - 2012) + (0.05 if year in (2016, 2017) else 0)
        shares = {"duales_system": 0.47, "schulberufssystem": 0.29,
                  "uebergangsbereich": transition}
        for sector, n in _shares_to_counts(rng, round(total), shares).items():
            yield _row("berufsbildung", city, year, n, category=sector)


# Aufwendungen 2012 in million EUR, yearly growth, Erträge as share of Aufwendungen,
# investment payments planned per year in million EUR.
_PRODUCT_AREAS: dict[str, tuple[float, float, float, float]] = {
    "pb01": (95, 0.025, 0.18, 8), "pb02": (45, 0.03, 0.35, 2), "pb03": (45, 0.035, 0.12, 30),
    "pb04": (35, 0.02, 0.15, 3), "pb05": (180, 0.035, 0.38, 0.5), "pb06": (90, 0.05, 0.27, 10),
    "pb07": (8, 0.02, 0.3, 0.2), "pb08": (12, 0.02, 0.1, 3), "pb09": (10, 0.02, 0.2, 1),
    "pb10": (15, 0.025, 0.4, 4), "pb11": (60, 0.025, 1.05, 15), "pb12": (40, 0.03, 0.2, 25),
    "pb13": (15, 0.02, 0.1, 2), "pb14": (4, 0.02, 0.2, 0.5), "pb15": (9, 0.02, 0.25, 1.5),
    "pb16": (40, 0.02, 12.3, 0), "pb17": (1, 0.01, 0.9, 0),
}


def _haushalt(city: str) -> Iterator[Row]:
    rng = _rng("haushalt", city)
    for pb, (spend, growth, income_ratio, invest) in _PRODUCT_AREAS.items():
        for year in YEARS:
            plan_spend = spend * 1e6 * (1 + growth) ** (year - 2012)
            plan_income = plan_spend * income_ratio * (1 - 0.004 * (year - 2012))
            plan_invest = invest * 1e6 * (1 + 0.04 * (year - 2012))
            plans = {
                ("haushalt_ergebnis", "aufwendungen"): plan_spend,
                ("haushalt_ergebnis", "ertraege"): plan_income,
                ("haushalt_finanz", "auszahlungen_lfd"): plan_spend * 0.93,
                ("haushalt_finanz", "einzahlungen_lfd"): plan_income * 0.96,
                ("haushalt_finanz", "auszahlungen_invest"): plan_invest,
                ("haushalt_finanz", "einzahlungen_invest"): plan_invest * 0.35,
            }
            for (dataset, measure), plan in plans.items():
                yield _row(dataset, city, year, round(plan, -3), category=pb, measure=measure,
                           variant="plan")
                if year > LAST_CLOSED_BUDGET_YEAR:
                    continue  # the annual accounts of the current year are not closed
                if measure.endswith("_invest"):
                    actual = plan * rng.uniform(0.55, 0.85)  # the usual investment backlog
                else:
                    actual = plan * (1 + rng.gauss(-0.01, 0.03))
                yield _row(dataset, city, year, round(actual, -2), category=pb, measure=measure,
                           variant="ist")


def generate_observations(city_code: str) -> list[Row]:
    """All observations of the demo city, in a fixed order."""
    rows: list[Row] = []
    city_18_20 = dict.fromkeys(YEARS, 0)
    for code in sorted(PROFILES):
        cells = population(code)
        births = _births(code, cells)
        for year in YEARS:
            city_18_20[year] += _sum(cells, year, {"18_20"})
        rows += _bevoelkerung(code, cells)
        rows += _geburten(code, births)
        rows += _wanderungen(code, cells, births)
        rows += _sgb2(code, cells)
        rows += _arbeitslose(code, cells)
        rows += _wahlen(code, cells)
        rows += _kita(code, cells)
        rows += _schuluebergaenge(code, cells)
        rows += _schulabgaenger(code, cells)
        rows += _hze(code, cells)
        rows += _ferienprogramm(code, cells)
        rows += _vhs(code, cells)
    rows += _berufsbildung(city_code, city_18_20)
    totals = list(_haushalt(city_code))
    rows += totals
    rows += budget_rows(totals)  # the same budget by Produktgruppe (cockpit/demo/budget.py)
    return rows
