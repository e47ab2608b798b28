"""Exports of gated data: CSV, XLSX and the Stadtteilprofil as PDF (routes in routes.py)."""
