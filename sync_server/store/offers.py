"""Coupons, their online reservations and their redemptions (核销).

Only the SHA-256 of a coupon code is kept. `uses` counts the redemptions that hold a use
number and were not reversed; `last_use_number` only grows, so use numbers never repeat.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, Fen, UtcTimestamp


class CouponRecord(Base):
    __tablename__ = "coupons"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(10))  # amount | percent
    value: Mapped[Decimal] = mapped_column(Fen)
    min_spend: Mapped[Decimal] = mapped_column(Fen)
    product_ids: Mapped[list[str]] = mapped_column(JSON)
    category_ids: Mapped[list[str]] = mapped_column(JSON)
    valid_from: Mapped[datetime] = mapped_column(UtcTimestamp)
    valid_to: Mapped[datetime] = mapped_column(UtcTimestamp)
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    last_use_number: Mapped[int] = mapped_column(default=0)
    restore_on_return: Mapped[str] = mapped_column(String(20))
    store_ids: Mapped[list[str] | None] = mapped_column(
        JSON(none_as_null=True)
    )  # None: every store
    deleted: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class CouponReservation(Base):
    """A use held for one sale by `POST /coupons/{code}/check`; lapses at `expires_at`."""

    __tablename__ = "coupon_reservations"
    __table_args__ = (UniqueConstraint("coupon_id", "sale_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    coupon_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sale_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(10))  # held | released | used
    expires_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class CouponRedemption(Base):
    """One use of a coupon by a sale; `use_number` is None for a use beyond the limit."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (
        Index("ix_coupon_redemptions_coupon_id", "coupon_id"),
        Index("ix_coupon_redemptions_sale_id", "sale_id"),
    )

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    coupon_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sale_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    decision: Mapped[str] = mapped_column(String(20))
    reservation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    amount: Mapped[Decimal] = mapped_column(Fen)
    use_number: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12))  # used | over_limit | invalid | reversed
    reversed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the void or return event
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
