"""Deliveries through the gate: what a check report may say to whom, and the audit trail.

A check report that compares a delivery with published data is a view of published
values: "3 -> 1.000.000 (+33333233 %)" quotes the old value, and even a bare "jump" or
"area missing" warning lets an uploader search for a hidden value with crafted files that
are never published. So the comparison is part of the report only for roles that may view
raw values (admin, controlling), and every such report is audited like any raw view.
For everyone else the report is a function of the delivered file, the dataset definition
and the public territory only.

Pages reach checking and publishing only through `Gate.deliveries(viewer)`; this module
is the one that opens the store for them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cockpit.access.errors import AccessDenied, BadParameter
from cockpit.access.policy import may_deliver
from cockpit.access.viewer import Viewer
from cockpit.appdb import audit_detail
from cockpit.catalog import Dataset
from cockpit.context import Installation
from cockpit.ingest.checks import DeliveryCheck, run_checks
from cockpit.ingest.publish import ImportResult, file_sha256, log_rejection, publish_delivery
from cockpit.ingest.reading import guess_format, read_delivery
from cockpit.ingest.uploads import Uploads

AuditSink = Callable[[str, str, str], None]  # (user name, action, JSON detail)


def _detail(**fields: object) -> str:
    return audit_detail(fields)


class DeliveryDesk:
    """Checking and publishing deliveries for one logged-in viewer."""

    def __init__(self, inst: Installation, viewer: Viewer, audit: AuditSink | None) -> None:
        self.inst = inst
        self.viewer = viewer
        self._audit = audit
        self.uploads = Uploads(inst.settings.uploads_dir, inst.settings.upload_max_age)

    @property
    def compares_published(self) -> bool:
        """Whether this viewer's reports compare with published data (raw roles only)."""
        return self.viewer.may_view_raw

    def datasets(self) -> list[Dataset]:
        """The datasets this viewer may deliver, in catalogue order."""
        return [d for d in self.inst.catalog.datasets.values()
                if may_deliver(self.viewer, d.department)]

    def dataset(self, dataset_id: object) -> Dataset:
        """The dataset, if this viewer may deliver it; else AccessDenied / BadParameter."""
        if not isinstance(dataset_id, str):
            raise BadParameter("Bitte einen Datensatz wählen.")
        dataset = self.inst.catalog.datasets.get(dataset_id)
        if dataset is None or not may_deliver(self.viewer, dataset.department):
            # Unknown and foreign datasets answer alike.
            raise AccessDenied("Für Datenlieferungen in diesen Datensatz fehlt Ihnen die "
                               "Berechtigung.")
        return dataset

    def check(self, dataset: Dataset, path: Path, *, shown: bool = True) -> DeliveryCheck:
        """Check the file at `path` as a delivery of `dataset`, for this viewer.

        `shown` says that the report will be shown (or downloaded): then a report that
        quotes published data is audited as a raw view. A re-check before publishing
        only needs its verdict.
        """
        self.dataset(dataset.id)  # permission, again: the desk never trusts its caller
        delivery = read_delivery(path, guess_format(path), None, dataset.genesis_columns)
        result = run_checks(delivery, dataset, self.inst.store.read(),
                            compare_published=self.compares_published)
        if shown and result.compared_periods:
            self._record("raw_view", _detail(
                dataset=dataset.id, source="delivery_check", periods=list(result.compared_periods),
                published_cells=result.published_cells, sha256=file_sha256(path)))
        return result

    def record_check(self, dataset: Dataset, path: Path, result: DeliveryCheck) -> None:
        """Audit a newly uploaded delivery's check; a rejected one is also logged beside
        the store (logs/imports.jsonl), as `cockpit load` does."""
        report = result.report
        detail = _detail(dataset=dataset.id, file=path.name, sha256=file_sha256(path),
                         errors=len(report.errors), warnings=len(report.warnings))
        self._record("delivery_checked", detail)
        if not report.ok:
            log_rejection(self.inst.settings.log_dir, dataset_id=dataset.id, source=path,
                          user=self.viewer.name, errors=len(report.errors),
                          warnings=len(report.warnings))
            self._record("delivery_rejected", detail)

    def publish(self, dataset: Dataset, path: Path, result: DeliveryCheck) -> ImportResult:
        """Publish a checked delivery all or nothing (the check must have no errors)."""
        self.dataset(dataset.id)
        if not result.report.ok:
            raise BadParameter("Die Lieferung hat Fehler und wird nicht veröffentlicht.")
        outcome = publish_delivery(self.inst.store, self.inst.settings.archive_dir,
                                   dataset=dataset, observations=result.observations,
                                   source=path, user=self.viewer.name,
                                   warnings=len(result.report.warnings),
                                   reading={"format": guess_format(path), "sheet": None})
        self._record("delivery_published", _detail(
            dataset=dataset.id, file=path.name, sha256=outcome.sha256,
            import_id=outcome.import_id, outcome=outcome.outcome, rows=outcome.rows,
            warnings=len(result.report.warnings)))
        return outcome

    def _record(self, action: str, detail: str) -> None:
        if self._audit is not None:
            self._audit(self.viewer.name, action, detail)
