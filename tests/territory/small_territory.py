"""A small installation with its own declared levels, built by tests that need one.

`four_levels` is shaped like Berlin's LOR (a Land above Bezirke, Bezirksregionen and
Planungsräume; the codes here are made up and short), `one_level` is a single
municipality with no areas below it. Both have one public count dataset with an indicator
(Einwohner) and one restricted count dataset with a ratio indicator (Hilfequote, small
counts included, so suppression has work to do), each at the lowest level.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from cockpit.appdb import create_demo_users
from cockpit.context import Installation
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings
from cockpit.territory.levels import Levels, parse_levels_option, write_levels

FOUR_LEVELS = ("land:Land|State,bezirk:Bezirk|Borough,region:Bezirksregion|Region,"
               "raum:Planungsraum|Planning area")
# code, name, level, parent
FOUR_AREAS: tuple[tuple[str, str, str, str | None], ...] = (
    ("11", "Berlin", "land", None),
    ("01", "Mitte", "bezirk", "11"),
    ("02", "Pankow", "bezirk", "11"),
    ("0101", "Zentrum", "region", "01"),
    ("0102", "Moabit", "region", "01"),
    ("0201", "Prenzlauer Berg", "region", "02"),
    ("010101", "Alexanderplatz", "raum", "0101"),
    ("010102", "Unter den Linden", "raum", "0101"),
    ("010201", "Moabit West", "raum", "0102"),
    ("010202", "Moabit Ost", "raum", "0102"),
    ("020101", "Kollwitzplatz", "raum", "0201"),
    ("020102", "Helmholtzplatz", "raum", "0201"),
)
# Residents and support cases per Planungsraum and year; 1 and 2 cases are secret.
FOUR_RESIDENTS = {"2022": (420, 380, 510, 290, 600, 330),
                  "2023": (430, 385, 500, 300, 610, 340)}
FOUR_CASES = {"2022": (2, 7, 5, 9, 1, 12), "2023": (6, 4, 1, 8, 11, 5)}

ONE_LEVEL = "gemeinde:Gemeinde|Municipality"
ONE_AREAS = (("09162000", "Musterdorf", "gemeinde", None),)
ONE_RESIDENTS = {"2022": (1480,), "2023": (1502,)}
ONE_CASES = {"2022": (17,), "2023": (2,)}

EINWOHNER_SQL = """/*
id: einwohnerzahl
title_de: Einwohnerzahl
title_en: Residents
description: Personen mit Hauptwohnsitz am 31.12.
unit: Personen
topic: demografie
direction: neutral
classification: public
aggregation: sum
decimals: 0
numerator: Personen mit Hauptwohnsitz
source: Melderegister
update_cycle: jährlich
datasets: [einwohner]
parameters: [period]
*/
SELECT area_code, period, sum(value) AS value, sum(value) AS numerator,
       NULL::DOUBLE AS denominator
FROM observations
WHERE dataset_id = 'einwohner' AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
"""

HILFEQUOTE_SQL = """/*
id: hilfequote
title_de: Hilfequote
title_en: Support rate
description: Hilfefälle je 1.000 Einwohner.
unit: je 1.000 Einwohner
topic: jugend
direction: lower_is_better
classification: restricted
aggregation: ratio
factor: 1000
min_count: 3
numerator: Hilfefälle
denominator: Einwohner
source: Jugendamt
update_cycle: jährlich
datasets: [hilfen, einwohner]
parameters: [period]
*/
WITH cases AS (
    SELECT area_code, period, sum(value) AS cases FROM observations
    WHERE dataset_id = 'hilfen' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
), residents AS (
    SELECT area_code, period, sum(value) AS residents FROM observations
    WHERE dataset_id = 'einwohner' AND ($period IS NULL OR period = $period)
    GROUP BY area_code, period
)
SELECT c.area_code, c.period, 1000.0 * c.cases / r.residents AS value,
       c.cases AS numerator, r.residents AS denominator
FROM cases c JOIN residents r USING (area_code, period)
"""


def _dataset_yaml(title: str, department: str, classification: str, level: str) -> str:
    return (f"title: {title}\nsource: internal\ndepartment: {department}\n"
            f"classification: {classification}\nunit: Personen\nlevels: [{level}]\n"
            "value: {type: count, min: 0}\n")


@dataclass
class Territory:
    """A built installation and what a test needs to know about it."""

    inst: Installation
    levels: Levels
    areas: tuple[tuple[str, str, str, str | None], ...]
    residents: dict[str, tuple[int, ...]]
    cases: dict[str, tuple[int, ...]]

    @property
    def bottom_codes(self) -> list[str]:
        return [a[0] for a in self.areas if a[2] == self.levels.bottom.id]


def _square(i: int, size: float = 0.01) -> dict:
    x, y = 13.3 + (i % 4) * size, 52.5 + (i // 4) * size
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring[::-1]]}


def build_territory(base: Path, levels_option: str, areas, residents, cases,  # noqa: ANN001
                    *, dataset_level: str | None = None) -> Territory:
    """Write definitions, queries and one published snapshot below `base`."""
    levels = parse_levels_option(levels_option)
    data, queries = base / "data", base / "queries"
    (data / "datasets").mkdir(parents=True)
    for name in ("departments.yaml", "topics.yaml"):
        shutil.copy(bundled_dir("data") / name, data / name)
    level = dataset_level or levels.bottom.id
    (data / "datasets" / "einwohner.yaml").write_text(
        _dataset_yaml("Einwohner", "statistik", "public", level), encoding="utf-8")
    (data / "datasets" / "hilfen.yaml").write_text(
        _dataset_yaml("Hilfefälle", "jugendamt", "restricted", level), encoding="utf-8")
    (data / "overview.yaml").write_text(
        "".join(f"{role}: [einwohnerzahl, hilfequote]\n" for role in (
            "admin", "controlling", "leadership", "district", "committee", "department")),
        encoding="utf-8")
    for topic, name, sql in (("demografie", "einwohnerzahl", EINWOHNER_SQL),
                             ("jugend", "hilfequote", HILFEQUOTE_SQL)):
        (queries / topic).mkdir(parents=True, exist_ok=True)
        (queries / topic / f"{name}.sql").write_text(sql, encoding="utf-8")
    inst = Installation(load_settings(home=str(base / "home"), data_dir=str(data),
                                      queries_dir=str(queries)))
    bottom = [a[0] for a in areas if a[2] == levels.bottom.id]
    rows = [(dataset, code, period, float(value))
            for dataset, table in (("einwohner", residents), ("hilfen", cases))
            for period, values in table.items()
            for code, value in zip(bottom, values, strict=True)]
    with inst.store.publish(start_empty=True) as conn:
        conn.execute("INSERT INTO meta VALUES ('municipality', ?)", [areas[0][1]])
        write_levels(conn, levels)
        conn.executemany("INSERT INTO areas (code, name, level, parent_code) "
                         "VALUES (?, ?, ?, ?)", list(areas))
        conn.executemany("INSERT INTO area_geometries (code, geojson) VALUES (?, ?)",
                         [(a[0], json.dumps(_square(i))) for i, a in enumerate(areas)])
        conn.executemany(
            "INSERT INTO datasets VALUES (?, ?, '', 'internal', ?, ?, 'Personen', '', "
            "TIMESTAMP '2024-01-01 00:00:00')",
            [(d.id, d.title, d.department, d.classification)
             for d in inst.catalog.datasets.values()])
        conn.executemany("INSERT INTO observations (dataset_id, area_code, period, value) "
                         "VALUES (?, ?, ?, ?)", rows)
    return Territory(inst, levels, tuple(areas), residents, cases)


def four_levels(base: Path) -> Territory:
    return build_territory(base, FOUR_LEVELS, FOUR_AREAS, FOUR_RESIDENTS, FOUR_CASES)


def one_level(base: Path) -> Territory:
    return build_territory(base, ONE_LEVEL, ONE_AREAS, ONE_RESIDENTS, ONE_CASES)


def demo_logins(inst: Installation, district_area: str) -> dict[str, tuple[str, str]]:
    """One user per role (the district user bound to `district_area`): role -> (name, pw)."""
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area=district_area, department="jugendamt")
    return {user.role: (user.name, password) for user, password in created}
