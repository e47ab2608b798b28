"""A gunicorn gthread worker that takes new connections only while it has none in work.

gunicorn's gthread worker accepts every connection it can get and queues its
requests for its own threads, and a kept-alive connection stays with the worker
that accepted it. With 100 committee members on 2 workers one worker ended up
with most connections (CPU 92 s against 24 s in one run): its requests queued
behind each other while the other core idled. This worker leaves the listening
socket to the other workers while one of its requests is in work, so a new
connection goes to a worker that can start on it at once; when all are busy it
waits in the kernel's queue for the first that is free (at most MAX_HOLD_S, then
a busy worker takes it after all), while kept-alive connections and slow
clients still cost no worker a thread.

It builds on gthread's own hooks (`set_accept_enabled`, `enqueue_req`,
`finish_request`, gunicorn >= 24); `available()` says whether they are there,
and `cockpit serve` falls back to the plain gthread worker otherwise.
"""

from __future__ import annotations

import time

from gunicorn.workers.gthread import ThreadWorker

# Requests in work (queued or running in this worker's threads) below which it still
# accepts new connections. 1: only an idle worker takes a newcomer.
ACCEPT_BELOW = 1
# How long a busy worker leaves newcomers to the others at most: when every worker stays
# busy (kept-alive clients keep them so), a newcomer must not wait for a gap for minutes.
MAX_HOLD_S = 0.2
_HOOKS = ("set_accept_enabled", "enqueue_req", "finish_request", "accept")


def available() -> bool:
    """True if this gunicorn's gthread worker has the hooks this worker relies on."""
    return all(callable(getattr(ThreadWorker, name, None)) for name in _HOOKS)


class BalancedThreadWorker(ThreadWorker):
    """gthread, accepting only while fewer than ACCEPT_BELOW requests are in work."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - gunicorn's
        super().__init__(*args, **kwargs)
        self.in_work = 0  # changed on the main thread only (enqueue and finish run there)
        self.holding_since: float | None = None  # when it last left newcomers to others

    def set_accept_enabled(self, enabled: bool) -> None:
        # gthread's loop asks to enable whenever it may accept and is not accepting,
        # so a worker that was busy starts accepting again on its next turn.
        held_long = (self.holding_since is not None
                     and time.monotonic() - self.holding_since >= MAX_HOLD_S)
        super().set_accept_enabled(enabled and (self.in_work < ACCEPT_BELOW or held_long))

    def accept(self, listener) -> None:  # noqa: ANN001 - a listening socket
        self.holding_since = None
        super().accept(listener)

    def enqueue_req(self, conn) -> None:  # noqa: ANN001 - gunicorn's TConn
        self.in_work += 1
        if self.in_work >= ACCEPT_BELOW and self._accepting:
            super().set_accept_enabled(False)
            self.holding_since = time.monotonic()
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:  # noqa: ANN001
        self.in_work -= 1
        super().finish_request(conn, fs)
