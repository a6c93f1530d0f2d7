"""Administration (admin role): API users, and keeping the change log small."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from sync_server.api.deps import Admin, Db
from sync_server.api.routes._common import refusals
from sync_server.services import auth, housekeeping

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
ERRORS = refusals(401, 403, 422)


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: auth.ApiRole


class UserCreated(BaseModel):
    id: UUID
    name: str
    role: auth.ApiRole
    token: str = Field(description="shown this once; only its hash is kept")


@router.post("/users", response_model=UserCreated, status_code=201, responses=ERRORS)
def create_user(request: UserCreate, db: Db, _: Admin) -> UserCreated:
    user_id, token = auth.create_user(db, name=request.name, role=request.role)
    return UserCreated(id=user_id, name=request.name, role=request.role, token=token)


class Compacted(BaseModel):
    expired: dict[str, int]
    removed: dict[str, int]


@router.post("/compact", response_model=Compacted, responses=ERRORS)
def compact(db: Db, _: Admin, keep: Annotated[int, Query(ge=0, le=10**12)] = 100_000) -> Compacted:
    """Publish what time took out of the tills' view, then compact the log below last − keep."""
    expired, removed = housekeeping.tidy(db, keep=keep)
    return Compacted(expired=expired, removed=removed)
