"""pickup.collected: a click-and-collect order handed over at the till (门店自提).

ready → collected, or partly_collected when items were missing or refused. The order's
reservation is converted: what was handed over becomes stock movements, the rest is
released. Handing over an order that was cancelled, expired or already collected raises a
conflict; the goods that left the store still leave the stock (the shelf is the truth).
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy import select

from pos_core.ids import new_id
from pos_core.protocol.events import PickupCollectedV1
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import PickupStatus
from sync_server.services.changelog import store_stream
from sync_server.services.effects.context import Effect
from sync_server.services.ledgers import adjust_reserved
from sync_server.services.rows import pickup_row
from sync_server.store.pickup import PickupOrderRecord, PickupStatusChange
from sync_server.store.stock import StockReservation


def pickup_collected(fx: Effect) -> None:
    handover = fx.event.payload
    assert isinstance(handover, PickupCollectedV1)
    session = fx.session
    order = session.get(PickupOrderRecord, handover.order_id, with_for_update=True)
    if order is None or order.store_id != fx.store_id:
        fx.conflict(
            "unknown_pickup_order",
            f"handover of order {handover.order_no}: no such order for this store; not applied",
            order_id=handover.order_id,
        )
        return
    handed = [(line.product_id, -line.quantity) for line in handover.lines]
    fx.batch.stock.move(
        store_id=fx.store_id,
        lines=handed,
        kind="pickup",
        event_id=fx.event.id,
        document_id=handover.handover_id,
        now=fx.now,
    )
    if order.status != PickupStatus.READY:
        kind = (
            "pickup_cancelled"
            if order.status in (PickupStatus.CANCELLED, PickupStatus.EXPIRED)
            else "pickup_already_collected"
        )
        fx.conflict(
            kind,
            f"order {order.order_no} was handed over while it was {order.status}",
            order_id=order.id,
        )
        return
    ordered = {line["line_id"]: Decimal(line["quantity"]) for line in order.lines}
    collected = dict(order.collected)
    for line in handover.lines:
        key = str(line.order_line_id)
        collected[key] = str(Decimal(collected.get(key, "0")) + line.quantity)
    full = handover.complete and all(
        Decimal(collected.get(line_id, "0")) >= quantity for line_id, quantity in ordered.items()
    )
    handed_lines = {line.order_line_id for line in handover.lines if line.quantity > 0}
    _close_reservations(fx, order.id, handed_lines)
    order.collected = collected
    order.status = PickupStatus.COLLECTED if full else PickupStatus.PARTLY_COLLECTED
    order.updated_at = fx.now
    session.add(
        PickupStatusChange(
            id=new_id(),
            order_id=order.id,
            status=order.status,
            event_id=fx.event.id,
            note=f"handover {handover.handover_id}",
            changed_at=fx.now,
        )
    )
    session.flush()
    fx.log.upsert_row(store_stream(order.store_id), Entity.PICKUP_ORDER, pickup_row(order))


def _close_reservations(fx: Effect, order_id: UUID, handed_lines: set[UUID]) -> None:
    """Every held line: converted if anything of it was handed over, else released."""
    held = fx.session.execute(
        select(StockReservation)
        .where(StockReservation.order_id == order_id, StockReservation.status == "held")
        .with_for_update()
    ).scalars()
    release: dict[UUID, Decimal] = {}
    for reservation in held:
        reservation.status = (
            "converted" if reservation.order_line_id in handed_lines else "released"
        )
        reservation.updated_at = fx.now
        release[reservation.product_id] = (
            release.get(reservation.product_id, Decimal(0)) - reservation.quantity
        )
    if release:
        adjust_reserved(fx.session, fx.log, store_id=fx.store_id, deltas=release)
