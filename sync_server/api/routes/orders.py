"""Click-and-collect orders (the online shop): create, read, cancel."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from sync_server.api.deps import AnyUser, Db
from sync_server.api.routes._common import refusals
from sync_server.services import orders

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])
ERRORS = refusals(401, 403, 404, 409, 422)


@router.post("", response_model=orders.OrderView, status_code=201, responses=ERRORS)
def create(request: orders.OrderCreate, db: Db, _: AnyUser) -> orders.OrderView:
    """An order for pickup at a store; stock is reserved there."""
    return orders.create_order(db, request)


@router.get("/{order_id}", response_model=orders.OrderView, responses=ERRORS)
def get(order_id: UUID, db: Db, _: AnyUser) -> orders.OrderView:
    """The order's status, history and pickup code."""
    return orders.get_order(db, order_id)


@router.post("/{order_id}/cancel", response_model=orders.OrderView, responses=ERRORS)
def cancel(order_id: UUID, db: Db, _: AnyUser) -> orders.OrderView:
    return orders.cancel_order(db, order_id)
