"""Conflicts (head office): list them, resolve them with compensating entries."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from sync_server.api.deps import Db, HeadOffice
from sync_server.api.routes._common import refusals
from sync_server.services import conflicts

router = APIRouter(prefix="/api/v1/conflicts", tags=["conflicts"])
ERRORS = refusals(401, 403, 404, 409, 422)


@router.get("", response_model=list[conflicts.ConflictView], responses=ERRORS)
def list_conflicts(
    db: Db,
    _: HeadOffice,
    store_id: UUID | None = None,
    status: Literal["open", "resolved"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[conflicts.ConflictView]:
    return conflicts.list_conflicts(db, store_id=store_id, status=status, limit=limit)


@router.post("/{conflict_id}/resolve", response_model=conflicts.ConflictView, responses=ERRORS)
def resolve(
    conflict_id: UUID, request: conflicts.Resolution, db: Db, user: HeadOffice
) -> conflicts.ConflictView:
    """Close a conflict; points and stock compensations are added as ledger entries."""
    return conflicts.resolve(db, conflict_id, by=user.name, request=request)
