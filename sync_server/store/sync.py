"""The sync protocol's tables: received events, per-device seq slots, the change log, conflicts.

- `events`: every event ever received, immutable, by id (an event whose id cannot be read
  gets a name-based stand-in id, `has_id` false). One row per id: the id is the
  exactly-once key.
- `device_events`: the `(device_id, seq)` slots: which event each seq carried, the result
  given for good, and `log_position` — the store-stream number at or below which the
  event's effects are in the change log (a pull page's `device_last_seq` reads it).
- `stream_counters`: one row per stream ("catalog", "store:<id>"); writers bump `last`
  under the row lock, so change numbers follow commit order. `retained_min`: below it the
  log is compacted and old cursors must refetch.
- `changes`: the log; `grp` keeps the changes that must arrive together on one page.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, UtcTimestamp


class EventRecord(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_store_id_type", "store_id", "type"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    has_id: Mapped[bool] = mapped_column(default=True)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str | None] = mapped_column(String(40))
    v: Mapped[int | None]
    business_date: Mapped[date | None] = mapped_column(Date)
    occurred_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    status: Mapped[str] = mapped_column(String(12))
    raw: Mapped[str] = mapped_column(Text)  # the event exactly as received, compact JSON
    received_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class DeviceEvent(Base):
    __tablename__ = "device_events"
    __table_args__ = (
        Index("ix_device_events_device_id_log_position", "device_id", "log_position"),
    )

    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(12))
    conflict_ids: Mapped[list[str]] = mapped_column(JSON)
    log_position: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class StreamCounter(Base):
    __tablename__ = "stream_counters"

    stream: Mapped[str] = mapped_column(String(48), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, default=0)
    retained_min: Mapped[int] = mapped_column(BigInteger, default=0)


class ChangeRecord(Base):
    __tablename__ = "changes"

    stream: Mapped[str] = mapped_column(String(48), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    grp: Mapped[int] = mapped_column(BigInteger)  # the number of the group's first change
    entity: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(6))
    data: Mapped[str | None] = mapped_column(Text)  # the whole row as compact JSON


class ConflictRecord(Base):
    """Something sync could not reconcile, for a person to resolve (冲突 / 异常单)."""

    __tablename__ = "conflicts"
    __table_args__ = (Index("ix_conflicts_store_id_status", "store_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # uuid5(event id, kind)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # open | resolved
    summary: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str] = mapped_column(String(500), default="")
    compensation: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
