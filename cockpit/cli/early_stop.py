"""A stop signal while `cockpit serve` is still starting ends it quietly with exit code 0.

Until gunicorn's arbiter installs its own handlers (seconds later: the imports,
the indicator registry and the correspondence tables come first), SIGTERM would
kill the process by the default action (exit status -15) and SIGINT would print
a KeyboardInterrupt traceback. A service manager or an operator who stops the
server right after starting it should see the same clean end as later on.

Installed from the top of `cockpit.cli` before the heavy imports, and only for
`serve`: a stopped `cockpit load` must not report success.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

# Options of the `cockpit` group that take a value (the command follows them).
_GROUP_OPTIONS_WITH_VALUE = ("--home",)


def command_of(argv: Sequence[str]) -> str | None:
    """The sub-command named in `argv` (without the program name), or None."""
    args = iter(argv)
    for arg in args:
        if arg in _GROUP_OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


_stopping = False


def stopping() -> bool:
    """Whether a stop signal arrived while starting (see `_leave`)."""
    return _stopping


def _leave(_signum: int, _frame: FrameType | None) -> None:
    # SystemExit unwinds the start (closing what is open); nothing has been served yet.
    # Inside a DuckDB query (the registry check) DuckDB turns it into "Query
    # interrupted": the flag lets main() recognise that as this stop.
    global _stopping
    _stopping = True
    raise SystemExit(0)


def _is_cockpit_program(program: str) -> bool:
    """True for the console script `cockpit` and `python -m cockpit`."""
    path = Path(program)
    return path.name == "cockpit" or (path.name == "__main__.py"
                                      and path.parent.name == "cockpit")


def install(argv: Sequence[str] | None = None) -> bool:
    """Make SIGTERM and SIGINT end a starting `cockpit serve` with exit code 0.

    `argv` is the full command line (default sys.argv); a program that merely
    imports cockpit.cli (a test run, a script) is left alone. Returns whether
    the handlers were installed. gunicorn replaces them with its own when it
    starts, and its workers reset them after the fork.
    """
    argv = sys.argv if argv is None else argv
    if not argv or not _is_cockpit_program(argv[0]) or command_of(argv[1:]) != "serve":
        return False
    signal.signal(signal.SIGINT, _leave)
    signal.signal(signal.SIGTERM, _leave)  # last: once SIGTERM is caught, both are
    return True
