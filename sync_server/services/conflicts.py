"""Conflicts: what sync stored but could not reconcile, for a person to resolve (冲突).

A conflict's id is derived from the event and the kind (plus what it is about, when one
event can raise several of a kind), so replaying an event never duplicates one. It reaches
the tills of its store through the store stream. Resolving one adds compensating ledger
entries (points, stock) and never edits the event or any ledger row.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import ConflictRow
from pos_core.protocol.types import Quantity
from sync_server.services import tx
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.errors import Clash, Invalid, NotFound
from sync_server.services.ledgers import move_stock, post_points
from sync_server.services.rows import conflict_row
from sync_server.store.db import Database
from sync_server.store.members import MemberRecord
from sync_server.store.sync import ConflictRecord

log = logging.getLogger(__name__)

NAMESPACE: Final = uuid.UUID("6f6d6e69-7469-4c6c-8a63-6f6e666c6963")


def conflict_id(event_key: str | UUID, kind: str, about: str = "") -> UUID:
    name = f"{event_key}:{kind}" + (f":{about}" if about else "")
    return uuid.uuid5(NAMESPACE, name)


def raise_conflict(
    session: Session,
    changes: ChangeLog,
    *,
    store_id: UUID,
    kind: str,
    summary: str,
    event_key: str | UUID,
    event_id: UUID | None,
    about: str = "",
    details: dict[str, Any] | None = None,
    now: datetime,
) -> UUID:
    """Store a conflict (once per event, kind and subject) and publish it to the store."""
    cid = conflict_id(event_key, kind, about)
    record = session.get(ConflictRecord, cid)
    if record is None:
        record = ConflictRecord(
            id=cid,
            store_id=store_id,
            kind=kind,
            status="open",
            summary=summary[:500],
            details=details or {},
            event_id=event_id,
            created_at=now,
            resolution="",
        )
        session.add(record)
        session.flush()
        log.info("conflict %s raised: %s", kind, cid)
    changes.upsert_row(store_stream(store_id), Entity.CONFLICT, conflict_row(record))
    return cid


# --- head office: list and resolve --------------------------------------------------------


class PointsCompensation(BaseModel):
    member_id: UUID
    points: int = Field(ge=-10_000_000, le=10_000_000)


class StockCompensation(BaseModel):
    product_id: UUID
    quantity: Quantity


class Resolution(BaseModel):
    resolution: str = Field(min_length=1, max_length=500)
    points: list[PointsCompensation] = Field(default_factory=list, max_length=100)
    stock: list[StockCompensation] = Field(default_factory=list, max_length=1000)


class ConflictView(BaseModel):
    id: UUID
    store_id: UUID
    kind: str
    status: str
    summary: str
    details: dict[str, Any]
    event_id: UUID | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str
    compensation: list[dict[str, Any]] | None


def _view(record: ConflictRecord) -> ConflictView:
    return ConflictView.model_validate(record, from_attributes=True)


def list_conflicts(
    db: Database, *, store_id: UUID | None, status: str | None, limit: int = 200
) -> list[ConflictView]:
    """Conflicts, newest first, by store and status."""

    def work(session: Session) -> list[ConflictView]:
        query = select(ConflictRecord).order_by(ConflictRecord.created_at.desc()).limit(limit)
        if store_id is not None:
            query = query.where(ConflictRecord.store_id == store_id)
        if status is not None:
            query = query.where(ConflictRecord.status == status)
        return [_view(r) for r in session.execute(query).scalars()]

    return tx.read(db, work)


def store_conflicts(db: Database, store_id: UUID) -> list[ConflictRow]:
    """A store's conflicts as its tills see them."""
    return [
        ConflictRow.model_validate(c.model_dump())
        for c in list_conflicts(db, store_id=store_id, status=None, limit=1000)
    ]


def resolve(db: Database, conflict: UUID, *, by: str, request: Resolution) -> ConflictView:
    """Close a conflict, adding the compensating entries it names."""

    def work(unit: tx.Unit) -> ConflictView:
        session, now = unit.session, datetime.now(UTC)
        record = session.get(ConflictRecord, conflict)
        if record is None:
            raise NotFound(f"no conflict {conflict}")
        unit.log.lock([store_stream(record.store_id)])
        session.refresh(record, with_for_update=True)
        if record.status == "resolved":
            raise Clash(f"conflict {conflict} was already resolved by {record.resolved_by}")
        entries: list[dict[str, Any]] = []
        for item in request.points:
            if session.get(MemberRecord, item.member_id) is None:
                raise Invalid(f"no member {item.member_id}")
            balance = post_points(
                session,
                unit.log,
                store_id=record.store_id,
                member_id=item.member_id,
                delta=item.points,
                kind="compensation",
                event_id=None,
                document_id=record.id,
                now=now,
            )
            entries.append(
                {"points": item.points, "member_id": str(item.member_id), "balance": balance}
            )
        stock = [(s.product_id, s.quantity) for s in request.stock if s.quantity != Decimal(0)]
        move_stock(
            session,
            unit.log,
            store_id=record.store_id,
            lines=stock,
            kind="compensation",
            event_id=None,
            document_id=record.id,
            now=now,
        )
        entries += [{"product_id": str(p), "quantity": str(q)} for p, q in stock]
        record.status = "resolved"
        record.resolved_at = now
        record.resolved_by = by[:100]
        record.resolution = request.resolution
        record.compensation = entries
        session.flush()
        unit.log.upsert_row(store_stream(record.store_id), Entity.CONFLICT, conflict_row(record))
        return _view(record)

    return tx.write(db, work, what="resolving a conflict")
