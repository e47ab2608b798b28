"""The report's notes: neither errors nor warnings, listed last, labelled in German."""

from __future__ import annotations

from cockpit.ingest.problems import Report, error, info, warning


def test_a_note_needs_no_confirmation_and_comes_last() -> None:
    report = Report([info("Vergleich nicht gezeigt"), warning(3, "value", "Sprung"),
                     error(2, "area_code", "unbekannt")])
    assert (len(report.errors), len(report.warnings)) == (1, 1)
    assert [row["severity"] for row in report.to_rows()] == ["Fehler", "Warnung", "Hinweis"]
    assert report.to_text().splitlines()[-2:] == ["Hinweise:", "Vergleich nicht gezeigt"]
    assert Report([info("x")]).ok and not Report([info("x")]).warnings
    assert Report([info("x")]).summary() == "0 Fehler, 0 Warnungen"
