"""Download links to the export routes, for pages: a small bar of CSV / XLSX / PDF links.

A page renders the bar with the addresses of what it shows; where the choices change
in the browser, `follow_choices` keeps the addresses in step (a clientside callback:
no request). The routes check everything again, so a link is never a permission.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import flask
from dash import Input, Output, State, clientside_callback, html

from cockpit.app.i18n import register_strings, t

FORMATS = ("csv", "xlsx")

register_strings({
    "export.download": {"de": "Herunterladen:", "en": "Download:"},
    "export.link.csv": {"de": "CSV", "en": "CSV"},
    "export.link.xlsx": {"de": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "export.link.pdf": {"de": "PDF", "en": "PDF"},
    "export.link.title.csv": {"de": "Die Daten als CSV (Semikolon, Dezimalkomma)",
                              "en": "The data as CSV (semicolon, decimal comma)"},
    "export.link.title.xlsx": {"de": "Die Daten als Excel-Datei",
                               "en": "The data as an Excel file"},
    "export.link.title.pdf": {"de": "Das Profil als PDF", "en": "The profile as PDF"},
})


def _root() -> str:
    return flask.request.script_root if flask.has_request_context() else ""


def indicator_href(indicator_id: str, fmt: str, **params: str | None) -> str:
    """/export/indicators/{id}.{fmt}?… (empty parameters left out)."""
    query = urlencode({k: v for k, v in params.items() if v})
    return (f"{_root()}/export/indicators/{quote(indicator_id, safe='')}.{fmt}"
            + (f"?{query}" if query else ""))


def profile_href(area_code: str, fmt: str, raw: bool = False) -> str:
    """/export/profile/{area}.{fmt}."""
    return (f"{_root()}/export/profile/{quote(area_code, safe='')}.{fmt}"
            + ("?raw=1" if raw else ""))


def download_bar(hrefs: dict[str, str], lang: str, prefix: str | None = None) -> html.Div:
    """"Herunterladen: CSV · Excel (XLSX) · PDF" as small buttons (hidden when printed)."""
    links = []
    for fmt, href in hrefs.items():
        ids = {"id": f"{prefix}-{fmt}"} if prefix else {}
        icon = {"pdf": "bi-file-earmark-pdf", "xlsx": "bi-file-earmark-spreadsheet"}.get(
            fmt, "bi-filetype-csv")
        links.append(html.A([html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}),
                             t(f"export.link.{fmt}", lang)],
                            href=href, download="", title=t(f"export.link.title.{fmt}", lang),
                            className="btn btn-sm btn-outline-secondary me-1", **ids))
    return html.Div([html.Span(t("export.download", lang), className="small me-2"), *links],
                    className="export-links no-print d-flex flex-wrap align-items-center my-2",
                    **({"id": prefix} if prefix else {}))


def follow_choices(prefix: str, inputs: list[Input], query_js: str) -> None:
    """Keep the CSV and XLSX links of bar `prefix` on the page's current choices.

    `query_js` is the body of a JS function (indicator, ...other inputs) that returns
    an object of query parameters; the first input is the indicator id. The address's
    root is taken from the link as the server rendered it (the app's prefix).
    """
    clientside_callback(
        f"""function() {{
            var args = Array.prototype.slice.call(arguments);
            var current = args.pop();
            var indicator = args[0];
            if (!indicator || !current) {{
                return [window.dash_clientside.no_update, window.dash_clientside.no_update];
            }}
            var params = (function() {{ {query_js} }}).apply(null, args);
            var query = new URLSearchParams();
            Object.keys(params).forEach(function (key) {{
                if (params[key]) {{ query.set(key, params[key]); }}
            }});
            var base = current.split("/export/")[0] + "/export/indicators/"
                + encodeURIComponent(indicator);
            var tail = query.toString() ? "?" + query.toString() : "";
            return [base + ".csv" + tail, base + ".xlsx" + tail];
        }}""",
        Output(f"{prefix}-csv", "href"), Output(f"{prefix}-xlsx", "href"),
        *inputs, State(f"{prefix}-csv", "href"),
    )


