"""The analytic store: immutable DuckDB snapshots, one of them current."""

from cockpit.store.snapshots import Store, StoreMissingError

__all__ = ["Store", "StoreMissingError"]
