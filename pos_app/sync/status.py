"""What the till shows about sync, at all times (DESIGN §5): online or offline, events
waiting and the age of the oldest, the last successful sync, the clock offset, the last
error in words, and the store's conflicts for the manager."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from pos_app.store.db import Store
from pos_app.store.replica import Conflict
from pos_app.store.sync import OutboxEvent, SyncState, TillIdentity

CLOCK_WARNING = timedelta(minutes=5)
OFFLINE_AFTER = timedelta(minutes=2)
"""No successful cycle for this long, with a failure since: the till shows itself offline."""


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    online: bool
    waiting: int  # events not yet acknowledged by the server
    oldest_waiting_at: datetime | None
    last_success_at: datetime | None
    clock_offset: timedelta | None  # server minus till
    last_error: str | None
    stopped: str | None  # why sync stopped (divergence, a revoked token…) until a manager acts
    running: bool = False
    progress_rows: int | None = None  # rows applied so far in a long pull

    @property
    def clock_warning(self) -> bool:
        return self.clock_offset is not None and abs(self.clock_offset) > CLOCK_WARNING

    def oldest_waiting_age(self, now: datetime) -> timedelta | None:
        return None if self.oldest_waiting_at is None else now - self.oldest_waiting_at


def read_status(store: Store, now: datetime) -> SyncStatus:
    with store.read() as session:
        enrolled = session.get(TillIdentity, 1) is not None
        state = session.get(SyncState, 1)
        acked = 0 if state is None else state.acked_seq
        waiting, oldest = session.execute(
            select(func.count(), func.min(OutboxEvent.created_at)).where(OutboxEvent.seq > acked)
        ).one()
    if state is None:
        return SyncStatus(enrolled, False, waiting, oldest, None, None, None, None)
    failing = state.last_error is not None
    stale = state.last_success_at is None or now - state.last_success_at > OFFLINE_AFTER
    return SyncStatus(
        enrolled=enrolled,
        online=enrolled and not (failing and stale) and state.diverged_reason is None,
        waiting=waiting,
        oldest_waiting_at=oldest,
        last_success_at=state.last_success_at,
        clock_offset=None
        if state.clock_offset_ms is None
        else timedelta(milliseconds=state.clock_offset_ms),
        last_error=state.last_error,
        stopped=state.diverged_reason,
    )


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    kind: str
    status: str
    summary: str
    created_at: datetime
    resolution: str


def store_conflicts(store: Store, *, open_only: bool = False) -> list[ConflictView]:
    """The store's conflicts, newest first, as pulled from the server."""
    query = select(Conflict).order_by(Conflict.created_at.desc())
    if open_only:
        query = query.where(Conflict.status == "open")
    with store.read() as session:
        return [
            ConflictView(c.id, c.kind, c.status, c.summary, c.created_at, c.resolution)
            for c in session.scalars(query)
        ]
