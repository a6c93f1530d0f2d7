"""Members: created and read by head office and the online shop; looked up by tills."""

from __future__ import annotations

from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Query

from pos_core.protocol.messages import ErrorBody
from pos_core.protocol.rows import MemberRow
from sync_server.api.deps import AnyUser, Db, HeadOffice, Till
from sync_server.services import members

router = APIRouter(prefix="/api/v1/members", tags=["members"])

_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422, 426)
}


@router.get("/lookup", response_model=MemberRow, responses=_ERRORS)
def lookup(
    db: Db,
    till: Till,
    card_no: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    phone_hash: Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$")] = None,
) -> MemberRow:
    """(Till) one member by exact card number or phone hash — a member presenting themselves."""
    return members.lookup(db, till, card_no=card_no, phone_hash_=phone_hash)


@router.get("/{member_id}/balance", response_model=MemberRow, responses=_ERRORS)
def balance(member_id: UUID, db: Db, till: Till) -> MemberRow:
    """(Till) a member's row and balance, if the member is relevant to this store."""
    return members.member_for_till(db, till, member_id)


@router.post("", response_model=members.MemberView, status_code=201, responses=_ERRORS)
def create(request: members.MemberCreate, db: Db, _: AnyUser) -> members.MemberView:
    return members.create_member(db, request)


@router.get("/{member_id}", response_model=members.MemberView, responses=_ERRORS)
def get(member_id: UUID, db: Db, _: AnyUser) -> members.MemberView:
    return members.get_member(db, member_id)


@router.post("/{member_id}/points", response_model=members.MemberView, responses=_ERRORS)
def adjust(
    member_id: UUID, request: members.PointsAdjustment, db: Db, _: HeadOffice
) -> members.MemberView:
    """A points adjustment, as a ledger row."""
    return members.adjust_points(db, member_id, request)
