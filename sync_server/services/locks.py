"""The fixed lock order of a push: stream counters by name, then members, then coupons, by id.

Before any event of a batch is applied, every row the batch will contend on is locked:
the counter rows of the streams it will publish to (its store's, and those of the stores
that see its members, its coupons and the sales it voids or returns), then the members
and coupons it names. Two pushes therefore take their common locks in the same order and
cannot deadlock each other; a lock discovered late (a member merged mid-batch) is still
taken, and the rare deadlock it may cause is retried by `tx.write`.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.protocol.events import (
    Event,
    ReturnCompletedV1,
    SaleCompletedV1,
    SaleVoidedV1,
)
from sync_server.services.audience import all_store_ids, member_store_ids
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.effects.members import resolve_members
from sync_server.store.members import MemberRecord
from sync_server.store.offers import CouponRecord, CouponRedemption
from sync_server.store.sales import SaleRecord


def lock_for_batch(session: Session, log: ChangeLog, store_id: UUID, events: list[Event]) -> None:
    """Lock, in the fixed order, everything the batch's effects will write to."""
    members: set[UUID] = set()
    coupons: set[UUID] = set()
    sales: set[UUID] = set()
    for event in events:
        payload = event.payload
        if isinstance(payload, SaleCompletedV1):
            if payload.member is not None:
                members.add(payload.member.member_id)
            coupons.update(c.coupon_id for c in payload.coupons)
        elif isinstance(payload, SaleVoidedV1):
            sales.add(payload.sale_id)
        elif isinstance(payload, ReturnCompletedV1):
            if payload.member_id is not None:
                members.add(payload.member_id)
            if payload.original_sale_id is not None:
                sales.add(payload.original_sale_id)
            coupons.update(payload.coupons_restored)
    stores: set[UUID] = {store_id}
    if sales:
        for sale_store, member_id in session.execute(
            select(SaleRecord.store_id, SaleRecord.member_id).where(SaleRecord.id.in_(sales))
        ).all():
            stores.add(sale_store)
            if member_id is not None:
                members.add(member_id)
        coupons.update(
            session.execute(
                select(CouponRedemption.coupon_id).where(CouponRedemption.sale_id.in_(sales))
            ).scalars()
        )
    member_ids = sorted(set(resolve_members(session, members).values()))
    for related in member_store_ids(session, member_ids).values():
        stores |= related
    coupon_rows = (
        session.execute(
            select(CouponRecord.id, CouponRecord.store_ids).where(CouponRecord.id.in_(coupons))
        ).all()
        if coupons
        else []
    )
    chain_wide = False
    for _, store_ids in coupon_rows:
        if store_ids is None:
            chain_wide = True
        else:
            stores.update(UUID(s) for s in store_ids)
    if chain_wide:
        stores.update(all_store_ids(session))
    log.lock(store_stream(s) for s in stores)
    if member_ids:
        session.execute(
            select(MemberRecord.id)
            .where(MemberRecord.id.in_(member_ids))
            .order_by(MemberRecord.id)
            .with_for_update()
        ).all()
    if coupons:
        session.execute(
            select(CouponRecord.id)
            .where(CouponRecord.id.in_(coupons))
            .order_by(CouponRecord.id)
            .with_for_update()
        ).all()
