"""What the events of one push share: facts read once for the whole batch, and the writes
its effects leave to the batch's end (sale rows, stock movements and levels).

Effects that must read what earlier events of the batch wrote (a void or a return of a
sale pushed in the same batch) call `flush` first. When the push applies its events one
by one (each in its own savepoint), it flushes after each event, so a failing write is
the failing event's.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.protocol.events import Event, SaleCompletedV1
from sync_server.services.changelog import ChangeLog
from sync_server.services.ledgers import StockLedger
from sync_server.store.bulk import bulk_insert
from sync_server.store.members import MemberStore
from sync_server.store.sales import SaleRecord


class Batch:
    def __init__(
        self, session: Session, log: ChangeLog, store_id: UUID, events: list[Event]
    ) -> None:
        self.session = session
        self.stock = StockLedger(session, log)
        self._sales: list[dict[str, Any]] = []
        sales = [e.payload for e in events if isinstance(e.payload, SaleCompletedV1)]
        ids = {s.sale_id for s in sales}
        receipts = {s.receipt_no for s in sales}
        members = {s.member.member_id for s in sales if s.member is not None}
        self.sale_ids: set[UUID] = set()
        self.receipts: set[str] = set()
        self.related: set[tuple[UUID, UUID]] = set()
        if ids:
            self.sale_ids = set(
                session.execute(select(SaleRecord.id).where(SaleRecord.id.in_(ids))).scalars()
            )
            self.receipts = set(
                session.execute(
                    select(SaleRecord.receipt_no).where(
                        SaleRecord.store_id == store_id, SaleRecord.receipt_no.in_(receipts)
                    )
                ).scalars()
            )
        if members:
            self.related = {
                (m, s)
                for m, s in session.execute(
                    select(MemberStore.member_id, MemberStore.store_id).where(
                        MemberStore.member_id.in_(members), MemberStore.store_id == store_id
                    )
                ).all()
            }

    def add_sale(self, record: dict[str, Any]) -> None:
        self._sales.append(record)
        self.sale_ids.add(record["id"])
        self.receipts.add(record["receipt_no"])

    def flush(self) -> None:
        """Write what the batch's effects left for later."""
        bulk_insert(self.session, SaleRecord, self._sales)
        self._sales = []
        self.stock.flush()
