"""The gunicorn worker of `cockpit serve` leaves new connections to an idle worker."""

from __future__ import annotations

import selectors
import socket
from concurrent.futures import Future

import pytest
from gunicorn.config import Config

from cockpit.cli import balanced_worker
from cockpit.cli.balanced_worker import BalancedThreadWorker


class _Log:
    def __getattr__(self, _name: str):  # noqa: ANN204 - any log call does nothing
        return lambda *args, **kwargs: None


class _Pool:
    """A thread pool that keeps what it was given (the test decides when it is done)."""

    def __init__(self) -> None:
        self.submitted: list[Future] = []

    def submit(self, _fn, _conn) -> Future:  # noqa: ANN001
        future: Future = Future()
        self.submitted.append(future)
        return future


@pytest.fixture
def worker():
    listener = socket.create_server(("127.0.0.1", 0))
    cfg = Config()
    cfg.set("threads", 8)
    made = BalancedThreadWorker(0, 0, [listener], None, 30, cfg, _Log())
    made.poller = selectors.DefaultSelector()
    made.tpool = _Pool()
    made.method_queue.init()
    yield made
    made.method_queue.close()
    made.poller.close()
    listener.close()


def _accepting(worker: BalancedThreadWorker) -> bool:
    return any(key.fileobj in worker.sockets for key in worker.poller.get_map().values())


def test_serve_uses_the_balanced_worker_with_this_gunicorn() -> None:
    assert balanced_worker.available()


def test_a_worker_with_a_request_in_work_stops_accepting_until_it_is_done(worker) -> None:
    worker.set_accept_enabled(True)
    assert _accepting(worker)
    conn = object()
    worker.enqueue_req(conn)  # a request starts
    assert worker.in_work == 1 and not _accepting(worker)
    worker.set_accept_enabled(True)  # gthread's loop asks again: still busy
    assert not _accepting(worker)
    worker.in_work -= 1  # what finish_request does first (its gthread part needs a real TConn)
    worker.set_accept_enabled(True)  # the loop's next turn
    assert _accepting(worker)


def test_finishing_a_request_counts_it_done(worker, monkeypatch) -> None:
    finished = []
    monkeypatch.setattr(balanced_worker.ThreadWorker, "finish_request",
                        lambda self, conn, fs: finished.append(conn))
    worker.enqueue_req("a")
    worker.enqueue_req("b")
    assert worker.in_work == 2
    worker.finish_request("a", worker.tpool.submitted[0])
    assert worker.in_work == 1 and finished == ["a"]
    worker.set_accept_enabled(True)
    assert not _accepting(worker)
    worker.finish_request("b", worker.tpool.submitted[1])
    worker.set_accept_enabled(True)
    assert worker.in_work == 0 and _accepting(worker)


def test_a_busy_worker_takes_a_newcomer_after_holding_it_back_long_enough(
        worker, monkeypatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(balanced_worker.time, "monotonic", lambda: clock[0])
    worker.set_accept_enabled(True)
    worker.enqueue_req("a")  # busy: newcomers go to the other workers
    assert not _accepting(worker)
    clock[0] += balanced_worker.MAX_HOLD_S / 2
    worker.set_accept_enabled(True)
    assert not _accepting(worker)
    clock[0] += balanced_worker.MAX_HOLD_S  # every worker stayed busy: take it after all
    worker.set_accept_enabled(True)
    assert _accepting(worker)
