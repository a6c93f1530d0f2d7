"""The chain's catalog: categories, products, barcodes, prices and promotions.

Master data is soft-deleted only (`deleted`): a deleted row reaches the tills as a
`delete` change, and the server keeps it for the sales that name it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.store.base import Base, Basis, Fen, Milli, UtcTimestamp


class CategoryRecord(Base):
    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    points_multiplier: Mapped[Decimal] = mapped_column(Basis)
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class ProductRecord(Base):
    __tablename__ = "products"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    pinyin: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    unit: Mapped[str] = mapped_column(String(3))
    item_ref: Mapped[str | None] = mapped_column(String(12))
    tax_code: Mapped[str] = mapped_column(String(16))
    low_stock_threshold: Mapped[Decimal | None] = mapped_column(Milli)
    points_eligible: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class BarcodeRecord(Base):
    __tablename__ = "barcodes"
    __table_args__ = (Index("ix_barcodes_product_id", "product_id"),)

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class PriceRecord(Base):
    """A price from `effective_from` to `effective_to`; `store_id` None is the chain price."""

    __tablename__ = "prices"
    __table_args__ = (Index("ix_prices_product_id", "product_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    store_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stores.id"))
    price: Mapped[Decimal] = mapped_column(Fen)
    member_price: Mapped[Decimal | None] = mapped_column(Fen)
    effective_from: Mapped[datetime] = mapped_column(UtcTimestamp)
    effective_to: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)


class PromotionRecord(Base):
    """A promotion; chain-wide ones travel in the catalog stream, others in their stores'."""

    __tablename__ = "promotions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(default=0)
    exclusive_group: Mapped[str] = mapped_column(String(40), default="")
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid_from: Mapped[datetime] = mapped_column(UtcTimestamp)
    valid_to: Mapped[datetime | None] = mapped_column(UtcTimestamp)
    store_ids: Mapped[list[str] | None] = mapped_column(
        JSON(none_as_null=True)
    )  # None: every store
    active: Mapped[bool] = mapped_column(default=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcTimestamp)
