"""A small territory with a boundary reform, written straight into a store.

City 0 > districts 01, 02 > sub-areas. The sub-areas were reformed on
01.01.2021 (like Berlin's LOR reform): the old ones 0101, 0102, 0201 end on
31.12.2020, the new ones 1011, 1012, 1021, 1022 (other codes) start on
01.01.2021. The districts did not change. Residents (dataset bevoelkerung) are
delivered for 2019 and 2020 on the old areas, 2021 and 2022 on the new ones.
"""

from __future__ import annotations

import json

import duckdb

from cockpit.territory.levels import demo_levels, write_levels

OLD_END = "2020-12-31"
NEW_START = "2021-01-01"

AREAS = [  # code, name, level, parent, valid_from, valid_to
    ("0", "Reformstadt", "city", None, "1900-01-01", None),
    ("01", "Nord", "district", "0", "1900-01-01", None),
    ("02", "Süd", "district", "0", "1900-01-01", None),
    ("0101", "Altes Nordviertel", "subdistrict", "01", "1900-01-01", OLD_END),
    ("0102", "Alter Hafen", "subdistrict", "01", "1900-01-01", OLD_END),
    ("0201", "Alte Südstadt", "subdistrict", "02", "1900-01-01", OLD_END),
    ("1011", "Nordviertel", "subdistrict", "01", NEW_START, None),
    ("1012", "Hafen", "subdistrict", "01", NEW_START, None),
    ("1021", "Südstadt West", "subdistrict", "02", NEW_START, None),
    ("1022", "Südstadt Ost", "subdistrict", "02", NEW_START, None),
]

RESIDENTS = {  # (code, period): residents
    ("0101", "2019"): 100, ("0102", "2019"): 200, ("0201", "2019"): 300,
    ("0101", "2020"): 110, ("0102", "2020"): 210, ("0201", "2020"): 310,
    ("1011", "2021"): 150, ("1012", "2021"): 170, ("1021", "2021"): 190, ("1022", "2021"): 130,
    ("1011", "2022"): 160, ("1012", "2022"): 180, ("1021", "2022"): 200, ("1022", "2022"): 140,
}

# Old code -> new code with the share of its residents that moved there.
CORRESPONDENCE = "old_code;new_code;weight\n0101;1011;1\n0102;1011;0,5\n0102;1012;0,5\n" \
                 "0201;1021;0.6\n0201;1022;0.4\n"


def _square(x: float, y: float, size: float = 0.01) -> str:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def write_reform(conn: duckdb.DuckDBPyConnection, residents: dict | None = None) -> None:
    """Write levels, area versions with validity, their boundaries and residents."""
    write_levels(conn, demo_levels())
    conn.executemany(
        "INSERT INTO areas (code, name, level, parent_code, valid_from, valid_to) "
        "VALUES (?, ?, ?, ?, ?, ?)", AREAS)
    conn.executemany(
        "INSERT INTO area_geometries (code, valid_from, geojson) VALUES (?, ?, ?)",
        [(code, start, _square(0.02 * i, 0.0)) for i, (code, _, _, _, start, _)
         in enumerate(AREAS)])
    # The district Nord got a new boundary in the reform: two versions of its geometry.
    conn.execute("INSERT INTO area_geometries (code, valid_from, geojson) VALUES (?, ?, ?)",
                 ["01", NEW_START, _square(5.0, 5.0)])
    conn.executemany(
        "INSERT INTO observations (dataset_id, area_code, period, age_group, value) "
        "VALUES ('bevoelkerung', ?, ?, '25_44', ?)",
        [(code, period, value) for (code, period), value
         in (RESIDENTS if residents is None else residents).items()])
