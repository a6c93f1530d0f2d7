"""Head office's stock: deliveries booked centrally, transfers between stores, level reports.

Both are movements (never absolute levels), published to the stores' tills in the same
transaction. A transfer moves stock out of one store and into the other at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.protocol.types import Quantity
from sync_server.services import tx
from sync_server.services.changelog import store_stream
from sync_server.services.errors import Invalid
from sync_server.services.ledgers import move_stock
from sync_server.store.catalog import ProductRecord
from sync_server.store.db import Database
from sync_server.store.org import StoreRecord
from sync_server.store.stock import StockDocument, StockLevel


class StockLineIn(BaseModel):
    product_id: UUID
    quantity: Quantity = Field(gt=Decimal("0"), le=Decimal("10000000"))


class StockReceiptIn(BaseModel):
    store_id: UUID
    reference: str = Field(default="", max_length=100)
    lines: list[StockLineIn] = Field(min_length=1, max_length=5000)


class TransferIn(BaseModel):
    from_store_id: UUID
    to_store_id: UUID
    reference: str = Field(default="", max_length=100)
    lines: list[StockLineIn] = Field(min_length=1, max_length=5000)


class StockDocumentView(BaseModel):
    id: UUID
    kind: str
    levels: dict[UUID, dict[UUID, Quantity]]  # store → product → on hand after


class LevelView(BaseModel):
    product_id: UUID
    on_hand: Quantity
    reserved: Quantity
    available: Quantity


def _check(session: Session, stores: list[UUID], lines: list[StockLineIn]) -> None:
    for store_id in stores:
        if session.get(StoreRecord, store_id) is None:
            raise Invalid(f"no store {store_id}")
    ids = {line.product_id for line in lines}
    found = set(
        session.execute(select(ProductRecord.id).where(ProductRecord.id.in_(ids))).scalars()
    )
    if ids - found:
        raise Invalid(f"no product {sorted(ids - found)[0]}")


def _book(
    db: Database, kind: str, source: UUID | None, target: UUID, reference: str,
    lines: list[StockLineIn], by: str,
) -> StockDocumentView:  # fmt: skip
    def work(unit: tx.Unit) -> StockDocumentView:
        session, now = unit.session, datetime.now(UTC)
        stores = [s for s in (source, target) if s is not None]
        _check(session, stores, lines)
        unit.log.lock(store_stream(s) for s in stores)
        document = StockDocument(
            id=new_id(),
            kind=kind,
            from_store_id=source,
            to_store_id=target,
            reference=reference,
            lines=[line.model_dump(mode="json") for line in lines],
            created_by=by[:100],
            created_at=now,
        )
        session.add(document)
        levels: dict[UUID, dict[UUID, Decimal]] = {}
        moves = [(source, -1, "transfer_out"), (target, 1, "transfer_in" if source else "receipt")]
        for store_id, sign, move in moves:
            if store_id is None:
                continue
            levels[store_id] = move_stock(
                session,
                unit.log,
                store_id=store_id,
                lines=[(line.product_id, sign * line.quantity) for line in lines],
                kind=move,
                event_id=None,
                document_id=document.id,
                now=now,
            )
        return StockDocumentView(id=document.id, kind=kind, levels=levels)

    return tx.write(db, work, what=f"booking a stock {kind}")


def receive(db: Database, request: StockReceiptIn, *, by: str) -> StockDocumentView:
    """A delivery booked by head office: + movements at the store."""
    return _book(db, "receipt", None, request.store_id, request.reference, request.lines, by)


def transfer(db: Database, request: TransferIn, *, by: str) -> StockDocumentView:
    """Stock out of one store and into another, in one transaction."""
    if request.from_store_id == request.to_store_id:
        raise Invalid("a transfer needs two different stores")
    return _book(
        db, "transfer", request.from_store_id, request.to_store_id, request.reference,
        request.lines, by,
    )  # fmt: skip


def levels(db: Database, store_id: UUID, *, limit: int, after: UUID | None) -> list[LevelView]:
    """A store's stock levels, by product id, a page at a time."""

    def work(session: Session) -> list[LevelView]:
        query = (
            select(StockLevel)
            .where(StockLevel.store_id == store_id)
            .order_by(StockLevel.product_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(StockLevel.product_id > after)
        return [
            LevelView(
                product_id=level.product_id,
                on_hand=level.quantity,
                reserved=level.reserved,
                available=level.quantity - level.reserved,
            )
            for level in session.execute(query).scalars()
        ]

    return tx.read(db, work)
