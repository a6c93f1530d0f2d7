"""Local documents: what happened at this till. Foreign keys are enforced.

Every document is written by a service in the same transaction as its outbox event (see
`sync.Outbox`); a card or wallet payment attempt is the one exception — it is committed
before the terminal is called, and its outcome after (DESIGN §3, promise 2).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos_app.store.base import (
    Base,
    DateColumn,
    JsonColumn,
    MoneyColumn,
    QuantityColumn,
    RateColumn,
    UtcDateTime,
)

# --- shifts and cash ------------------------------------------------------------------


class Shift(Base):
    """One drawer's session, from the counted float to the Z report. Defines the business day."""

    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_status", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    business_date: Mapped[date] = mapped_column(DateColumn)
    opened_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opening_float: Mapped[Decimal] = mapped_column(MoneyColumn)
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    closed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    z_number: Mapped[int | None]
    close_report: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    training: Mapped[bool] = mapped_column(default=False)


class ShiftCashier(Base):
    """Who worked the drawer, and when: changeover adds a row, the shift carries on."""

    __tablename__ = "shift_cashiers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), index=True)
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    logged_in_at: Mapped[datetime] = mapped_column(UtcDateTime)
    logged_out_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CashMovement(Base):
    __tablename__ = "cash_movements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # pay_in | pay_out | safe_drop
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    reason: Mapped[str] = mapped_column(String(200))
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- baskets and payments -------------------------------------------------------------


class Basket(Base):
    """A basket that must outlive memory: suspended (挂单), or being tendered.

    The basket being rung up lives in memory; it is written here when it is suspended and
    when its first card or wallet attempt starts, so that a crash mid-tender can be resolved.
    """

    __tablename__ = "baskets"
    __table_args__ = (Index("ix_baskets_status", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"))
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # suspended | resumed | tendering | reversing | voiding | completed | voided
    status: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)


class PaymentAttempt(Base):
    """A card or wallet attempt; its id is the gateway order id.

    started → approved | declined | unknown → completed (with the sale) | reversed.
    """

    __tablename__ = "payment_attempts"
    __table_args__ = (Index("ix_payment_attempts_state", "state"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    basket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("baskets.id"), index=True)
    sale_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"))
    kind: Mapped[str] = mapped_column(String(16))  # card | wechat | alipay
    terminal: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    state: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- sales ----------------------------------------------------------------------------


class Sale(Base):
    __tablename__ = "sales"
    __table_args__ = (
        Index("ix_sales_receipt_no", "receipt_no", unique=True),
        Index("ix_sales_shift_id", "shift_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40))
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"))
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    business_date: Mapped[date] = mapped_column(DateColumn)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))  # completed | voided
    subtotal: Mapped[Decimal] = mapped_column(MoneyColumn)
    discount_total: Mapped[Decimal] = mapped_column(MoneyColumn)
    tax_total: Mapped[Decimal] = mapped_column(MoneyColumn)
    rounding: Mapped[Decimal] = mapped_column(MoneyColumn)
    total: Mapped[Decimal] = mapped_column(MoneyColumn)
    change_given: Mapped[Decimal] = mapped_column(MoneyColumn)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    points_earned: Mapped[int] = mapped_column(default=0)
    points_redeemed: Mapped[int] = mapped_column(default=0)
    training: Mapped[bool] = mapped_column(default=False)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # None in training mode
    receipt: Mapped[dict[str, Any]] = mapped_column(JsonColumn)  # the structured receipt
    basket_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the basket it was rung as

    lines: Mapped[list[SaleLine]] = relationship(
        back_populates="sale", order_by="SaleLine.position", cascade="all, delete-orphan"
    )
    tenders: Mapped[list[SaleTender]] = relationship(
        back_populates="sale", order_by="SaleTender.position", cascade="all, delete-orphan"
    )


class SaleLine(Base):
    __tablename__ = "sale_lines"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id"), index=True)
    position: Mapped[int]
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    quantity: Mapped[Decimal] = mapped_column(QuantityColumn)
    unit: Mapped[str] = mapped_column(String(8))
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    list_amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    discount: Mapped[Decimal] = mapped_column(MoneyColumn)
    discounts: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    tax_code: Mapped[str] = mapped_column(String(16))
    tax_rate: Mapped[Decimal] = mapped_column(RateColumn)
    tax: Mapped[Decimal] = mapped_column(MoneyColumn)

    sale: Mapped[Sale] = relationship(back_populates="lines")


class SaleTender(Base):
    __tablename__ = "sale_tenders"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    tendered: Mapped[Decimal | None] = mapped_column(MoneyColumn)
    change: Mapped[Decimal] = mapped_column(MoneyColumn, default=Decimal(0))
    reference: Mapped[str | None] = mapped_column(String(100))
    attempt_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_attempts.id"))
    points: Mapped[int | None]

    sale: Mapped[Sale] = relationship(back_populates="tenders")


class SaleVoid(Base):
    """Void after tender (整单作废): a supervisor-approved full reversal in the same shift."""

    __tablename__ = "sale_voids"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id"), unique=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"))
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    approved_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    refunds: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


# --- returns --------------------------------------------------------------------------


class Return(Base):
    __tablename__ = "returns"
    __table_args__ = (Index("ix_returns_original_sale_id", "original_sale_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    return_no: Mapped[str] = mapped_column(String(40), unique=True)
    original_sale_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # any till's sale
    original_receipt_no: Mapped[str | None] = mapped_column(String(40))
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"))
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    business_date: Mapped[date] = mapped_column(DateColumn)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")
    total: Mapped[Decimal] = mapped_column(MoneyColumn)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    points_reversed: Mapped[int] = mapped_column(default=0)
    points_restored: Mapped[int] = mapped_column(default=0)
    training: Mapped[bool] = mapped_column(default=False)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    receipt: Mapped[dict[str, Any]] = mapped_column(JsonColumn)

    lines: Mapped[list[ReturnLine]] = relationship(
        back_populates="ret", cascade="all, delete-orphan"
    )
    refunds: Mapped[list[ReturnRefund]] = relationship(
        back_populates="ret", cascade="all, delete-orphan"
    )


class ReturnLine(Base):
    __tablename__ = "return_lines"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("returns.id"), index=True)
    original_line_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(QuantityColumn)
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    tax: Mapped[Decimal] = mapped_column(MoneyColumn)

    ret: Mapped[Return] = relationship(back_populates="lines")


class ReturnRefund(Base):
    __tablename__ = "return_refunds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("returns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MoneyColumn)
    original_reference: Mapped[str | None] = mapped_column(String(100))
    instruction: Mapped[bool] = mapped_column(default=False)

    ret: Mapped[Return] = relationship(back_populates="refunds")


# --- stock and pickup -----------------------------------------------------------------


class StockCount(Base):
    __tablename__ = "stock_counts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    cursor: Mapped[str] = mapped_column(String(200))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)  # product, counted, expected


class StockReceipt(Base):
    __tablename__ = "stock_receipts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reference: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)  # product, quantity


class PickupHandover(Base):
    __tablename__ = "pickup_handovers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shifts.id"))
    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    complete: Mapped[bool]
    sale_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sales.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
