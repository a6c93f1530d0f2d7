"""The chain and its people and machines: stores, tills (devices), API users, cashiers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, UtcTimestamp


class ChainRecord(Base):
    """The one chain this server runs: its name and the member phone look-up key."""

    __tablename__ = "chain"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    name: Mapped[str] = mapped_column(String(100))
    member_lookup_key: Mapped[str] = mapped_column(String(64))  # hex HMAC key for phone hashes
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class StoreRecord(Base):
    __tablename__ = "stores"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # The StoreSettingsRow fields other than store_id, code, name and the chain's look-up key.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class Device(Base):
    """A till. Only hashes of its token and of its one-time enrolment code are kept."""

    __tablename__ = "devices"
    __table_args__ = (Index("ix_devices_store_id_till_number", "store_id", "till_number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    till_number: Mapped[int]
    name: Mapped[str] = mapped_column(String(100), default="")
    app_version: Mapped[str] = mapped_column(String(40), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_expires_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # awaiting_enrolment | active | revoked | replaced (a newer device took its till number)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    enrolled_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    last_push_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)


class ApiUser(Base):
    """A head-office or e-commerce system calling the API; only its token's hash is kept."""

    __tablename__ = "api_users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # admin | head_office | ecommerce
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcTimestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcTimestamp)


class CashierRecord(Base):
    """A member of staff who signs in at the tills of one store."""

    __tablename__ = "cashiers"
    __table_args__ = (Index("ix_cashiers_store_id_number", "store_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    store_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stores.id"))
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)
