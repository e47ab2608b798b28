"""Half-yearly key dates end to end: CSV with 30.06./31.12. -> store -> gate -> API -> pages.

The bug this guards against: 31.12. stored as `2024` and 30.06. as `2024-06`, sorted as
strings, made the series zig-zag and "latest" pick June instead of December.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from cockpit.access import Gate, Viewer
from cockpit.app.figures import time_series
from cockpit.app.server import create_server
from cockpit.appdb import create_demo_users
from cockpit.cli import cli
from cockpit.context import Installation
from cockpit.resources import bundled_dir
from cockpit.settings import load_settings
from tests.app.conftest import callback, login, response_text
from tests.app.test_compare_page import compare
from tests.app.test_timeseries_page import series, traces

DATASET = """\
title: Einwohner am Halbjahresende
description: Personen mit Hauptwohnsitz am 30.06. und 31.12.
source: official
department: statistik
classification: public
unit: Personen
update_cycle: halbjährlich
period_type: half
levels: [subdistrict]
value: {type: count, min: 0}
"""

INDICATOR = """\
/*
id: einwohner_hj
title_de: Einwohner (Halbjahr)
title_en: Residents (half-year)
description: Personen mit Hauptwohnsitz am Ende des Halbjahres.
unit: Personen
topic: demografie
direction: neutral
classification: public
aggregation: sum
decimals: 0
numerator: Personen mit Hauptwohnsitz
source: Einwohnermeldestatistik
update_cycle: halbjährlich
datasets: [einwohner_hj]
parameters: [period]
*/
SELECT area_code, period, sum(value) AS value, sum(value) AS numerator,
       NULL::DOUBLE AS denominator
FROM observations
WHERE dataset_id = 'einwohner_hj' AND ($period IS NULL OR period = $period)
GROUP BY area_code, period
"""

# Shuffled on purpose, both date spellings; December values are larger than June's,
# so a string sort ("2023" < "2023-06") would make the series zig-zag.
DELIVERY = ("area_code;period;value\n"
            "0101;31.12.2024;1300\n0102;30.06.2023;2000\n0101;30.06.2023;1000\n"
            "0101;2024-06-30;1200\n0102;31.12.2023;2100\n0101;31.12.2023;1100\n"
            "0102;30.06.2024;2200\n0102;31.12.2024;2300\n")
IN_ORDER = ["2023-H1", "2023-H2", "2024-H1", "2024-H2"]


@pytest.fixture(scope="module")
def inst(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    base = tmp_path_factory.mktemp("half-years")
    data, queries = base / "data", base / "queries"
    shutil.copytree(bundled_dir("data"), data)
    shutil.copytree(bundled_dir("queries"), queries)
    (data / "datasets" / "einwohner_hj.yaml").write_text(DATASET, encoding="utf-8")
    (queries / "demografie" / "einwohner_hj.sql").write_text(INDICATOR, encoding="utf-8")
    env = {"COCKPIT_DATA_DIR": str(data), "COCKPIT_QUERIES_DIR": str(queries)}
    home = base / "home"
    runner = CliRunner()
    assert runner.invoke(cli, ["--home", str(home), "init", "--demo"], env=env).exit_code == 0
    source = base / "einwohner_hj.csv"
    source.write_text(DELIVERY, encoding="utf-8")
    result = runner.invoke(cli, ["--home", str(home), "load", str(source), "--dataset",
                                 "einwohner_hj", "--yes"], env=env)
    assert result.exit_code == 0, result.output
    return Installation(load_settings(home=str(home), data_dir=str(data),
                                      queries_dir=str(queries)))


@pytest.fixture(scope="module")
def client(inst: Installation):
    server = create_server(inst, secret_key="half-years", warm=False)
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area="01", department="jugendamt")
    name, password = next((u.name, pw) for u, pw in created if u.role == "leadership")
    client = server.test_client()
    assert login(client, name, password).status_code == 302
    return client


def test_key_dates_are_stored_as_half_years(inst: Installation) -> None:
    rows = inst.store.read().execute(
        "SELECT period, value FROM observations WHERE dataset_id = 'einwohner_hj' "
        "AND area_code = '0101'").fetchall()
    assert sorted(rows) == [("2023-H1", 1000), ("2023-H2", 1100), ("2024-H1", 1200),
                            ("2024-H2", 1300)]


def test_gate_orders_by_end_date_and_latest_is_december(inst: Installation) -> None:
    gate, viewer = Gate(inst), Viewer("l", "leadership")
    assert gate.periods(viewer, "einwohner_hj") == IN_ORDER
    latest = gate.values(viewer, "einwohner_hj", level="subdistrict")
    assert set(latest["period"]) == {"2024-H2"}
    series = gate.values(viewer, "einwohner_hj", area="0101", all_periods=True)
    assert series["period"].tolist() == IN_ORDER
    assert series["value"].tolist() == [1000, 1100, 1200, 1300]  # no zig-zag


def test_api_latest_is_the_second_half_of_2024(client) -> None:
    response = client.get("/api/v1/indicators/einwohner_hj/values?level=subdistrict")
    assert response.status_code == 200
    assert {(r["area_code"], r["period"], r["value"]) for r in response.json} == {
        ("0101", "2024-H2", 1300), ("0102", "2024-H2", 2300)}
    [described] = [i for i in client.get("/api/v1/indicators").json
                   if i["id"] == "einwohner_hj"]
    assert described["periods"] == IN_ORDER
    assert described["period_type"] == "half"


def test_api_takes_a_half_year_and_refuses_h3(client) -> None:
    response = client.get("/api/v1/indicators/einwohner_hj/values?period=2024-H1&area=0101")
    assert response.status_code == 200
    assert [(r["period"], r["value"]) for r in response.json] == [("2024-H1", 1200)]
    bad = client.get("/api/v1/indicators/einwohner_hj/values?period=2024-H3")
    assert bad.status_code == 400
    assert "Halbjahr (2024-H1)" in bad.json["error"]


def test_compare_page_offers_newest_half_year_first(client) -> None:
    response = callback(client, ["compare-period.options", "compare-period.value",
                                 "compare-level.options", "compare-level.value"],
                        {"compare-indicator.value": "einwohner_hj"},
                        state={"compare-period.value": None, "compare-level.value": None})
    out = response.json["response"]
    assert [o["value"] for o in out["compare-period"]["options"]] == IN_ORDER[::-1]
    assert out["compare-period"]["options"][0]["label"] == "2. Hj. 2024"
    assert out["compare-period"]["value"] == "2024-H2"


def test_compare_page_change_is_against_the_previous_half_year(client) -> None:
    response = compare(client, "einwohner_hj", period="2024-H1")
    rows = {r["area_code"]: r for r in response.json["response"]["compare-grid"]["rowData"]}
    assert rows["0101"]["value"] == 1200 and rows["0101"]["change"] == 100  # vs 2023-H2


def test_time_series_places_half_years_at_their_end_date(inst: Installation) -> None:
    gate = Gate(inst)
    frame = gate.values(Viewer("l", "leadership"), "einwohner_hj", area="0101",
                        all_periods=True)
    fig = time_series(frame.iloc[::-1], unit="Personen", decimals=0, lang="de")
    assert list(fig.data[0].x) == ["2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31"]
    assert list(fig.data[0].y) == [1000, 1100, 1200, 1300]
    assert fig.layout.xaxis.type == "date"
    assert list(fig.layout.xaxis.ticktext) == ["1. Hj. 2023", "2. Hj. 2023", "1. Hj. 2024",
                                               "2. Hj. 2024"]
    english = time_series(frame, unit="Personen", decimals=0, lang="en")
    assert list(english.layout.xaxis.ticktext)[-1] == "H2 2024"


def test_timeseries_page_draws_half_years_in_time_order(client) -> None:
    response = series(client, "einwohner_hj", ["0101", "0102"])
    assert response.status_code == 200
    lines = traces(response)
    assert lines["0101"]["x"] == ["2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31"]
    assert lines["0101"]["y"] == [1000, 1100, 1200, 1300]
    assert lines["0102"]["y"] == [2000, 2100, 2200, 2300]
    table = response_text(response)
    assert table.index("1. Hj. 2023") < table.index("2. Hj. 2023") < table.index("2. Hj. 2024")
    indexed = traces(series(client, "einwohner_hj", ["0101"], indexed=True, base="2023-H2"))
    assert indexed["0101"]["y"][1] == 100


def test_catalogue_sheet_names_the_half_year(client) -> None:
    body = str(callback(client, "catalogue-results.children",
                        {"catalogue-search.value": "Einwohner (Halbjahr)"}).json)
    assert "Halbjahr, Stand zum Ende des Zeitraums" in body
