"""Online calls a till makes besides push and pull: coupon check and release (DESIGN §4).

`POST /coupons/{code}/check` answers 200 with `ok` true and a reservation, or `ok` false
with a `reason` the till shows in words; it is idempotent per (coupon, sale id). Member
look-up answers a `MemberRow` and sale look-up a `SaleRow` (`pos_core.protocol.rows`).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field

from pos_core.protocol.rows import CouponRow
from pos_core.protocol.types import Amount, Message


class CouponRefusal(StrEnum):
    NOT_FOUND = "not_found"  # no such code, or withdrawn
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    WRONG_STORE = "wrong_store"  # not valid at this store
    WRONG_MEMBER = "wrong_member"  # issued to another member
    MIN_SPEND = "min_spend"
    NO_ELIGIBLE_PRODUCTS = "no_eligible_products"
    USED_UP = "used_up"  # every use is taken or held by another sale's reservation


class CouponCheckRequest(Message):
    sale_id: UUID
    basket_amount: Amount = Field(ge=Decimal("0"), le=Decimal("100000000"))
    product_ids: list[UUID] = Field(default_factory=list, max_length=1000)
    category_ids: list[UUID] = Field(default_factory=list, max_length=1000)
    member_id: UUID | None = None


class CouponCheckResult(Message):
    ok: bool
    reason: CouponRefusal | None = None
    message: str = ""
    """In human words, for the cashier."""
    coupon: CouponRow | None = None
    reservation_id: UUID | None = None
    expires_at: AwareDatetime | None = None
    """The reservation lapses by itself at this time."""
    server_time: AwareDatetime


class CouponReleaseResult(Message):
    released: bool
    """False when the reservation had already lapsed, been used or been released."""
    server_time: AwareDatetime
