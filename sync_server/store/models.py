"""The server's tables. This is the foundation's skeleton: stores and their devices.

The sync server issue adds the change log, ledgers, coupons, pickup orders and conflicts.
Every large table will carry `store_id` in its key (DESIGN §9).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, UtcTimestamp


class StoreRecord(Base):
    __tablename__ = "stores"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class Device(Base):
    """A till. Only a hash of its token is kept."""

    __tablename__ = "devices"
    __table_args__ = (Index("ix_devices_store_id_till_number", "store_id", "till_number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    till_number: Mapped[int]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16))  # awaiting_enrolment | active | revoked
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)


metadata = Base.metadata
