"""sale.completed and sale.voided: the sale stored as rung (never re-priced), its stock
movements, its points and its coupon uses; a void reverses all three.

A sale that took payment for a click-and-collect order (`pickup_order_id`) moves no
stock: the order's `pickup.collected` event converts its reservation instead.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.protocol.events import SaleCompletedV1, SaleVoidedV1
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import SaleRow, SoldLineRow, SoldTenderRow
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.effects.context import Effect, replicated
from sync_server.services.effects.coupons import give_back, redeem
from sync_server.services.effects.members import resolve_member
from sync_server.services.ledgers import post_points, relate_member
from sync_server.store.sales import SaleRecord


def publish_sale(log: ChangeLog, sale: SaleRecord) -> None:
    if sale.replicated:
        log.upsert(store_stream(sale.store_id), Entity.SALE, str(sale.id), sale.row)


def sale_completed(fx: Effect) -> None:
    sale = fx.event.payload
    assert isinstance(sale, SaleCompletedV1)
    session = fx.session
    if sale.store_id != fx.store_id:
        fx.conflict(
            "wrong_store",
            f"sale {sale.receipt_no} names store {sale.store_id}, but till {fx.till_number} "
            f"belongs to store {fx.store_id}; stored, not applied",
            sale_id=sale.sale_id,
        )
        return
    if sale.sale_id in fx.batch.sale_ids:
        fx.conflict(
            "duplicate_sale",
            f"sale {sale.sale_id} ({sale.receipt_no}) arrived in a second event; not applied",
        )
        return
    if sale.receipt_no in fx.batch.receipts:
        fx.conflict(
            "receipt_number_reused",
            f"receipt number {sale.receipt_no} is on two different sales",
            sale_id=sale.sale_id,
        )
    member_id = None
    if sale.member is not None:
        member_id = resolve_member(session, sale.member.member_id)
        if member_id is None:
            fx.conflict(
                "unknown_member",
                f"sale {sale.receipt_no} names member {sale.member.card_no}, whom the server "
                "does not know; no points were posted",
                member_id=sale.member.member_id,
            )
    row = SaleRow(
        id=sale.sale_id,
        receipt_no=sale.receipt_no,
        store_id=sale.store_id,
        till_number=sale.till_number,
        business_date=fx.event.business_date,
        completed_at=sale.completed_at,
        lines=[
            SoldLineRow(
                line_id=line.line_id,
                product_id=line.product_id,
                name=line.name,
                quantity=line.quantity,
                unit=line.unit,
                amount=line.amount,
                tax=line.tax,
                tax_code=line.tax_code,
            )
            for line in sale.lines
        ],
        tenders=[
            SoldTenderRow(kind=t.kind, amount=t.amount, reference=t.reference) for t in sale.tenders
        ],
        total=sale.total,
        member_id=member_id,
        points_earned=sale.points_earned,
        points_redeemed=sale.points_redeemed,
        coupon_ids=[c.coupon_id for c in sale.coupons],
    )
    record: dict[str, Any] = {
        "store_id": fx.store_id,
        "id": sale.sale_id,
        "receipt_no": sale.receipt_no,
        "till_number": sale.till_number,
        "device_id": fx.device_id,
        "event_id": fx.event.id,
        "shift_id": sale.shift_id,
        "cashier_id": sale.cashier_id,
        "business_date": fx.event.business_date,
        "completed_at": sale.completed_at,
        "received_at": fx.now,
        "total": sale.total,
        "member_id": member_id,
        "pickup_order_id": sale.pickup_order_id,
        "voided": False,
        "replicated": replicated(fx.event.business_date, fx.now),
        "row": row.model_dump_json(),
    }
    fx.batch.add_sale(record)
    if sale.pickup_order_id is None:
        fx.batch.stock.move(
            store_id=fx.store_id,
            lines=[(line.product_id, -line.quantity) for line in sale.lines],
            kind="sale",
            event_id=fx.event.id,
            document_id=sale.sale_id,
            now=fx.now,
        )
    if member_id is not None:
        relate_member(
            session, fx.log, member_id=member_id, store_id=fx.store_id, now=fx.now,
            related=fx.batch.related,
        )  # fmt: skip
        _points(
            fx, member_id, sale.sale_id, sale.receipt_no, sale.points_redeemed, sale.points_earned
        )
    for use in sale.coupons:
        redeem(fx, use, sale_id=sale.sale_id, receipt_no=sale.receipt_no)
    if record["replicated"]:
        fx.log.upsert(fx.stream, Entity.SALE, str(sale.sale_id), record["row"])


def _points(
    fx: Effect, member_id: UUID, document: UUID, receipt: str, spent: int, earned: int
) -> None:
    """Redeemed points first (and the overspend check), then earned ones."""
    common = {"store_id": fx.store_id, "member_id": member_id, "event_id": fx.event.id}
    if spent:
        balance = post_points(
            fx.session, fx.log, delta=-spent, kind="redeemed", document_id=document,
            now=fx.now, **common,
        )  # fmt: skip
        if balance < 0:
            fx.conflict(
                "points_overspent",
                f"{receipt} redeemed {spent} points; the member's balance is now {balance}",
                member_id=member_id,
                balance=balance,
            )
    if earned:
        post_points(
            fx.session, fx.log, delta=earned, kind="earned", document_id=document, now=fx.now,
            **common,
        )  # fmt: skip


def lock_sale(session: Session, sale_id: UUID) -> SaleRecord | None:
    return session.execute(
        select(SaleRecord).where(SaleRecord.id == sale_id).with_for_update()
    ).scalar_one_or_none()


def sale_voided(fx: Effect) -> None:
    void = fx.event.payload
    assert isinstance(void, SaleVoidedV1)
    session = fx.session
    fx.batch.flush()  # the sale may be an earlier event of this batch
    sale = lock_sale(session, void.sale_id)
    if sale is None or sale.store_id != fx.store_id:
        fx.conflict(
            "unknown_sale",
            f"void of {void.receipt_no}: no sale {void.sale_id} of this store; not applied",
            sale_id=void.sale_id,
        )
        return
    if sale.voided:
        fx.conflict("already_voided", f"sale {sale.receipt_no} was already voided")
        return
    row = SaleRow.model_validate_json(sale.row)
    if sale.pickup_order_id is None:
        fx.batch.stock.move(
            store_id=sale.store_id,
            lines=[(ln.product_id, ln.quantity - ln.returned_quantity) for ln in row.lines],
            kind="void",
            event_id=fx.event.id,
            document_id=void.void_id,
            now=fx.now,
        )
    if void.points_reversed or void.points_restored:
        if sale.member_id is None:
            fx.conflict("unknown_member", f"void of {sale.receipt_no} moves points of no member")
        else:
            reverse_points(
                fx, sale.member_id, void.void_id, void.points_reversed, void.points_restored
            )
    give_back(fx, sale_id=sale.id, coupon_ids=None)
    sale.voided = True
    sale.row = row.model_copy(update={"voided": True}).model_dump_json()
    session.flush()
    publish_sale(fx.log, sale)


def reverse_points(
    fx: Effect, member_id: UUID, document: UUID, reversed_: int, restored: int
) -> None:
    """Redeemed points given back, then earned points taken back (which may overspend)."""
    common = {"store_id": fx.store_id, "member_id": member_id, "event_id": fx.event.id}
    if restored:
        post_points(
            fx.session, fx.log, delta=restored, kind="restored", document_id=document,
            now=fx.now, **common,
        )  # fmt: skip
    if reversed_:
        balance = post_points(
            fx.session, fx.log, delta=-reversed_, kind="reversed", document_id=document,
            now=fx.now, **common,
        )  # fmt: skip
        if balance < 0:
            fx.conflict(
                "points_overspent",
                f"taking back {reversed_} earned points left the balance at {balance}",
                member_id=member_id,
                balance=balance,
            )
