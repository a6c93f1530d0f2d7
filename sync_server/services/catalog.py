"""The catalog (head office): categories, products, barcodes, prices and promotions.

Every write publishes its rows in the same transaction. Chain-wide rows go to the catalog
stream; a store's own prices and promotions go to that store's stream only. Deleting is
soft: the row stays (sales name it) and the tills receive a delete — a deleted product
takes its barcodes and prices with it. Product names get their pinyin initials here
(可口可乐 → kkkl) and barcodes are normalised to their 14-digit GTIN key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.barcodes import BarcodeError, normalize_gtin
from pos_core.ids import new_id
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import BarcodeRow, CategoryRow, PriceRow, ProductRow, PromotionRow
from pos_core.protocol.types import Amount, Quantity, Rate
from sync_server.services import tx
from sync_server.services.audience import store_list_streams
from sync_server.services.changelog import CATALOG, ChangeLog, store_stream
from sync_server.services.errors import Clash, Invalid, NotFound
from sync_server.services.rows import (
    barcode_row,
    category_row,
    price_row,
    product_row,
    promotion_row,
)
from sync_server.store.catalog import (
    BarcodeRecord,
    CategoryRecord,
    PriceRecord,
    ProductRecord,
    PromotionRecord,
)
from sync_server.store.db import Database
from sync_server.store.org import StoreRecord


def pinyin_initials(name: str) -> str:
    """Lower-case pinyin initials of the Chinese characters in `name` (others are skipped)."""
    # Imported here: pypinyin's phrase dictionary takes most of a second to load, and only
    # catalog writes need it — not every worker start.
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()[:200]


def gtin_key(code: str) -> str:
    try:
        return normalize_gtin(code.strip())
    except BarcodeError as exc:
        raise Invalid(str(exc)) from None


# --- requests -----------------------------------------------------------------------------


class CategoryIn(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=100)
    parent_id: UUID | None = None
    points_multiplier: Rate = Decimal("1")


class ProductIn(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    category_id: UUID | None = None
    unit: Literal["pcs", "kg"] = "pcs"
    item_ref: str | None = Field(default=None, max_length=12)
    tax_code: str = Field(min_length=1, max_length=16)
    low_stock_threshold: Quantity | None = None
    points_eligible: bool = True
    active: bool = True
    barcodes: list[str] = Field(default_factory=list, max_length=20)


class ProductPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    category_id: UUID | None = None
    tax_code: str | None = Field(default=None, min_length=1, max_length=16)
    low_stock_threshold: Quantity | None = None
    points_eligible: bool | None = None
    active: bool | None = None


class BarcodeIn(BaseModel):
    gtin: str = Field(min_length=8, max_length=14)
    product_id: UUID


class PriceIn(BaseModel):
    product_id: UUID
    store_id: UUID | None = None
    price: Amount = Field(ge=0, le=Decimal("10000000"))
    member_price: Amount | None = Field(default=None, ge=0, le=Decimal("10000000"))
    effective_from: AwareDatetime
    effective_to: AwareDatetime | None = None


class PromotionIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=40)
    priority: int = Field(default=0, ge=-1000, le=1000)
    exclusive_group: str = Field(default="", max_length=40)
    rule: dict[str, Any] = Field(default_factory=dict)
    valid_from: AwareDatetime
    valid_to: AwareDatetime | None = None
    store_ids: list[UUID] | None = Field(default=None, max_length=1000)
    active: bool = True


# --- categories ---------------------------------------------------------------------------


def create_category(db: Database, request: CategoryIn) -> CategoryRow:
    def work(unit: tx.Unit) -> CategoryRow:
        session = unit.session
        if session.execute(
            select(CategoryRecord.id).where(CategoryRecord.code == request.code)
        ).first():
            raise Clash(f"category code {request.code} is already in use")
        if request.parent_id is not None and session.get(CategoryRecord, request.parent_id) is None:
            raise Invalid(f"no parent category {request.parent_id}")
        record = CategoryRecord(
            id=new_id(),
            updated_at=datetime.now(UTC),
            deleted=False,
            **request.model_dump(),
        )
        session.add(record)
        session.flush()
        row = category_row(record)
        unit.log.upsert_row(CATALOG, Entity.CATEGORY, row)
        return row

    return tx.write(db, work, what="creating a category")


class CategoryPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, max_length=100)
    points_multiplier: Rate | None = None


def update_category(db: Database, category: UUID, request: CategoryPatch) -> CategoryRow:
    changes = request.model_dump(exclude_unset=True, exclude_none=True)

    def work(unit: tx.Unit) -> CategoryRow:
        record = unit.session.get(CategoryRecord, category, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no category {category}")
        for name, value in changes.items():
            setattr(record, name, value)
        record.updated_at = datetime.now(UTC)
        unit.session.flush()
        row = category_row(record)
        unit.log.upsert_row(CATALOG, Entity.CATEGORY, row)
        return row

    return tx.write(db, work, what="updating a category")


def delete_category(db: Database, category: UUID) -> None:
    """Soft-delete an empty category (no live products or subcategories in it)."""

    def work(unit: tx.Unit) -> None:
        session = unit.session
        record = session.get(CategoryRecord, category, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no category {category}")
        in_use = (
            session.execute(
                select(ProductRecord.id).where(
                    ProductRecord.category_id == category, ProductRecord.deleted.is_(False)
                )
            ).first()
            or session.execute(
                select(CategoryRecord.id).where(
                    CategoryRecord.parent_id == category, CategoryRecord.deleted.is_(False)
                )
            ).first()
        )
        if in_use:
            raise Clash("the category still holds products or subcategories; move them first")
        record.deleted, record.updated_at = True, datetime.now(UTC)
        unit.log.delete(CATALOG, Entity.CATEGORY, str(record.id))

    tx.write(db, work, what="deleting a category")


# --- products -----------------------------------------------------------------------------


def create_product(db: Database, request: ProductIn) -> ProductRow:
    """A product (with its barcodes), published to every till."""
    gtins = sorted({gtin_key(code) for code in request.barcodes})

    def work(unit: tx.Unit) -> ProductRow:
        session, now = unit.session, datetime.now(UTC)
        if session.execute(
            select(ProductRecord.id).where(ProductRecord.code == request.code)
        ).first():
            raise Clash(f"product code {request.code} is already in use")
        _check_category(session, request.category_id)
        record = ProductRecord(
            id=new_id(),
            pinyin=pinyin_initials(request.name),
            deleted=False,
            updated_at=now,
            **request.model_dump(exclude={"barcodes"}),
        )
        session.add(record)
        session.flush()
        for gtin in gtins:
            _add_barcode(session, unit.log, gtin, record.id, now)
        row = product_row(record)
        unit.log.upsert_row(CATALOG, Entity.PRODUCT, row)
        return row

    return tx.write(db, work, what="creating a product")


def update_product(db: Database, product: UUID, request: ProductPatch) -> ProductRow:
    changes = request.model_dump(exclude_unset=True)

    def work(unit: tx.Unit) -> ProductRow:
        session = unit.session
        record = session.get(ProductRecord, product, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no product {product}")
        if "category_id" in changes:
            _check_category(session, changes["category_id"])
        for name, value in changes.items():
            setattr(record, name, value)
        if "name" in changes:
            record.pinyin = pinyin_initials(record.name)
        record.updated_at = datetime.now(UTC)
        session.flush()
        row = product_row(record)
        unit.log.upsert_row(CATALOG, Entity.PRODUCT, row)
        return row

    return tx.write(db, work, what="updating a product")


def delete_product(db: Database, product: UUID) -> None:
    """Soft-delete a product, its barcodes and prices; the tills receive deletes."""

    def work(unit: tx.Unit) -> None:
        session, now = unit.session, datetime.now(UTC)
        record = session.get(ProductRecord, product, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no product {product}")
        record.deleted = True
        record.updated_at = now
        unit.log.delete(CATALOG, Entity.PRODUCT, str(record.id))
        for barcode in session.execute(
            select(BarcodeRecord).where(
                BarcodeRecord.product_id == product, BarcodeRecord.deleted.is_(False)
            )
        ).scalars():
            barcode.deleted, barcode.updated_at = True, now
            unit.log.delete(CATALOG, Entity.BARCODE, barcode.gtin)
        for price in session.execute(
            select(PriceRecord).where(
                PriceRecord.product_id == product, PriceRecord.deleted.is_(False)
            )
        ).scalars():
            price.deleted, price.updated_at = True, now
            unit.log.delete(_price_stream(price), Entity.PRICE, str(price.id))

    tx.write(db, work, what="deleting a product")


def _check_category(session: Session, category_id: UUID | None) -> None:
    if category_id is not None:
        category = session.get(CategoryRecord, category_id)
        if category is None or category.deleted:
            raise Invalid(f"no category {category_id}")


def _live_product(session: Session, product_id: UUID) -> ProductRecord:
    record = session.get(ProductRecord, product_id)
    if record is None or record.deleted:
        raise Invalid(f"no product {product_id}")
    return record


# --- barcodes -----------------------------------------------------------------------------


def _add_barcode(
    session: Session, log: ChangeLog, gtin: str, product_id: UUID, now: datetime
) -> BarcodeRow:
    existing = session.get(BarcodeRecord, gtin, with_for_update=True)
    if existing is not None and not existing.deleted:
        raise Clash(f"barcode {gtin} already belongs to product {existing.product_id}")
    if existing is None:
        existing = BarcodeRecord(gtin=gtin, product_id=product_id, deleted=False, updated_at=now)
        session.add(existing)
    else:
        existing.product_id, existing.deleted, existing.updated_at = product_id, False, now
    session.flush()
    row = barcode_row(existing)
    log.upsert_row(CATALOG, Entity.BARCODE, row)
    return row


def add_barcode(db: Database, request: BarcodeIn) -> BarcodeRow:
    gtin = gtin_key(request.gtin)

    def work(unit: tx.Unit) -> BarcodeRow:
        _live_product(unit.session, request.product_id)
        return _add_barcode(unit.session, unit.log, gtin, request.product_id, datetime.now(UTC))

    return tx.write(db, work, what="adding a barcode")


def delete_barcode(db: Database, code: str) -> None:
    gtin = gtin_key(code)

    def work(unit: tx.Unit) -> None:
        record = unit.session.get(BarcodeRecord, gtin, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no barcode {gtin}")
        record.deleted, record.updated_at = True, datetime.now(UTC)
        unit.log.delete(CATALOG, Entity.BARCODE, gtin)

    tx.write(db, work, what="deleting a barcode")


# --- prices -------------------------------------------------------------------------------


def _price_stream(price: PriceRecord) -> str:
    return CATALOG if price.store_id is None else store_stream(price.store_id)


def create_price(db: Database, request: PriceIn) -> PriceRow:
    """A price from a date (future-dated ones too); chain-wide, or for one store."""
    if request.effective_to is not None and request.effective_to <= request.effective_from:
        raise Invalid("effective_to must be after effective_from")

    def work(unit: tx.Unit) -> PriceRow:
        session = unit.session
        _live_product(session, request.product_id)
        if request.store_id is not None and session.get(StoreRecord, request.store_id) is None:
            raise Invalid(f"no store {request.store_id}")
        record = PriceRecord(
            id=new_id(), deleted=False, updated_at=datetime.now(UTC), **request.model_dump()
        )
        session.add(record)
        session.flush()
        row = price_row(record)
        unit.log.upsert_row(_price_stream(record), Entity.PRICE, row)
        return row

    return tx.write(db, work, what="creating a price")


def delete_price(db: Database, price: UUID) -> None:
    def work(unit: tx.Unit) -> None:
        record = unit.session.get(PriceRecord, price, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no price {price}")
        record.deleted, record.updated_at = True, datetime.now(UTC)
        unit.log.delete(_price_stream(record), Entity.PRICE, str(record.id))

    tx.write(db, work, what="deleting a price")


# --- promotions ---------------------------------------------------------------------------


def _store_ids(session: Session, ids: list[UUID] | None) -> list[str] | None:
    if ids is None:
        return None
    known = set(session.execute(select(StoreRecord.id).where(StoreRecord.id.in_(ids))).scalars())
    missing = set(ids) - known
    if missing:
        raise Invalid(f"no store {sorted(missing)[0]}")
    return sorted(str(i) for i in set(ids))


def save_promotion(
    db: Database, request: PromotionIn, promotion: UUID | None = None
) -> PromotionRow:
    """Create a promotion, or replace one; stores no longer in its list receive a delete."""

    def work(unit: tx.Unit) -> PromotionRow:
        session, now = unit.session, datetime.now(UTC)
        values = request.model_dump(exclude={"store_ids"})
        store_ids = _store_ids(session, request.store_ids)
        if promotion is None:
            record = PromotionRecord(id=new_id(), deleted=False, **values)
            session.add(record)
            before: list[str] = []
        else:
            found = session.get(PromotionRecord, promotion, with_for_update=True)
            if found is None or found.deleted:
                raise NotFound(f"no promotion {promotion}")
            record = found
            before = store_list_streams(record.store_ids)
            for name, value in values.items():
                setattr(record, name, value)
        record.store_ids = store_ids
        record.updated_at = now
        session.flush()
        after = store_list_streams(store_ids)
        unit.log.delete(sorted(set(before) - set(after)), Entity.PROMOTION, str(record.id))
        row = promotion_row(record)
        unit.log.upsert_row(after, Entity.PROMOTION, row)
        return row

    return tx.write(db, work, what="saving a promotion")


def delete_promotion(db: Database, promotion: UUID) -> None:
    def work(unit: tx.Unit) -> None:
        record = unit.session.get(PromotionRecord, promotion, with_for_update=True)
        if record is None or record.deleted:
            raise NotFound(f"no promotion {promotion}")
        record.deleted, record.updated_at = True, datetime.now(UTC)
        unit.log.delete(store_list_streams(record.store_ids), Entity.PROMOTION, str(record.id))

    tx.write(db, work, what="deleting a promotion")
