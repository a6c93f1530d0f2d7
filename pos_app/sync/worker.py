"""The till's one sync worker: a background thread, never the UI's.

A cycle pushes every unacknowledged event, then pulls until the server has no more. A sale
wakes the worker (`wake()`); a timer wakes it too. Cycles never overlap: a wake during a
cycle makes one more cycle run after it, not a second one beside it. When the server cannot
be reached the worker waits longer each time (exponential, with jitter, capped) and the
till shows itself offline; selling never waits for it.

Sync stops by itself — and says why — on divergence (a manager re-enrols), a revoked token
and a server that does not speak this protocol; everything else is retried.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pos_app.store.db import Store
from pos_app.store.sync import SyncState
from pos_app.sync.client import SyncClient
from pos_app.sync.errors import (
    Diverged,
    NotEnrolled,
    ProtocolUnsupported,
    SyncError,
    Unauthorised,
)
from pos_app.sync.pull import PullReport, pull_until_done, sync_state
from pos_app.sync.push import PushReport, push_all
from pos_app.sync.status import SyncStatus, read_status

log = logging.getLogger(__name__)

STOPPING_ERRORS = (Diverged, Unauthorised, ProtocolUnsupported, NotEnrolled)


@dataclass(frozen=True)
class CycleReport:
    push: PushReport | None
    pull: PullReport | None
    error: SyncError | None

    @property
    def ok(self) -> bool:
        return self.error is None


class SyncWorker:
    """Runs sync cycles on its own thread; `run_cycle()` runs one on the caller's."""

    def __init__(
        self,
        store: Store,
        client: SyncClient,
        *,
        interval: float = 30.0,
        max_backoff: float = 300.0,
        page_rows: int = 1000,
        on_status: Callable[[SyncStatus], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._interval = interval
        self._max_backoff = max_backoff
        self._page_rows = page_rows
        self._on_status = on_status
        self._rng = rng or random.Random()
        self._cycle_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._progress: int | None = None
        self._running = False

    # --- control -----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="omnitill-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A sale (or anything worth sending) happened: sync soon."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def status(self) -> SyncStatus:
        status = read_status(self._store, datetime.now(UTC))
        return SyncStatus(
            enrolled=status.enrolled,
            online=status.online,
            waiting=status.waiting,
            oldest_waiting_at=status.oldest_waiting_at,
            last_success_at=status.last_success_at,
            clock_offset=status.clock_offset,
            last_error=status.last_error,
            stopped=status.stopped,
            running=self._running,
            progress_rows=self._progress,
        )

    # --- one cycle ---------------------------------------------------------------------
    def run_cycle(self) -> CycleReport:
        """Push everything, then pull until done. Never runs beside another cycle."""
        with self._cycle_lock:
            self._running = True
            try:
                return self._cycle()
            finally:
                self._running = False
                self._progress = None
                self._publish()

    def _cycle(self) -> CycleReport:
        stopped = self._stopped_reason()
        if stopped is not None:
            return CycleReport(None, None, SyncError(stopped))
        pushed: PushReport | None = None
        pulled: PullReport | None = None
        started = datetime.now(UTC)
        try:
            pushed = push_all(self._store, self._client)
            pulled = pull_until_done(
                self._store, self._client, limit=self._page_rows, progress=self._on_progress
            )
        except SyncError as exc:
            self._record(started, exc)
            return CycleReport(pushed, pulled, exc)
        self._record(started, None)
        return CycleReport(pushed, pulled, None)

    def _on_progress(self, rows: int) -> None:
        self._progress = rows
        self._publish()

    def _record(self, started: datetime, error: SyncError | None) -> None:
        offset = self._client.clock_offset
        with self._store.write() as session:
            state = sync_state(session)
            state.last_attempt_at = started
            if offset is not None:
                state.clock_offset_ms = round(offset.total_seconds() * 1000)
            if error is None:
                state.last_success_at = datetime.now(UTC)
                state.last_error = None
            else:
                state.last_error = error.message
                if isinstance(error, STOPPING_ERRORS):
                    state.diverged_reason = _stop_reason(error)
        if error is None:
            self._failures = 0
        else:
            self._failures += 1
            log.warning("sync cycle failed: %s", error.message)

    def _stopped_reason(self) -> str | None:
        with self._store.read() as session:
            state = session.get(SyncState, 1)
            return None if state is None else state.diverged_reason

    def _publish(self) -> None:
        if self._on_status is not None:
            try:
                self._on_status(self.status())
            except Exception:  # the UI's callback must never kill the worker
                log.exception("the sync status callback failed")

    # --- the thread --------------------------------------------------------------------
    def next_wait(self) -> float:
        """Seconds until the next cycle: the interval, or a jittered backoff after failures."""
        if self._failures == 0:
            return self._interval
        bound = min(self._max_backoff, self._interval * 2 ** (self._failures - 1))
        return self._rng.uniform(bound / 2, bound)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_cycle()
            self._wake.wait(self.next_wait())
            self._wake.clear()


def _stop_reason(error: SyncError) -> str:
    if isinstance(error, Diverged):
        return f"{error.message}. Selling goes on; a manager must re-enrol this till."
    if isinstance(error, Unauthorised):
        return f"{error.message}. A manager must re-enrol this till."
    if isinstance(error, ProtocolUnsupported):
        return f"{error.message}. This till needs a software update."
    return error.message
