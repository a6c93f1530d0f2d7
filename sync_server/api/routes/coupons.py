"""Coupons: issued by head office or the online shop; checked and released by tills."""

from __future__ import annotations

from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Path, status

from pos_core.protocol.lookups import CouponCheckRequest, CouponCheckResult, CouponReleaseResult
from pos_core.protocol.messages import ErrorBody
from pos_core.protocol.rows import CouponRow
from sync_server.api.deps import AnyUser, Db, Till
from sync_server.services import coupons

router = APIRouter(prefix="/api/v1/coupons", tags=["coupons"])

_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 422, 426)
}


@router.post("", response_model=list[coupons.IssuedCoupon], status_code=201, responses=_ERRORS)
def issue(request: coupons.CouponIssue, db: Db, user: AnyUser) -> list[coupons.IssuedCoupon]:
    """Issue coupons (to a member or as codes); each code is shown this once."""
    return coupons.issue(db, request, by=user.name)


@router.get("/{coupon_id}", response_model=CouponRow, responses=_ERRORS)
def get(coupon_id: UUID, db: Db, _: AnyUser) -> CouponRow:
    return coupons.get_coupon(db, coupon_id)


@router.delete("/{coupon_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_ERRORS)
def withdraw(coupon_id: UUID, db: Db, _: AnyUser) -> None:
    """Withdraw a coupon; every store's tills receive a delete."""
    coupons.withdraw(db, coupon_id)


@router.post("/{code}/check", response_model=CouponCheckResult, responses=_ERRORS)
def check(
    code: Annotated[str, Path(min_length=1, max_length=64)],
    request: CouponCheckRequest,
    db: Db,
    till: Till,
) -> CouponCheckResult:
    """(Till) validate a coupon for a basket and reserve one use for this sale."""
    return coupons.check(db, till, code, request)


@router.post(
    "/reservations/{reservation_id}/release", response_model=CouponReleaseResult, responses=_ERRORS
)
def release(reservation_id: UUID, db: Db, till: Till) -> CouponReleaseResult:
    """(Till) give a reserved use back; a reservation lapses by itself anyway."""
    return coupons.release(db, till, reservation_id)
