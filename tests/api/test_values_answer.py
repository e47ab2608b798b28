"""The values API answer is serialised once and sent as `jsonify` would write it (issue 9)."""

from __future__ import annotations

import json

from tests.app.conftest import app_server, clients  # noqa: F401

URL = "/api/v1/indicators/sgb2_quote/values?level=subdistrict&period=2024"


def test_the_answer_is_compact_json_as_jsonify_writes_it(clients) -> None:  # noqa: F811
    response = clients["committee"].get(URL, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_data()
    rows = json.loads(body)
    assert body == (json.dumps(rows, separators=(",", ":")) + "\n").encode()
    assert list(rows[0]) == ["area_code", "area_name", "level", "period", "value",
                             "numerator", "denominator", "suppressed", "incomplete",
                             "missing", "expected", "converted"]


def test_a_repeated_request_gets_the_same_bytes(clients) -> None:  # noqa: F811
    first = clients["committee"].get(URL, headers={"Accept-Encoding": "identity"})
    second = clients["committee"].get(URL, headers={"Accept-Encoding": "identity"})
    assert first.get_data() == second.get_data()


def test_a_suppressed_cell_stays_blank_in_the_shared_answer(clients) -> None:  # noqa: F811
    url = "/api/v1/indicators/hze_stationaer_je_1000_unter_21/values?level=subdistrict"
    for _ in range(2):  # built, then served from the gate's cache
        hidden = [r for period in range(2012, 2025)
                  for r in clients["leadership"].get(f"{url}&period={period}").json
                  if r["suppressed"]]
        assert hidden and all(r["value"] is None and r["numerator"] is None
                              and r["denominator"] is None for r in hidden)
