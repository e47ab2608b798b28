"""Deliveries through the gate: what a check report may say to whom, and the audit trail.

A check report that compares a delivery with published data is a view of published
values: "3 -> 1.000.000 (+33333233 %)" quotes the old value, and even a bare "jump" or
"area missing" warning lets an uploader search for a hidden value with crafted files that
are never published. So the comparison is part of the report only for roles that may view
raw values (admin, controlling), and every such report is audited like any raw view.
For everyone else the report is a function of the delivered file, the dataset definition
and the public territory only.

Pages reach checking, publishing and rolling back only through `Gate.deliveries(viewer)`;
this module is the one that opens the store for them. The steps themselves are those of
`cockpit load` and `cockpit rollback` (`cockpit.ingest.delivery`), with source `upload`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from cockpit.access.errors import AccessDenied, BadParameter
from cockpit.access.policy import may_deliver
from cockpit.access.viewer import Viewer
from cockpit.appdb import audit_detail
from cockpit.catalog import Dataset
from cockpit.context import Installation
from cockpit.ingest.checks import DeliveryCheck
from cockpit.ingest.delivery import (
    DeliveryError,
    DeliveryRun,
    import_log_rows,
    reading_for,
)
from cockpit.ingest.delivery import rollback as rollback_import
from cockpit.ingest.publish import ImportResult, file_sha256
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

    def check(self, dataset: Dataset, path: Path, *, shown: bool = True,
              file_format: str | None = None, sheet: str | None = None) -> DeliveryCheck:
        """Check the file at `path` as a delivery of `dataset`, for this viewer.

        `shown` says that the report will be shown (or downloaded): then a report that
        quotes published data is audited as a raw view. A re-check before publishing
        only needs its verdict.
        """
        self.dataset(dataset.id)  # permission, again: the desk never trusts its caller
        result = self._run(dataset, path, file_format, sheet).check()
        if shown and result.compared_periods:
            self._record("raw_view", _detail(
                dataset=dataset.id, source="delivery_check", periods=list(result.compared_periods),
                published_cells=result.published_cells, sha256=file_sha256(path)))
        return result

    def record_check(self, dataset: Dataset, path: Path, result: DeliveryCheck, *,
                     file_format: str | None = None, sheet: str | None = None) -> None:
        """Audit a newly uploaded delivery's check; a rejected one is recorded exactly as
        a rejected `cockpit load` (journal line with source `upload`, delivery_rejected)."""
        report = result.report
        self._record("delivery_checked", _detail(
            dataset=dataset.id, file=path.name, sha256=file_sha256(path),
            errors=len(report.errors), warnings=len(report.warnings)))
        if not report.ok:
            self._run(dataset, path, file_format, sheet).reject(result)

    def publish(self, dataset: Dataset, path: Path, result: DeliveryCheck, *,
                file_format: str | None = None, sheet: str | None = None) -> ImportResult:
        """Publish a checked delivery all or nothing (the check must have no errors; the
        page asks for the confirmation of warnings). DeliveryError when publishing fails."""
        self.dataset(dataset.id)
        if not result.report.ok:
            raise BadParameter("Die Lieferung hat Fehler und wird nicht veröffentlicht.")
        return self._run(dataset, path, file_format, sheet).publish(result, confirmed=True)

    def history(self, dataset: Dataset) -> list[dict[str, object]]:
        """The deliveries of a dataset this viewer may deliver, newest first (no values)."""
        self.dataset(dataset.id)
        return import_log_rows(self.inst, dataset.id)

    def rollback(self, import_id: object) -> ImportResult:
        """Publish an earlier delivery of a dataset this viewer may deliver again, exactly
        as `cockpit rollback` does; DeliveryError (German message) when it cannot be."""
        if not isinstance(import_id, str):
            raise BadParameter("Bitte eine Lieferung wählen.")
        _, result = rollback_import(
            self.inst, import_id, user=self.viewer.name, audit=self._hook,
            allowed=lambda dataset: may_deliver(self.viewer, dataset.department),
            compare_published=self.compares_published)
        return result

    def _run(self, dataset: Dataset, path: Path, file_format: str | None,
             sheet: str | None) -> DeliveryRun:
        try:
            reading = reading_for(dataset, path, file_format, sheet)
        except DeliveryError as exc:
            raise BadParameter(exc.message) from exc
        return DeliveryRun(self.inst, dataset, path, reading, user=self.viewer.name,
                           source="upload", audit=self._hook,
                           compare_published=self.compares_published)

    def _hook(self, action: str, detail: Mapping[str, object]) -> None:
        self._record(action, _detail(**detail))

    def _record(self, action: str, detail: str) -> None:
        if self._audit is not None:
            self._audit(self.viewer.name, action, detail)
