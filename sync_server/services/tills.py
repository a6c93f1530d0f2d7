"""Tills: created by an admin with a one-time enrolment code, enrolled, revoked.

A till re-enrolled under the same number (a restored or replaced machine) gets a new
device id; when it enrols, the till's previous device is marked `replaced` and its token
stops working. Revoking never discards events: an admin can import a dead till's outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos_core.ids import ReceiptNumber, ReceiptNumberError, new_id
from pos_core.protocol.messages import EnrolRequest, EnrolResponse, StoreInfo
from sync_server.services import tx
from sync_server.services.auth import (
    DEVICE_PREFIX,
    enrolment_code_hash,
    new_enrolment_code,
    new_token,
    token_hash,
)
from sync_server.services.errors import Invalid, NotFound, Unauthorised
from sync_server.store.db import Database
from sync_server.store.org import Device, StoreRecord
from sync_server.store.sales import ReturnRecord, SaleRecord

log = logging.getLogger(__name__)

ENROLMENT_VALID: Final = timedelta(hours=24)


@dataclass(frozen=True)
class NewTill:
    device_id: UUID
    store_id: UUID
    store_code: str
    till_number: int
    enrolment_code: str
    expires_at: datetime


def find_store(session: Session, store: str | UUID) -> StoreRecord:
    """A store by id or code."""
    try:
        record = session.get(StoreRecord, UUID(str(store)))
    except ValueError:
        record = None
    if record is None:
        record = session.execute(
            select(StoreRecord).where(StoreRecord.code == str(store).upper())
        ).scalar_one_or_none()
    if record is None:
        raise NotFound(f"no store {store}")
    return record


def create_till(db: Database, *, store: str | UUID, till_number: int, name: str = "") -> NewTill:
    """A till awaiting enrolment, with its one-time enrolment code (shown this once)."""
    if not 1 <= till_number <= 9999:
        raise Invalid(f"till number {till_number} must be 1-9999")
    code = new_enrolment_code()

    def work(unit: tx.Unit) -> NewTill:
        record = find_store(unit.session, store)
        now = datetime.now(UTC)
        device = Device(
            id=new_id(),
            store_id=record.id,
            till_number=till_number,
            name=name,
            app_version="",
            token_hash=None,
            enrolment_code_hash=enrolment_code_hash(code),
            enrolment_expires_at=now + ENROLMENT_VALID,
            last_seq=0,
            status="awaiting_enrolment",
            created_at=now,
        )
        unit.session.add(device)
        return NewTill(device.id, record.id, record.code, till_number, code, now + ENROLMENT_VALID)

    return tx.write(db, work, what="creating a till")


def enrol(db: Database, request: EnrolRequest) -> EnrolResponse:
    """Exchange a one-time enrolment code for the till's identity and token."""
    token = new_token(DEVICE_PREFIX)

    def work(unit: tx.Unit) -> EnrolResponse:
        session, now = unit.session, datetime.now(UTC)
        device = session.execute(
            select(Device)
            .where(Device.enrolment_code_hash == enrolment_code_hash(request.code))
            .with_for_update()
        ).scalar_one_or_none()
        if device is None or device.status != "awaiting_enrolment":
            raise Unauthorised("this enrolment code is unknown or was already used")
        if device.enrolment_expires_at is None or device.enrolment_expires_at < now:
            raise Unauthorised("this enrolment code has expired; ask an admin for a new one")
        store = session.get(StoreRecord, device.store_id)
        assert store is not None
        session.execute(
            update(Device)
            .where(
                Device.store_id == device.store_id,
                Device.till_number == device.till_number,
                Device.status == "active",
                Device.id != device.id,
            )
            .values(status="replaced", token_hash=None, revoked_at=now)
        )
        device.status = "active"
        device.token_hash = token_hash(token)
        device.enrolment_code_hash = None
        device.enrolled_at = now
        device.name = request.device_name
        device.app_version = request.app_version
        log.info("till %s-%02d enrolled as device %s", store.code, device.till_number, device.id)
        return EnrolResponse(
            device_id=device.id,
            store=StoreInfo(store_id=store.id, code=store.code, name=store.name),
            till_number=device.till_number,
            token=token,
            last_receipt_number=last_receipt_number(session, store, device.till_number),
            server_time=now,
        )

    return tx.write(db, work, what="enrolling a till")


def last_receipt_number(session: Session, store: StoreRecord, till_number: int) -> str | None:
    """The highest receipt or return number the server holds for this till."""
    best: ReceiptNumber | None = None
    for column, owner, till in (
        (SaleRecord.receipt_no, SaleRecord.store_id, SaleRecord.till_number),
        (ReturnRecord.return_no, ReturnRecord.store_id, ReturnRecord.till_number),
    ):
        # Same store and till: a longer number is a higher one, then text order decides.
        candidates = session.execute(
            select(column)
            .where(owner == store.id, till == till_number, ~column.contains("-T"))
            .order_by(func.length(column).desc(), column.desc())
            .limit(5)
        ).scalars()
        for text in candidates:
            try:
                number = ReceiptNumber.parse(text)
            except ReceiptNumberError:
                continue
            if number.training or number.till_number != till_number:
                continue
            if best is None or number.counter > best.counter:
                best = number
            break
    return str(best) if best is not None else None


def revoke_till(db: Database, device_id: UUID) -> None:
    """Stop a till's token working (its events already pushed stay; its outbox can be imported)."""

    def work(unit: tx.Unit) -> None:
        device = unit.session.get(Device, device_id, with_for_update=True)
        if device is None:
            raise NotFound(f"no till {device_id}")
        device.status = "revoked"
        device.token_hash = None
        device.enrolment_code_hash = None
        device.revoked_at = datetime.now(UTC)
        log.info("device %s revoked", device_id)

    tx.write(db, work, what="revoking a till")
