"""Loyalty members, the stores they are relevant to, merges, and the points ledger.

A member's `points_balance` is materialised from the ledger: every change is a ledger
row plus `balance = balance + delta` in the same transaction, so the two always agree.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, UtcTimestamp

HEAD_OFFICE = uuid.UUID(int=0)
"""The `store_id` of ledger rows written by head office or the online shop, not a store."""


class MemberRecord(Base):
    __tablename__ = "members"
    __table_args__ = (Index("ix_members_phone_hash", "phone_hash"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    card_no: Mapped[str] = mapped_column(String(80), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))  # the system of record; never sent
    phone_hash: Mapped[str] = mapped_column(String(64))
    phone_masked: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100), default="")
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    points_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    home_store_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    active: Mapped[bool] = mapped_column(default=True)
    merged_into: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    consent: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class MemberStore(Base):
    """A store a member is relevant to (home store, or has transacted there)."""

    __tablename__ = "member_stores"
    __table_args__ = (Index("ix_member_stores_store_id", "store_id"),)

    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    since: Mapped[datetime] = mapped_column(UtcTimestamp)


class MemberMerge(Base):
    """One member folded into another (the same phone enrolled at two tills)."""

    __tablename__ = "member_merges"

    merged_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    into_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    points_moved: Mapped[int] = mapped_column(BigInteger, default=0)
    merged_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class PointsEntry(Base):
    """A signed change of a member's points; never rewritten."""

    __tablename__ = "points_ledger"
    __table_args__ = (Index("ix_points_ledger_member_id", "member_id"),)

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    delta: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    # earned | redeemed | reversed | restored | merge | adjustment | compensation
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the sale, return, conflict…
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
