"""GET /health: the server is up and its database answers."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from sync_server.api.deps import Db
from sync_server.services import health

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", response_model=Health)
def get_health(db: Db) -> Health:
    return Health(status="ok", database=health.check(db))
