"""Click-and-collect orders (门店自提) and their status history."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, Fen, UtcTimestamp


class PickupOrderRecord(Base):
    __tablename__ = "pickup_orders"
    __table_args__ = (Index("ix_pickup_orders_store_id_status", "store_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_no: Mapped[str] = mapped_column(String(40), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    # The clear code, for the online shop to show the customer again (GET /orders/{id});
    # the tills only ever receive the hash.
    pickup_code: Mapped[str] = mapped_column(String(6))
    customer_name_masked: Mapped[str] = mapped_column(String(100), default="")
    phone_masked: Mapped[str] = mapped_column(String(20), default="")
    phone_hash: Mapped[str] = mapped_column(String(64), default="")
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # PickupLineRow JSON
    collected: Mapped[dict[str, str]] = mapped_column(JSON)  # line id → quantity handed over
    paid_online: Mapped[bool]
    amount_due: Mapped[Decimal] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    expires_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class PickupStatusChange(Base):
    __tablename__ = "pickup_status_history"
    __table_args__ = (Index("ix_pickup_status_history_order_id", "order_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[datetime] = mapped_column(UtcTimestamp)
