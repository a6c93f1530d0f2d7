"""The catalog (head office): categories, products, barcodes, prices, promotions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, status

from pos_core.protocol.rows import BarcodeRow, CategoryRow, PriceRow, ProductRow, PromotionRow
from sync_server.api.deps import Db, HeadOffice
from sync_server.api.routes._common import refusals
from sync_server.services import catalog

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])
ERRORS = refusals(401, 403, 404, 409, 422)
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.post("/categories", response_model=CategoryRow, status_code=201, responses=ERRORS)
def create_category(request: catalog.CategoryIn, db: Db, _: HeadOffice) -> CategoryRow:
    return catalog.create_category(db, request)


@router.patch("/categories/{category_id}", response_model=CategoryRow, responses=ERRORS)
def update_category(
    category_id: UUID, request: catalog.CategoryPatch, db: Db, _: HeadOffice
) -> CategoryRow:
    return catalog.update_category(db, category_id, request)


@router.delete("/categories/{category_id}", status_code=NO_CONTENT, responses=ERRORS)
def delete_category(category_id: UUID, db: Db, _: HeadOffice) -> None:
    """Soft-delete an empty category; the tills receive a delete."""
    catalog.delete_category(db, category_id)


@router.post("/products", response_model=ProductRow, status_code=201, responses=ERRORS)
def create_product(request: catalog.ProductIn, db: Db, _: HeadOffice) -> ProductRow:
    """A product with its barcodes; pinyin initials are computed from the name."""
    return catalog.create_product(db, request)


@router.patch("/products/{product_id}", response_model=ProductRow, responses=ERRORS)
def update_product(
    product_id: UUID, request: catalog.ProductPatch, db: Db, _: HeadOffice
) -> ProductRow:
    return catalog.update_product(db, product_id, request)


@router.delete("/products/{product_id}", status_code=NO_CONTENT, responses=ERRORS)
def delete_product(product_id: UUID, db: Db, _: HeadOffice) -> None:
    """Soft-delete: the tills receive deletes for it, its barcodes and its prices."""
    catalog.delete_product(db, product_id)


@router.post("/barcodes", response_model=BarcodeRow, status_code=201, responses=ERRORS)
def add_barcode(request: catalog.BarcodeIn, db: Db, _: HeadOffice) -> BarcodeRow:
    """A barcode, normalised to its 14-digit GTIN key."""
    return catalog.add_barcode(db, request)


@router.delete("/barcodes/{gtin}", status_code=NO_CONTENT, responses=ERRORS)
def delete_barcode(
    gtin: Annotated[str, Path(min_length=8, max_length=14)], db: Db, _: HeadOffice
) -> None:
    catalog.delete_barcode(db, gtin)


@router.post("/prices", response_model=PriceRow, status_code=201, responses=ERRORS)
def create_price(request: catalog.PriceIn, db: Db, _: HeadOffice) -> PriceRow:
    """A price from a date (future-dated too), chain-wide or for one store."""
    return catalog.create_price(db, request)


@router.delete("/prices/{price_id}", status_code=NO_CONTENT, responses=ERRORS)
def delete_price(price_id: UUID, db: Db, _: HeadOffice) -> None:
    catalog.delete_price(db, price_id)


@router.post("/promotions", response_model=PromotionRow, status_code=201, responses=ERRORS)
def create_promotion(request: catalog.PromotionIn, db: Db, _: HeadOffice) -> PromotionRow:
    return catalog.save_promotion(db, request)


@router.put("/promotions/{promotion_id}", response_model=PromotionRow, responses=ERRORS)
def replace_promotion(
    promotion_id: UUID, request: catalog.PromotionIn, db: Db, _: HeadOffice
) -> PromotionRow:
    return catalog.save_promotion(db, request, promotion_id)


@router.delete("/promotions/{promotion_id}", status_code=NO_CONTENT, responses=ERRORS)
def delete_promotion(promotion_id: UUID, db: Db, _: HeadOffice) -> None:
    catalog.delete_promotion(db, promotion_id)
