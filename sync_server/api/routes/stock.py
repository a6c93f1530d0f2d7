"""Stock (head office): deliveries, transfers between stores, levels."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from sync_server.api.deps import Db, HeadOffice
from sync_server.api.routes._common import refusals
from sync_server.services import stock

router = APIRouter(prefix="/api/v1/stock", tags=["stock"])
ERRORS = refusals(401, 403, 422)


@router.post("/receipts", response_model=stock.StockDocumentView, status_code=201, responses=ERRORS)
def receive(request: stock.StockReceiptIn, db: Db, user: HeadOffice) -> stock.StockDocumentView:
    return stock.receive(db, request, by=user.name)


@router.post(
    "/transfers", response_model=stock.StockDocumentView, status_code=201, responses=ERRORS
)
def transfer(request: stock.TransferIn, db: Db, user: HeadOffice) -> stock.StockDocumentView:
    return stock.transfer(db, request, by=user.name)


@router.get("/levels", response_model=list[stock.LevelView], responses=ERRORS)
def levels(
    db: Db,
    _: HeadOffice,
    store_id: UUID,
    after: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[stock.LevelView]:
    """A store's levels by product id, a page at a time (pass the last product id as after)."""
    return stock.levels(db, store_id, limit=limit, after=after)
