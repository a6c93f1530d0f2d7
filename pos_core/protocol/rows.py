"""The rows a till replicates, as pulled (`Change.data`) — one model per `Entity`.

The server writes these shapes into its change log; the till validates each pulled row
against them before it touches its replica; the demo-data generator produces them, so a
demo catalog loads through the same path as a real pull. A row's `key` in a `Change` is
given by `row_key`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from pos_core.money import CashRoundingMode
from pos_core.permissions import Role
from pos_core.protocol.events import TenderKind
from pos_core.protocol.messages import Entity
from pos_core.protocol.types import Amount, Message, Quantity, Rate


class CategoryRow(Message):
    id: UUID
    parent_id: UUID | None = None
    code: str
    name: str  # 中文
    name_en: str = ""
    points_multiplier: Rate = Decimal("1")


class ProductRow(Message):
    id: UUID
    code: str  # the internal product code (货号), typed or scanned
    name: str
    name_en: str = ""
    pinyin: str = ""  # initials of the Chinese name, lower case, for search: 可口可乐 → kkkl
    category_id: UUID | None = None
    unit: Literal["pcs", "kg"] = "pcs"
    item_ref: str | None = None  # the item reference inside in-store 2x barcodes
    tax_code: str
    low_stock_threshold: Quantity | None = None
    points_eligible: bool = True
    active: bool = True


class BarcodeRow(Message):
    gtin: str = Field(pattern=r"^\d{14}$")  # the normalised 14-digit key
    product_id: UUID


class PriceRow(Message):
    """A price in force from `effective_from` (inclusive) to `effective_to` (exclusive).

    Several rows per product may exist, including future-dated ones; the till picks, at
    the moment a sale completes, the store-specific row over the chain row, then the latest
    `effective_from` that has started."""

    id: UUID
    product_id: UUID
    store_id: UUID | None = None  # None: the chain price
    price: Amount
    member_price: Amount | None = None
    effective_from: AwareDatetime
    effective_to: AwareDatetime | None = None


class PromotionRow(Message):
    """A promotion; `rule` is read by the promotion engine (its schema lives there)."""

    id: UUID
    name: str
    kind: str
    priority: int = 0
    exclusive_group: str = ""
    rule: dict[str, Any] = Field(default_factory=dict)
    valid_from: AwareDatetime
    valid_to: AwareDatetime | None = None
    store_ids: list[UUID] | None = None  # None: every store
    active: bool = True


class CouponPolicy(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    CAP = "cap"  # allow up to coupon_cap_value per coupon while offline


class TaxRateRow(Message):
    code: str
    rate: Rate
    name: str = ""


class OfflinePolicy(Message):
    points_cap_per_till_per_day: int = 5000
    coupons: CouponPolicy = CouponPolicy.CAP
    coupon_cap_value: Amount = Decimal("50.00")


class LoyaltyRules(Message):
    points_per_yuan: Rate = Decimal("1")  # earned per yuan paid (not by points)
    points_per_yuan_redeemed: int = 100  # 100 points = 1 CNY


class VariableMeasureLayoutRow(Message):
    prefixes: list[str]
    item_ref_digits: int = 5
    kind: Literal["price", "weight"]
    value_digits: int = 5
    implied_decimals: int
    value_check_digit: bool = False


class StoreSettingsRow(Message):
    store_id: UUID
    code: str
    name: str
    time_zone: str = "Asia/Shanghai"
    currency: str = "CNY"
    prices_include_tax: bool = True
    tax_rates: list[TaxRateRow]
    receipt_header: list[str] = Field(default_factory=list)
    receipt_footer: list[str] = Field(default_factory=list)
    cash_rounding: CashRoundingMode = CashRoundingMode.NONE
    cash_rounding_step: Amount = Decimal("0.10")
    offline_policy: OfflinePolicy = OfflinePolicy()
    loyalty: LoyaltyRules = LoyaltyRules()
    member_card_pattern: str = r"^M\d{10}$"
    member_lookup_key: str = ""  # hex key of the member phone HMAC
    variable_measure_layouts: list[VariableMeasureLayoutRow] = Field(default_factory=list)
    price_override_threshold: Amount = Decimal("0.00")  # overrides above this need approval
    discount_threshold_percent: Rate = Decimal("10")  # discounts above this % need approval
    void_line_grace_seconds: int = 300
    max_clock_offset_seconds: int = 900
    allow_cross_store_returns: bool = False
    invoice_url: str = "https://fapiao.example.cn/r/"  # the fapiao request QR's base


class CashierRow(Message):
    id: UUID
    number: str
    name: str
    role: Role
    pin_hash: str
    active: bool = True


class MemberRow(Message):
    id: UUID
    card_no: str
    phone_hash: str
    phone_masked: str
    name: str = ""
    tier: str = "standard"
    points_balance: int
    active: bool = True


class CouponKind(StrEnum):
    AMOUNT = "amount"
    PERCENT = "percent"


class CouponRow(Message):
    id: UUID
    code_hash: str  # SHA-256 of the code: a leaked till file holds no usable codes
    member_id: UUID | None = None
    kind: CouponKind
    value: Amount  # yuan off, or percent off
    min_spend: Amount = Decimal("0.00")
    product_ids: list[UUID] = Field(default_factory=list)  # empty: any product
    category_ids: list[UUID] = Field(default_factory=list)
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    max_uses: int = 1
    uses: int = 0
    restore_on_return: Literal["never", "full_return", "below_min_spend"] = "full_return"


class PickupStatus(StrEnum):
    READY = "ready"
    COLLECTED = "collected"
    PARTLY_COLLECTED = "partly_collected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PickupLineRow(Message):
    line_id: UUID
    product_id: UUID
    name: str
    quantity: Quantity
    unit_price: Amount


class PickupOrderRow(Message):
    id: UUID
    order_no: str
    code_hash: str  # the 6-digit pickup code, hashed with the order id
    customer_name_masked: str = ""
    phone_masked: str = ""
    phone_hash: str = ""
    lines: list[PickupLineRow]
    paid_online: bool
    amount_due: Amount  # zero when paid online
    status: PickupStatus
    created_at: AwareDatetime
    expires_at: AwareDatetime


class StockLevelRow(Message):
    product_id: UUID
    quantity: Quantity


class SoldLineRow(Message):
    line_id: UUID
    product_id: UUID
    name: str
    quantity: Quantity
    unit: Literal["pcs", "kg"] = "pcs"
    amount: Amount
    tax: Amount
    tax_code: str
    returned_quantity: Quantity = Decimal("0")


class SoldTenderRow(Message):
    kind: TenderKind
    amount: Amount
    reference: str | None = None


class SaleRow(Message):
    """A recent sale of this store, as much as a return needs (no member details)."""

    id: UUID
    receipt_no: str
    store_id: UUID
    till_number: int
    business_date: date
    completed_at: AwareDatetime
    lines: list[SoldLineRow]
    tenders: list[SoldTenderRow]
    total: Amount
    member_id: UUID | None = None
    points_earned: int = 0
    points_redeemed: int = 0
    coupon_ids: list[UUID] = Field(default_factory=list)
    voided: bool = False


class ConflictRow(Message):
    id: UUID
    kind: str
    status: Literal["open", "resolved"]
    summary: str
    event_id: UUID | None = None
    created_at: datetime
    resolution: str = ""


ROW_MODELS: Final[dict[Entity, type[Message]]] = {
    Entity.CATEGORY: CategoryRow,
    Entity.PRODUCT: ProductRow,
    Entity.BARCODE: BarcodeRow,
    Entity.PRICE: PriceRow,
    Entity.PROMOTION: PromotionRow,
    Entity.STORE_SETTINGS: StoreSettingsRow,
    Entity.CASHIER: CashierRow,
    Entity.MEMBER: MemberRow,
    Entity.COUPON: CouponRow,
    Entity.PICKUP_ORDER: PickupOrderRow,
    Entity.STOCK_LEVEL: StockLevelRow,
    Entity.SALE: SaleRow,
    Entity.CONFLICT: ConflictRow,
}


def row_key(entity: Entity, row: Message) -> str:
    """The key a row travels under in a `Change`."""
    if isinstance(row, BarcodeRow):
        return row.gtin
    if isinstance(row, StoreSettingsRow):
        return str(row.store_id)
    if isinstance(row, StockLevelRow):
        return str(row.product_id)
    key = getattr(row, "id", None)
    if key is None:
        raise ValueError(f"{entity} row has no key")
    return str(key)
