"""Split an indicator file into its metadata header (YAML in a comment) and its SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_LINE_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True)
class HeaderProblem(Exception):
    """The header cannot be read; `line` is 1-based within the file."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedFile:
    """Header fields with the line each starts on, plus the SQL body."""

    fields: dict[str, object]
    field_lines: dict[str, int]
    sql: str
    sql_first_line: int


def parse_indicator_file(text: str) -> ParsedFile:
    """Parse a file that starts with a /* YAML */ block followed by one SELECT."""
    stripped = text.lstrip()
    offset_lines = text[: len(text) - len(stripped)].count("\n")
    if not stripped.startswith("/*"):
        raise HeaderProblem(offset_lines + 1, "Kopfblock fehlt: die Datei muss mit /* ... */ "
                                              "(Steckbrief als YAML) beginnen")
    end = stripped.find("*/")
    if end < 0:
        raise HeaderProblem(offset_lines + 1, "Kopfblock wird nicht mit */ geschlossen")
    body = stripped[2:end]
    first_line = offset_lines + 1  # line of '/*'; YAML line 0 is on that line
    try:
        fields = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc)
        raise HeaderProblem(line, f"Kopfblock ist kein gültiges YAML: {problem}") from exc
    if not isinstance(fields, dict):
        raise HeaderProblem(first_line, "Kopfblock muss Felder der Form 'name: Wert' enthalten")
    field_lines = {}
    for node_key, _ in yaml.compose(body).value:
        field_lines[str(node_key.value)] = first_line + node_key.start_mark.line
    sql_start = len(text) - len(stripped) + end + 2
    sql = text[sql_start:]
    sql_first_line = text[:sql_start].count("\n") + 1
    return ParsedFile({str(k): v for k, v in fields.items()}, field_lines, sql, sql_first_line)


def find_parameters(sql: str) -> set[str]:
    """Return the names of `$name` parameters used in the SQL (outside strings and comments)."""
    cleaned = _STRING.sub("''", _LINE_COMMENT.sub("", sql))
    return set(_PARAMETER.findall(cleaned))
