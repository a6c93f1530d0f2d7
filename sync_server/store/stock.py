"""Stock per store and product: movements (signed deltas), levels, pickup reservations.

A level is materialised from its movements (`quantity = quantity + delta` in the same
transaction as the movement row); nothing ever writes an absolute level.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, Milli, UtcTimestamp


class StockLevel(Base):
    __tablename__ = "stock_levels"

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Milli)  # on hand: the sum of the movements
    reserved: Mapped[Decimal] = mapped_column(Milli)  # held for click-and-collect orders


class StockMovement(Base):
    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_store_id_product_id", "store_id", "product_id"),)

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    quantity: Mapped[Decimal] = mapped_column(Milli)  # signed
    # sale | void | return | count | receipt | transfer_out | transfer_in | pickup | opening
    # | compensation
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class StockReservation(Base):
    """Stock held at a store for one line of a click-and-collect order."""

    __tablename__ = "stock_reservations"
    __table_args__ = (Index("ix_stock_reservations_order_id", "order_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    order_line_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    quantity: Mapped[Decimal] = mapped_column(Milli)
    status: Mapped[str] = mapped_column(String(12))  # held | converted | released
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class StockDocument(Base):
    """A head-office stock receipt or transfer between stores."""

    __tablename__ = "stock_documents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # receipt | transfer
    from_store_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    to_store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reference: Mapped[str] = mapped_column(String(100), default="")
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
