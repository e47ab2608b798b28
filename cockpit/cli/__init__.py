"""The `cockpit` command line; importing it registers every command."""

from cockpit.cli import check, datasets, indicators, init, load, serve, users  # noqa: F401
from cockpit.cli.main import cli, main

__all__ = ["cli", "main"]
