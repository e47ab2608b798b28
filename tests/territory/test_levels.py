import duckdb
import pytest

from cockpit.store.schema import create_schema
from cockpit.territory.levels import (
    LevelError,
    demo_levels,
    levels_from_mapping,
    parse_levels_option,
    read_levels,
    write_levels,
)


def test_levels_option_is_read_top_to_bottom() -> None:
    levels = parse_levels_option("land:Land|State,kreis:Kreis,gemeinde:Gemeinde|Municipality")
    assert levels.ids == ("land", "kreis", "gemeinde")
    assert levels.top.id == "land" and levels.bottom.id == "gemeinde"
    assert levels.label("kreis", "en") == "Kreis"
    assert levels.label("gemeinde", "en") == "Municipality"
    assert levels.parent_of("kreis").id == "land"
    assert levels.parent_of("land") is None
    assert levels.child_of("gemeinde") is None
    assert [lv.id for lv in levels.below("land")] == ["kreis", "gemeinde"]


@pytest.mark.parametrize("text", [
    "", "land", "land:", "land:Land,,kreis:Kreis", "Land:Land", "land:Land,land:Land2",
    "1x:Eins", "land:   ",
])
def test_bad_levels_option_is_refused_in_german(text: str) -> None:
    with pytest.raises(LevelError) as info:
        parse_levels_option(text)
    assert any(word in str(info.value) for word in ("Ebene", "Eintrag", "Name", "levels"))


def test_levels_from_yaml_list() -> None:
    levels = levels_from_mapping([{"id": "stadt", "de": "Stadt", "en": "City"},
                                  {"id": "bezirk", "de": "Bezirk"}])
    assert levels.ids == ("stadt", "bezirk")
    assert levels.label("bezirk", "en") == "Bezirk"
    with pytest.raises(LevelError):
        levels_from_mapping({"stadt": "Stadt"})


def test_unknown_level_is_named_with_the_declared_ones() -> None:
    with pytest.raises(LevelError, match="city, district, subdistrict"):
        demo_levels().get("gemeinde")
    assert demo_levels().label("gemeinde", "de") == "gemeinde"
    assert demo_levels().sort_key("gemeinde") > demo_levels().sort_key("subdistrict")


def test_levels_round_trip_through_the_store() -> None:
    conn = duckdb.connect()
    create_schema(conn)
    assert read_levels(conn) == demo_levels()  # an empty table: the demo's levels
    levels = parse_levels_option("bezirk:Bezirk,prognoseraum:Prognoseraum,"
                                 "bezirksregion:Bezirksregion,planungsraum:Planungsraum")
    write_levels(conn, levels)
    assert read_levels(conn) == levels


def test_snapshot_without_levels_table_reads_demo_levels() -> None:
    conn = duckdb.connect()
    assert read_levels(conn) == demo_levels()
