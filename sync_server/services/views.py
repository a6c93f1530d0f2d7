"""What a till of a store should hold right now, computed from the records, not the log.

A till's replica, rebuilt by applying every pulled change, must equal this — the check
support runs against a suspicious till, and the check the sync tests make. It follows the
same visibility rules as publishing (`audience`).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import row_key
from pos_core.protocol.types import Message
from sync_server.services import tx
from sync_server.services.audience import coupon_valid_at
from sync_server.services.errors import NotFound
from sync_server.services.rows import (
    barcode_row,
    cashier_row,
    category_row,
    conflict_row,
    coupon_row,
    member_row,
    pickup_row,
    price_row,
    product_row,
    promotion_row,
    settings_row,
    stock_level_json,
)
from sync_server.services.stores import chain
from sync_server.store.catalog import (
    BarcodeRecord,
    CategoryRecord,
    PriceRecord,
    ProductRecord,
    PromotionRecord,
)
from sync_server.store.db import Database
from sync_server.store.members import MemberRecord, MemberStore
from sync_server.store.offers import CouponRecord
from sync_server.store.org import CashierRecord, StoreRecord
from sync_server.store.pickup import PickupOrderRecord
from sync_server.store.sales import SaleRecord
from sync_server.store.stock import StockLevel
from sync_server.store.sync import ConflictRecord

View = dict[tuple[str, str], dict[str, Any]]


def store_view(db: Database, store_id: UUID) -> View:
    """Every row a till of the store should hold, by (entity, key), as JSON data."""
    return tx.read(db, lambda session: _view(session, store_id))


def _put(view: View, entity: Entity, row: Message) -> None:
    view[(entity.value, row_key(entity, row))] = json.loads(row.model_dump_json())


def _view(session: Session, store_id: UUID) -> View:
    store = session.get(StoreRecord, store_id)
    if store is None:
        raise NotFound(f"no store {store_id}")
    view: View = {}
    _put(view, Entity.STORE_SETTINGS, settings_row(store, chain(session)))
    for category in session.execute(
        select(CategoryRecord).where(~CategoryRecord.deleted)
    ).scalars():
        _put(view, Entity.CATEGORY, category_row(category))
    for product in session.execute(select(ProductRecord).where(~ProductRecord.deleted)).scalars():
        _put(view, Entity.PRODUCT, product_row(product))
    for barcode in session.execute(select(BarcodeRecord).where(~BarcodeRecord.deleted)).scalars():
        _put(view, Entity.BARCODE, barcode_row(barcode))
    prices = select(PriceRecord).where(
        ~PriceRecord.deleted, (PriceRecord.store_id.is_(None)) | (PriceRecord.store_id == store_id)
    )
    for price in session.execute(prices).scalars():
        _put(view, Entity.PRICE, price_row(price))
    for promotion in session.execute(
        select(PromotionRecord).where(~PromotionRecord.deleted)
    ).scalars():
        if promotion.store_ids is None or str(store_id) in promotion.store_ids:
            _put(view, Entity.PROMOTION, promotion_row(promotion))
    cashiers = select(CashierRecord).where(
        CashierRecord.store_id == store_id, ~CashierRecord.deleted
    )
    for cashier in session.execute(cashiers).scalars():
        _put(view, Entity.CASHIER, cashier_row(cashier))
    members = (
        select(MemberRecord)
        .join(MemberStore, MemberStore.member_id == MemberRecord.id)
        .where(MemberStore.store_id == store_id, MemberRecord.merged_into.is_(None))
    )
    for member in session.execute(members).scalars():
        _put(view, Entity.MEMBER, member_row(member))
    for coupon in session.execute(select(CouponRecord).where(~CouponRecord.deleted)).scalars():
        if coupon_valid_at(coupon, store_id):
            _put(view, Entity.COUPON, coupon_row(coupon))
    orders = select(PickupOrderRecord).where(PickupOrderRecord.store_id == store_id)
    for order in session.execute(orders).scalars():
        _put(view, Entity.PICKUP_ORDER, pickup_row(order))
    for level in session.execute(
        select(StockLevel).where(StockLevel.store_id == store_id)
    ).scalars():
        view[(Entity.STOCK_LEVEL.value, str(level.product_id))] = json.loads(
            stock_level_json(level.product_id, level.quantity)
        )
    sales = select(SaleRecord).where(SaleRecord.store_id == store_id, SaleRecord.replicated)
    for sale in session.execute(sales).scalars():
        view[(Entity.SALE.value, str(sale.id))] = json.loads(sale.row)
    for conflict in session.execute(
        select(ConflictRecord).where(ConflictRecord.store_id == store_id)
    ).scalars():
        _put(view, Entity.CONFLICT, conflict_row(conflict))
    return view
