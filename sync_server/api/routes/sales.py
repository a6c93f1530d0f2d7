"""Sales: head office queries by store, business day and till; tills look up for returns."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Path, Query

from pos_core.protocol.messages import ErrorBody
from pos_core.protocol.rows import SaleRow
from sync_server.api.deps import Db, HeadOffice, Till
from sync_server.services import sales

router = APIRouter(prefix="/api/v1/sales", tags=["sales"])

_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 422, 426)
}


@router.get("/by-receipt/{receipt_no}", response_model=SaleRow, responses=_ERRORS)
def by_receipt(
    receipt_no: Annotated[str, Path(min_length=1, max_length=40)], db: Db, till: Till
) -> SaleRow:
    """(Till) a sale for a return: this store's, or another's where cross-store returns are
    allowed (lines, amounts and tender types only)."""
    return sales.for_return(db, till, receipt_no)


@router.get("", response_model=list[sales.SaleSummary], responses=_ERRORS)
def query(
    db: Db,
    _: HeadOffice,
    store_id: UUID,
    business_date: date | None = None,
    till_number: Annotated[int | None, Query(ge=1, le=9999)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[sales.SaleSummary]:
    return sales.query_sales(
        db,
        store_id=store_id,
        business_date=business_date,
        till_number=till_number,
        limit=limit,
        offset=offset,
    )


@router.get("/{sale_id}", response_model=SaleRow, responses=_ERRORS)
def get(sale_id: UUID, db: Db, _: HeadOffice) -> SaleRow:
    return sales.get_sale(db, sale_id)
