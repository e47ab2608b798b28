"""`cockpit serve`: serve the app with gunicorn; build the demo first if there is no store."""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys

import click
from gunicorn.app.base import BaseApplication

from cockpit.catalog import DefinitionError
from cockpit.cli.init import build_demo, ensure_writable_home, print_logins
from cockpit.cli.main import EXIT_BAD_INPUT, cli, fail
from cockpit.context import Installation
from cockpit.indicators.registry import RegistryError


class _Gunicorn(BaseApplication):
    """Gunicorn with its options set from here.

    With `preload` the master builds the app once before forking, so the workers
    share its memory (modules, pages, registry) copy-on-write instead of each
    importing and building everything again. Nothing of DuckDB crosses the fork:
    the master closes its store connections after building, and each worker
    opens its own and starts its own warm-up (a thread does not survive a fork).
    """

    def __init__(self, home: str, options: dict[str, object], *, preload: bool) -> None:
        self.home = home
        self.preload = preload
        self.options = {**options, "preload_app": preload}
        if preload:
            self.options["post_worker_init"] = _start_worker
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer gunicorn options are skipped on older ones
                self.cfg.set(key, value)

    def load(self):  # noqa: ANN201 - gunicorn's interface
        from cockpit.app.server import create_server
        from cockpit.settings import load_settings

        inst = Installation(load_settings(home=self.home))
        server = create_server(inst, secret_key=os.environ["COCKPIT_SECRET_KEY"],
                               warm=not self.preload, share_tables=True)
        if self.preload:
            inst.store.close()  # DuckDB connections and cursors must not be forked
        return server


def _start_worker(worker: object) -> None:
    """gunicorn post_worker_init with preload: warm this worker's gate."""
    from cockpit.app.server import start_warming

    start_warming(worker.wsgi)


# glibc's mallopt parameter and the size from which an allocation gets pages of its own.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


def return_freed_memory() -> bool:
    """Let large allocations (an answer of 11,000 rows, its JSON, numpy arrays) take
    pages of their own that go back to the system when freed (issue 9, memory).

    glibc raises this threshold by itself after the first large free, and from then on
    such buffers come from the heap, whose freed pages a worker keeps: at 11,000 areas
    about 100 MiB per worker after every indicator was asked. A fixed threshold, set
    in the master before the fork, holds for every worker. False where there is no
    glibc (nothing changes then)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):
        return False


def preload_enabled() -> bool:
    """Build the app in gunicorn's master (default); COCKPIT_PRELOAD=0 builds it per worker."""
    return os.environ.get("COCKPIT_PRELOAD", "1").strip().lower() not in ("0", "false", "no")


def is_loopback(host: str) -> bool:
    """True if `host` is a loopback address or the name localhost."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535),
              help="Port.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Anzahl der Worker-Prozesse.")
@click.option("--demo", is_flag=True, help="Demo-Modus: Demodaten und ein zufälliger "
                                           "Sitzungsschlüssel, falls keiner gesetzt ist.")
@click.pass_obj
def serve(inst: Installation, host: str, port: int, workers: int, demo: bool) -> None:
    """Cockpit im Browser bereitstellen."""
    # Demo logins are printed in plain text and the key may be random: never on the network.
    if (demo or not inst.store.exists()) and not is_loopback(host):
        fail(f"Der Demo-Modus lauscht nur auf dieser Maschine (127.0.0.1, ::1 oder "
             f"localhost), nicht auf „{host}“. Für den Betrieb im Netz zuerst echte Daten "
             "und Benutzer anlegen und COCKPIT_SECRET_KEY setzen.", code=EXIT_BAD_INPUT)
    if not inst.store.exists():
        ensure_writable_home(inst)
        click.echo("Noch kein Datenbestand – die Demo-Kommune wird aufgebaut.", err=True)
        print_logins(inst, build_demo(inst))
        demo = True
    if not os.environ.get("COCKPIT_SECRET_KEY"):
        if not demo:
            fail("COCKPIT_SECRET_KEY ist nicht gesetzt. Einen zufälligen Schlüssel setzen "
                 "oder mit --demo starten.")
        # Sessions end when the demo restarts; acceptable for a demo, never for production.
        os.environ["COCKPIT_SECRET_KEY"] = secrets.token_urlsafe(32)
    try:
        inst.registry  # noqa: B018 - validate before forking workers
    except RegistryError as exc:
        fail(f"Indikator-Definitionen fehlerhaft:\n{exc}")
    try:
        inst.correspondences  # noqa: B018 - a broken table would fail every roll-up
    except DefinitionError as exc:
        fail(f"Zuordnungstabellen fehlerhaft (cockpit check nennt alle Probleme):\n{exc}")
    click.echo(f"Cockpit läuft auf http://{host}:{port}/ (Strg+C beendet).", err=True)
    return_freed_memory()
    _Gunicorn(str(inst.settings.home), {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 8,
        "timeout": 60,
        # A connection whose request has not arrived within keepalive seconds is
        # closed unanswered (gunicorn >= 23); 2 s dropped requests of a busy machine.
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        # The control socket would live outside COCKPIT_HOME; nothing here uses it.
        "control_socket_disable": True,
        "worker_exit": _leave_worker,
    }, preload=preload_enabled()).run()


def _leave_worker(_server: object, _worker: object) -> None:
    """End a stopped worker at once, without the interpreter's clean-up.

    Every request has finished and committed by now (the app database commits per
    request; the analytic store is read-only). What the clean-up would do is run
    DuckDB's native destructors while a background thread may still be inside
    DuckDB, which aborts the worker (SIGABRT) or makes it hang until gunicorn kills it.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
