"""Catalog look-ups on the replica: a product by barcode, 2x item reference or code, and
the price in force at a given moment. These run on every scan; each is one indexed query.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, case, or_, select
from sqlalchemy.orm import Session

from pos_app.store.replica import Barcode, Price, Product
from pos_core.scan import GtinScan, ProductCode, Scan, VariableMeasureScan


@dataclass(frozen=True, slots=True)
class CatalogItem:
    product_id: uuid.UUID
    code: str
    name: str
    name_en: str
    category_id: uuid.UUID | None
    unit: str
    item_ref: str | None
    tax_code: str
    points_eligible: bool
    active: bool

    @property
    def sold_by_weight(self) -> bool:
        return self.unit == "kg"


@dataclass(frozen=True, slots=True)
class PriceInForce:
    price_id: uuid.UUID
    price: Decimal
    member_price: Decimal | None
    effective_from: datetime
    effective_to: datetime | None


_ITEM_COLUMNS = (
    Product.id,
    Product.code,
    Product.name,
    Product.name_en,
    Product.category_id,
    Product.unit,
    Product.item_ref,
    Product.tax_code,
    Product.points_eligible,
    Product.active,
)


def _item(row: Sequence[Any]) -> CatalogItem:
    return CatalogItem(*row)


# Statements are built once: on the scan path, building a select costs ten times running it.
_BY_GTIN = (
    select(Barcode.gtin, *_ITEM_COLUMNS)
    .join(Product, Product.id == Barcode.product_id)
    .where(Barcode.gtin.in_(bindparam("keys", expanding=True)))
)
_BY_ITEM_REF = select(*_ITEM_COLUMNS).where(Product.item_ref == bindparam("ref")).limit(1)
_BY_CODE = select(*_ITEM_COLUMNS).where(Product.code == bindparam("code")).limit(1)
_BY_ID = select(*_ITEM_COLUMNS).where(Product.id == bindparam("id"))
_AT = bindparam("at", type_=Price.effective_from.type)
_PRICE_AT = (
    select(Price.id, Price.price, Price.member_price, Price.effective_from, Price.effective_to)
    .where(
        Price.product_id == bindparam("product_id"),
        Price.effective_from <= _AT,
        or_(Price.effective_to.is_(None), Price.effective_to > _AT),
        or_(Price.store_id.is_(None), Price.store_id == bindparam("store_id")),
    )
    # this store's own price before the chain's, then the one that started last
    .order_by(case((Price.store_id.is_(None), 1), else_=0), Price.effective_from.desc())
    .limit(1)
)


class Catalog:
    """Read-only catalog queries within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._connection = session.connection()

    def find(self, scan: Scan) -> CatalogItem | None:
        """The product a classified scan names, if it names one that exists here."""
        if isinstance(scan, GtinScan):
            return self.by_gtin(scan.keys)
        if isinstance(scan, VariableMeasureScan):
            return self.by_item_ref(scan.measure.item_ref)
        if isinstance(scan, ProductCode):
            return self.by_code(scan.code)
        return None

    def by_gtin(self, keys: Sequence[str]) -> CatalogItem | None:
        """The product of the first key (in preference order) that has one."""
        if not keys:
            return None
        rows = self._connection.execute(_BY_GTIN, {"keys": list(keys)}).all()
        by_key = {row[0]: row[1:] for row in rows}
        for key in keys:
            if key in by_key:
                return _item(by_key[key])
        return None

    def by_item_ref(self, item_ref: str) -> CatalogItem | None:
        """A weighed or priced item by the reference inside its in-store 2x barcode."""
        row = self._connection.execute(_BY_ITEM_REF, {"ref": item_ref}).first()
        return None if row is None else _item(row)

    def by_code(self, code: str) -> CatalogItem | None:
        row = self._connection.execute(_BY_CODE, {"code": code}).first()
        return None if row is None else _item(row)

    def by_id(self, product_id: uuid.UUID) -> CatalogItem | None:
        row = self._connection.execute(_BY_ID, {"id": product_id}).first()
        return None if row is None else _item(row)

    def price_at(
        self, product_id: uuid.UUID, store_id: uuid.UUID | None, at: datetime
    ) -> PriceInForce | None:
        """The price in force at `at`: this store's own price over the chain's, then the one
        that started last. Future-dated rows switch on by themselves, offline too."""
        row = self._connection.execute(
            _PRICE_AT, {"product_id": product_id, "store_id": store_id, "at": at}
        ).first()
        return None if row is None else PriceInForce(*row)
