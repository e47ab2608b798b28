"""What a fresh browser gets for the first drawing of a page (issue 9): the partial
plotly.js bundle instead of the full one, vendored files once, the page inside the
layout so that the comparison needs a single callback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType

from cockpit.app import plotly_bundle
from cockpit.app.plotly_bundle import DASH_PLOTLY_PATH, bundle_path, bundle_traces
from tests.app.conftest import callback

ROOT = Path(__file__).resolve().parents[2]
# Every module that builds figures for a dcc.Graph.
FIGURE_SOURCES = [*sorted((ROOT / "cockpit" / "app").glob("*figure*.py")),
                  *sorted((ROOT / "cockpit" / "pages").glob("*.py"))]
TRACE_TYPES = {name.lower() for name in go.__all__
               if isinstance(cls := getattr(go, name), type) and issubclass(cls, BaseTraceType)}
# Absolute URLs the bundle may contain: XML namespaces and links in messages and
# attribute descriptions; none is fetched.
TEXT_URL_HOSTS = {"www.w3.org", "plotly.com", "developer.mozilla.org", "github.com",
                  "sites.google.com", "jse.amstat.org"}


def _used_trace_types(source: str) -> set[str]:
    """Trace types a module builds: go.Bar(...) objects and {"type": "bar"} dicts."""
    used = {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w*)\(", source)}
    used |= set(re.findall(r"""["']?type["']?\s*[:=]\s*["'](\w+)["']""", source))
    return used & TRACE_TYPES


def test_trace_type_scan_finds_objects_and_dicts() -> None:
    source = 'go.Bar(x=1)\nfig = {"type": "choropleth"}\nxaxis(type="category")\ngo.Figure()'
    assert _used_trace_types(source) == {"bar", "choropleth"}


@pytest.mark.parametrize("module", FIGURE_SOURCES, ids=lambda p: p.name)
def test_bundle_has_every_trace_type_the_figures_use(module: Path) -> None:
    missing = _used_trace_types(module.read_text("utf-8")) - bundle_traces()
    assert not missing, (f"{module.name} draws {missing}: add them to "
                         "tools/plotly-bundle (entry.js, build.js) and rebuild")


def test_bundle_registers_the_trace_types_its_header_names() -> None:
    code = bundle_path().read_text("utf-8")
    for trace in bundle_traces():
        assert f'moduleType:"trace",name:"{trace}"' in code, trace


def test_bundle_is_the_plotly_js_version_of_the_python_package() -> None:
    # Figures are validated by the Python plotly; the browser must understand them alike.
    from plotly.offline import get_plotlyjs_version

    head = bundle_path().read_text("utf-8")[:300]
    assert f"plotly.js@{get_plotlyjs_version()} partial bundle" in head


def test_bundle_is_much_smaller_than_the_full_plotly_js() -> None:
    import plotly

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert bundle_path().stat().st_size < full.stat().st_size / 2


def test_bundle_points_at_no_outside_host() -> None:
    code = bundle_path().read_text("utf-8")
    hosts = set(re.findall(r"https?://([\w.-]+\.[a-z]{2,})", code, flags=re.IGNORECASE))
    assert hosts <= TEXT_URL_HOSTS
    # The defaults for the base map and the chart upload were made local by build.js.
    assert 'dflt:"/assets/vendor/topojson/"' in code
    assert "https://cdn.plot.ly" not in code and "cloud.plotly.com" not in code


def test_bundle_leaves_out_load_work_the_figures_never_need() -> None:
    """tools/plotly-bundle/build.js: maplibre-gl's style sheet (only for map traces, not
    in the bundle) is left out, and plotly's country-name index is built on first use."""
    code = bundle_path().read_text("utf-8")
    assert "maplibregl-ctrl" not in code
    # "country names" still works: its lookup builds the index when first asked.
    lookup = re.search(r"function (\w+)\(\w\)\{return (\w+)=\2\|\|\w+\(\[\.\.\.\w+,\.\.\.\w+\]\),"
                       r"\2\.lookupAlpha3\(\w\)\}", code)
    assert lookup is not None
    assert '"country names":' in code


def test_page_loads_the_bundle_before_the_renderer_and_each_vendored_file_once(clients) -> None:
    page = clients["leadership"].get("/vergleich").get_data(as_text=True)
    tag = re.search(r'<script src="([^"]*plotly-cockpit\.min\.js\?v=\w+)"></script>', page)
    assert tag is not None
    assert plotly_bundle.plotly_bundle_hash() in tag.group(1)
    assert "package_data/plotly.min.js" not in page
    # window.Plotly must exist before dcc.Graph mounts, i.e. before the renderer starts.
    assert page.index("plotly-cockpit.min.js") < page.index("dash_renderer")
    for vendored in ("bootstrap/bootstrap.min.css", "bootstrap-icons/bootstrap-icons.min.css",
                     "plotly/plotly-locale-de.js", "plotly/plotly-cockpit.min.js"):
        assert page.count(f"/assets/vendor/{vendored}") == 1, vendored
    # The locale queues itself for plotly.js, so it must come before the bundle runs.
    assert page.index("plotly-locale-de.js") < page.index("plotly-cockpit.min.js")


def test_page_preloads_the_lazy_chunks_of_dropdown_graph_and_grid(clients) -> None:
    page = clients["leadership"].get("/vergleich").get_data(as_text=True)
    head = page[:page.index("</head>")]
    for chunk in ("dcc/async-dropdown.js", "dcc/async-graph.js",
                  "dash_ag_grid/async-community.js"):
        assert '<link rel="preload" as="script" href="/_dash-component-suites/' in head
        assert chunk in head, chunk
        assert clients["leadership"].get(f"/_dash-component-suites/dash/{chunk}"
                                         if chunk.startswith("dcc") else
                                         f"/_dash-component-suites/{chunk}").status_code == 200
    # The base map plotly fetches for the choropleth, fetched beside the scripts.
    # crossorigin (anonymous) so plotly's own request for it takes the preloaded answer.
    assert ('<link rel="preload" as="fetch" href="/assets/vendor/topojson/world_110m.json"'
            ' crossorigin="anonymous">') in head
    assert clients["leadership"].get("/assets/vendor/topojson/world_110m.json"
                                     ).status_code == 200


@pytest.mark.parametrize("path", ["/zeitreihe", "/profil", "/"])
def test_pages_without_a_grid_or_map_preload_neither(clients, path) -> None:
    page = clients["leadership"].get(path).get_data(as_text=True)
    head = page[:page.index("</head>")]
    assert "dcc/async-graph.js" in head and "dcc/async-dropdown.js" in head
    # A preloaded script that is never run costs a download and a console warning.
    assert "async-community.js" not in head
    assert "world_110m.json" not in head


def test_dash_plotly_url_answers_with_the_partial_bundle(clients) -> None:
    response = clients["committee"].get(DASH_PLOTLY_PATH, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.get_data() == bundle_path().read_bytes()


def test_dash_plotly_url_needs_a_login(app_server) -> None:
    response = app_server.test_client().get(DASH_PLOTLY_PATH)
    assert response.status_code in (302, 401)
    assert b"Plotly" not in response.get_data()


def _layout(client, referrer: str | None) -> dict:
    headers = {"Referer": referrer} if referrer else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def _find(node, component_id: str):
    """The component with this id in a Dash layout tree (JSON)."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == component_id:
            return node
        for value in (*props.values(), *node.values()):
            found = _find(value, component_id)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _find(item, component_id)
            if found is not None:
                return found
    return None


def test_layout_holds_the_comparison_page_with_its_choices(clients) -> None:
    url = "http://localhost/vergleich?indicator=sgb2_quote&period=2020&level=district"
    layout = _layout(clients["committee"], url)
    location = _find(layout, "_pages_location")["props"]
    # dcc.Location reports nothing on mount, so the router callback does not run.
    assert location["pathname"] == "/vergleich"
    assert location["search"] == "?indicator=sgb2_quote&period=2020&level=district"
    assert location["href"] == url
    assert _find(layout, "_pages_store")["props"]["data"] == {"title": "Stadtteilvergleich"}
    assert _find(layout, "compare-indicator")["props"]["value"] == "sgb2_quote"
    period = _find(layout, "compare-period")["props"]
    level = _find(layout, "compare-level")["props"]
    assert period["value"] == "2020" and "2020" in [o["value"] for o in period["options"]]
    assert level["value"] == "district"
    assert [o["value"] for o in level["options"]] == ["district", "subdistrict"]


def test_layout_checks_url_values_like_the_callback(clients) -> None:
    layout = _layout(clients["committee"],
                     "http://localhost/vergleich?indicator=sgb2_quote&period=1850&level=x")
    period = _find(layout, "compare-period")["props"]
    assert period["value"] == period["options"][0]["value"]  # the newest period
    assert _find(layout, "compare-level")["props"]["value"] == "subdistrict"


def test_layout_never_holds_what_the_role_may_not_see(clients) -> None:
    restricted = "hze_je_1000_unter_21"
    layout = _layout(clients["committee"],
                     f"http://localhost/vergleich?indicator={restricted}")
    indicator = _find(layout, "compare-indicator")["props"]
    assert indicator["value"] != restricted
    assert restricted not in json.dumps(indicator["options"])
    # Answered as if it did not exist, as the router's page does (finding 12).
    assert "Unbekannter Indikator" in json.dumps(_find(layout, "_pages_content"),
                                                 ensure_ascii=False)


@pytest.mark.parametrize("referrer", [None, "http://evil.example/vergleich",
                                      "http://localhost/keine-seite",
                                      "http://localhost/vergleich?x=" + "a" * 3000])
def test_layout_without_a_known_page_leaves_the_router_to_work(clients, referrer) -> None:
    layout = _layout(clients["committee"], referrer)
    assert _find(layout, "_pages_content")["props"].get("children") is None
    assert "pathname" not in _find(layout, "_pages_location")["props"]


def test_no_comparison_callback_runs_at_first_drawing(clients) -> None:
    deps = clients["committee"].get("/_dash-dependencies").get_json()
    choose = next(d for d in deps if "compare-period.options" in d["output"])
    show = next(d for d in deps if "compare-bar.figure" in d["output"])
    assert choose["prevent_initial_call"] is True
    # The layout holds the first drawing (see the tests below).
    assert show["prevent_initial_call"] is True


FIRST_VIEW = {"compare-bar": "figure", "compare-map": "figure", "compare-grid": "rowData",
              "compare-caption": "children", "compare-message": "children"}


def _first_view(layout: dict) -> dict:
    view = {f"{cid}.{prop}": _find(layout, cid)["props"].get(prop)
            for cid, prop in FIRST_VIEW.items()}
    view["compare-grid.columnDefs"] = _find(layout, "compare-grid")["props"]["columnDefs"]
    return view


def _callback_view(client, indicator: str, period: str, level: str, *, raw: bool = False,
                   highlight: str | None = None) -> dict:
    outputs = ["compare-bar.figure", "compare-map.figure", "compare-grid.rowData",
               "compare-grid.columnDefs", "compare-caption.children",
               "compare-message.children"]  # the callback's order
    response = callback(client, outputs, {
        "compare-indicator.value": indicator, "compare-period.value": period,
        "compare-level.value": level, "compare-method.value": "quantile",
        "compare-raw.value": raw, "compare-highlight.data": highlight})
    assert response.status_code == 200
    answer = response.get_json()["response"]
    return {name: answer[name.split(".")[0]].get(name.split(".")[1]) for name in outputs}


def test_layout_holds_the_first_drawing_exactly_as_the_callback_answers(clients) -> None:
    layout = _layout(clients["committee"], "http://localhost/vergleich?indicator=sgb2_quote"
                                           "&period=2020&level=district&area=01")
    view = _first_view(layout)
    assert view["compare-bar.figure"]["data"] and view["compare-map.figure"]["data"]
    assert view["compare-grid.rowData"] and view["compare-grid.columnDefs"]
    assert "SGB" in json.dumps(view["compare-caption.children"], ensure_ascii=False)
    assert view == _callback_view(clients["committee"], "sgb2_quote", "2020", "district",
                                  highlight="01")


def test_first_drawing_of_a_forbidden_indicator_holds_none_of_its_values(clients) -> None:
    restricted = "hze_je_1000_unter_21"
    client = clients["committee"]
    layout = _layout(client, f"http://localhost/vergleich?indicator={restricted}")
    shown = _find(layout, "compare-indicator")["props"]["value"]
    period = _find(layout, "compare-period")["props"]["value"]
    level = _find(layout, "compare-level")["props"]["value"]
    view = _first_view(layout)
    # The first permitted indicator instead, as the callback answers it for this role ...
    assert shown != restricted
    assert view == _callback_view(client, shown, period, level)
    # ... and the callback itself refuses the restricted one for this role.
    refused = _callback_view(client, restricted, period, level)
    assert refused["compare-bar.figure"]["data"] == [] and not refused["compare-grid.rowData"]
    assert restricted not in json.dumps(view)


def test_first_drawing_ignores_raw_for_a_role_that_may_not_see_raw_values(clients) -> None:
    client = clients["district"]
    layout = _layout(client, "http://localhost/vergleich?indicator=sgb2_quote&raw=1"
                             "&level=subdistrict")
    period = _find(layout, "compare-period")["props"]["value"]
    assert _find(layout, "compare-raw")["props"]["value"] is False
    assert _first_view(layout) == _callback_view(client, "sgb2_quote", period, "subdistrict")


def test_first_drawing_of_raw_values_for_a_role_that_may_see_them(clients) -> None:
    client, indicator = clients["controlling"], "hze_stationaer_je_1000_unter_21"
    url = f"http://localhost/vergleich?indicator={indicator}&raw=1&level=subdistrict"
    layout = _layout(client, url)
    period = _find(layout, "compare-period")["props"]["value"]
    assert _find(layout, "compare-raw")["props"]["value"] is True
    raw = _callback_view(client, indicator, period, "subdistrict", raw=True)
    assert _first_view(layout) == raw
    # Small counts are suppressed without raw: the first drawing showed the raw values.
    assert raw != _callback_view(client, indicator, period, "subdistrict", raw=False)


def test_choices_callback_still_answers_a_new_indicator(clients) -> None:
    response = callback(
        clients["committee"],
        ["compare-period.options", "compare-period.value", "compare-level.options",
         "compare-level.value"],
        {"compare-indicator.value": "einwohner"},
        {"compare-period.value": None, "compare-level.value": None})
    assert response.status_code == 200
    out = response.get_json()["response"]
    assert out["compare-period"]["value"] and out["compare-level"]["value"]


def test_page_loads_the_regenerator_runtime_instead_of_the_babel_polyfill(clients) -> None:
    page = clients["leadership"].get("/vergleich").get_data(as_text=True)
    assert "polyfill@" not in page and "dash_table/bundle" not in page
    runtime = page.index('<script src="/assets/vendor/regenerator/regenerator-runtime.js">')
    # Before every bundle that calls it.
    assert runtime < page.index("react@") < page.index("dash_renderer")
    assert (runtime < page.index("dash_bootstrap_components.v")
            < page.index("dash_core_components.v"))
    assert clients["leadership"].get("/assets/vendor/regenerator/regenerator-runtime.js"
                                     ).status_code == 200


def _head_script(page: str) -> str:
    head = page[:page.index("</head>")]
    match = re.search(r"<script>(.*?)</script>", head, flags=re.DOTALL)
    assert match is not None, "no inline script in the head"
    return match.group(1)


@pytest.mark.parametrize("path", ["/vergleich?indicator=sgb2_quote", "/zeitreihe", "/"])
def test_head_asks_for_layout_and_dependencies_before_any_style_sheet(clients, path) -> None:
    response = clients["leadership"].get(path)
    page = response.get_data(as_text=True)
    script = _head_script(page)
    assert '"_dash-layout", "_dash-dependencies"' in script and 'var root = "/"' in script
    # Before the style sheets (an inline script after one waits until it has loaded)
    # and before every script tag.
    start = page.index("<script>")
    assert start < page.index('<link rel="stylesheet"') and start < page.index("<script src=")


def test_content_security_policy_allows_the_head_script_by_its_hash(clients) -> None:
    import base64
    import hashlib

    response = clients["leadership"].get("/vergleich")
    script = _head_script(response.get_data(as_text=True))
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert f"'sha256-{digest}'" in script_src.split()
    assert "'unsafe-inline'" not in script_src


def test_head_script_hands_over_only_get_requests_and_prefetches_only_local_paths() -> None:
    from cockpit.app.dash_app import early_fetch_script

    script = early_fetch_script("/cockpit/")
    assert 'var root = "/cockpit/"' in script
    # Another method (a callback POST) always goes to the network.
    assert 'options.method !== "GET"' in script
    # Only paths of this origin ("/x", never "//host/x") are fetched ahead.
    assert 'url.charAt(0) === "/"' in script and 'url.charAt(1) !== "/"' in script
    # A prefix with a quote cannot break out of the string.
    assert 'var root = "/a\\"b/"' in early_fetch_script('/a"b/')
