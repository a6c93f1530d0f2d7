"""Sales as head office queries them, and a till's look-up by receipt number for returns.

A till sees its own store's sales whole. Another store's sale it sees only where its own
store allows cross-store returns, and then only what a return needs — lines, amounts and
tender types — with no member, points, coupons or payment references (DESIGN promise 8).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.protocol.rows import SaleRow
from sync_server.services import tx
from sync_server.services.auth import DeviceCaller
from sync_server.services.errors import NotFound
from sync_server.store.db import Database
from sync_server.store.org import StoreRecord
from sync_server.store.sales import SaleRecord


class SaleSummary(BaseModel):
    id: UUID
    store_id: UUID
    receipt_no: str
    till_number: int
    business_date: date
    completed_at: datetime
    received_at: datetime
    total: Decimal
    member_id: UUID | None
    voided: bool


def query_sales(
    db: Database,
    *,
    store_id: UUID,
    business_date: date | None,
    till_number: int | None,
    limit: int,
    offset: int,
) -> list[SaleSummary]:
    """A store's sales, by business day and till, in the order they completed."""

    def work(session: Session) -> list[SaleSummary]:
        query = select(SaleRecord).where(SaleRecord.store_id == store_id)
        if business_date is not None:
            query = query.where(SaleRecord.business_date == business_date)
        if till_number is not None:
            query = query.where(SaleRecord.till_number == till_number)
        query = query.order_by(SaleRecord.completed_at, SaleRecord.id).limit(limit).offset(offset)
        return [
            SaleSummary.model_validate(record, from_attributes=True)
            for record in session.execute(query).scalars()
        ]

    return tx.read(db, work)


def get_sale(db: Database, sale_id: UUID) -> SaleRow:
    def work(session: Session) -> SaleRow:
        record = session.execute(
            select(SaleRecord).where(SaleRecord.id == sale_id)
        ).scalar_one_or_none()
        if record is None:
            raise NotFound(f"no sale {sale_id}")
        return SaleRow.model_validate_json(record.row)

    return tx.read(db, work)


def for_return(db: Database, device: DeviceCaller, receipt_no: str) -> SaleRow:
    """A sale by receipt number, as much as this till may see of it for a return."""
    receipt_no = receipt_no.strip().upper()

    def work(session: Session) -> SaleRow:
        own = session.execute(
            select(SaleRecord).where(
                SaleRecord.store_id == device.store_id, SaleRecord.receipt_no == receipt_no
            )
        ).scalar_one_or_none()
        if own is not None:
            return SaleRow.model_validate_json(own.row)
        store = session.get(StoreRecord, device.store_id)
        if store is None or not store.settings.get("allow_cross_store_returns", False):
            raise NotFound(f"no sale {receipt_no} at this store")
        other = session.execute(
            select(SaleRecord).where(SaleRecord.receipt_no == receipt_no).limit(1)
        ).scalar_one_or_none()
        if other is None:
            raise NotFound(f"no sale {receipt_no}")
        row = SaleRow.model_validate_json(other.row)
        return row.model_copy(
            update={
                "member_id": None,
                "points_earned": 0,
                "points_redeemed": 0,
                "coupon_ids": [],
                "tenders": [t.model_copy(update={"reference": None}) for t in row.tenders],
            }
        )

    return tx.read(db, work)
