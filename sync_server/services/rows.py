"""The server's records as the rows tills replicate (`pos_core.protocol.rows`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from pos_core.protocol.rows import (
    BarcodeRow,
    CashierRow,
    CategoryRow,
    ConflictRow,
    CouponRow,
    MemberRow,
    PickupLineRow,
    PickupOrderRow,
    PickupStatus,
    PriceRow,
    ProductRow,
    PromotionRow,
    StoreSettingsRow,
)
from pos_core.protocol.types import Message
from sync_server.store.catalog import (
    BarcodeRecord,
    CategoryRecord,
    PriceRecord,
    ProductRecord,
    PromotionRecord,
)
from sync_server.store.members import MemberRecord
from sync_server.store.offers import CouponRecord
from sync_server.store.org import CashierRecord, ChainRecord, StoreRecord
from sync_server.store.pickup import PickupOrderRecord
from sync_server.store.sync import ConflictRecord

M = TypeVar("M", bound=Message)


def _utc(value: datetime | None) -> datetime | None:
    """Times travel in UTC, as the server reads them back, so a row is published once alike."""
    return None if value is None else value.astimezone(UTC)


def in_utc(row: M) -> M:
    """`row` with its times in UTC (rows loaded as given may carry +08:00)."""
    changes = {
        name: value.astimezone(UTC)
        for name, value in row
        if isinstance(value, datetime) and value.utcoffset() != timedelta(0)
    }
    return row.model_copy(update=changes) if changes else row


def settings_row(store: StoreRecord, chain: ChainRecord) -> StoreSettingsRow:
    return StoreSettingsRow.model_validate(
        {
            **store.settings,
            "store_id": store.id,
            "code": store.code,
            "name": store.name,
            "member_lookup_key": chain.member_lookup_key,
        }
    )


def cashier_row(cashier: CashierRecord) -> CashierRow:
    return CashierRow.model_validate(
        {
            "id": cashier.id,
            "number": cashier.number,
            "name": cashier.name,
            "role": cashier.role,
            "pin_hash": cashier.pin_hash,
            "active": cashier.active,
        }
    )


def member_row(member: MemberRecord) -> MemberRow:
    return MemberRow(
        id=member.id,
        card_no=member.card_no,
        phone_hash=member.phone_hash,
        phone_masked=member.phone_masked,
        name=member.name,
        tier=member.tier,
        points_balance=member.points_balance,
        active=member.active,
    )


def coupon_row(coupon: CouponRecord) -> CouponRow:
    return CouponRow.model_validate(
        {
            "id": coupon.id,
            "code_hash": coupon.code_hash,
            "member_id": coupon.member_id,
            "kind": coupon.kind,
            "value": coupon.value,
            "min_spend": coupon.min_spend,
            "product_ids": coupon.product_ids,
            "category_ids": coupon.category_ids,
            "valid_from": _utc(coupon.valid_from),
            "valid_to": _utc(coupon.valid_to),
            "max_uses": coupon.max_uses,
            "uses": coupon.uses,
            "restore_on_return": coupon.restore_on_return,
        }
    )


def pickup_row(order: PickupOrderRecord) -> PickupOrderRow:
    return PickupOrderRow(
        id=order.id,
        order_no=order.order_no,
        code_hash=order.code_hash,
        customer_name_masked=order.customer_name_masked,
        phone_masked=order.phone_masked,
        phone_hash=order.phone_hash,
        lines=[PickupLineRow.model_validate(line) for line in order.lines],
        paid_online=order.paid_online,
        amount_due=order.amount_due,
        status=PickupStatus(order.status),
        created_at=_utc(order.created_at),
        expires_at=_utc(order.expires_at),
    )


def conflict_row(conflict: ConflictRecord) -> ConflictRow:
    return ConflictRow.model_validate(
        {
            "id": conflict.id,
            "kind": conflict.kind,
            "status": conflict.status,
            "summary": conflict.summary,
            "event_id": conflict.event_id,
            "created_at": _utc(conflict.created_at),
            "resolution": conflict.resolution,
        }
    )


def category_row(category: CategoryRecord) -> CategoryRow:
    return CategoryRow(
        id=category.id,
        parent_id=category.parent_id,
        code=category.code,
        name=category.name,
        name_en=category.name_en,
        points_multiplier=category.points_multiplier,
    )


def product_row(product: ProductRecord) -> ProductRow:
    return ProductRow.model_validate(
        {
            "id": product.id,
            "code": product.code,
            "name": product.name,
            "name_en": product.name_en,
            "pinyin": product.pinyin,
            "category_id": product.category_id,
            "unit": product.unit,
            "item_ref": product.item_ref,
            "tax_code": product.tax_code,
            "low_stock_threshold": product.low_stock_threshold,
            "points_eligible": product.points_eligible,
            "active": product.active,
        }
    )


def barcode_row(barcode: BarcodeRecord) -> BarcodeRow:
    return BarcodeRow(gtin=barcode.gtin, product_id=barcode.product_id)


def price_row(price: PriceRecord) -> PriceRow:
    return PriceRow(
        id=price.id,
        product_id=price.product_id,
        store_id=price.store_id,
        price=price.price,
        member_price=price.member_price,
        effective_from=_utc(price.effective_from),
        effective_to=_utc(price.effective_to),
    )


def promotion_row(promotion: PromotionRecord) -> PromotionRow:
    return PromotionRow.model_validate(
        {
            "id": promotion.id,
            "name": promotion.name,
            "kind": promotion.kind,
            "priority": promotion.priority,
            "exclusive_group": promotion.exclusive_group,
            "rule": promotion.rule,
            "valid_from": _utc(promotion.valid_from),
            "valid_to": _utc(promotion.valid_to),
            "store_ids": promotion.store_ids,
            "active": promotion.active,
        }
    )


def stock_level_json(product_id: UUID, quantity: Decimal) -> str:
    """A `StockLevelRow` as compact JSON, built without a model: it is on the push hot path."""
    return json.dumps(
        {"product_id": str(product_id), "quantity": str(quantity.quantize(Decimal("0.001")))},
        separators=(",", ":"),
    )


def compact(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
