"""Problems found in a delivery and the plausibility report (Prüfbericht) built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"  # a note on the report itself; neither stops nor needs a confirmation

SEVERITY_LABELS_DE: dict[str, str] = {ERROR: "Fehler", WARNING: "Warnung", INFO: "Hinweis"}
_HEADINGS_DE: dict[str, str] = {ERROR: "Fehler:", WARNING: "Warnungen:", INFO: "Hinweise:"}

# Headers for the keys of `Report.to_rows`, for tables and downloads.
COLUMN_LABELS_DE: dict[str, str] = {
    "severity": "Art", "line": "Zeile", "column": "Spalte", "message": "Meldung",
}

# A spreadsheet evaluates cells starting with these; a downloaded report must not.
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (file line, column) and what is wrong, in German."""

    severity: str  # "error" | "warning"
    line: int | None
    column: str | None
    message: str

    def location(self) -> str:
        """'Zeile 12, Spalte value' or the part of it that is known."""
        parts = []
        if self.line is not None:
            parts.append(f"Zeile {self.line}")
        if self.column:
            parts.append(f"Spalte {self.column}")
        return ", ".join(parts)

    def to_text(self) -> str:
        """'Zeile 12, Spalte value: Wert „abc“ ist keine Zahl'."""
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


def error(line: int | None, column: str | None, message: str) -> Problem:
    """An error: the delivery must not be published."""
    return Problem(ERROR, line, column, message)


def warning(line: int | None, column: str | None, message: str) -> Problem:
    """A warning: publishing needs a confirmation."""
    return Problem(WARNING, line, column, message)


def info(message: str) -> Problem:
    """A note about the report (for example what it leaves out and why)."""
    return Problem(INFO, None, None, message)


def quote(value: str, limit: int = 40) -> str:
    """A cell value for a message: German quotes, shortened, control characters hidden."""
    shown = "".join(ch if ch.isprintable() else "�" for ch in value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"„{shown}“"


def german_int(number: int) -> str:
    """1234567 -> '1.234.567'."""
    return f"{number:,}".replace(",", ".")


def _sort_key(problem: Problem) -> tuple[int, int]:
    order = {ERROR: 0, WARNING: 1}.get(problem.severity, 2)
    return (order, -1 if problem.line is None else problem.line)


def _safe_cell(text: str | None) -> str | None:
    if text and text.startswith(_FORMULA_START):
        return "'" + text
    return text


@dataclass
class Report:
    """Everything the checks found in one delivery, plus what was detected and counted."""

    problems: list[Problem] = field(default_factory=list)
    detected: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """Problems that reject the delivery."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems that need a confirmation before publishing."""
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing stops publishing (warnings may remain)."""
        return not self.errors

    def sorted_problems(self) -> list[Problem]:
        """Errors first, each group in file order."""
        return sorted(self.problems, key=_sort_key)

    def summary(self) -> str:
        """One German line: rows, errors, warnings."""
        parts = []
        if "rows" in self.counts:
            rows = self.counts["rows"]
            parts.append(f"{german_int(rows)} {'Datenzeile' if rows == 1 else 'Datenzeilen'}")
        if self.counts.get("skipped_rows"):
            parts.append(f"davon {german_int(self.counts['skipped_rows'])} übersprungen")
        n_err, n_warn = len(self.errors), len(self.warnings)
        parts.append(f"{german_int(n_err)} Fehler")
        parts.append(f"{german_int(n_warn)} {'Warnung' if n_warn == 1 else 'Warnungen'}")
        return ", ".join(parts)

    def detected_text(self) -> str:
        """'Erkannt: Kodierung UTF-8, Trennzeichen „;“, Dezimalzeichen „,“' or ''."""
        labels = (("format", "Format {}"), ("sheet", "Tabellenblatt „{}“"),
                  ("encoding", "Kodierung {}"), ("delimiter", "Trennzeichen „{}“"),
                  ("decimal", "Dezimalzeichen „{}“"), ("layout", "Layout {}"))
        parts = [label.format(self.detected[key]) for key, label in labels
                 if key in self.detected]
        return "Erkannt: " + ", ".join(parts) if parts else ""

    def to_text(self, max_lines: int = 50) -> str:
        """German report, one problem per line, errors first, at most `max_lines` problems."""
        lines = [text for text in (self.detected_text(), self.summary()) if text]
        ordered = self.sorted_problems()
        shown = ordered[:max_lines]
        heading = None
        for problem in shown:
            if problem.severity != heading:
                heading = problem.severity
                lines.append(_HEADINGS_DE.get(heading, "Warnungen:"))
            lines.append(problem.to_text())
        if len(ordered) > len(shown):
            lines.append(f"… und {german_int(len(ordered) - len(shown))} weitere")
        return "\n".join(lines)

    def to_rows(self) -> list[dict[str, object]]:
        """Problems as table rows (keys: severity, line, column, message; see COLUMN_LABELS_DE)."""
        return [
            {"severity": SEVERITY_LABELS_DE.get(p.severity, p.severity), "line": p.line,
             "column": _safe_cell(p.column), "message": _safe_cell(p.message)}
            for p in self.sorted_problems()
        ]
