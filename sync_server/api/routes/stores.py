"""Stores and their settings, tills and cashiers (head office; tills: admin only)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from pos_core.protocol.rows import StoreSettingsRow
from sync_server.api.deps import Admin, Db, HeadOffice
from sync_server.api.routes._common import refusals
from sync_server.services import cashiers, stores, tills, views

router = APIRouter(prefix="/api/v1", tags=["stores"])
ERRORS = refusals(401, 403, 404, 409, 422)


@router.post("/stores", response_model=StoreSettingsRow, status_code=201, responses=ERRORS)
def create_store(request: stores.StoreCreate, db: Db, _: HeadOffice) -> StoreSettingsRow:
    return stores.create_store(db, request)


@router.get("/stores", response_model=list[StoreSettingsRow], responses=ERRORS)
def list_stores(db: Db, _: HeadOffice) -> list[StoreSettingsRow]:
    return stores.list_stores(db)


@router.get("/stores/{store_id}", response_model=StoreSettingsRow, responses=ERRORS)
def get_store(store_id: UUID, db: Db, _: HeadOffice) -> StoreSettingsRow:
    return stores.get_store(db, store_id)


@router.patch("/stores/{store_id}", response_model=StoreSettingsRow, responses=ERRORS)
def update_store(
    store_id: UUID, request: stores.StorePatch, db: Db, _: HeadOffice
) -> StoreSettingsRow:
    """Change a store's name or settings; its tills receive the new settings."""
    return stores.update_store(db, store_id, request)


class ReplicaRow(BaseModel):
    entity: str
    key: str
    data: dict[str, object]


@router.get("/stores/{store_id}/replica", response_model=list[ReplicaRow], responses=ERRORS)
def replica(store_id: UUID, db: Db, _: Admin) -> list[ReplicaRow]:
    """Every row a till of this store should hold now (to compare with a till's replica)."""
    view = views.store_view(db, store_id)
    return [ReplicaRow(entity=e, key=k, data=d) for (e, k), d in sorted(view.items())]


class TillCreate(BaseModel):
    till_number: int = Field(ge=1, le=9999)
    name: str = Field(default="", max_length=100)


class TillCreated(BaseModel):
    device_id: UUID
    store_id: UUID
    store_code: str
    till_number: int
    enrolment_code: str = Field(description="one-time; shown this once; valid 24 hours")
    expires_at: datetime


@router.post(
    "/stores/{store_id}/tills", response_model=TillCreated, status_code=201, responses=ERRORS
)
def create_till(store_id: UUID, request: TillCreate, db: Db, _: Admin) -> TillCreated:
    """A till awaiting enrolment, and its one-time enrolment code."""
    till = tills.create_till(db, store=store_id, till_number=request.till_number, name=request.name)
    return TillCreated.model_validate(till, from_attributes=True)


@router.post("/tills/{device_id}/revoke", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def revoke_till(device_id: UUID, db: Db, _: Admin) -> None:
    """The till's token stops working; its events stay, and its outbox can be imported."""
    tills.revoke_till(db, device_id)


@router.post(
    "/stores/{store_id}/cashiers",
    response_model=cashiers.CashierView,
    status_code=201,
    responses=ERRORS,
)
def create_cashier(
    store_id: UUID, request: cashiers.CashierCreate, db: Db, _: HeadOffice
) -> cashiers.CashierView:
    return cashiers.create_cashier(db, store_id, request)


@router.get(
    "/stores/{store_id}/cashiers", response_model=list[cashiers.CashierView], responses=ERRORS
)
def list_cashiers(store_id: UUID, db: Db, _: HeadOffice) -> list[cashiers.CashierView]:
    return cashiers.list_cashiers(db, store_id)


@router.patch("/cashiers/{cashier_id}", response_model=cashiers.CashierView, responses=ERRORS)
def update_cashier(
    cashier_id: UUID, request: cashiers.CashierPatch, db: Db, _: HeadOffice
) -> cashiers.CashierView:
    """Name, role, PIN, active flag, or a move to another store."""
    return cashiers.update_cashier(db, cashier_id, request)


@router.delete("/cashiers/{cashier_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_cashier(cashier_id: UUID, db: Db, _: HeadOffice) -> None:
    cashiers.delete_cashier(db, cashier_id)
