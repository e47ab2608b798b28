"""Saved views and dashboards: definition model, storage, files and rendering."""
