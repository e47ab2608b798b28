"""Build a complete analytic store for the demo city Musterstadt."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from cockpit.catalog import Catalog
from cockpit.demo.generator import generate_observations
from cockpit.demo.geometry import CITY_CODE, CITY_NAME, build_demo_areas
from cockpit.store import Store
from cockpit.store.schema import OBSERVATION_COLUMNS
from cockpit.territory.levels import demo_levels, write_levels

# A fixed "last update" keeps two demo builds byte-identical in their data.
DEMO_UPDATED_AT = datetime(2026, 3, 31, 12, 0)


def build_demo_store(store: Store, catalog: Catalog) -> str:
    """Publish a fresh snapshot holding only the demo city; return its version."""
    started = datetime.now(UTC).replace(tzinfo=None)
    areas = build_demo_areas()
    observations = pd.DataFrame(
        generate_observations(CITY_CODE),
        columns=list(OBSERVATION_COLUMNS),
    )
    unknown = set(observations["dataset_id"]) - set(catalog.datasets)
    if unknown:
        raise ValueError(f"Demo data for undefined datasets: {sorted(unknown)}")
    with store.publish(start_empty=True) as conn:
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("municipality", CITY_NAME), ("demo", "true")],
        )
        write_levels(conn, demo_levels())
        conn.executemany(
            "INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, ?, ?)",
            [(a.code, a.name, a.level, a.parent_code) for a in areas],
        )
        conn.executemany(
            "INSERT INTO area_geometries (code, geojson) VALUES (?, ?)",
            [(a.code, json.dumps(a.geometry, separators=(",", ":"))) for a in areas],
        )
        conn.executemany(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (d.id, d.title, d.description, d.source, d.department, d.classification,
                 d.unit, d.licence, DEMO_UPDATED_AT)
                for d in catalog.datasets.values()
            ],
        )
        conn.register("demo_observations", observations)
        columns = ", ".join(OBSERVATION_COLUMNS)
        conn.execute(f"INSERT INTO observations ({columns}) SELECT {columns} "
                     "FROM demo_observations")
        conn.unregister("demo_observations")
        conn.execute(
            "INSERT INTO import_log (import_id, dataset_id, file_name, rows, user_name, "
            "started_at, finished_at, outcome, message) VALUES "
            "('demo-' || strftime(now(), '%Y%m%dT%H%M%S%f'), '*', NULL, ?, 'cockpit init', "
            "?, now()::TIMESTAMP, 'published', 'Demodaten Musterstadt erzeugt')",
            [len(observations), started],
        )
    return store.current_version() or ""
