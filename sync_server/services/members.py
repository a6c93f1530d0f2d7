"""Members (会员): created by head office or the online shop, looked up by tills.

Head office sends a clear phone (the server is the system of record) and sees it masked
afterwards. A till's look-up needs an exact card number or phone hash and answers the one
`MemberRow` (hash and masked phone only — the minimum a till may hold); it never lists
members. Reading a member by id is allowed only where the member is relevant to the till's
store (see `audience`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.members import PhoneError, mask_phone, normalise_phone, phone_hash
from pos_core.protocol.rows import MemberRow
from sync_server.services import tx
from sync_server.services.audience import member_store_ids
from sync_server.services.auth import DeviceCaller
from sync_server.services.changelog import store_stream
from sync_server.services.effects.members import resolve_member
from sync_server.services.errors import Clash, Invalid, NotFound
from sync_server.services.ledgers import post_points, relate_member
from sync_server.services.rows import member_row
from sync_server.services.stores import chain
from sync_server.store.db import Database
from sync_server.store.members import HEAD_OFFICE, MemberRecord
from sync_server.store.org import StoreRecord


class MemberCreate(BaseModel):
    phone: str = Field(min_length=11, max_length=20)
    name: str = Field(default="", max_length=100)
    card_no: str | None = Field(default=None, min_length=4, max_length=40)
    tier: str = Field(default="standard", min_length=1, max_length=20)
    home_store_id: UUID | None = None
    consent_version: str = Field(min_length=1, max_length=20)


class PointsAdjustment(BaseModel):
    points: int = Field(ge=-10_000_000, le=10_000_000)
    reason: str = Field(min_length=1, max_length=200)


class MemberView(BaseModel):
    member: MemberRow
    home_store_id: UUID | None
    merged_into: UUID | None
    stores: list[UUID]
    created_at: datetime


def _view(session: Session, record: MemberRecord) -> MemberView:
    return MemberView(
        member=member_row(record),
        home_store_id=record.home_store_id,
        merged_into=record.merged_into,
        stores=sorted(member_store_ids(session, [record.id])[record.id]),
        created_at=record.created_at,
    )


def _new_card(session: Session) -> str:
    while True:
        card = f"M{secrets.randbelow(10**10):010d}"
        if not session.execute(select(MemberRecord.id).where(MemberRecord.card_no == card)).first():
            return card


def create_member(db: Database, request: MemberCreate) -> MemberView:
    """A member; relevant (and published) to the home store if one is given."""
    try:
        phone = normalise_phone(request.phone)
    except PhoneError as exc:
        raise Invalid(str(exc)) from None

    def work(unit: tx.Unit) -> MemberView:
        session, now = unit.session, datetime.now(UTC)
        hashed = phone_hash(phone, bytes.fromhex(chain(session).member_lookup_key))
        if session.execute(
            select(MemberRecord.id).where(
                MemberRecord.phone_hash == hashed, MemberRecord.merged_into.is_(None)
            )
        ).first():
            raise Clash("a member with this phone already exists")
        if request.home_store_id is not None:
            if session.get(StoreRecord, request.home_store_id) is None:
                raise Invalid(f"no store {request.home_store_id}")
            unit.log.lock([store_stream(request.home_store_id)])
        card = request.card_no or _new_card(session)
        if session.execute(select(MemberRecord.id).where(MemberRecord.card_no == card)).first():
            raise Clash(f"card {card} already belongs to a member")
        record = MemberRecord(
            id=new_id(),
            card_no=card,
            phone=phone,
            phone_hash=hashed,
            phone_masked=mask_phone(phone),
            name=request.name,
            tier=request.tier,
            points_balance=0,
            home_store_id=request.home_store_id,
            active=True,
            consent={"version": request.consent_version, "given_at": now.isoformat()},
            created_at=now,
            updated_at=now,
        )
        session.add(record)
        session.flush()
        if request.home_store_id is not None:
            relate_member(
                session, unit.log, member_id=record.id, store_id=request.home_store_id, now=now
            )
        return _view(session, record)

    return tx.write(db, work, what="creating a member")


def get_member(db: Database, member: UUID) -> MemberView:
    def work(session: Session) -> MemberView:
        record = session.get(MemberRecord, member)
        if record is None:
            raise NotFound(f"no member {member}")
        return _view(session, record)

    return tx.read(db, work)


def adjust_points(db: Database, member: UUID, request: PointsAdjustment) -> MemberView:
    """A head-office points adjustment: a ledger row, published to the member's stores."""

    def work(unit: tx.Unit) -> MemberView:
        session = unit.session
        target = resolve_member(session, member)
        if target is None:
            raise NotFound(f"no member {member}")
        unit.log.lock(store_stream(s) for s in member_store_ids(session, [target])[target])
        post_points(
            session,
            unit.log,
            store_id=HEAD_OFFICE,
            member_id=target,
            delta=request.points,
            kind="adjustment",
            event_id=None,
            document_id=None,
            now=datetime.now(UTC),
        )
        record = session.get(MemberRecord, target, populate_existing=True)
        assert record is not None
        return _view(session, record)

    return tx.write(db, work, what="adjusting points")


# --- the till's look-ups ------------------------------------------------------------------


def lookup(
    db: Database, device: DeviceCaller, *, card_no: str | None, phone_hash_: str | None
) -> MemberRow:
    """One member by exact card number or phone hash (a member presenting themselves)."""
    if not card_no and not phone_hash_:
        raise Invalid("give card_no or phone_hash")

    def work(session: Session) -> MemberRow:
        query = select(MemberRecord)
        if card_no:
            query = query.where(MemberRecord.card_no == card_no)
        else:
            query = query.where(MemberRecord.phone_hash == phone_hash_).order_by(
                MemberRecord.merged_into.is_not(None), MemberRecord.created_at
            )
        record = session.execute(query.limit(1)).scalar_one_or_none()
        target = resolve_member(session, record.id) if record is not None else None
        found = session.get(MemberRecord, target) if target is not None else None
        if found is None or not found.active:
            raise NotFound("no such member")
        return member_row(found)

    return tx.read(db, work)


def member_for_till(db: Database, device: DeviceCaller, member: UUID) -> MemberRow:
    """A member and balance by id, if the member is relevant to the till's store."""

    def work(session: Session) -> MemberRow:
        target = resolve_member(session, member)
        if target is None or device.store_id not in member_store_ids(session, [target])[target]:
            raise NotFound("no such member at this store")
        record = session.get(MemberRecord, target)
        assert record is not None
        return member_row(record)

    return tx.read(db, work)
