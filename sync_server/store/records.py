"""What tills report for head office to see: shifts, cash movements, payment reversals, audit."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, Fen, UtcTimestamp


class ShiftRecord(Base):
    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_store_id_business_date", "store_id", "business_date"),)

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    till_number: Mapped[int]
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    business_date: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    opening_float: Mapped[Decimal] = mapped_column(Fen)
    closed_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    z_number: Mapped[int | None]
    counts: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True)
    )  # tenders and denominations


class CashMovementRecord(Base):
    __tablename__ = "cash_movements"

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(12))
    amount: Mapped[Decimal] = mapped_column(Fen)
    reason: Mapped[str] = mapped_column(String(200))
    business_date: Mapped[date] = mapped_column(Date)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class PaymentReversalRecord(Base):
    __tablename__ = "payment_reversals"

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the attempt id
    kind: Mapped[str] = mapped_column(String(12))
    amount: Mapped[Decimal] = mapped_column(Fen)
    reference: Mapped[str | None] = mapped_column(String(100))  # never logged
    reason: Mapped[str] = mapped_column(String(200))
    sale_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    business_date: Mapped[date] = mapped_column(Date)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class AuditEntryRecord(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_store_id_business_date", "store_id", "business_date"),
    )

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approver_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    subject: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    business_date: Mapped[date] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
