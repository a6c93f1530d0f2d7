"""member.enrolled, and following merges: the same phone enrolled at two tills is one member.

The server hashes the phone itself with the chain key (it is the system of record for the
phone); when a live member already has that hash, the new member is folded into it: the
merge is recorded, any points it had move over through the ledger, its id keeps resolving
to the kept member, and the tills receive a delete for it and the kept member's row.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.members import PhoneError, mask_phone, phone_hash
from pos_core.protocol.events import MemberEnrolledV1
from pos_core.protocol.messages import Entity
from sync_server.services.audience import member_store_ids
from sync_server.services.changelog import store_stream
from sync_server.services.effects.context import Effect
from sync_server.services.ledgers import post_points, publish_member, relate_member
from sync_server.store.members import MemberMerge, MemberRecord
from sync_server.store.org import ChainRecord


def resolve_members(session: Session, member_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    """Each id as the member it now is (following merges); unknown ids are left out."""
    ids = set(member_ids)
    merges: dict[UUID, UUID] = {}
    frontier = set(ids)
    for _ in range(8):  # merges chain only when a kept member is itself merged later
        found = dict(
            session.execute(
                select(MemberMerge.merged_id, MemberMerge.into_id).where(
                    MemberMerge.merged_id.in_(frontier)
                )
            ).all()
        )
        merges.update(found)
        frontier = set(found.values()) - merges.keys()
        if not frontier:
            break
    targets: dict[UUID, UUID] = {}
    for member_id in ids:
        target = member_id
        while target in merges:
            target = merges[target]
        targets[member_id] = target
    known = set(
        session.execute(
            select(MemberRecord.id).where(MemberRecord.id.in_(set(targets.values())))
        ).scalars()
    )
    return {m: t for m, t in targets.items() if t in known}


def resolve_member(session: Session, member_id: UUID | None) -> UUID | None:
    if member_id is None:
        return None
    return resolve_members(session, [member_id]).get(member_id)


def member_enrolled(fx: Effect) -> None:
    payload = fx.event.payload
    assert isinstance(payload, MemberEnrolledV1)
    session = fx.session
    if session.get(MemberRecord, payload.member_id) is not None:
        fx.conflict(
            "duplicate_member",
            f"member {payload.card_no} ({payload.member_id}) was already enrolled; not applied",
        )
        return
    key = bytes.fromhex(session.execute(select(ChainRecord.member_lookup_key)).scalar_one())
    try:
        hashed, masked = phone_hash(payload.phone, key), mask_phone(payload.phone)
    except PhoneError:
        fx.conflict(
            "member_phone_unreadable",
            f"member {payload.card_no} was enrolled with a phone that is not a mobile number",
        )
        hashed, masked = payload.phone_hash, ""
    existing = session.execute(
        select(MemberRecord)
        .where(MemberRecord.phone_hash == hashed, MemberRecord.merged_into.is_(None))
        .order_by(MemberRecord.created_at, MemberRecord.id)
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    card_no = payload.card_no
    if session.execute(select(MemberRecord.id).where(MemberRecord.card_no == card_no)).first():
        fx.conflict(
            "member_card_taken",
            f"card {card_no} already belongs to another member; the new member keeps the "
            "card with its id appended until head office issues a new card",
        )
        card_no = f"{card_no}:{payload.member_id}"
    member = MemberRecord(
        id=payload.member_id,
        card_no=card_no,
        phone=payload.phone,
        phone_hash=hashed,
        phone_masked=masked,
        name=payload.name,
        tier="standard",
        points_balance=0,
        home_store_id=fx.store_id,
        active=existing is None,
        merged_into=existing.id if existing is not None else None,
        consent=payload.consent.model_dump(mode="json"),
        created_at=fx.now,
        updated_at=fx.now,
    )
    session.add(member)
    session.flush()
    if existing is None:
        relate_member(session, fx.log, member_id=member.id, store_id=fx.store_id, now=fx.now)
        return
    merge_into(fx, merged=member, kept=existing)


def merge_into(fx: Effect, *, merged: MemberRecord, kept: MemberRecord) -> None:
    """Fold `merged` into `kept`: record it, move points by the ledger, tell the stores."""
    session = fx.session
    moved = merged.points_balance
    session.add(
        MemberMerge(
            merged_id=merged.id,
            into_id=kept.id,
            event_id=fx.event.id,
            points_moved=moved,
            merged_at=fx.now,
        )
    )
    if moved:
        for member_id, delta in ((merged.id, -moved), (kept.id, moved)):
            post_points(
                session,
                fx.log,
                store_id=fx.store_id,
                member_id=member_id,
                delta=delta,
                kind="merge",
                event_id=fx.event.id,
                document_id=merged.id,
                now=fx.now,
            )
    stores = member_store_ids(session, [merged.id])[merged.id] | {fx.store_id}
    fx.log.delete([store_stream(s) for s in sorted(stores)], Entity.MEMBER, str(merged.id))
    for store_id in sorted(stores):
        relate_member(session, fx.log, member_id=kept.id, store_id=store_id, now=fx.now)
    session.refresh(kept)
    publish_member(session, fx.log, kept)
