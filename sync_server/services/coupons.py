"""Coupons (优惠券): issued by head office or the online shop, checked and reserved by tills.

A code is 20 base32 characters (100 random bits) shown once, at issue; the server keeps
only its SHA-256 (`pos_core.protocol.codes`). A till's `check` validates the coupon for a
basket and reserves one use for that sale for `RESERVATION_MINUTES`; it is idempotent per
(coupon, sale id) and counts other sales' live reservations as taken. Refusals are a 200
answer with `ok: false` and a reason (`CouponRefusal`), because they are business answers
for the cashier, not errors of the call.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.protocol.codes import coupon_code_hash
from pos_core.protocol.lookups import (
    CouponCheckRequest,
    CouponCheckResult,
    CouponRefusal,
    CouponReleaseResult,
)
from pos_core.protocol.rows import CouponKind, CouponRow
from pos_core.protocol.types import Amount
from sync_server.services import tx
from sync_server.services.audience import coupon_store_ids, coupon_valid_at
from sync_server.services.auth import DeviceCaller
from sync_server.services.changelog import store_stream
from sync_server.services.effects.coupons import live_holds, publish_coupon
from sync_server.services.errors import Invalid, NotFound
from sync_server.services.rows import coupon_row
from sync_server.store.db import Database
from sync_server.store.members import MemberRecord
from sync_server.store.offers import CouponRecord, CouponReservation
from sync_server.store.org import StoreRecord

RESERVATION_MINUTES: Final = 10
CODE_LENGTH: Final = 20


def new_coupon_code() -> str:
    return base64.b32encode(secrets.token_bytes(15)).decode()[:CODE_LENGTH]


class CouponIssue(BaseModel):
    kind: CouponKind
    value: Amount = Field(gt=Decimal("0"), le=Decimal("100000"))
    min_spend: Amount = Field(default=Decimal("0.00"), ge=Decimal("0"), le=Decimal("10000000"))
    product_ids: list[UUID] = Field(default_factory=list, max_length=1000)
    category_ids: list[UUID] = Field(default_factory=list, max_length=1000)
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    max_uses: int = Field(default=1, ge=1, le=1_000_000)
    restore_on_return: Literal["never", "full_return", "below_min_spend"] = "full_return"
    store_ids: list[UUID] | None = Field(default=None, max_length=1000)
    member_id: UUID | None = None
    count: int = Field(default=1, ge=1, le=1000, description="how many coupons (codes) to issue")


class IssuedCoupon(BaseModel):
    code: str = Field(description="the coupon code: shown this once, never stored")
    coupon: CouponRow
    store_ids: list[UUID] | None


def issue(db: Database, request: CouponIssue, *, by: str) -> list[IssuedCoupon]:
    """Issue `count` coupons; each code is returned this once."""
    if request.valid_to <= request.valid_from:
        raise Invalid("valid_to must be after valid_from")
    if request.kind is CouponKind.PERCENT and request.value > 100:
        raise Invalid("a percentage coupon takes at most 100% off")
    codes = [new_coupon_code() for _ in range(request.count)]

    def work(unit: tx.Unit) -> list[IssuedCoupon]:
        session, now = unit.session, datetime.now(UTC)
        store_ids = None
        if request.store_ids is not None:
            found = set(
                session.execute(
                    select(StoreRecord.id).where(StoreRecord.id.in_(request.store_ids))
                ).scalars()
            )
            if found != set(request.store_ids):
                raise Invalid(f"no store {sorted(set(request.store_ids) - found)[0]}")
            store_ids = sorted(str(s) for s in found)
        if request.member_id is not None and session.get(MemberRecord, request.member_id) is None:
            raise Invalid(f"no member {request.member_id}")
        issued = []
        for code in codes:
            record = CouponRecord(
                id=new_id(),
                code_hash=coupon_code_hash(code),
                member_id=request.member_id,
                kind=request.kind.value,
                value=request.value,
                min_spend=request.min_spend,
                product_ids=[str(p) for p in request.product_ids],
                category_ids=[str(c) for c in request.category_ids],
                valid_from=request.valid_from,
                valid_to=request.valid_to,
                max_uses=request.max_uses,
                uses=0,
                last_use_number=0,
                restore_on_return=request.restore_on_return,
                store_ids=store_ids,
                deleted=False,
                created_by=by[:100],
                created_at=now,
                updated_at=now,
            )
            session.add(record)
            session.flush()
            unit.log.lock(store_stream(s) for s in coupon_store_ids(session, record))
            publish_coupon(session, unit.log, record)
            issued.append(
                IssuedCoupon(
                    code=code,
                    coupon=coupon_row(record),
                    store_ids=[UUID(s) for s in store_ids] if store_ids is not None else None,
                )
            )
        return issued

    return tx.write(db, work, what="issuing coupons")


def get_coupon(db: Database, coupon: UUID) -> CouponRow:
    def work(session: Session) -> CouponRow:
        record = session.get(CouponRecord, coupon)
        if record is None:
            raise NotFound(f"no coupon {coupon}")
        return coupon_row(record)

    return tx.read(db, work)


def withdraw(db: Database, coupon: UUID) -> None:
    """Withdraw a coupon: the tills of every store where it was valid receive a delete."""

    def work(unit: tx.Unit) -> None:
        session = unit.session
        record = session.get(CouponRecord, coupon)
        if record is None or record.deleted:
            raise NotFound(f"no coupon {coupon}")
        unit.log.lock(store_stream(s) for s in coupon_store_ids(session, record))
        session.refresh(record, with_for_update=True)
        record.deleted = True
        record.updated_at = datetime.now(UTC)
        publish_coupon(session, unit.log, record)

    tx.write(db, work, what="withdrawing a coupon")


# --- the till's online check --------------------------------------------------------------


def _refusal(
    record: CouponRecord, request: CouponCheckRequest, store_id: UUID, now: datetime
) -> tuple[CouponRefusal, str] | None:
    if record.deleted:
        return CouponRefusal.NOT_FOUND, "no such coupon"
    if now < record.valid_from:
        return (
            CouponRefusal.NOT_STARTED,
            f"the coupon is valid from {record.valid_from:%Y-%m-%d %H:%M} UTC",
        )
    if now > record.valid_to:
        return CouponRefusal.EXPIRED, f"the coupon expired on {record.valid_to:%Y-%m-%d %H:%M} UTC"
    if not coupon_valid_at(record, store_id):
        return CouponRefusal.WRONG_STORE, "the coupon is not valid at this store"
    if record.member_id is not None and request.member_id != record.member_id:
        return CouponRefusal.WRONG_MEMBER, "the coupon belongs to another member"
    if request.basket_amount < record.min_spend:
        return CouponRefusal.MIN_SPEND, f"the coupon needs a spend of at least {record.min_spend}"
    if record.product_ids or record.category_ids:
        products = {str(p) for p in request.product_ids}
        categories = {str(c) for c in request.category_ids}
        if not (products & set(record.product_ids) or categories & set(record.category_ids)):
            return CouponRefusal.NO_ELIGIBLE_PRODUCTS, "nothing in the basket is eligible"
    return None


def check(
    db: Database, device: DeviceCaller, code: str, request: CouponCheckRequest
) -> CouponCheckResult:
    """Validate a coupon for a basket and hold one use for this sale (idempotent per sale)."""
    digest = coupon_code_hash(code)

    def work(unit: tx.Unit) -> CouponCheckResult:
        session, now = unit.session, datetime.now(UTC)
        record = session.execute(
            select(CouponRecord).where(CouponRecord.code_hash == digest).with_for_update()
        ).scalar_one_or_none()
        if record is None:
            return CouponCheckResult(
                ok=False, reason=CouponRefusal.NOT_FOUND, message="no such coupon", server_time=now
            )
        held = session.execute(
            select(CouponReservation).where(
                CouponReservation.coupon_id == record.id,
                CouponReservation.sale_id == request.sale_id,
            )
        ).scalar_one_or_none()
        if held is not None and held.store_id != device.store_id:
            return CouponCheckResult(
                ok=False,
                reason=CouponRefusal.USED_UP,
                message="another store holds this coupon for that sale",
                server_time=now,
            )
        if held is not None and held.status == "used":
            return _granted(record, held, now)
        refusal = _refusal(record, request, device.store_id, now)
        if (
            refusal is None
            and record.uses + len(live_holds(session, record.id, besides=request.sale_id, now=now))
            >= record.max_uses
        ):
            refusal = CouponRefusal.USED_UP, "the coupon has been used"
        if refusal is not None:
            if held is not None and held.status == "held":
                held.status = "released"
            return CouponCheckResult(
                ok=False, reason=refusal[0], message=refusal[1], server_time=now
            )
        expires = now + timedelta(minutes=RESERVATION_MINUTES)
        if held is None:
            held = CouponReservation(
                id=new_id(),
                coupon_id=record.id,
                sale_id=request.sale_id,
                store_id=device.store_id,
                device_id=device.device_id,
                status="held",
                expires_at=expires,
                created_at=now,
            )
            session.add(held)
        else:
            held.status, held.expires_at = "held", expires
        session.flush()
        return _granted(record, held, now)

    return tx.write(db, work, what="checking a coupon")


def _granted(record: CouponRecord, held: CouponReservation, now: datetime) -> CouponCheckResult:
    return CouponCheckResult(
        ok=True,
        coupon=coupon_row(record),
        reservation_id=held.id,
        expires_at=held.expires_at,
        server_time=now,
    )


def release(db: Database, device: DeviceCaller, reservation: UUID) -> CouponReleaseResult:
    """Give a held use back (best effort: an unreleased hold lapses by itself)."""

    def work(unit: tx.Unit) -> CouponReleaseResult:
        now = datetime.now(UTC)
        held = unit.session.get(CouponReservation, reservation, with_for_update=True)
        if held is None or held.store_id != device.store_id:
            raise NotFound(f"no coupon reservation {reservation} at this store")
        released = held.status == "held" and held.expires_at > now
        if held.status == "held":
            held.status = "released"
        return CouponReleaseResult(released=released, server_time=now)

    return tx.write(db, work, what="releasing a coupon")
