"""Replica tables: what the till pulled from the server (DESIGN §3).

No foreign keys are enforced here: a pull page may bring a barcode before its product.
Each table mirrors a row model in `pos_core.protocol.rows`; parts that are always read
whole (promotion rules, pickup lines) are JSON. What the till itself has done since its
last pull is not written here but in `pending_deltas` (see `sync.py`), so a pulled row can
always replace the replica row whole.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pos_app.store.base import (
    Base,
    DateColumn,
    JsonColumn,
    MoneyColumn,
    QuantityColumn,
    RateColumn,
    UtcDateTime,
)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    points_multiplier: Mapped[Decimal] = mapped_column(RateColumn, default=Decimal(1))


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_code", "code"),
        Index("ix_products_item_ref", "item_ref"),
        Index("ix_products_pinyin", "pinyin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    pinyin: Mapped[str] = mapped_column(String(100), default="")
    category_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    unit: Mapped[str] = mapped_column(String(8), default="pcs")
    item_ref: Mapped[str | None] = mapped_column(String(16))
    tax_code: Mapped[str] = mapped_column(String(16))
    low_stock_threshold: Mapped[Decimal | None] = mapped_column(QuantityColumn)
    points_eligible: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)


class Barcode(Base):
    __tablename__ = "barcodes"
    __table_args__ = (Index("ix_barcodes_product_id", "product_id"), {"sqlite_with_rowid": False})

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class Price(Base):
    __tablename__ = "prices"
    __table_args__ = (Index("ix_prices_product_id_effective_from", "product_id", "effective_from"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    store_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    price: Mapped[Decimal] = mapped_column(MoneyColumn)
    member_price: Mapped[Decimal | None] = mapped_column(MoneyColumn)
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime)
    effective_to: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Promotion(Base):
    __tablename__ = "promotions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(default=0)
    exclusive_group: Mapped[str] = mapped_column(String(64), default="")
    rule: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime)
    store_ids: Mapped[list[str] | None] = mapped_column(JsonColumn)
    active: Mapped[bool] = mapped_column(default=True)


class StoreSettings(Base):
    """The store's settings, kept whole as pulled (`StoreSettingsRow`)."""

    __tablename__ = "store_settings"

    store_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)


class Cashier(Base):
    __tablename__ = "cashiers"
    __table_args__ = (Index("ix_cashiers_number", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_card_no", "card_no"),
        Index("ix_members_phone_hash", "phone_hash"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    card_no: Mapped[str] = mapped_column(String(32))
    phone_hash: Mapped[str] = mapped_column(String(64))
    phone_masked: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    tier: Mapped[str] = mapped_column(String(32), default="standard")
    points_balance: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (Index("ix_coupons_code_hash", "code_hash"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_to: Mapped[datetime] = mapped_column(UtcDateTime)
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)  # the whole CouponRow


class PickupOrder(Base):
    __tablename__ = "pickup_orders"
    __table_args__ = (
        Index("ix_pickup_orders_order_no", "order_no"),
        Index("ix_pickup_orders_phone_hash", "phone_hash"),
        Index("ix_pickup_orders_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    phone_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(24))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)  # the whole PickupOrderRow


class StockLevel(Base):
    __tablename__ = "stock_levels"

    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(QuantityColumn)


class RecentSale(Base):
    """A sale of this store in the last 90 days, as much as a return needs (`SaleRow`)."""

    __tablename__ = "recent_sales"
    __table_args__ = (
        Index("ix_recent_sales_receipt_no", "receipt_no", unique=True),
        Index("ix_recent_sales_business_date", "business_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40))
    business_date: Mapped[date] = mapped_column(DateColumn)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)


class Conflict(Base):
    __tablename__ = "conflicts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(500))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolution: Mapped[str] = mapped_column(String(500), default="")


REPLICA_TABLES = tuple(
    model.__table__
    for model in (
        Category,
        Product,
        Barcode,
        Price,
        Promotion,
        StoreSettings,
        Cashier,
        Member,
        Coupon,
        PickupOrder,
        StockLevel,
        RecentSale,
        Conflict,
    )
)
