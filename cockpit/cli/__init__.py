"""The `cockpit` command line; importing it registers every command."""

# First, before the slow imports: a stop while `cockpit serve` starts ends it with 0.
from cockpit.cli import early_stop

early_stop.install()

from cockpit.cli import (  # noqa: E402, F401 - importing registers the commands
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
from cockpit.cli.main import cli, main  # noqa: E402

__all__ = ["cli", "main"]
