"""Load every indicator module below queries/, validate it, and index it by id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cockpit.catalog import Catalog
from cockpit.indicators.header import HeaderProblem, ParsedFile, parse_indicator_file
from cockpit.indicators.index_spec import CompositeIndex, load_indices
from cockpit.indicators.model import DEFAULT_MIN_COUNT, Indicator
from cockpit.indicators.rules import RULES, Problem, RuleContext
from cockpit.indicators.sandbox import empty_sandbox


class RegistryError(ValueError):
    """One or more indicator files are broken; str() names each file, line and problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Registry:
    """All valid indicators, in catalogue order (topic order, then file order).

    Iterating gives the SQL indicators (what is computed from the store); composite
    indices (queries/indices/*.yaml) are kept beside them, found by `get` and listed
    with them by `everything`."""

    indicators: dict[str, Indicator]
    topics: dict[str, dict[str, str]]
    indices: dict[str, CompositeIndex] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator | None:
        """Return the indicator or index with this id, or None."""
        return self.indicators.get(indicator_id) or self.indices.get(indicator_id)

    def everything(self) -> list[Indicator]:
        """Indicators and indices in catalogue order (an index after its topic's
        indicators)."""
        order = {topic: i for i, topic in enumerate(self.topics)}
        return sorted([*self.indicators.values(), *self.indices.values()],
                      key=lambda ind: (order.get(ind.topic, 99), ind.kind == "index"))


def load_topics(data_dir: Path) -> dict[str, dict[str, str]]:
    """Read the ordered topic list (id -> labels) from data/topics.yaml."""
    path = data_dir / "topics.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise RegistryError([Problem(path, 1, "topics.yaml muss 'id: {de: ..., en: ...}' sein")])
    return {str(k): {"de": str(v["de"]), "en": str(v["en"])} for k, v in raw.items()}


def _to_indicator(path: Path, parsed: ParsedFile) -> Indicator:
    f = parsed.fields
    return Indicator(
        id=str(f["id"]),
        title_de=str(f["title_de"]),
        title_en=str(f["title_en"]),
        description=str(f["description"]).strip(),
        unit=str(f["unit"]),
        topic=str(f["topic"]),
        direction=str(f["direction"]),
        classification=str(f["classification"]),
        aggregation=str(f["aggregation"]),
        factor=float(f.get("factor", 1)),
        decimals=int(f.get("decimals", 1)),
        min_count=int(f.get("min_count", DEFAULT_MIN_COUNT)),
        numerator=str(f["numerator"]).strip(),
        denominator=str(f["denominator"]).strip() if f.get("denominator") else None,
        source=str(f["source"]).strip(),
        update_cycle=str(f["update_cycle"]),
        notes=str(f.get("notes") or "").strip(),
        datasets=tuple(f["datasets"]),
        parameters=tuple(f.get("parameters") or ()),
        sql=parsed.sql,
        path=path,
        value_range=tuple(f.get("range") or (None, None)),
        derived_from=tuple(f.get("derived_from") or ()),
    )


def check_registry(
    queries_dir: Path, catalog: Catalog, topics: dict[str, dict[str, str]]
) -> tuple[Registry, list[Problem]]:
    """Validate every *.sql file; return the valid indicators and all problems found."""
    empty_store = empty_sandbox()
    ctx = RuleContext(catalog=catalog, topics=topics, empty_store=empty_store)
    problems: list[Problem] = []
    found: list[Indicator] = []
    paths = sorted(queries_dir.rglob("*.sql"))
    if not paths:
        problems.append(Problem(queries_dir, 0, "keine Indikator-Dateien (*.sql) gefunden"))
    for path in paths:
        try:
            parsed = parse_indicator_file(path.read_text(encoding="utf-8"))
        except HeaderProblem as exc:
            problems.append(Problem(path, exc.line, exc.message))
            continue
        except (UnicodeDecodeError, OSError) as exc:
            problems.append(Problem(path, 0, f"Datei nicht lesbar: {exc}"))
            continue
        file_problems = [p for rule in RULES for p in rule(path, parsed, ctx)]
        problems += file_problems
        if not file_problems:
            found.append(_to_indicator(path, parsed))
    empty_store.close()
    seen: dict[str, Path] = {}
    for indicator in found:
        if indicator.id in seen:
            problems.append(Problem(indicator.path, 1, f"id '{indicator.id}' ist doppelt "
                                                       f"(auch in {seen[indicator.id]})"))
        seen.setdefault(indicator.id, indicator.path)
    problems += _derived_from_problems(found, seen)
    topic_order = {topic: i for i, topic in enumerate(topics)}
    ordered = sorted(found, key=lambda ind: (topic_order.get(ind.topic, 99), str(ind.path)))
    valid = {ind.id: ind for ind in ordered}
    indices, index_problems = load_indices(queries_dir, valid, topics)
    problems += index_problems
    return Registry(valid, topics, indices), problems


def _derived_from_problems(found: list[Indicator], known: dict[str, Path]) -> list[Problem]:
    """Every id in derived_from names an indicator that is not itself derived."""
    by_id = {ind.id: ind for ind in found}
    problems = []
    for indicator in found:
        for name in indicator.derived_from:
            if name not in known:
                problems.append(Problem(indicator.path, 1, f"derived_from: unbekannter "
                                                           f"Indikator '{name}'"))
            elif by_id[name].derived_from:
                # One step only, so the gate never waits on a chain (or a cycle).
                problems.append(Problem(indicator.path, 1, f"derived_from: '{name}' ist "
                                                           "selbst abgeleitet"))
    return problems


def load_registry(
    queries_dir: Path, catalog: Catalog, topics: dict[str, dict[str, str]]
) -> Registry:
    """Load and validate all indicators; raise RegistryError naming every broken file."""
    registry, problems = check_registry(queries_dir, catalog, topics)
    if problems:
        raise RegistryError(problems)
    return registry
