"""Type checks for what the browser sends to Dash callbacks: a malformed request is a 400.

Every value a callback receives comes from the browser and can be anything
JSON can carry. `validated` checks each argument against the callback's own
type hints (strictly, with pydantic: no "1" for 1, no 1 for "1") and answers
a mismatch with a werkzeug BadRequest carrying a German (or English) message, so no
malformed request reaches the callback's code and none becomes a 500.
`install_request_guard` does the same for what no page callback sees: the
shape of the request itself, callbacks that only run in the browser, and the
inputs of Dash's pages router.
"""

from __future__ import annotations

import functools
import inspect
import json
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import dash
import flask
from pydantic import ConfigDict, StringConstraints, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict, is_typeddict
from werkzeug.exceptions import BadRequest

from cockpit.app.i18n import DEFAULT_LANGUAGE, register_strings, t
from cockpit.app.session import current_lang
from cockpit.indicators.model import DIRECTIONS
from cockpit.periods import PERIOD_PATTERN

register_strings({
    "input.bad": {"de": "Ungültige Anfrage: {problem}", "en": "Invalid request: {problem}"},
    "input.type": {"de": "„{name}“ muss {expected} sein.",
                   "en": "“{name}” must be {expected}."},
    "input.too_big": {"de": "„{name}“ ist zu groß.", "en": "“{name}” is too large."},
    "input.count": {"de": "falsche Zahl von Eingaben.", "en": "wrong number of inputs."},
    "input.not_dash": {"de": "kein Dash-Callback-Aufruf.", "en": "not a Dash callback call."},
    "input.unknown": {"de": "unbekannter Callback.", "en": "unknown callback."},
    "input.entries": {"de": "„{part}“ muss {n} Einträge haben.",
                      "en": "“{part}” must have {n} entries."},
    "input.shape": {"de": "jeder Eintrag in „{part}“ braucht id und property.",
                    "en": "every entry of “{part}” needs id and property."},
    "input.outputs": {"de": "„outputs“ passt nicht zum Callback.",
                      "en": "“outputs” does not fit the callback."},
    "input.changed": {"de": "„changedPropIds“ muss eine Liste von Texten sein.",
                      "en": "“changedPropIds” must be a list of texts."},
    "input.url": {"de": "„{prop}“ muss ein Text von höchstens {n} Zeichen sein.",
                  "en": "“{prop}” must be a text of at most {n} characters."},
    "input.url_start": {"de": "„{prop}“ muss mit {start} beginnen.",
                        "en": "“{prop}” must start with {start}."},
    "type.bool": {"de": "ein Wahrheitswert", "en": "true or false"},
    "type.number": {"de": "eine Zahl", "en": "a number"},
    "type.text": {"de": "ein Text", "en": "a text"},
    "type.list": {"de": "eine Liste", "en": "a list"},
    "type.object": {"de": "ein Objekt", "en": "an object"},
    "type.fields": {"de": "ein Objekt mit den Feldern {fields}",
                    "en": "an object with the fields {fields}"},
    "type.other": {"de": "ein anderer Typ", "en": "of another type"},
})


def _lang() -> str:
    return current_lang() if flask.has_request_context() else DEFAULT_LANGUAGE


def bad_request(key: str, **fmt: object) -> BadRequest:
    """A 400 whose message (German, or English if chosen) says what was wrong."""
    lang = _lang()
    return BadRequest(t("input.bad", lang, problem=t(key, lang, **fmt)))


# -- value types for callback signatures (used as type hints in cockpit/pages) -----------------
# TypedDicts come from typing_extensions: pydantic needs those below Python 3.12.
# Fields not declared are ignored (and dropped): the callbacks never read them.

_STRICT = ConfigDict(strict=True)  # a number is not a text, a text not a number

MAX_TEXT = 1000  # free text (a search); longer input is refused, not truncated
MAX_KEY = 200  # ids, codes, periods, levels, option values
MAX_ITEMS = 500  # longest list (or dict) any callback accepts, also nested

Key = Annotated[str, StringConstraints(max_length=MAX_KEY)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
# A file as dcc.Upload sends it: a base64 data URL of at most 50 MB (the request limit of
# the upload callback is a little above that).
UploadData = Annotated[str, StringConstraints(max_length=70 * 1024 * 1024)]
# A period as the server writes it (2024, 2024-H1, 2024-Q3, 2024-06); anything else is not
# from us.
Period = Annotated[str, StringConstraints(pattern=f"^{PERIOD_PATTERN}$")]


@with_config(_STRICT)
class ClickPoint(TypedDict, total=False):
    """One point of a plotly clickData (only the fields the cockpit reads are checked)."""

    location: Key | None
    customdata: list[Key | float | None] | Key | float | None


@with_config(_STRICT)
class ClickData(TypedDict, total=False):
    """plotly's clickData of a bar or map."""

    points: list[ClickPoint]


@with_config(_STRICT)
class CellClick(TypedDict, total=False):
    """dash-ag-grid's cellClicked."""

    rowId: Key | float | None  # noqa: N815 - the grid's field name


@with_config(_STRICT)
class GridSort(TypedDict, total=False):
    """One column of an AG Grid sortModel."""

    colId: Key  # noqa: N815 - the grid's field name
    sort: Literal["asc", "desc"]


@with_config(_STRICT)
class GridCondition(TypedDict, total=False):
    """One condition of an AG Grid column filter (text or number)."""

    filterType: Key  # noqa: N815
    type: Key
    filter: Key | float | None
    filterTo: float | None  # noqa: N815


@with_config(_STRICT)
class GridFilter(GridCondition, total=False):
    """An AG Grid column filter: one condition, or two joined by AND/OR."""

    operator: Literal["AND", "OR"]
    conditions: list[GridCondition]


@with_config(_STRICT)
class GridRowsRequest(TypedDict, total=False):
    """dash-ag-grid's getRowsRequest of the infinite row model (a block of rows)."""

    startRow: int  # noqa: N815
    endRow: int  # noqa: N815
    sortModel: list[GridSort]  # noqa: N815
    filterModel: dict[Key, GridFilter]  # noqa: N815


@with_config(_STRICT)
class SeriesEntry(TypedDict):
    """One trend line as the profile sends it to the browser and back for drawing."""

    periods: list[Period]
    values: list[float | None]
    direction: Literal[DIRECTIONS]  # type: ignore[valid-type]


@with_config(_STRICT)
class SparkId(TypedDict):
    """The id of one sparkline graph of the profile (an ALL wildcard hands a list)."""

    type: Key
    indicator: Key


# -- the decorator ---------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


_NAMES = {bool: "type.bool", int: "type.number", float: "type.number", str: "type.text",
          list: "type.list", dict: "type.object"}


def _base(hint: object) -> object:
    """The type behind Optional[...] and Annotated[...]."""
    while True:
        origin = typing.get_origin(hint)
        if origin is Annotated:
            hint = typing.get_args(hint)[0]
        elif origin in (typing.Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        else:
            return hint


def _describe(hint: object, lang: str) -> str:
    """A short name of the expected type, for the error message."""
    base = _base(hint)
    if is_typeddict(base):
        return t("type.fields", lang, fields=", ".join(typing.get_type_hints(base)))
    return t(_NAMES.get(typing.get_origin(base) or base, "type.other"), lang)  # type: ignore[arg-type]


def _too_big(value: object, depth: int = 0) -> bool:
    """Lists and dicts longer than MAX_ITEMS or nested deeper than 8, at any depth."""
    if depth > 8:
        return True
    if isinstance(value, list):
        return len(value) > MAX_ITEMS or any(_too_big(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) > MAX_ITEMS or any(_too_big(v, depth + 1) for v in value.values())
    return False


def validated(func: F) -> F:
    """Check every argument of a Dash callback against its type hint; BadRequest if wrong.

    The callback receives the validated values (dicts keep only the fields
    their TypedDict declares). Put it below `@callback`.
    """
    hints = typing.get_type_hints(func, include_extras=True)
    names = list(inspect.signature(func).parameters)
    missing = [name for name in names if name not in hints]
    if missing:
        raise TypeError(f"{func.__qualname__}: type hint missing for {', '.join(missing)}")
    # A TypedDict carries its own (strict) config; pydantic refuses a second one.
    adapters = {name: TypeAdapter(hints[name], config=None if is_typeddict(hints[name])
                                  else _STRICT) for name in names}

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        if len(args) != len(names):
            raise bad_request("input.count")
        checked = []
        for name, value in zip(names, args, strict=True):
            if _too_big(value):
                raise bad_request("input.too_big", name=name)
            try:
                checked.append(adapters[name].validate_python(value))
            except ValidationError as exc:
                raise bad_request("input.type", name=name,
                                  expected=_describe(hints[name], _lang())) from exc
        return func(*checked)

    wrapper.__cockpit_validated__ = True  # type: ignore[attr-defined]
    return typing.cast(F, wrapper)


# -- the request guard -------------------------------------------------------------------------

ROUTER_INPUTS = {"_pages_location.pathname", "_pages_location.search"}
_MAX_URL = 2000


def _items(entries: object, part: str) -> list[dict]:
    """The (flattened) input or state items of a request; BadRequest if not well formed."""
    if entries is None:
        return []
    if not isinstance(entries, list) or len(entries) > MAX_ITEMS:
        raise bad_request("input.type", name=part, expected=t("type.list", _lang()))
    flat: list[dict] = []
    for entry in entries:
        group = entry if isinstance(entry, list) else [entry]  # ALL/MATCH wildcards
        for item in group:
            if not isinstance(item, dict) or not isinstance(item.get("property"), str) \
                    or not isinstance(item.get("id"), str | dict):
                raise bad_request("input.shape", part=part)
            flat.append(item)
    return flat


def check_update_request(app: dash.Dash, payload: object) -> None:
    """Raise BadRequest unless `payload` is a well-formed call of a server-side callback."""
    if not isinstance(payload, dict) or not isinstance(payload.get("output"), str):
        raise bad_request("input.not_dash")
    spec = app.callback_map.get(payload["output"])
    if spec is None or "callback" not in spec:
        # Unknown, or a callback that runs in the browser only: nothing to answer.
        raise bad_request("input.unknown")
    _check_outputs(payload["output"], payload.get("outputs"))
    inputs, state = payload.get("inputs"), payload.get("state")
    for part, sent, declared in (("inputs", inputs, spec["inputs"]),
                                 ("state", state, spec["state"])):
        if not isinstance(sent or [], list) or len(sent or []) != len(declared):
            # (a wrong count would fail inside Dash with an IndexError)
            raise bad_request("input.entries", part=part, n=len(declared))
    for item in _items(inputs, "inputs") + _items(state, "state"):
        key = f"{item['id']}.{item['property']}" if isinstance(item["id"], str) else None
        if key in ROUTER_INPUTS:
            _check_router_value(item["property"], item.get("value"))
    changed = payload.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise bad_request("input.changed")


def _declared_outputs(output: str) -> list[tuple[str | dict, str]]:
    """(id, property) of each output named in Dash's output string ("..a.b...c.d..")."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    declared: list[tuple[str | dict, str]] = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        declared.append((json.loads(component) if component.startswith("{") else component,
                         prop))
    return declared


def _matches(sent: object, component: str | dict, prop: str) -> bool:
    """One sent output entry fits the declared output (wildcards: each id fits the pattern)."""
    if isinstance(component, str):
        return isinstance(sent, dict) and sent.get("id") == component \
            and sent.get("property") == prop
    entries = sent if isinstance(sent, list) else [sent]
    if len(entries) > MAX_ITEMS:
        return False
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("property") != prop:
            return False
        sent_id = entry.get("id")
        if not isinstance(sent_id, dict) or set(sent_id) != set(component):
            return False
        for key, pattern in component.items():
            value = sent_id[key]
            if isinstance(pattern, list):  # ALL, MATCH, ALLSMALLER: any short key
                if isinstance(value, bool) or not isinstance(value, str | int | float) or \
                        len(str(value)) > MAX_KEY:
                    return False
            elif value != pattern:
                return False
    return True


def _check_outputs(output: str, outputs: object) -> None:
    """The `outputs` of a request name exactly the outputs of the callback called."""
    declared = _declared_outputs(output)
    sent = outputs if output.startswith("..") else [outputs]
    if not isinstance(sent, list) or len(sent) != len(declared) or not all(
            _matches(entry, component, prop)
            for entry, (component, prop) in zip(sent, declared, strict=True)):
        raise bad_request("input.outputs")


def _check_router_value(prop: str, value: object) -> None:
    """The pages router reads pathname and search as text; anything else is refused."""
    if value is None:
        return
    if not isinstance(value, str) or len(value) > _MAX_URL:
        raise bad_request("input.url", prop=prop, n=_MAX_URL)
    if prop == "pathname" and not value.startswith("/"):
        raise bad_request("input.url_start", prop=prop, start="/")
    if prop == "search" and value and not value.startswith("?"):
        raise bad_request("input.url_start", prop=prop, start="?")


def install_request_guard(server: flask.Flask, app: dash.Dash) -> None:
    """Check every callback request before Dash handles it (400 instead of a 500)."""
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"  # Flask-side path

    @server.before_request
    def guard_callback_request() -> None:
        request = flask.request
        if request.method != "POST" or request.path != endpoint:
            return
        check_update_request(app, request.get_json(silent=True))
