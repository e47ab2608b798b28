"""The gate follows new snapshots: the next request sees the new data, nothing mixed."""

from __future__ import annotations

from cockpit.access import Gate, Viewer
from cockpit.demo.build import build_demo_store


def test_new_snapshot_is_seen_at_the_next_request(fresh_home) -> None:
    build_demo_store(fresh_home.store, fresh_home.catalog)
    gate = Gate(fresh_home)
    viewer = Viewer("x", "leadership")
    before = gate.values(viewer, "einwohner", area="0101", period="2024")["value"].item()
    old_version = gate.data_version
    with fresh_home.store.publish() as conn:
        conn.execute("UPDATE observations SET value = value + 1000 WHERE dataset_id = "
                     "'bevoelkerung' AND area_code = '0101' AND period = '2024' "
                     "AND sex = 'w' AND age_group = '25_44' AND nationality = 'deutsch'")
    assert gate.data_version != old_version
    after = gate.values(viewer, "einwohner", area="0101", period="2024")["value"].item()
    assert after == before + 1000
    city = gate.values(viewer, "einwohner", area="00", period="2024")["value"].item()
    total = sum(gate.values(viewer, "einwohner", level="subdistrict", period="2024")["value"])
    assert city == total  # roll-up and parts come from the same snapshot


def test_a_pinned_snapshot_stays_readable_after_a_publish(fresh_home) -> None:
    build_demo_store(fresh_home.store, fresh_home.catalog)
    old = fresh_home.store.current_version()
    with fresh_home.store.publish() as conn:
        conn.execute("DELETE FROM observations WHERE dataset_id = 'geburten'")
    pinned = fresh_home.store.read(old)
    assert pinned.execute("SELECT count(*) FROM observations WHERE dataset_id = 'geburten'"
                          ).fetchone()[0] > 0
    current = fresh_home.store.read()
    assert current.execute("SELECT count(*) FROM observations WHERE dataset_id = 'geburten'"
                           ).fetchone()[0] == 0
