"""Views as files, `queries/views/<id>.yaml`, for version control.

A file holds exactly the fields of a view definition (cockpit/views/model.py), in the
same order as the app exports them, so a view saved in the app can be written to a file
and read back to the same definition. `cockpit check` reads every file and names file and
problem; the app shows a file view at /ansicht?datei=<id>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from cockpit.views.model import Known, ViewDefinition, ViewError, check_definition

FOLDER = "views"  # below the queries folder
FILE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class FileProblem:
    """A problem of one view file: where and what (German)."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def views_folder(queries_dir: Path) -> Path:
    """Where the view files of an installation live."""
    return Path(queries_dir) / FOLDER


def dump_yaml(definition: ViewDefinition) -> str:
    """The definition as a YAML document (UTF-8 text, umlauts kept, fields in order)."""
    header = "# Ansicht des Datencockpits; mit `cockpit check` prüfen.\n"
    return header + yaml.safe_dump(definition.as_dict(), allow_unicode=True,
                                   sort_keys=False, default_flow_style=False, width=100)


def parse_yaml(text: str, known: Known) -> ViewDefinition:
    """A checked definition from YAML text; ViewError (German) for broken YAML too."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (Zeile {mark.line + 1})" if mark is not None else ""
        raise YamlError(f"Die Datei ist kein gültiges YAML{where}.") from exc
    return check_definition(raw, known)


class YamlError(ViewError):
    """Broken YAML: a ViewError with its own German sentence."""

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.key = "yaml"
        self.params = {}


def load_view_files(queries_dir: Path, known: Known
                    ) -> tuple[dict[str, ViewDefinition], list[FileProblem]]:
    """Every `queries/views/*.yaml`, checked: the valid views by file id, and problems."""
    folder = views_folder(queries_dir)
    views: dict[str, ViewDefinition] = {}
    problems: list[FileProblem] = []
    if not folder.is_dir():
        return views, problems
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml"):
            continue
        if not FILE_ID.match(path.stem):
            problems.append(FileProblem(path, "Dateiname: nur Kleinbuchstaben, Ziffern, "
                                              "„_“ und „-“ (höchstens 64 Zeichen)."))
            continue
        try:
            views[path.stem] = parse_yaml(path.read_text(encoding="utf-8"), known)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(FileProblem(path, f"Datei nicht lesbar: {exc}"))
        except ViewError as exc:
            problems.append(FileProblem(path, str(exc)))
    return views, problems
