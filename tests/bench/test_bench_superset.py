"""The peer benchmark compares like with like: Superset's table holds the cockpit's numbers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_superset  # noqa: E402
from scale_city import build  # noqa: E402

from cockpit.app.server import create_server  # noqa: E402
from cockpit.appdb import create_demo_users  # noqa: E402
from cockpit.context import Installation  # noqa: E402
from cockpit.settings import load_settings  # noqa: E402
from tests.app.conftest import login  # noqa: E402


def test_superset_table_gives_the_cockpits_sgb2_quote(tmp_path: Path) -> None:
    rows = bench_superset.area_table(540)
    assert len(rows) == 540 * 15
    year = [r for r in rows if r[3] == bench_superset.PERIOD]
    assert len(year) == 540 and all(r[2] and len(r[2]) == 3 for r in year)
    inst = Installation(load_settings(home=tmp_path))
    build(inst, districts=18, areas=540)
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="001", department="jugendamt")
    name, password = next((u.name, pw) for u, pw in created if u.role == "committee")
    client = create_server(inst, secret_key="test", warm=False).test_client()
    login(client, name, password)
    answer = client.get("/api/v1/indicators/sgb2_quote/values?level=subdistrict"
                        f"&period={bench_superset.PERIOD}").json
    cockpit = {r["area_code"]: r for r in answer}
    assert set(cockpit) == {r[0] for r in year}
    shown = 0
    for code, area_name, _, _, recipients, residents in year:
        row = cockpit[code]
        assert row["area_name"] == area_name
        if not row["suppressed"]:  # suppressed cells carry no value to compare
            assert row["value"] == pytest.approx(100.0 * recipients / residents)
            shown += 1
    assert shown > 400


def test_p95_is_a_value_measured() -> None:
    assert bench_superset._stats([5.0, 1.0, 3.0, 2.0, 4.0]) == (3.0, 5.0)
    assert bench_superset._stats(list(map(float, range(1, 21)))) == (10.5, 19.0)
