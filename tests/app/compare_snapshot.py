"""The comparison callbacks' answers for a fixed set of cases, kept as a reference.

The speed work on the comparison (issue 9) must not change what anyone sees: the
ranking, map, table, columns, caption and message for each role, indicator, level,
highlight, language and raw switch, and the grid's server blocks on a territory large
enough for the compact ranking. `answers(...)` runs the real Dash callbacks through a
logged-in test client per role; tests/app/test_compare_snapshot.py compares them with
the answers captured from the code before that work (tests/fixtures/compare/*.json.gz).

After a deliberate change to what the comparison shows, write the references anew:
    python -m tests.app.compare_snapshot --write
(builds the demo, the 540-area territory and the boundary-reform store, ~1 min) and
say in the commit what changed in them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "compare"
OUTPUTS = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
           "compare-grid.columnDefs", "compare-caption.children", "compare-message.children"]
ROLES = ("admin", "controlling", "leadership", "district", "committee", "department")

#: Demo cases (district user bound to "01"): (name, inputs, language, changed inputs).
DEMO_CASES: list[tuple[str, dict[str, Any], str, list[str] | None]] = [
    ("sgb2_subdistrict", {"indicator": "sgb2_quote", "level": "subdistrict"}, "de", None),
    ("sgb2_district_highlight", {"indicator": "sgb2_quote", "level": "district",
                                 "highlight": "02"}, "de", None),
    ("sgb2_highlight_click", {"indicator": "sgb2_quote", "level": "subdistrict",
                              "highlight": "0102"}, "de", ["compare-highlight.data"]),
    ("kinderarmut_equal", {"indicator": "kinderarmut", "level": "subdistrict",
                           "method": "equal", "highlight": "0301"}, "de", None),
    ("hze_restricted", {"indicator": "hze_je_1000_unter_21", "level": "subdistrict"},
     "de", None),
    ("einwohner_first_period", {"indicator": "einwohner", "level": "district",
                                "period": "FIRST"}, "de", None),
    ("betreuung_2023", {"indicator": "betreuungsquote_u3", "level": "subdistrict",
                        "period": "2023"}, "de", None),
    # many suppressed cells: 14 of 24 Stadtteile in 2024
    ("hauptschule_suppressed", {"indicator": "uebergang_hauptschule", "level": "subdistrict",
                                "highlight": "0101"}, "de", None),
    ("hauptschule_raw", {"indicator": "uebergang_hauptschule", "level": "subdistrict",
                         "raw": True}, "de", None),
    ("hauptschule_raw_english", {"indicator": "uebergang_hauptschule", "level": "subdistrict",
                                 "raw": True, "method": "equal"}, "en", None),
    ("hze_stationaer_raw", {"indicator": "hze_stationaer_je_1000_unter_21",
                            "level": "subdistrict", "raw": True, "period": "2020"}, "de", None),
    ("hze_stationaer", {"indicator": "hze_stationaer_je_1000_unter_21",
                        "level": "subdistrict", "period": "2020"}, "de", None),
    ("sgb2_english", {"indicator": "sgb2_quote", "level": "subdistrict",
                      "highlight": "0205"}, "en", None),
    ("hze_english_district", {"indicator": "hze_je_1000_unter_21", "level": "district",
                              "highlight": "01"}, "en", None),
    ("unknown_highlight", {"indicator": "einwohner", "level": "subdistrict",
                           "highlight": "9999"}, "de", None),
]

#: 540 areas (bench/scale_city.py, district user bound to "001"): compact ranking.
SCALE_CASES: list[tuple[str, dict[str, Any], str, list[str] | None]] = [
    ("kinderarmut", {"indicator": "kinderarmut", "level": "subdistrict"}, "de", None),
    ("kinderarmut_highlight", {"indicator": "kinderarmut", "level": "subdistrict",
                               "highlight": "010005"}, "de", ["compare-highlight.data"]),
    ("sgb2_district_level", {"indicator": "sgb2_quote", "level": "district",
                             "highlight": "003"}, "de", None),
    ("einwohner_equal_english", {"indicator": "einwohner", "level": "subdistrict",
                                 "method": "equal", "period": "2015"}, "en", None),
]
SCALE_ROLES = ("admin", "leadership", "district", "committee")

#: Boundary reform (tests/api/test_boundary_change.py): partial sums and old areas.
REFORM_CASES: list[tuple[str, dict[str, Any], str, list[str] | None]] = [
    ("district_2022", {"indicator": "einwohner", "level": "district", "period": "2022",
                       "highlight": "01"}, "de", None),
    ("subdistrict_2019", {"indicator": "einwohner", "level": "subdistrict",
                          "period": "2019"}, "de", None),
    ("subdistrict_2022_english", {"indicator": "einwohner", "level": "subdistrict",
                                  "period": "2022"}, "en", None),
]
REFORM_ROLES = ("leadership", "district")

#: Blocks of the server-side row model (asked with the grid's infinite row model).
BLOCKS: list[tuple[str, dict[str, Any]]] = [
    ("first", {"startRow": 0, "endRow": 100}),
    ("value_desc_filtered", {"startRow": 100, "endRow": 200,
                             "sortModel": [{"colId": "value", "sort": "desc"}],
                             "filterModel": {"area_name": {"filterType": "text",
                                                           "type": "contains",
                                                           "filter": "1"}}}),
]

_VERSION = re.compile(r"([?&]v=)[^&\"]+")


def normalised(body: Any) -> Any:
    """The answer without what differs between two builds of the same data: the data
    version in the geometry URL."""
    return json.loads(_VERSION.sub(r"\1VERSION", json.dumps(body, sort_keys=True)))


def _inputs(case: dict[str, Any], periods: list[str]) -> dict[str, Any]:
    period = case.get("period", "2024")
    if period == "FIRST":
        period = periods[0]
    return {"compare-indicator.value": case["indicator"], "compare-period.value": period,
            "compare-level.value": case["level"],
            "compare-method.value": case.get("method", "quantile"),
            "compare-raw.value": case.get("raw", False),
            "compare-highlight.data": case.get("highlight")}


@contextmanager
def _language(client, lang: str) -> Iterator[None]:
    if lang != "de":
        client.get(f"/lang/{lang}")
    try:
        yield
    finally:
        if lang != "de":
            client.get("/lang/de")


def answers(clients: dict[str, Any], cases: list, *, periods: Callable[[str], list[str]],
            blocks: bool = False) -> dict[str, Any]:
    """{case: {role: answer}} for every case and role; with `blocks`, also the grid's
    server blocks per role (the caller has switched the grid to the infinite model)."""
    from tests.app.conftest import callback

    result: dict[str, Any] = {}
    for name, case, lang, changed in cases:
        inputs = _inputs(case, periods(case["indicator"]))
        per_role: dict[str, Any] = {}
        for role, client in clients.items():
            with _language(client, lang):
                response = callback(client, OUTPUTS, inputs, changed=changed)
                answer: dict[str, Any] = {"status": response.status_code,
                                          "body": response.get_json(silent=True)}
                if blocks:
                    state = {k: v for k, v in inputs.items()
                             if k.rsplit(".", 1)[0] not in ("compare-method",
                                                            "compare-highlight")}
                    answer["blocks"] = {
                        block: callback(client, "compare-grid.getRowsResponse",
                                        {"compare-grid.getRowsRequest": request},
                                        state=state).get_json(silent=True)
                        for block, request in BLOCKS}
            per_role[role] = normalised(answer)
        result[name] = per_role
    return result


def packed(found: dict[str, Any]) -> dict[str, Any]:
    """The answers with equal ones stored once: {"roles": {case: {role: key}},
    "answers": {key: answer}} (most roles see the same)."""
    roles: dict[str, dict[str, str]] = {}
    store: dict[str, Any] = {}
    for case, per_role in found.items():
        for role, answer in per_role.items():
            text = json.dumps(answer, sort_keys=True, separators=(",", ":"))
            key = hashlib.sha256(text.encode()).hexdigest()[:16]
            store[key] = answer
            roles.setdefault(case, {})[role] = key
    return {"roles": roles, "answers": store}


def unpacked(stored: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `packed`."""
    return {case: {role: stored["answers"][key] for role, key in per_role.items()}
            for case, per_role in stored["roles"].items()}


# -- building the three territories and their logged-in clients ---------------------------

def role_clients(inst, district_area: str, roles: tuple[str, ...] = ROLES) -> dict[str, Any]:
    """A logged-in test client per role on a fresh app over `inst`."""
    from cockpit.app.server import create_server
    from cockpit.appdb import create_demo_users
    from tests.app.conftest import login

    server = create_server(inst, secret_key="snapshot", warm=False)
    server.config["TESTING"] = True
    with inst.app_db() as conn:
        created = create_demo_users(conn, district_area=district_area, department="jugendamt")
    clients = {}
    for user, password in created:
        if user.role in roles:
            client = server.test_client()
            assert login(client, user.name, password).status_code == 302
            clients[user.role] = client
    return {role: clients[role] for role in roles}


def period_lookup(inst) -> Callable[[str], list[str]]:
    """An indicator's periods (for the "FIRST" period of a case)."""
    from cockpit.access import Gate, Viewer

    gate = Gate(inst)
    return lambda indicator: gate.periods(Viewer("snapshot", "admin"), indicator)


def scale_city(home: Path):
    """The 540-area territory of bench/scale_city.py."""
    import importlib.util

    from cockpit.context import Installation
    from cockpit.settings import load_settings

    spec = importlib.util.spec_from_file_location("scale_city", ROOT / "bench" / "scale_city.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scale_city", module)
    spec.loader.exec_module(module)
    inst = Installation(load_settings(home=str(home)))
    module.build(inst, districts=18, areas=540)
    return inst


def scale_answers(inst) -> dict[str, Any]:
    """The 540-area cases, with the grid's server blocks (infinite row model forced)."""
    clients = role_clients(inst, "001", SCALE_ROLES)
    compare = sys.modules["cockpit.pages.compare"]  # as Dash loaded it for this app
    before = compare.CLIENT_ROWS_MAX
    try:
        found = answers(clients, SCALE_CASES[:2], periods=period_lookup(inst))
        compare.CLIENT_ROWS_MAX = 100  # the grid asks the server for blocks of rows
        found |= answers(clients, SCALE_CASES[2:], periods=period_lookup(inst), blocks=True)
    finally:
        compare.CLIENT_ROWS_MAX = before
    return found


def _write() -> None:
    from cockpit.context import Installation
    from cockpit.demo.build import build_demo_store
    from cockpit.settings import load_settings
    from tests.access.test_gate_validity import reform_installation
    from tests.boundary import RESIDENTS

    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Installation(load_settings(home=str(Path(tmp) / "demo")))
        build_demo_store(demo.store, demo.catalog)
        found = answers(role_clients(demo, "01"), DEMO_CASES, periods=period_lookup(demo))
        _dump("demo", found)
        residents = dict(RESIDENTS)
        del residents[("1012", "2022")]  # as tests/api/test_boundary_change.py
        reform = reform_installation(Path(tmp) / "reform", residents)
        _dump("reform", answers(role_clients(reform, "01", REFORM_ROLES), REFORM_CASES,
                                periods=period_lookup(reform)))
        _dump("scale540", scale_answers(scale_city(Path(tmp) / "scale")))


def reference(name: str) -> dict[str, Any]:
    """The stored answers of one territory ("demo", "reform", "scale540")."""
    with gzip.open(FIXTURES / f"{name}.json.gz", "rt", encoding="utf-8") as file:
        return unpacked(json.load(file))


def _dump(name: str, found: dict[str, Any]) -> None:
    # gzip (mtime 0: the same answers give the same bytes): the 540-area answers are
    # half a megabyte of JSON, mostly repeated keys.
    path = FIXTURES / f"{name}.json.gz"
    text = json.dumps(packed(found), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")) + "\n"
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{path}: {path.stat().st_size:,} bytes, "
          f"{len(packed(found)['answers'])} distinct answers")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write the reference answers")
    if parser.parse_args().write:
        _write()
    else:
        parser.print_help()
