"""Pushing the outbox: every event after the server's last acknowledged seq, in order.

Batches are packed by bytes (the stored JSON is sent as stored) and capped by count; a 413
halves the budget and the same events go again, down to one event a batch. The server's
answer is recorded in one transaction per batch: each event's result, and the server's
`last_seq`. A gap answer (`last_seq` below what was sent) rewinds to it, so the next batch
resends from there — the server applies each event once, whatever is resent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select, update

from pos_app.store.db import Store
from pos_app.store.sync import OutboxEvent, SyncState, TillIdentity
from pos_app.sync.client import OutboxItem, SyncClient
from pos_app.sync.errors import NotEnrolled, SyncError, TooLarge
from pos_core.protocol.messages import (
    MAX_PUSH_BYTES,
    MAX_PUSH_EVENTS,
    EventResult,
    EventStatus,
)

ENVELOPE_OVERHEAD = 64  # bytes around each event: {"seq":N,"event":…},
DEFAULT_BATCH_BYTES = 1024 * 1024
DEFAULT_BATCH_EVENTS = 500


@dataclass
class PushReport:
    sent: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    quarantined: int = 0
    batches: int = 0
    halvings: int = 0
    statuses: dict[UUID, EventStatus] = field(default_factory=dict)


@dataclass
class BatchBudget:
    """How much one push may carry; halved by a 413, never below one event."""

    max_bytes: int = DEFAULT_BATCH_BYTES
    max_events: int = DEFAULT_BATCH_EVENTS

    def halve(self) -> bool:
        """Halve the budget; False if it already carries one event at a time."""
        if self.max_events <= 1:
            return False
        self.max_events = max(1, self.max_events // 2)
        self.max_bytes = max(1, self.max_bytes // 2)
        return True


def _device(store: Store) -> UUID:
    with store.read() as session:
        identity = session.get(TillIdentity, 1)
        if identity is None:
            raise NotEnrolled("this till is not enrolled with a server yet")
        return identity.device_id


def next_batch(store: Store, budget: BatchBudget) -> list[OutboxItem]:
    """The next events to send, in seq order, within the budget (always at least one)."""
    limit = min(budget.max_events, MAX_PUSH_EVENTS)
    with store.read() as session:
        acked = session.scalar(select(SyncState.acked_seq).where(SyncState.id == 1)) or 0
        rows = session.execute(
            select(OutboxEvent.seq, OutboxEvent.body, OutboxEvent.size)
            .where(OutboxEvent.seq > acked)
            .order_by(OutboxEvent.seq)
            .limit(limit)
        ).all()
    batch: list[OutboxItem] = []
    size = 0
    for seq, body, event_size in rows:
        cost = event_size + ENVELOPE_OVERHEAD
        if batch and (size + cost > budget.max_bytes or size + cost > MAX_PUSH_BYTES - 1024):
            break
        assert seq is not None
        batch.append(OutboxItem(seq, body))
        size += cost
    return batch


def push_all(store: Store, client: SyncClient, budget: BatchBudget | None = None) -> PushReport:
    """Send every unacknowledged event; raises SyncError when the server cannot take them."""
    budget = budget or BatchBudget()
    device_id = _device(store)
    report = PushReport()
    while batch := next_batch(store, budget):
        try:
            response = client.push(device_id, batch)
        except TooLarge as exc:
            if not budget.halve():
                raise SyncError(
                    f"event seq {batch[0].seq} is larger than the server accepts "
                    f"({exc.limits or exc.message}); it stays in the outbox"
                ) from exc
            report.halvings += 1
            continue
        report.batches += 1
        report.sent += len(batch)
        _record(store, response.results, response.last_seq, report)
        # The server took none of the batch: after a gap (it holds less than this till
        # thought) acked_seq has been rewound to its last_seq and the next batch resends from
        # there; with no gap that is no progress at all, and the cycle ends, not spins.
        if not response.results and response.last_seq >= batch[0].seq - 1:
            break
    return report


def _record(store: Store, results: list[EventResult], last_seq: int, report: PushReport) -> None:
    now = datetime.now(UTC)
    with store.write() as session:
        for result in results:
            if result.id is not None:
                report.statuses[result.id] = result.status
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.seq == result.seq)
                .values(sent_at=now, result=result.status.value)
            )
            _count(report, result.status)
        session.execute(update(SyncState).where(SyncState.id == 1).values(acked_seq=last_seq))


def _count(report: PushReport, status: EventStatus) -> None:
    if status is EventStatus.APPLIED:
        report.applied += 1
    elif status is EventStatus.DUPLICATE:
        report.duplicates += 1
    elif status is EventStatus.CONFLICT:
        report.conflicts += 1
    else:
        report.quarantined += 1
