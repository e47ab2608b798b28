"""The `cockpit` command line; importing it registers every command."""

from cockpit.cli import (  # noqa: F401 - importing registers the commands
    areas,
    check,
    datasets,
    history,
    indicators,
    init,
    load,
    serve,
    users,
)
from cockpit.cli.main import cli, main

__all__ = ["cli", "main"]
