"""The outbox, the till's identity and counters, sync state, and pending local deltas.

- `OutboxEvent`: every event the till produced, its JSON body immutable. `seq` is transport:
  it counts 1, 2, 3… per device and is renumbered (ids kept) when the till is re-enrolled;
  events the server already acknowledged under an earlier enrolment keep their row (the
  till's own history) but no seq.
- `Counter`: named gap-free counters (outbox seq, receipt numbers, …) advanced inside the
  transaction that uses the number, so a rolled-back sale leaves no gap.
- `PendingDelta`: what this till changed (stock, points, returned quantities, coupon uses)
  that the replica does not show yet. What the till sees is replica + pending. A pull page
  whose `device_last_seq` covers an event drops that event's deltas in the same transaction
  that applies the page, so nothing is ever counted twice or missed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pos_app.store.base import Base, DateColumn, UtcDateTime


class OutboxEvent(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_seq", "seq", unique=True),
        Index("ix_outbox_sent_at", "sent_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the event id
    seq: Mapped[int | None]  # None: acknowledged under an earlier enrolment
    type: Mapped[str] = mapped_column(String(40))
    v: Mapped[int]
    business_date: Mapped[date] = mapped_column(DateColumn)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[str] = mapped_column(Text)  # the event as compact JSON, never rewritten
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result: Mapped[str | None] = mapped_column(String(16))  # applied | duplicate | conflict | …


class Counter(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class TillIdentity(Base):
    """Who this till is to the server; one row once enrolled."""

    __tablename__ = "till_identity"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    token: Mapped[str] = mapped_column(String(200))
    server_url: Mapped[str] = mapped_column(String(300))
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    store_code: Mapped[str] = mapped_column(String(16))
    store_name: Mapped[str] = mapped_column(String(100))
    till_number: Mapped[int]
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SyncState(Base):
    """Where sync stands; one row."""

    __tablename__ = "sync_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    cursor: Mapped[str | None] = mapped_column(String(200))
    acked_seq: Mapped[int] = mapped_column(default=0)  # the server's last_seq for this till
    refetch_cursor: Mapped[str | None] = mapped_column(String(200))  # a rebuild in progress
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    clock_offset_ms: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    diverged_reason: Mapped[str | None] = mapped_column(String(500))


class PendingDelta(Base):
    __tablename__ = "pending_deltas"
    __table_args__ = (Index("ix_pending_deltas_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # stock | points | returned | coupon_uses
    key: Mapped[str] = mapped_column(String(64))  # product, member, sale line or coupon id
    delta: Mapped[int]  # thousandths for quantities, whole points, whole uses
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox.id"), index=True)
