"""Click-and-collect orders (线上下单门店自提), the online shop's side.

Creating an order reserves its stock at the pickup store (on-hand is unchanged; the
reservation is what the order holds) and publishes it to that store's tills with its
pickup code hashed with the order id. Cancelling releases the reservation. The handover
itself arrives from a till as `pickup.collected` (see `effects.pickup`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.members import PhoneError, mask_phone, phone_hash
from pos_core.protocol.codes import pickup_code_hash
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import PickupOrderRow, PickupStatus
from pos_core.protocol.types import Amount, Quantity
from sync_server.services import tx
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.errors import Clash, Invalid, NotFound
from sync_server.services.ledgers import adjust_reserved
from sync_server.services.rows import pickup_row
from sync_server.services.stores import chain
from sync_server.store.catalog import ProductRecord
from sync_server.store.db import Database
from sync_server.store.org import StoreRecord
from sync_server.store.pickup import PickupOrderRecord, PickupStatusChange
from sync_server.store.stock import StockReservation

DEFAULT_PICKUP_DAYS: Final = 3


class OrderLineIn(BaseModel):
    product_id: UUID
    quantity: Quantity = Field(gt=Decimal("0"), le=Decimal("100000"))
    unit_price: Amount = Field(ge=Decimal("0"), le=Decimal("1000000"))


class OrderCreate(BaseModel):
    store_id: UUID
    order_no: str | None = Field(default=None, min_length=1, max_length=40)
    customer_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=20)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    paid_online: bool = True
    expires_at: AwareDatetime | None = None
    pickup_code: str | None = Field(default=None, pattern=r"^\d{6}$")


class StatusChangeView(BaseModel):
    status: str
    changed_at: datetime
    note: str


class OrderView(BaseModel):
    order: PickupOrderRow
    store_id: UUID
    pickup_code: str = Field(description="the 6-digit code the customer shows at the store")
    history: list[StatusChangeView]


def mask_name(name: str) -> str:
    """张三丰 → 张**: enough for a clerk to greet the customer."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _history(
    session: Session, order: PickupOrderRecord, status: str, note: str, now: datetime
) -> None:
    session.add(
        PickupStatusChange(
            id=new_id(), order_id=order.id, status=status, event_id=None, note=note, changed_at=now
        )
    )


def _view(session: Session, order: PickupOrderRecord) -> OrderView:
    history = session.execute(
        select(PickupStatusChange)
        .where(PickupStatusChange.order_id == order.id)
        .order_by(PickupStatusChange.changed_at, PickupStatusChange.id)
    ).scalars()
    return OrderView(
        order=pickup_row(order),
        store_id=order.store_id,
        pickup_code=order.pickup_code,
        history=[
            StatusChangeView(status=h.status, changed_at=h.changed_at, note=h.note) for h in history
        ],
    )


def publish_order(log: ChangeLog, order: PickupOrderRecord) -> None:
    log.upsert_row(store_stream(order.store_id), Entity.PICKUP_ORDER, pickup_row(order))


def create_order(db: Database, request: OrderCreate) -> OrderView:
    """An order for pickup at a store; its stock is reserved there."""
    code = request.pickup_code or f"{secrets.randbelow(1_000_000):06d}"

    def work(unit: tx.Unit) -> OrderView:
        session, now = unit.session, datetime.now(UTC)
        store = session.get(StoreRecord, request.store_id)
        if store is None:
            raise Invalid(f"no store {request.store_id}")
        unit.log.lock([store_stream(store.id)])
        products = {
            p.id: p
            for p in session.execute(
                select(ProductRecord).where(
                    ProductRecord.id.in_({line.product_id for line in request.lines})
                )
            ).scalars()
        }
        missing = [
            str(line.product_id) for line in request.lines if line.product_id not in products
        ]
        if missing or any(p.deleted for p in products.values()):
            raise Invalid(f"no product {missing[0] if missing else 'deleted'}")
        order_id = new_id()
        order_no = request.order_no or f"{now:%Y%m%d}{store.code}{secrets.randbelow(10**6):06d}"
        if session.execute(
            select(PickupOrderRecord.id).where(PickupOrderRecord.order_no == order_no)
        ).first():
            raise Clash(f"order number {order_no} is already in use")
        key = bytes.fromhex(chain(session).member_lookup_key)
        try:
            hashed = phone_hash(request.phone, key) if request.phone else ""
            masked = mask_phone(request.phone) if request.phone else ""
        except PhoneError as exc:
            raise Invalid(str(exc)) from None
        lines = [
            {
                "line_id": str(new_id()),
                "product_id": str(line.product_id),
                "name": products[line.product_id].name,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
            }
            for line in request.lines
        ]
        due = sum((line.quantity * line.unit_price for line in request.lines), Decimal("0"))
        order = PickupOrderRecord(
            id=order_id,
            store_id=store.id,
            order_no=order_no,
            code_hash=pickup_code_hash(order_id, code),
            pickup_code=code,
            customer_name_masked=mask_name(request.customer_name),
            phone_masked=masked,
            phone_hash=hashed,
            lines=lines,
            collected={},
            paid_online=request.paid_online,
            amount_due=Decimal("0.00") if request.paid_online else due.quantize(Decimal("0.01")),
            status=PickupStatus.READY.value,
            created_at=now,
            expires_at=request.expires_at or now + timedelta(days=DEFAULT_PICKUP_DAYS),
            updated_at=now,
        )
        session.add(order)
        reserve(session, unit.log, order, now)
        _history(session, order, PickupStatus.READY.value, "created", now)
        session.flush()
        publish_order(unit.log, order)
        return _view(session, order)

    return tx.write(db, work, what="creating an order")


def reserve(session: Session, log: ChangeLog, order: PickupOrderRecord, now: datetime) -> None:
    """Hold each line's quantity at the pickup store."""
    deltas: dict[UUID, Decimal] = {}
    for line in order.lines:
        product_id, quantity = UUID(line["product_id"]), Decimal(line["quantity"])
        session.add(
            StockReservation(
                id=new_id(),
                store_id=order.store_id,
                product_id=product_id,
                order_id=order.id,
                order_line_id=UUID(line["line_id"]),
                quantity=quantity,
                status="held",
                updated_at=now,
            )
        )
        deltas[product_id] = deltas.get(product_id, Decimal(0)) + quantity
    session.flush()
    adjust_reserved(session, log, store_id=order.store_id, deltas=deltas)


def release(session: Session, log: ChangeLog, order: PickupOrderRecord, now: datetime) -> None:
    """Give back everything the order still holds."""
    deltas: dict[UUID, Decimal] = {}
    for held in session.execute(
        select(StockReservation).where(
            StockReservation.order_id == order.id, StockReservation.status == "held"
        )
    ).scalars():
        held.status, held.updated_at = "released", now
        deltas[held.product_id] = deltas.get(held.product_id, Decimal(0)) - held.quantity
    if deltas:
        adjust_reserved(session, log, store_id=order.store_id, deltas=deltas)


def cancel_order(db: Database, order: UUID) -> OrderView:
    """Cancel a ready order; its reservation is released. A till handing it over later
    raises a conflict."""

    def work(unit: tx.Unit) -> OrderView:
        session, now = unit.session, datetime.now(UTC)
        record = session.get(PickupOrderRecord, order)
        if record is None:
            raise NotFound(f"no order {order}")
        unit.log.lock([store_stream(record.store_id)])
        session.refresh(record, with_for_update=True)
        if record.status != PickupStatus.READY.value:
            raise Clash(f"order {record.order_no} is {record.status}; only a ready order cancels")
        record.status, record.updated_at = PickupStatus.CANCELLED.value, now
        release(session, unit.log, record, now)
        _history(session, record, record.status, "cancelled online", now)
        session.flush()
        publish_order(unit.log, record)
        return _view(session, record)

    return tx.write(db, work, what="cancelling an order")


def get_order(db: Database, order: UUID) -> OrderView:
    def work(session: Session) -> OrderView:
        record = session.get(PickupOrderRecord, order)
        if record is None:
            raise NotFound(f"no order {order}")
        return _view(session, record)

    return tx.read(db, work)
