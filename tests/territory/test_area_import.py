"""plan_import/apply_plan inside one publish; one FeatureCollection per level and date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cockpit.store import Store
from cockpit.territory.area_import import ImportSpec, apply_plan, level_geojson, plan_import
from cockpit.territory.levels import parse_levels_option, write_levels
from tests.territory.files import box, geojson_file

LEVELS = parse_levels_option("stadt:Stadt,bezirk:Bezirk")


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store")
    with store.publish(start_empty=True) as conn:
        write_levels(conn, LEVELS)
        plan = plan_import(conn, LEVELS, ImportSpec(level="stadt", code="0", name="Stadt"),
                           inline=True)
        assert not plan.refused, plan.report.lines()
        apply_plan(conn, plan)
    return store


def _import(store: Store, path: Path, **options) -> list[str]:
    with store.publish() as conn:
        plan = plan_import(conn, LEVELS, ImportSpec(level="bezirk", code="nr", name="name",
                                                    file=path, parent="0", **options))
        if not plan.refused:
            apply_plan(conn, plan)
    return plan.report.lines()


def test_level_geojson_per_validity_date(tmp_path: Path) -> None:
    store = _store(tmp_path)
    old = geojson_file(tmp_path / "alt.geojson", [
        ({"nr": "1", "name": "Nord"}, box(7.0, 51.0, 7.1, 51.1)),
        ({"nr": "2", "name": "Süd"}, box(7.0, 50.9, 7.1, 51.0))])
    _import(store, old)
    new = geojson_file(tmp_path / "neu.geojson", [
        ({"nr": "1", "name": "Nord"}, box(7.0, 51.0, 7.1, 51.1)),
        ({"nr": "3", "name": "Süd-West"}, box(6.9, 50.9, 7.1, 51.0))])
    lines = _import(store, new, valid_from=date(2021, 1, 1))
    assert any("enden am 2020-12-31: 2" in line for line in lines), lines

    def codes(day: date | None) -> list[str]:
        collection = level_geojson(store.read(), "bezirk", day)
        return sorted(f["properties"]["code"] for f in collection["features"])

    assert codes(date(2020, 12, 31)) == ["1", "2"]
    assert codes(date(2021, 1, 1)) == ["1", "3"]
    assert codes(None) == ["1", "3"]
    store.close()


def test_refused_plan_holds_no_changes(tmp_path: Path) -> None:
    store = _store(tmp_path)
    path = geojson_file(tmp_path / "x.geojson", [({"nr": "1", "name": "Nord"},
                                                  box(7.0, 51.0, 7.1, 51.1))])
    with store.publish() as conn:
        plan = plan_import(conn, LEVELS, ImportSpec(level="bezirk", code="nr", name="name",
                                                    file=path, parent="9"))
    assert plan.refused and plan.report.errors
    assert not plan.inserts and not plan.geometries
    assert store.read().execute("SELECT count(*) FROM areas").fetchone() == (1,)
    store.close()
