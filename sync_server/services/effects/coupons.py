"""Coupon redemptions (核销) from sale events, and giving uses back on voids and returns.

The use number is assigned under the coupon row's lock (taken for the whole batch, in id
order, before any event is applied). A use the coupon has no room for — its uses are spent,
or the rest are held by live online reservations of other sales — is stored without a
number and raises a conflict that names both sales.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.protocol.events import CouponUse
from pos_core.protocol.messages import Entity
from sync_server.services.audience import coupon_store_ids, coupon_valid_at
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.effects.context import Effect
from sync_server.services.rows import coupon_row
from sync_server.store.offers import CouponRecord, CouponRedemption, CouponReservation
from sync_server.store.sales import SaleRecord


def publish_coupon(session: Session, log: ChangeLog, coupon: CouponRecord) -> None:
    streams = [store_stream(s) for s in coupon_store_ids(session, coupon)]
    if coupon.deleted:
        log.delete(streams, Entity.COUPON, str(coupon.id))
    else:
        log.upsert_row(streams, Entity.COUPON, coupon_row(coupon))


def live_holds(session: Session, coupon_id: UUID, *, besides: UUID, now: datetime) -> list[UUID]:
    """Sales other than `besides` holding a live online reservation of the coupon."""
    return list(
        session.execute(
            select(CouponReservation.sale_id).where(
                CouponReservation.coupon_id == coupon_id,
                CouponReservation.status == "held",
                CouponReservation.expires_at > now,
                CouponReservation.sale_id != besides,
            )
        ).scalars()
    )


def redeem(fx: Effect, use: CouponUse, *, sale_id: UUID, receipt_no: str) -> None:
    session = fx.session
    coupon = session.get(CouponRecord, use.coupon_id, with_for_update=True)
    status, number = "used", None
    if coupon is None or coupon.deleted or not coupon_valid_at(coupon, fx.store_id):
        status = "invalid"
        fx.conflict(
            "coupon_not_valid",
            f"sale {receipt_no} used coupon {use.coupon_id}, which is unknown, withdrawn or "
            "not valid at this store",
            about=str(use.coupon_id),
            sale_id=sale_id,
            coupon_id=use.coupon_id,
        )
    else:
        reservation = (
            session.get(CouponReservation, use.reservation_id) if use.reservation_id else None
        )
        own = (
            reservation is not None
            and reservation.coupon_id == coupon.id
            and reservation.sale_id == sale_id
            and reservation.status != "released"
        )
        holders = [] if own else live_holds(session, coupon.id, besides=sale_id, now=fx.now)
        if coupon.uses + len(holders) < coupon.max_uses:
            coupon.uses += 1
            coupon.last_use_number += 1
            coupon.updated_at = fx.now
            number = coupon.last_use_number
            if reservation is not None and own:
                reservation.status = "used"
        else:
            status = "over_limit"
            _over_limit(fx, coupon, sale_id=sale_id, receipt_no=receipt_no, holders=holders)
        session.flush()
        publish_coupon(session, fx.log, coupon)
    session.add(
        CouponRedemption(
            store_id=fx.store_id,
            id=new_id(),
            coupon_id=use.coupon_id,
            sale_id=sale_id,
            event_id=fx.event.id,
            decision=use.decision.value,
            reservation_id=use.reservation_id,
            amount=use.amount,
            use_number=number,
            status=status,
            created_at=fx.now,
        )
    )


def _over_limit(
    fx: Effect, coupon: CouponRecord, *, sale_id: UUID, receipt_no: str, holders: list[UUID]
) -> None:
    fx.batch.flush()  # the other sale may be an earlier event of this batch
    used_by = list(
        fx.session.execute(
            select(CouponRedemption.sale_id)
            .where(CouponRedemption.coupon_id == coupon.id, CouponRedemption.status == "used")
            .order_by(CouponRedemption.use_number)
        ).scalars()
    )
    others = used_by + [h for h in holders if h not in used_by]
    receipts = dict(
        fx.session.execute(
            select(SaleRecord.id, SaleRecord.receipt_no).where(SaleRecord.id.in_(others))
        ).all()
    )
    named = ", ".join(receipts.get(o, f"sale {o} (reserved online)") for o in others)
    fx.conflict(
        "coupon_over_limit",
        f"coupon {coupon.id} used by sale {receipt_no} beyond its {coupon.max_uses} use(s); "
        f"already used by {named or 'another sale'}",
        about=str(coupon.id),
        sale_id=sale_id,
        other_sale_ids=",".join(str(o) for o in others),
        coupon_id=coupon.id,
    )


def give_back(fx: Effect, *, sale_id: UUID, coupon_ids: list[UUID] | None) -> list[UUID]:
    """Reverse the sale's numbered uses (of `coupon_ids`, or all); returns the coupons."""
    session = fx.session
    query = select(CouponRedemption).where(
        CouponRedemption.sale_id == sale_id, CouponRedemption.status == "used"
    )
    if coupon_ids is not None:
        query = query.where(CouponRedemption.coupon_id.in_(coupon_ids))
    restored = []
    for redemption in session.execute(query.with_for_update()).scalars():
        redemption.status = "reversed"
        redemption.reversed_by = fx.event.id
        session.execute(
            update(CouponRecord)
            .where(CouponRecord.id == redemption.coupon_id)
            .values(uses=CouponRecord.uses - 1, updated_at=fx.now)
        )
        restored.append(redemption.coupon_id)
    session.flush()
    for coupon_id in restored:
        coupon = session.get(CouponRecord, coupon_id, populate_existing=True)
        if coupon is not None:
            publish_coupon(session, fx.log, coupon)
    return restored
