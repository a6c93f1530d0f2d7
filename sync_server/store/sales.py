"""Sales and returns as the server keeps them (store_id in every key, DESIGN §9).

`row` holds the sale as the tills replicate it (`SaleRow` JSON), kept up to date with
returned quantities and the voided flag, so publishing a sale is writing this text.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, Fen, UtcTimestamp


class SaleRecord(Base):
    __tablename__ = "sales"
    __table_args__ = (
        Index("ix_sales_id", "id"),
        Index("ix_sales_receipt_no", "receipt_no"),
        Index(
            "ix_sales_store_id_business_date_till_number",
            "store_id",
            "business_date",
            "till_number",
        ),
    )

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40))
    till_number: Mapped[int]
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    shift_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    business_date: Mapped[date] = mapped_column(Date)
    completed_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    received_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    total: Mapped[Decimal] = mapped_column(Fen)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    pickup_order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    voided: Mapped[bool] = mapped_column(default=False)
    replicated: Mapped[bool] = mapped_column(default=True)  # still inside the tills' 90 days
    row: Mapped[str] = mapped_column(Text)  # SaleRow JSON


class ReturnRecord(Base):
    __tablename__ = "returns"
    __table_args__ = (
        Index("ix_returns_original_sale_id", "original_sale_id"),
        Index("ix_returns_store_id_business_date", "store_id", "business_date"),
    )

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    return_no: Mapped[str] = mapped_column(String(40))
    till_number: Mapped[int]
    original_sale_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    original_store_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    business_date: Mapped[date] = mapped_column(Date)
    refunded: Mapped[Decimal] = mapped_column(Fen)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    received_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    payload: Mapped[str] = mapped_column(Text)  # the return's lines and refunds as pushed
