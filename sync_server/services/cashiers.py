"""Cashiers (收银员) with roles and PINs. The PIN is hashed (scrypt) on arrival; its hash goes
to the store's tills (they check PINs offline) and never back to an API user.

A cashier moved to another store arrives there as an upsert and leaves the old store as a
delete; a deleted cashier is a delete everywhere. Numbers are unique within a store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.permissions import Role
from pos_core.pins import PinError, hash_pin
from pos_core.protocol.messages import Entity
from sync_server.services import tx
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.errors import Clash, Invalid, NotFound
from sync_server.services.rows import cashier_row
from sync_server.services.tills import find_store
from sync_server.store.db import Database
from sync_server.store.org import CashierRecord


class CashierCreate(BaseModel):
    number: str = Field(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z]+$")
    name: str = Field(min_length=1, max_length=100)
    role: Role
    pin: str = Field(pattern=r"^\d{4,8}$")


class CashierPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Role | None = None
    pin: str | None = Field(default=None, pattern=r"^\d{4,8}$")
    active: bool | None = None
    store_id: UUID | None = None


class CashierView(BaseModel):
    """A cashier as head office sees one: never the PIN or its hash."""

    id: UUID
    store_id: UUID
    number: str
    name: str
    role: Role
    active: bool


def _view(record: CashierRecord) -> CashierView:
    return CashierView(
        id=record.id,
        store_id=record.store_id,
        number=record.number,
        name=record.name,
        role=Role(record.role),
        active=record.active,
    )


def _hash(pin: str) -> str:
    try:
        return hash_pin(pin)
    except PinError as exc:
        raise Invalid(str(exc)) from None


def _check_number(session: Session, store_id: UUID, number: str, besides: UUID | None) -> None:
    taken = session.execute(
        select(CashierRecord.id).where(
            CashierRecord.store_id == store_id,
            CashierRecord.number == number,
            CashierRecord.deleted.is_(False),
        )
    ).scalar_one_or_none()
    if taken is not None and taken != besides:
        raise Clash(f"cashier number {number} is already in use at this store")


def _publish(log: ChangeLog, record: CashierRecord) -> None:
    log.upsert_row(store_stream(record.store_id), Entity.CASHIER, cashier_row(record))


def create_cashier(db: Database, store: UUID, request: CashierCreate) -> CashierView:
    """A new cashier at a store; the store's tills receive it with its PIN hash."""
    pin_hash = _hash(request.pin)  # slow on purpose (scrypt): outside the transaction

    def work(unit: tx.Unit) -> CashierView:
        session = unit.session
        record_store = find_store(session, store)
        unit.log.lock([store_stream(record_store.id)])
        _check_number(session, record_store.id, request.number, None)
        record = CashierRecord(
            id=new_id(),
            store_id=record_store.id,
            number=request.number,
            name=request.name,
            role=request.role.value,
            pin_hash=pin_hash,
            active=True,
            deleted=False,
            updated_at=datetime.now(UTC),
        )
        session.add(record)
        session.flush()
        _publish(unit.log, record)
        return _view(record)

    return tx.write(db, work, what="creating a cashier")


def update_cashier(db: Database, cashier: UUID, request: CashierPatch) -> CashierView:
    """Change a cashier's name, role, PIN, active flag or store."""
    pin_hash = _hash(request.pin) if request.pin is not None else None

    def work(unit: tx.Unit) -> CashierView:
        session = unit.session
        record = session.get(CashierRecord, cashier)
        if record is None or record.deleted:
            raise NotFound(f"no cashier {cashier}")
        target = find_store(session, request.store_id).id if request.store_id else record.store_id
        unit.log.lock({store_stream(record.store_id), store_stream(target)})
        session.refresh(record, with_for_update=True)
        if target != record.store_id:
            _check_number(session, target, record.number, record.id)
            unit.log.delete(store_stream(record.store_id), Entity.CASHIER, str(record.id))
            record.store_id = target
        if request.name is not None:
            record.name = request.name
        if request.role is not None:
            record.role = request.role.value
        if pin_hash is not None:
            record.pin_hash = pin_hash
        if request.active is not None:
            record.active = request.active
        record.updated_at = datetime.now(UTC)
        session.flush()
        _publish(unit.log, record)
        return _view(record)

    return tx.write(db, work, what="updating a cashier")


def delete_cashier(db: Database, cashier: UUID) -> None:
    """Soft-delete a cashier; the store's tills receive a delete."""

    def work(unit: tx.Unit) -> None:
        record = unit.session.get(CashierRecord, cashier)
        if record is None or record.deleted:
            raise NotFound(f"no cashier {cashier}")
        unit.log.lock([store_stream(record.store_id)])
        record.deleted = True
        record.active = False
        record.updated_at = datetime.now(UTC)
        unit.log.delete(store_stream(record.store_id), Entity.CASHIER, str(record.id))

    tx.write(db, work, what="deleting a cashier")


def list_cashiers(db: Database, store: UUID) -> list[CashierView]:
    def work(session: Session) -> list[CashierView]:
        rows = session.execute(
            select(CashierRecord)
            .where(CashierRecord.store_id == store, CashierRecord.deleted.is_(False))
            .order_by(CashierRecord.number)
        ).scalars()
        return [_view(r) for r in rows]

    return tx.read(db, work)
