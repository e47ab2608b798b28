"""The report of an area import: every problem named, nothing dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "Fehler"
WARNING = "Warnung"
NOTE = "Hinweis"

# Lists longer than this are cut in the printed line (the count stays exact).
SHOWN_CODES = 20


def code_list(codes: list[str] | set[str]) -> str:
    """`a, b, c` – at most SHOWN_CODES, then how many more."""
    ordered = sorted(codes)
    text = ", ".join(ordered[:SHOWN_CODES])
    if len(ordered) > SHOWN_CODES:
        text += f" … (und {len(ordered) - SHOWN_CODES} weitere)"
    return text


@dataclass
class ImportReport:
    """Problems (error: refused; warning: needs --yes; note: information) and counts."""

    label: str
    problems: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.problems.append((ERROR, message))

    def warning(self, message: str) -> None:
        self.problems.append((WARNING, message))

    def note(self, message: str) -> None:
        self.problems.append((NOTE, message))

    @property
    def errors(self) -> list[str]:
        return [m for s, m in self.problems if s == ERROR]

    @property
    def warnings(self) -> list[str]:
        return [m for s, m in self.problems if s == WARNING]

    def lines(self) -> list[str]:
        """The report as German text lines."""
        out = [f"Gebietsimport {self.label}"]
        out += [f"  {fact}" for fact in self.facts]
        if self.counts:
            out.append("  " + ", ".join(f"{k}: {v}" for k, v in self.counts.items()))
        for severity, message in self.problems:
            out.append(f"  {severity}: {message}")
        return out
