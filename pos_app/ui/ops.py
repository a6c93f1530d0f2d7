"""Running service calls off the UI thread, and handing results back to it.

A view never touches the database or the network itself (STYLE habit 2). It asks for an
`Op`: the service call runs on the till's one service thread, and its result (or error)
comes back to the UI thread through a queued signal, where the view updates itself:

    Op(lambda: till.selling.scan(code)).on_success(self.show_line).on_failure(self.say).run()

One service thread, not a pool: the till's actions happen in the order the cashier made
them (a scan, then `*`, then tender), and SQLite takes one writer at a time anyway. Sync
has its own thread (pos_app.sync.worker); printing runs in the print queue's.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pos_app.ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")

_pool: QThreadPool | None = None


def service_thread() -> QThreadPool:
    """The one thread service calls run on (created on first use, never at import)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


def wait_for_service_thread(msecs: int = 30_000) -> bool:
    """Block until queued service calls are done (shutdown and tests)."""
    return service_thread().waitForDone(msecs)


class _Relay(QObject):
    # Emitted on the service thread, delivered on the UI thread (a queued connection,
    # because the relay lives on the UI thread).
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, call: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._call = call
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._call()
        except Exception as exc:
            log.debug("service call failed: %s", "".join(traceback.format_exception(exc)))
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


_live: set[_Relay] = set()  # keeps relays alive until their job reports


class Op(Generic[T]):
    """One service call, run in the background, reported back on the UI thread."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._success: Callable[[T], None] = lambda _result: None
        self._failure: Callable[[Exception], None] | None = None

    def on_success(self, callback: Callable[[T], None]) -> Op[T]:
        self._success = callback
        return self

    def on_failure(self, callback: Callable[[Exception], None]) -> Op[T]:
        self._failure = callback
        return self

    def run(self) -> None:
        relay = _Relay()
        _live.add(relay)

        def done(result: object) -> None:
            _live.discard(relay)
            self._success(result)  # type: ignore[arg-type]

        def failed(error: object) -> None:
            _live.discard(relay)
            assert isinstance(error, Exception)
            if self._failure is None:
                raise error
            self._failure(error)

        relay.succeeded.connect(done)
        relay.failed.connect(failed)
        service_thread().start(_Job(self._call, relay))
