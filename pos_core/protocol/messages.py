"""Protocol v1 messages: enrolment, push, pull and error bodies (DESIGN §4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final
from uuid import UUID

from pydantic import AwareDatetime, Field

from pos_core.protocol.types import Message

PROTOCOL_VERSION: Final = 1
PROTOCOL_HEADER: Final = "OmniTill-Protocol"

MAX_EVENT_BYTES: Final = 128 * 1024
"""No single event may exceed this, as compact JSON (a large stock count is split)."""
MAX_PUSH_BYTES: Final = 4 * 1024 * 1024
MAX_PUSH_EVENTS: Final = 1000
PULL_DEFAULT_ROWS: Final = 1000
PULL_MAX_ROWS: Final = 5000
PULL_MAX_BYTES: Final = 2 * 1024 * 1024


# --- enrolment ------------------------------------------------------------------------
class EnrolRequest(Message):
    code: str = Field(min_length=6, max_length=64)
    device_name: str = Field(default="", max_length=100)
    app_version: str = Field(default="", max_length=40)


class StoreInfo(Message):
    store_id: UUID
    code: str
    name: str


class EnrolResponse(Message):
    device_id: UUID
    store: StoreInfo
    till_number: int
    token: str
    last_receipt_number: str | None
    """The highest receipt number the server holds for this till; the till continues above."""
    server_time: AwareDatetime


# --- push -----------------------------------------------------------------------------
class Envelope(Message):
    """Transport around one immutable event. `seq` counts 1, 2, 3… per device and may be
    reassigned on re-enrolment; the event itself never changes."""

    seq: int = Field(ge=1)
    event: dict[str, Any]


class PushRequest(Message):
    device_id: UUID
    events: list[Envelope] = Field(max_length=MAX_PUSH_EVENTS)


class EventStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"  # stored, and raised a conflict for a person to resolve
    QUARANTINED = "quarantined"  # could not be read; stored with a conflict


class EventResult(Message):
    seq: int
    id: UUID | None
    status: EventStatus
    conflict_ids: list[UUID] = Field(default_factory=list)


class PushResponse(Message):
    last_seq: int
    """The server's last applied seq for this device: after a gap, resend from last_seq + 1."""
    results: list[EventResult]
    server_time: AwareDatetime


# --- pull -----------------------------------------------------------------------------
class Entity(StrEnum):
    """What a pulled change is a row of. Catalog stream: category … promotion."""

    CATEGORY = "category"
    PRODUCT = "product"
    BARCODE = "barcode"
    PRICE = "price"
    PROMOTION = "promotion"
    STORE_SETTINGS = "store_settings"
    CASHIER = "cashier"
    MEMBER = "member"
    COUPON = "coupon"
    PICKUP_ORDER = "pickup_order"
    STOCK_LEVEL = "stock_level"
    SALE = "sale"
    CONFLICT = "conflict"


CATALOG_ENTITIES: Final = frozenset(
    {Entity.CATEGORY, Entity.PRODUCT, Entity.BARCODE, Entity.PRICE, Entity.PROMOTION}
)


class ChangeOp(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class Change(Message):
    """A whole row, upserted or deleted; replaying a change is harmless."""

    entity: Entity
    key: str
    op: ChangeOp
    data: dict[str, Any] | None = None


class PullPage(Message):
    changes: list[Change]
    cursor: str
    has_more: bool
    device_last_seq: int
    """The highest seq of this device whose effects are in the log at or below this page."""
    server_time: AwareDatetime
    must_refetch: bool = False
    """The cursor is older than the retained log: rebuild the replica from a snapshot."""


# --- errors ---------------------------------------------------------------------------
class ErrorCode(StrEnum):
    UNAUTHORISED = "unauthorised"
    DEVICE_DIVERGED = "device_diverged"
    PROTOCOL_UNSUPPORTED = "protocol_unsupported"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    CLASH = "clash"  # 409 outside sync: the request contradicts what exists (a code in use)
    BUSY = "busy"  # 503: the database stayed locked through every retry; try again
    INTERNAL = "internal"  # 500: a server fault, logged; the request may be retried


class ErrorBody(Message):
    error: ErrorCode
    message: str
    """In human words: what went wrong and what to do."""
    limits: dict[str, int] | None = None
