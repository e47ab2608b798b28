"""Entry point and shared helpers of the `cockpit` command line."""

from __future__ import annotations

import click

from cockpit import __version__
from cockpit.context import Installation
from cockpit.settings import SettingsError, load_settings

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_FAILURE) -> None:
    """Print a one-line German error and leave with `code`."""
    click.echo(f"Fehler: {message}", err=True)
    raise SystemExit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cockpit")
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Datenverzeichnis (überschreibt COCKPIT_HOME; Standard ./var).")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """cockpit – das kommunale Analyse-Cockpit (Bildung, Jugend, Soziales, Finanzen)."""
    try:
        ctx.obj = Installation(load_settings(home=home))
    except SettingsError as exc:
        fail(str(exc), code=EXIT_BAD_INPUT)


def main() -> None:
    """Run the command line (console script `cockpit`)."""
    from cockpit.cli import early_stop

    try:
        cli(prog_name="cockpit")
    except RuntimeError:
        if early_stop.stopping():  # a stop signal interrupted a query while starting
            raise SystemExit(0) from None
        raise
