"""The gate's delivery desk: what a check report may use for whom, and what it audits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cockpit.access import Gate, Viewer
from cockpit.access.errors import AccessDenied, BadParameter, NotLoggedIn
from cockpit.context import Installation
from cockpit.demo.build import build_demo_store
from cockpit.ingest.checks import NO_COMPARISON_NOTE
from cockpit.ingest.problems import INFO
from cockpit.settings import load_settings

STEWARD = Viewer("steward", "department", department="jugendamt")
CONTROLLING = Viewer("controller", "controlling")


@pytest.fixture(scope="module")
def inst(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """Its own demo store: these tests publish."""
    inst = Installation(load_settings(home=str(tmp_path_factory.mktemp("delivery-home"))))
    build_demo_store(inst.store, inst.catalog)
    return inst


@pytest.fixture
def audit() -> list[tuple[str, str, dict]]:
    return []


@pytest.fixture
def gate(inst: Installation, audit: list) -> Gate:
    return Gate(inst, audit=lambda user, action, detail: audit.append(
        (user, action, json.loads(detail))))


def _file(inst: Installation, tmp_path: Path, value: int = 1_000_000,
          period: str = "2025") -> Path:
    keys = inst.store.read().execute(
        "SELECT DISTINCT area_code, category FROM observations WHERE dataset_id = 'hze' "
        "AND period = '2025' ORDER BY 1, 2").fetchall()
    path = tmp_path / "hze.csv"
    path.write_text("area_code;period;category;value\n" + "".join(
        f"{area};{period};{category};{value}\n" for area, category in keys), encoding="utf-8")
    return path


def test_steward_report_uses_no_published_data(inst, gate, audit, tmp_path) -> None:
    desk = gate.deliveries(STEWARD)
    assert not desk.compares_published
    result = desk.check(desk.dataset("hze"), _file(inst, tmp_path))
    assert (result.compared_periods, result.published_cells) == ((), 0)
    messages = [p.message for p in result.report.problems]
    assert not any("Sprung" in m or "%" in m for m in messages)
    assert [p.message for p in result.report.problems if p.severity == INFO] == [
        NO_COMPARISON_NOTE]
    assert result.report.ok and not result.report.warnings  # the note needs no confirmation
    assert audit == []  # nothing published was shown, so no raw view


def test_controlling_report_compares_and_is_audited(inst, gate, audit, tmp_path) -> None:
    desk = gate.deliveries(CONTROLLING)
    path = _file(inst, tmp_path)
    result = desk.check(desk.dataset("hze"), path)
    jumps = [p for p in result.report.problems if "Sprung gegenüber 2024" in p.message]
    assert jumps and result.published_cells == len(jumps)
    ((user, action, detail),) = audit
    assert (user, action) == ("controller", "raw_view")
    assert detail["dataset"] == "hze" and detail["periods"] == ["2024"]
    assert detail["published_cells"] == len(jumps)
    # A re-check that is not shown (before publishing) is no raw view.
    desk.check(desk.dataset("hze"), path, shown=False)
    assert len(audit) == 1


@pytest.mark.parametrize("viewer", [Viewer("c", "committee"), Viewer("l", "leadership"),
                                    Viewer("d", "district", area_code="01"),
                                    Viewer("s", "department", department="schulamt")])
def test_others_may_not_deliver_hze(gate, viewer) -> None:
    with pytest.raises(AccessDenied):
        gate.deliveries(viewer).dataset("hze")


def test_unknown_and_malformed_datasets_are_refused(gate) -> None:
    desk = gate.deliveries(CONTROLLING)
    with pytest.raises(AccessDenied):
        desk.dataset("gibt-es-nicht")
    with pytest.raises(BadParameter):
        desk.dataset(["hze"])
    with pytest.raises(NotLoggedIn):
        gate.deliveries(None)


def test_rejection_is_audited_and_logged(inst, gate, audit, tmp_path) -> None:
    desk = gate.deliveries(STEWARD)
    path = tmp_path / "kaputt.csv"
    path.write_text("area_code;period;category;value\n9999;2024;ambulant;-1\n")
    dataset = desk.dataset("hze")
    desk.record_check(dataset, path, desk.check(dataset, path))
    assert [action for _, action, _ in audit] == ["delivery_checked", "delivery_rejected"]
    entry = json.loads((inst.settings.log_dir / "imports.jsonl").read_text().splitlines()[-1])
    assert (entry["user"], entry["outcome"], entry["file"]) == ("steward", "rejected",
                                                                "kaputt.csv")
    with pytest.raises(BadParameter):
        desk.publish(dataset, path, desk.check(dataset, path, shown=False))


def test_publish_is_audited_with_the_import_id(inst, gate, audit, tmp_path) -> None:
    desk = gate.deliveries(STEWARD)
    dataset = desk.dataset("hze")
    path = _file(inst, tmp_path, value=4, period="2040")
    outcome = desk.publish(dataset, path, desk.check(dataset, path, shown=False))
    assert outcome.outcome == "published"
    ((user, action, detail),) = audit
    assert (user, action, detail["import_id"]) == ("steward", "delivery_published",
                                                   outcome.import_id)
