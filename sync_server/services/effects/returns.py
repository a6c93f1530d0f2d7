"""return.completed: goods back on the shelf, returned quantities on the original sale,
points reversed and restored, coupon uses given back where the coupon's rule allows.

Stock goes back for everything the return lists, even past what was sold: the goods are
physically in the store. Returning more than sold minus already returned raises an
`over_return` conflict (the money needs a person); the sale's returned quantities are
capped at what was sold, so the tills never see a line returned twice over.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy import select

from pos_core.protocol.events import ReturnCompletedV1
from pos_core.protocol.rows import SaleRow
from sync_server.services.effects.context import Effect
from sync_server.services.effects.coupons import give_back
from sync_server.services.effects.members import resolve_member
from sync_server.services.effects.sales import lock_sale, publish_sale, reverse_points
from sync_server.services.ledgers import relate_member
from sync_server.store.offers import CouponRecord
from sync_server.store.sales import ReturnRecord, SaleRecord


def return_completed(fx: Effect) -> None:
    ret = fx.event.payload
    assert isinstance(ret, ReturnCompletedV1)
    session = fx.session
    fx.batch.flush()  # the sale returned may be an earlier event of this batch
    if session.execute(select(ReturnRecord.id).where(ReturnRecord.id == ret.return_id)).first():
        fx.conflict("duplicate_return", f"return {ret.return_no} arrived twice; not applied")
        return
    original = lock_sale(session, ret.original_sale_id) if ret.original_sale_id else None
    if ret.original_sale_id is not None and original is None:
        fx.conflict(
            "unknown_original_sale",
            f"return {ret.return_no} names sale {ret.original_receipt_no or ret.original_sale_id}, "
            "which the server does not have; the goods were taken back into stock",
            sale_id=ret.original_sale_id,
        )
    if (
        original is not None
        and original.store_id != fx.store_id
        and not fx.settings.get("allow_cross_store_returns", False)
    ):
        fx.conflict(
            "cross_store_return",
            f"return {ret.return_no} of {original.receipt_no}, a sale of another store, "
            "where this store does not allow cross-store returns",
            sale_id=original.id,
        )
        original = None
    if original is not None and original.voided:
        fx.conflict(
            "return_of_voided_sale",
            f"return {ret.return_no} takes back goods of {original.receipt_no}, which was voided",
            sale_id=original.id,
        )
    refunded = sum((r.amount for r in ret.refunds), Decimal("0.00"))
    member_id = resolve_member(
        session, ret.member_id or (original.member_id if original is not None else None)
    )
    session.add(
        ReturnRecord(
            store_id=fx.store_id,
            id=ret.return_id,
            return_no=ret.return_no,
            till_number=fx.till_number,
            original_sale_id=ret.original_sale_id,
            original_store_id=original.store_id if original is not None else None,
            event_id=fx.event.id,
            business_date=fx.event.business_date,
            refunded=refunded,
            member_id=member_id,
            received_at=fx.now,
            payload=ret.model_dump_json(),
        )
    )
    session.flush()
    fx.batch.stock.move(
        store_id=fx.store_id,
        lines=[(line.product_id, line.quantity) for line in ret.lines],
        kind="return",
        event_id=fx.event.id,
        document_id=ret.return_id,
        now=fx.now,
    )
    if original is not None:
        _mark_returned(fx, ret, original)
    if ret.points_reversed or ret.points_restored:
        if member_id is None:
            fx.conflict("unknown_member", f"return {ret.return_no} moves points of no member")
        else:
            relate_member(session, fx.log, member_id=member_id, store_id=fx.store_id, now=fx.now)
            reverse_points(fx, member_id, ret.return_id, ret.points_reversed, ret.points_restored)
    if ret.coupons_restored and original is not None:
        _restore_coupons(fx, ret, original)


def _mark_returned(fx: Effect, ret: ReturnCompletedV1, original: SaleRecord) -> None:
    row = SaleRow.model_validate_json(original.row)
    lines = {line.line_id: line for line in row.lines}
    over: list[str] = []
    for item in ret.lines:
        if item.original_line_id is None:
            continue
        line = lines.get(item.original_line_id)
        if line is None:
            over.append(f"line {item.original_line_id} is not on the sale")
            continue
        left = line.quantity - line.returned_quantity
        if item.quantity > left:
            over.append(f"{line.name}: {item.quantity} returned, {left} left to return")
        lines[line.line_id] = line.model_copy(
            update={"returned_quantity": min(line.quantity, line.returned_quantity + item.quantity)}
        )
    if over:
        fx.conflict(
            "over_return",
            f"return {ret.return_no} takes back more than sale {original.receipt_no} has left: "
            + "; ".join(over),
            store_id=fx.store_id,
            sale_id=original.id,
        )
    updated = row.model_copy(update={"lines": [lines[line.line_id] for line in row.lines]})
    original.row = updated.model_dump_json()
    fx.session.flush()
    publish_sale(fx.log, original)


def _restore_coupons(fx: Effect, ret: ReturnCompletedV1, original: SaleRecord) -> None:
    coupons = fx.session.execute(
        select(CouponRecord.id, CouponRecord.restore_on_return).where(
            CouponRecord.id.in_(ret.coupons_restored)
        )
    ).all()
    allowed: list[UUID] = []
    refused: list[UUID] = []
    for coupon_id, rule in coupons:
        (refused if rule == "never" else allowed).append(coupon_id)
    if refused:
        fx.conflict(
            "coupon_not_restorable",
            f"return {ret.return_no} gives back coupon(s) whose rule never restores a use: "
            + ", ".join(str(c) for c in refused),
        )
    give_back(fx, sale_id=original.id, coupon_ids=allowed)
