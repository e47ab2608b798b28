"""Composite index declarations: `queries/indices/<id>.yaml`, read and checked.

An index is declared, not programmed: its components (indicator, direction, weight),
standardisation, aggregation, classification and class labels, the reference set
(level, minimum population, excluded areas) and a method note for its Steckbrief. A
dynamics index works on the change of its components between two periods; a
combined index crosses the classes of a status and a dynamics index (Berlin's
Monitoring Soziale Stadtentwicklung). Every problem is reported in German with file
and line; nothing of a broken file is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cockpit.indicators.composite import (
    AGGREGATIONS,
    BOUNDARY_SIDES,
    CLASSIFICATIONS,
    RESTANDARDISATIONS,
    STANDARDISATIONS,
    UNCLASSIFIED_DE,
    Method,
)
from cockpit.indicators.model import DIRECTIONS, Indicator
from cockpit.indicators.rules import Problem
from cockpit.roles import CLASSIFICATIONS as ACCESS_CLASSES

INDEX_DIR = "indices"
KINDS = ("status", "dynamics", "combined")
CHANGES = ("difference", "percent")
COMPONENT_DIRECTIONS = {"positive": 1.0, "negative": -1.0}
_ID_RULE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

REQUIRED = ("id", "kind", "title_de", "title_en", "description", "topic", "direction",
            "levels", "classes", "method_note", "source", "update_cycle")
OPTIONAL = ("unit", "decimals", "components", "standardisation", "ddof", "aggregation",
            "restandardise", "classification", "reference", "change", "status", "dynamics")


@dataclass(frozen=True)
class Component:
    """One component of an index: an indicator, the sign it enters with, its weight."""

    indicator: str
    direction: str  # positive | negative
    weight: float = 1.0

    @property
    def sign(self) -> float:
        return COMPONENT_DIRECTIONS[self.direction]


@dataclass(frozen=True)
class CompositeIndex(Indicator):
    """An index: an Indicator (the gate, API and pages treat it as one) plus its method.

    `classification` and `datasets` are those of its components: the most restricted
    classification and every dataset read, so the gate scopes it like its strictest
    part."""

    index_kind: str = "status"
    components: tuple[Component, ...] = ()
    method: Method | None = None
    class_labels: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    population: str | None = None  # indicator id of the population for min_population
    excluded: tuple[str, ...] = ()  # area codes taken out of the reference set
    change_years: int = 0
    change_how: str = "difference"
    status_id: str | None = None  # combined: the status and the dynamics index
    dynamics_id: str | None = None
    method_note: str = ""
    sources: tuple[str, ...] = field(default=())  # indicator ids this index reads

    @property
    def classes(self) -> tuple[str, ...]:
        """Ordered class labels (ascending index value), without "ohne Zuordnung"."""
        return self.class_labels

    def formula(self) -> str:
        return self.method_note.splitlines()[0] if self.method_note else "Index"


class _Lines:
    """Line numbers of the keys of a YAML mapping (and of list items), for messages."""

    def __init__(self, text: str) -> None:
        self.keys: dict[str, int] = {}
        self.items: dict[tuple[str, int], int] = {}
        try:
            node = yaml.compose(text)
        except yaml.YAMLError:
            return
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self.keys[str(key.value)] = key.start_mark.line + 1
                if isinstance(value, yaml.SequenceNode):
                    for i, item in enumerate(value.value):
                        self.items[(str(key.value), i)] = item.start_mark.line + 1
                elif isinstance(value, yaml.MappingNode):
                    for inner, _ in value.value:
                        self.keys[f"{key.value}.{inner.value}"] = inner.start_mark.line + 1

    def of(self, key: str, item: int | None = None) -> int:
        """The line of `key` ("classification.cutoffs" for a nested one, falling back
        to its parent), of item `item` of a list, or 1 for a key that is not there."""
        if item is not None and (key, item) in self.items:
            return self.items[(key, item)]
        return self.keys.get(key) or self.keys.get(key.split(".")[0], 1)


class _Checker:
    """Collects the problems of one declaration."""

    def __init__(self, path: Path, lines: _Lines) -> None:
        self.path, self.lines, self.problems = path, lines, []

    def add(self, key: str, message: str, item: int | None = None) -> None:
        self.problems.append(Problem(self.path, self.lines.of(key, item), message))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_index_file(path: Path, indicators: dict[str, Indicator],
                     levels: tuple[str, ...] | None = None
                     ) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read one declaration and check what can be checked without other indices.

    Returns the raw fields (or None) and the problems; `indicators` are the valid SQL
    indicators, `levels` the installation's level ids when known."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, 0, f"Datei nicht lesbar: {exc}")]
    lines = _Lines(text)
    check = _Checker(path, lines)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [Problem(path, line, f"kein gültiges YAML: {exc}")]
    if not isinstance(raw, dict):
        return None, [Problem(path, 1, "eine Index-Datei muss eine Zuordnung "
                                       "'schlüssel: wert' sein")]
    for key in REQUIRED:
        if raw.get(key) in (None, "", []):
            check.add(key, f"Pflichtfeld '{key}' fehlt")
    for key in raw:
        if key not in REQUIRED and key not in OPTIONAL:
            check.add(str(key), f"unbekanntes Feld '{key}' (erlaubt: "
                                f"{', '.join(REQUIRED + OPTIONAL)})")
    if check.problems:
        return None, check.problems
    index_id = str(raw["id"])
    if not _ID_RULE.match(index_id):
        check.add("id", f"id '{index_id}' muss klein_mit_unterstrich sein")
    if index_id != path.stem:
        check.add("id", f"id '{index_id}' muss dem Dateinamen '{path.stem}' entsprechen")
    if index_id in indicators:
        check.add("id", f"id '{index_id}' ist schon ein Indikator "
                        f"({indicators[index_id].path})")
    if raw["kind"] not in KINDS:
        check.add("kind", f"kind '{raw['kind']}' ist unbekannt (erlaubt: {', '.join(KINDS)})")
    if raw["direction"] not in DIRECTIONS:
        check.add("direction", f"direction '{raw['direction']}' ist unbekannt (erlaubt: "
                               f"{', '.join(DIRECTIONS)})")
    level_list = raw["levels"]
    if not isinstance(level_list, list) or not all(isinstance(v, str) for v in level_list):
        check.add("levels", "levels muss eine Liste von Ebenen sein, z. B. [subdistrict]")
    elif levels is not None:
        for level in level_list:
            if level not in levels:
                check.add("levels", f"Ebene '{level}' ist nicht deklariert (bekannt: "
                                    f"{', '.join(levels)})")
    labels = raw["classes"]
    if not isinstance(labels, list) or not all(isinstance(v, str) and v.strip()
                                                for v in labels):
        check.add("classes", "classes muss eine Liste von Klassennamen sein "
                             "(aufsteigend nach Indexwert)")
    elif len(set(labels)) != len(labels) or UNCLASSIFIED_DE in labels:
        check.add("classes", f"Klassennamen müssen verschieden sein und dürfen nicht "
                             f"„{UNCLASSIFIED_DE}“ heißen")
    if raw["kind"] == "combined":
        for key in ("status", "dynamics"):
            if not isinstance(raw.get(key), str):
                check.add(key, f"ein kombinierter Index braucht '{key}: <index-id>'")
        for key in ("components", "classification", "change"):
            if key in raw:
                check.add(key, f"'{key}' gehört nicht zu einem kombinierten Index "
                               "(er kreuzt die Klassen von status und dynamics)")
        return (raw if not check.problems else None), check.problems
    for key in ("status", "dynamics"):
        if key in raw:
            check.add(key, f"'{key}' gibt es nur bei kind: combined")
    _check_components(raw, indicators, check)
    _check_method(raw, check)
    _check_reference(raw, indicators, check)
    if raw["kind"] == "dynamics":
        _check_change(raw, check)
    elif "change" in raw:
        check.add("change", "'change' gibt es nur bei kind: dynamics")
    return (raw if not check.problems else None), check.problems


def _check_components(raw: dict, indicators: dict[str, Indicator], check: _Checker) -> None:
    components = raw.get("components")
    if not isinstance(components, list) or not components:
        check.add("components", "components muss eine nicht leere Liste sein: "
                                "- {indicator: id, direction: positive|negative, weight: 1}")
        return
    seen: set[str] = set()
    for i, item in enumerate(components):
        if not isinstance(item, dict) or "indicator" not in item or "direction" not in item:
            check.add("components", f"Komponente {i + 1}: braucht indicator und direction",
                      i)
            continue
        unknown = set(item) - {"indicator", "direction", "weight"}
        if unknown:
            check.add("components", f"Komponente {i + 1}: unbekannte Felder "
                                    f"{', '.join(sorted(map(str, unknown)))}", i)
        name = str(item["indicator"])
        if name not in indicators:
            check.add("components", f"Komponente {i + 1}: unbekannter Indikator '{name}'", i)
        if name in seen:
            check.add("components", f"Komponente {i + 1}: '{name}' ist doppelt", i)
        seen.add(name)
        if item["direction"] not in COMPONENT_DIRECTIONS:
            check.add("components", f"Komponente {i + 1}: direction muss positive (hebt den "
                                    "Index) oder negative (senkt ihn) sein", i)
        weight = _number(item.get("weight", 1))
        if weight is None or not weight > 0:
            check.add("components", f"Komponente {i + 1}: weight muss eine Zahl > 0 sein", i)


def _check_method(raw: dict, check: _Checker) -> None:
    how = raw.get("standardisation", "z_score")
    if how not in STANDARDISATIONS:
        check.add("standardisation", f"standardisation '{how}' ist unbekannt (erlaubt: "
                                     f"{', '.join(STANDARDISATIONS)})")
    again = raw.get("restandardise", "none")
    if again not in RESTANDARDISATIONS:
        check.add("restandardise", f"restandardise '{again}' ist unbekannt (erlaubt: "
                                   f"{', '.join(RESTANDARDISATIONS)})")
    if "z_score" in (how, again) and raw.get("ddof") not in (0, 1):
        # No silent default: n or n - 1 moves z by a factor sqrt(n / (n - 1)), enough
        # to flip an area that lies a thousandth from a cut-off.
        check.add("ddof" if "ddof" in raw else "standardisation",
                  "ddof muss bei z_score angegeben werden: 0 (Standardabweichung der "
                  "Grundgesamtheit, durch n) oder 1 (Stichprobe, durch n − 1)")
    if raw.get("aggregation", "weighted_sum") not in AGGREGATIONS:
        check.add("aggregation", f"aggregation '{raw.get('aggregation')}' ist unbekannt "
                                 f"(erlaubt: {', '.join(AGGREGATIONS)})")
    spec = raw.get("classification")
    labels = raw["classes"] if isinstance(raw["classes"], list) else []
    if not isinstance(spec, dict) or spec.get("method") not in CLASSIFICATIONS:
        check.add("classification.method", "classification braucht method: "
                                    f"{' | '.join(CLASSIFICATIONS)}")
        return
    unknown = set(spec) - {"method", "cutoffs", "boundaries", "range"}
    if unknown:
        check.add("classification", f"unbekannte Felder {', '.join(sorted(map(str, unknown)))}"
                                    " (erlaubt: method, cutoffs, boundaries, range)")
    method = spec["method"]
    if method in ("fixed", "standard_deviations"):
        cutoffs = spec.get("cutoffs")
        numbers = [_number(c) for c in cutoffs] if isinstance(cutoffs, list) else [None]
        if not numbers or None in numbers:
            check.add("classification.cutoffs", "cutoffs muss eine Liste von Zahlen sein")
            return
        if any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)):
            check.add("classification.cutoffs", "cutoffs müssen streng aufsteigend sein")
        k = len(numbers) + 1
    else:
        if "cutoffs" in spec:
            check.add("classification.cutoffs", f"cutoffs gibt es nicht bei method: {method} "
                                        "(die Grenzen folgen aus den Werten)")
        k = len(labels)
        if k < 2:
            check.add("classes", "mindestens zwei Klassen")
    if "range" in spec:
        rng = spec["range"]
        if method != "equal_intervals" or not (
                isinstance(rng, list) and len(rng) == 2
                and None not in map(_number, rng) and rng[0] < rng[1]):
            check.add("classification.range", "range: [von, bis] gibt es nur bei "
                                        "equal_intervals, mit von < bis")
    if labels and len(labels) != k:
        check.add("classes", f"{len(labels)} Klassennamen, aber die Klassifikation ergibt "
                             f"{k} Klassen")
    sides = spec.get("boundaries", "lower")
    sides = [sides] * (k - 1) if isinstance(sides, str) else sides
    if not isinstance(sides, list) or len(sides) != k - 1 or any(
            s not in BOUNDARY_SIDES for s in sides):
        check.add("classification.boundaries",
                  "boundaries: lower oder upper (ein Wert auf der Grenze gehört zur "
                  f"unteren bzw. oberen Klasse), einmal für alle oder je Grenze ({k - 1})")


def _check_reference(raw: dict, indicators: dict[str, Indicator], check: _Checker) -> None:
    ref = raw.get("reference", {})
    if not isinstance(ref, dict):
        check.add("reference", "reference muss eine Zuordnung sein "
                               "(min_population, population, exclude)")
        return
    unknown = set(ref) - {"min_population", "population", "exclude"}
    if unknown:
        check.add("reference", f"unbekannte Felder {', '.join(sorted(map(str, unknown)))}")
    minimum = _number(ref.get("min_population", 0))
    if minimum is None or minimum < 0:
        check.add("reference.min_population", "min_population muss eine Zahl ≥ 0 sein")
    elif minimum > 0 and ref.get("population") not in indicators:
        check.add("reference.population", "min_population braucht population: <Indikator der "
                               "Einwohnerzahl> (z. B. einwohner)")
    exclude = ref.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(c, str) for c in exclude):
        check.add("reference.exclude", "exclude muss eine Liste von Gebietsschlüsseln (Text) sein")


def _check_change(raw: dict, check: _Checker) -> None:
    spec = raw.get("change")
    if not isinstance(spec, dict) or not isinstance(spec.get("years"), int) \
            or isinstance(spec.get("years"), bool) or spec["years"] < 1:
        check.add("change", "ein Dynamikindex braucht change: {years: 2, as: difference}")
        return
    if spec.get("as", "difference") not in CHANGES:
        check.add("change", f"as muss {' oder '.join(CHANGES)} sein (difference: "
                            "Prozentpunkte bei Anteilen)")


def build_index(path: Path, raw: dict[str, Any], indicators: dict[str, Indicator],
                built: dict[str, CompositeIndex]) -> CompositeIndex:
    """A checked declaration as a CompositeIndex (combined ones after their parts)."""
    if raw["kind"] == "combined":
        status, dynamics = built[raw["status"]], built[raw["dynamics"]]
        parts: list[Indicator] = [status, dynamics]
        sources = tuple(dict.fromkeys((*status.sources, *dynamics.sources)))
        return _index(path, raw, parts, sources, class_labels=tuple(raw["classes"]),
                      status_id=status.id,
                      dynamics_id=dynamics.id, unit=raw.get("unit", "Klasse"), decimals=0)
    components = tuple(Component(str(c["indicator"]), str(c["direction"]),
                                 float(c.get("weight", 1))) for c in raw["components"])
    ref = raw.get("reference", {})
    population = ref.get("population")
    sources = tuple(dict.fromkeys([c.indicator for c in components]
                                  + ([population] if population else [])))
    spec = raw["classification"]
    labels = tuple(raw["classes"])
    k = len(labels)
    sides = spec.get("boundaries", "lower")
    sides = (sides,) * (k - 1) if isinstance(sides, str) else tuple(sides)
    method = Method(
        signs=tuple(c.sign for c in components),
        weights=tuple(c.weight for c in components),
        standardisation=raw.get("standardisation", "z_score"),
        ddof=int(raw.get("ddof", 0)),
        aggregation=raw.get("aggregation", "weighted_sum"),
        restandardise=raw.get("restandardise", "none"),
        classification=spec["method"],
        cutoffs=tuple(float(c) for c in spec.get("cutoffs", ())),
        classes=k,
        boundaries=sides,
        interval_range=tuple(map(float, spec["range"])) if "range" in spec else None,
        min_population=float(ref.get("min_population", 0)),
    )
    change = raw.get("change") or {}
    return _index(path, raw, [indicators[s] for s in sources], sources,
                  class_labels=labels, components=components, method=method,
                  population=population, excluded=tuple(ref.get("exclude", ())),
                  change_years=int(change.get("years", 0)),
                  change_how=str(change.get("as", "difference")),
                  unit=raw.get("unit", "Index"), decimals=int(raw.get("decimals", 2)))


def _index(path: Path, raw: dict, parts: list[Indicator], sources: tuple[str, ...],
           **extra: Any) -> CompositeIndex:
    rank = {name: i for i, name in enumerate(ACCESS_CLASSES)}
    classification = max((p.classification for p in parts), key=rank.__getitem__)
    datasets = tuple(dict.fromkeys(d for p in parts for d in p.datasets))
    extra.setdefault("decimals", 2)
    return CompositeIndex(
        id=str(raw["id"]), title_de=str(raw["title_de"]), title_en=str(raw["title_en"]),
        description=str(raw["description"]).strip(), topic=str(raw["topic"]),
        direction=str(raw["direction"]), classification=classification,
        aggregation="none", factor=1.0, min_count=max(p.min_count for p in parts),
        numerator="", denominator=None, source=str(raw["source"]).strip(),
        update_cycle=str(raw["update_cycle"]), notes=str(raw["method_note"]).strip(),
        datasets=datasets, parameters=(), sql="", path=path, kind="index",
        index_kind=str(raw["kind"]), levels=tuple(raw["levels"]),
        method_note=str(raw["method_note"]).strip(), sources=sources, **extra)


def load_indices(queries_dir: Path, indicators: dict[str, Indicator],
                 topics: dict[str, Any] | None = None,
                 levels: tuple[str, ...] | None = None
                 ) -> tuple[dict[str, CompositeIndex], list[Problem]]:
    """Every `queries/indices/*.yaml`, checked; returns the valid indices and all problems."""
    folder = queries_dir / INDEX_DIR
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    problems: list[Problem] = []
    raws: dict[str, tuple[Path, dict]] = {}
    for path in paths:
        raw, found = parse_index_file(path, indicators, levels)
        problems += found
        if raw is None:
            continue
        if topics is not None and raw["topic"] not in topics:
            problems.append(Problem(path, _Lines(path.read_text("utf-8")).of("topic"),
                                    f"unbekanntes Thema '{raw['topic']}'"))
            continue
        raws[str(raw["id"])] = (path, raw)
    built: dict[str, CompositeIndex] = {}
    for index_id, (path, raw) in raws.items():
        if raw["kind"] != "combined":
            built[index_id] = build_index(path, raw, indicators, built)
    for index_id, (path, raw) in raws.items():
        if raw["kind"] != "combined":
            continue
        lines = _Lines(path.read_text("utf-8"))
        wrong = False
        for key, kind in (("status", "status"), ("dynamics", "dynamics")):
            part = built.get(raw[key])
            if part is None or part.index_kind != kind:
                problems.append(Problem(path, lines.of(key), f"{key}: '{raw[key]}' ist kein "
                                                             f"gültiger Index mit kind: {kind}"))
                wrong = True
        if wrong:
            continue
        status, dynamics = built[raw["status"]], built[raw["dynamics"]]
        if set(raw["levels"]) - (set(status.levels) & set(dynamics.levels)):
            problems.append(Problem(path, lines.of("levels"), "levels: jede Ebene muss auch "
                                                              "bei status und dynamics stehen"))
            continue
        expected = len(status.classes) * len(dynamics.classes)
        if len(raw["classes"]) != expected:
            problems.append(Problem(path, lines.of("classes"), f"ein kombinierter Index hat "
                                    f"{expected} Klassen (status × dynamics), nicht "
                                    f"{len(raw['classes'])}"))
            continue
        built[index_id] = build_index(path, raw, indicators, built)
    return built, problems
