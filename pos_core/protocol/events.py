"""Till events: the immutable facts a till pushes, each type with its own schema version.

An event is `{id, v, type, occurred_at, business_date, payload}`. It is written once, in
the same transaction as the documents it describes, and never rewritten — not even by a
till migration. The server accepts every (type, v) ever shipped: `PAYLOADS` maps each to
its model, and `UPGRADES` translates an old version's payload to the current one.

`read_event` turns a raw dict into an `Event` with a typed payload, or raises `EventError`
saying why it cannot be read — the server quarantines such an event; it never blocks the
queue.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError

from pos_core.protocol.messages import MAX_EVENT_BYTES
from pos_core.protocol.types import Amount, Payload, Quantity, Rate


class EventType(StrEnum):
    SALE_COMPLETED = "sale.completed"
    SALE_VOIDED = "sale.voided"
    RETURN_COMPLETED = "return.completed"
    PAYMENT_REVERSED = "payment.reversed"
    SHIFT_OPENED = "shift.opened"
    SHIFT_CLOSED = "shift.closed"
    CASH_MOVED = "cash.moved"
    STOCK_COUNTED = "stock.counted"
    STOCK_RECEIVED = "stock.received"
    PICKUP_COLLECTED = "pickup.collected"
    MEMBER_ENROLLED = "member.enrolled"
    AUDIT_RECORDED = "audit.recorded"


class TenderKind(StrEnum):
    CASH = "cash"
    CARD = "card"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    POINTS = "points"
    ONLINE = "online"  # paid in the online shop (a click-and-collect order)


class DiscountKind(StrEnum):
    PROMOTION = "promotion"
    MEMBER_PRICE = "member_price"
    COUPON = "coupon"
    MANUAL = "manual"


class CouponDecision(StrEnum):
    ONLINE_RESERVED = "online_reserved"
    OFFLINE_ALLOWED = "offline_allowed"
    OFFLINE_CAPPED = "offline_capped"


# --- shared parts ---------------------------------------------------------------------
class LineDiscount(Payload):
    kind: DiscountKind
    ref: str | None = None  # the promotion or coupon id; the approver for a manual one
    label: str = ""
    amount: Amount  # positive: what it takes off the line


class PriceOverride(Payload):
    original_price: Amount
    approved_by: UUID | None = None


class SaleLine(Payload):
    line_id: UUID
    product_id: UUID
    code: str  # what was scanned or typed: a GTIN key, a 2x code, a product code
    name: str
    category_id: UUID | None = None
    quantity: Quantity  # pieces, or kg for weighed goods
    unit: Literal["pcs", "kg"] = "pcs"
    unit_price: Amount
    list_amount: Amount  # unit_price × quantity, rounded half-up
    discounts: list[LineDiscount] = Field(default_factory=list)
    amount: Amount  # list_amount − discounts: what the line costs, tax included
    tax_code: str
    tax_rate: Rate
    tax: Amount
    price_override: PriceOverride | None = None


class Tender(Payload):
    tender_id: UUID
    kind: TenderKind
    amount: Amount  # what this tender pays of the sale (cash: after change)
    tendered: Amount | None = None  # cash handed over
    change: Amount = Decimal("0.00")
    reference: str | None = None  # terminal or gateway reference; never a payment code
    attempt_id: UUID | None = None
    points: int | None = None  # points redeemed, for a points tender


class TaxSummary(Payload):
    code: str
    rate: Rate
    net: Amount
    tax: Amount


class MemberRef(Payload):
    member_id: UUID
    card_no: str


class CouponUse(Payload):
    coupon_id: UUID
    decision: CouponDecision
    reservation_id: UUID | None = None
    amount: Amount


class Refund(Payload):
    tender_id: UUID
    kind: TenderKind
    amount: Amount  # positive: money back to the customer
    original_reference: str | None = None
    instruction: bool = False  # offline card/wallet refund: recorded for head office to pay


# --- payloads -------------------------------------------------------------------------
class SaleCompletedV1(Payload):
    sale_id: UUID
    receipt_no: str
    store_id: UUID
    till_number: int
    shift_id: UUID
    cashier_id: UUID
    completed_at: AwareDatetime
    lines: list[SaleLine] = Field(min_length=1)
    subtotal: Amount  # sum of list amounts
    discount_total: Amount
    taxes: list[TaxSummary]
    rounding: Amount  # cash rounding adjustment (negative when rounded down)
    total: Amount  # what the customer owed, after rounding
    tenders: list[Tender] = Field(min_length=1)
    member: MemberRef | None = None
    points_earned: int = 0
    points_redeemed: int = 0
    coupons: list[CouponUse] = Field(default_factory=list)
    pickup_order_id: UUID | None = None


class SaleVoidedV1(Payload):
    void_id: UUID
    sale_id: UUID
    receipt_no: str
    shift_id: UUID
    cashier_id: UUID
    approved_by: UUID
    reason: str
    refunds: list[Refund]
    points_reversed: int = 0
    points_restored: int = 0


class ReturnLine(Payload):
    return_line_id: UUID
    original_line_id: UUID | None  # None for a return without a receipt
    product_id: UUID
    quantity: Quantity
    amount: Amount  # refunded for this line, tax included
    tax: Amount


class ReturnCompletedV1(Payload):
    return_id: UUID
    return_no: str
    original_sale_id: UUID | None
    original_receipt_no: str | None
    shift_id: UUID
    cashier_id: UUID
    approved_by: UUID | None = None
    reason: str = ""
    lines: list[ReturnLine] = Field(min_length=1)
    refunds: list[Refund] = Field(min_length=1)
    member_id: UUID | None = None
    points_reversed: int = 0  # earned points taken back
    points_restored: int = 0  # redeemed points given back
    coupons_restored: list[UUID] = Field(default_factory=list)


class PaymentReversedV1(Payload):
    attempt_id: UUID
    kind: TenderKind
    amount: Amount
    reference: str | None
    reason: str
    sale_id: UUID | None = None


class ShiftOpenedV1(Payload):
    shift_id: UUID
    cashier_id: UUID
    opened_at: AwareDatetime
    opening_float: Amount


class TenderCount(Payload):
    kind: TenderKind
    expected: Amount
    counted: Amount
    variance: Amount


class DenominationCount(Payload):
    denomination: Amount
    count: int = Field(ge=0)


class ShiftClosedV1(Payload):
    shift_id: UUID
    closed_by: UUID
    closed_at: AwareDatetime
    z_number: int
    tenders: list[TenderCount]
    denominations: list[DenominationCount] = Field(default_factory=list)


class CashMovementKind(StrEnum):
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    SAFE_DROP = "safe_drop"


class CashMovedV1(Payload):
    movement_id: UUID
    shift_id: UUID
    cashier_id: UUID
    approved_by: UUID | None = None
    kind: CashMovementKind
    amount: Amount = Field(gt=0)
    reason: str = Field(min_length=1)


class CountLine(Payload):
    product_id: UUID
    counted: Quantity
    expected: Quantity  # what the till believed (replica + pending) when counted


class StockCountedV1(Payload):
    count_id: UUID
    part: int = Field(ge=1)
    parts: int = Field(ge=1)
    cursor: str  # the till's pull cursor when it took `expected`
    lines: list[CountLine] = Field(min_length=1)


class ReceivedLine(Payload):
    product_id: UUID
    quantity: Quantity


class StockReceivedV1(Payload):
    receipt_id: UUID
    reference: str = ""  # delivery note number
    lines: list[ReceivedLine] = Field(min_length=1)


class CollectedLine(Payload):
    order_line_id: UUID
    product_id: UUID
    quantity: Quantity  # handed over; less than ordered for a partial handover


class PickupCollectedV1(Payload):
    handover_id: UUID
    order_id: UUID
    order_no: str
    complete: bool
    lines: list[CollectedLine]
    sale_id: UUID | None = None  # the sale that took payment, for pay-at-pickup


class Consent(Payload):
    version: str
    given_at: AwareDatetime
    channel: Literal["till"] = "till"


class MemberEnrolledV1(Payload):
    member_id: UUID
    card_no: str
    phone: str  # normalised; the server is the system of record, the till keeps only the hash
    phone_hash: str
    name: str = ""
    consent: Consent


class AuditRecordedV1(Payload):
    audit_id: UUID
    action: str
    actor_id: UUID | None
    approver_id: UUID | None = None
    subject: str = ""  # e.g. a receipt number
    details: dict[str, str] = Field(default_factory=dict)


PAYLOADS: Final[dict[tuple[EventType, int], type[Payload]]] = {
    (EventType.SALE_COMPLETED, 1): SaleCompletedV1,
    (EventType.SALE_VOIDED, 1): SaleVoidedV1,
    (EventType.RETURN_COMPLETED, 1): ReturnCompletedV1,
    (EventType.PAYMENT_REVERSED, 1): PaymentReversedV1,
    (EventType.SHIFT_OPENED, 1): ShiftOpenedV1,
    (EventType.SHIFT_CLOSED, 1): ShiftClosedV1,
    (EventType.CASH_MOVED, 1): CashMovedV1,
    (EventType.STOCK_COUNTED, 1): StockCountedV1,
    (EventType.STOCK_RECEIVED, 1): StockReceivedV1,
    (EventType.PICKUP_COLLECTED, 1): PickupCollectedV1,
    (EventType.MEMBER_ENROLLED, 1): MemberEnrolledV1,
    (EventType.AUDIT_RECORDED, 1): AuditRecordedV1,
}

CURRENT_VERSION: Final[dict[EventType, int]] = {
    t: max(v for (tt, v) in PAYLOADS if tt is t) for t in EventType
}

UPGRADES: Final[dict[tuple[EventType, int], Callable[[dict[str, Any]], dict[str, Any]]]] = {}
"""(type, old v) → a function turning that payload into version v + 1. Empty until v2."""


# --- the event ------------------------------------------------------------------------
class EventError(ValueError):
    """An event that cannot be read: the server quarantines it with a conflict."""


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID
    v: int = Field(ge=1)
    type: EventType
    occurred_at: AwareDatetime
    business_date: date
    payload: SerializeAsAny[Payload]

    def to_json(self) -> str:
        """Compact JSON, the form stored in the outbox and sent on the wire."""
        return self.model_dump_json()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.to_json())
        return data


def make_event(
    payload: Payload, *, event_id: UUID, occurred_at: datetime, business_date: date
) -> Event:
    """Wrap a payload as the current version of its type; refuses one over MAX_EVENT_BYTES."""
    for (event_type, version), model in PAYLOADS.items():
        if type(payload) is model and version == CURRENT_VERSION[event_type]:
            event = Event(
                id=event_id,
                v=version,
                type=event_type,
                occurred_at=occurred_at,
                business_date=business_date,
                payload=payload,
            )
            size = len(event.to_json().encode())
            if size > MAX_EVENT_BYTES:
                raise EventError(
                    f"{event_type} event is {size} bytes, over the {MAX_EVENT_BYTES}-byte limit"
                )
            return event
    raise EventError(f"{type(payload).__name__} is not the current payload of any event type")


def read_event(raw: dict[str, Any]) -> Event:
    """Parse and upgrade a raw event to its current version, or say why it cannot be read."""
    if not isinstance(raw, dict):
        raise EventError("an event must be a JSON object")
    try:
        event_type = EventType(str(raw.get("type")))
    except ValueError:
        raise EventError(f"unknown event type {raw.get('type')!r}") from None
    version = raw.get("v")
    if not isinstance(version, int) or (event_type, version) not in PAYLOADS:
        raise EventError(f"{event_type} version {version!r} is not one this server knows")
    payload = raw.get("payload")
    if not isinstance(payload, dict):
        raise EventError("the event has no payload object")
    while version < CURRENT_VERSION[event_type]:
        payload = UPGRADES[(event_type, version)](payload)
        version += 1
    try:
        typed = PAYLOADS[(event_type, version)].model_validate(payload)
        return Event.model_validate({**raw, "v": version, "payload": typed})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EventError(f"{event_type} v{version}: {where}: {first['msg']}") from None


def event_id_of(raw: object) -> UUID | None:
    """The id of a raw event if it has a readable one (to quarantine it by id)."""
    if isinstance(raw, dict):
        try:
            return UUID(str(raw.get("id")))
        except ValueError:
            return None
    return None
