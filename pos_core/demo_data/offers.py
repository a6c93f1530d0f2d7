"""The demo chain's coupons and promotions, drawn over the first products of the catalog.

Coupons cycle through ten shapes (by index mod 10), so any ten in a row show them all:
0 ¥5 off, no minimum · 1 ¥10 off ¥99 · 2 ¥20 off ¥199 · 3 10% off · 4 20% off one
category · 5 ¥3 off named products · 6 ¥50 off ¥300, a public code good for 100 uses ·
7 15% off ¥50, expired · 8 ¥5 off, already used · 9 ¥8 off ¥58, given back on a return only
if the rest falls below the minimum. About half of the single-use ones belong to a member.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pos_core.demo_data.catalog import CatalogItem, yuan
from pos_core.demo_data.codes import coupon_code_hash, draw_coupon_code
from pos_core.demo_data.mint import (
    CHINA_TIME,
    DEMO_EPOCH,
    DEMO_HORIZON,
    FUTURE_PRICES_FROM,
    IdKind,
    IdMint,
)
from pos_core.protocol.rows import CategoryRow, CouponKind, CouponRow, PromotionRow

_EXPIRED_AT = datetime(2026, 3, 31, 23, 59, 59, tzinfo=CHINA_TIME)


def _pick(rng: random.Random, pool: Sequence[CatalogItem], count: int) -> list[CatalogItem]:
    """`count` distinct items (fewer if the pool is smaller), in a seeded order."""
    chosen = list(pool)
    for i in range(min(count, len(chosen))):
        j = i + int(rng.random() * (len(chosen) - i))
        chosen[i], chosen[j] = chosen[j], chosen[i]
    return chosen[:count]


def _ids(items: Sequence[CatalogItem], ids: IdMint) -> list[str]:
    return [ids.text(IdKind.PRODUCT, item.position) for item in items]


def build_coupons(
    rng: random.Random,
    ids: IdMint,
    count: int,
    head: Sequence[CatalogItem],
    leaves: Sequence[CategoryRow],
    member_ids: Sequence[UUID],
) -> tuple[list[CouponRow], dict[UUID, str]]:
    """`count` coupons and their clear codes by coupon id."""
    coupons: list[CouponRow] = []
    codes: dict[UUID, str] = {}
    for index in range(count):
        shape = index % 10
        code = draw_coupon_code(rng)
        fields: dict[str, Any] = {"kind": CouponKind.AMOUNT, "valid_to": DEMO_HORIZON}
        if shape == 0:
            fields |= {"value": "5.00"}
        elif shape == 1:
            fields |= {"value": "10.00", "min_spend": "99.00"}
        elif shape == 2:
            fields |= {"value": "20.00", "min_spend": "199.00"}
        elif shape == 3:
            fields |= {"kind": CouponKind.PERCENT, "value": "10.00"}
        elif shape == 4:
            leaf = leaves[int(rng.random() * len(leaves))]
            fields |= {"kind": CouponKind.PERCENT, "value": "20.00", "category_ids": [leaf.id]}
        elif shape == 5:
            fields |= {"value": "3.00", "product_ids": _ids(_pick(rng, head, 3), ids)}
        elif shape == 6:
            fields |= {"value": "50.00", "min_spend": "300.00", "max_uses": 100}
            fields |= {"uses": int(rng.random() * 40), "restore_on_return": "never"}
        elif shape == 7:
            fields |= {"kind": CouponKind.PERCENT, "value": "15.00", "min_spend": "50.00"}
            fields |= {"valid_to": _EXPIRED_AT}
        elif shape == 8:
            fields |= {"value": "5.00", "uses": 1}
        else:
            fields |= {
                "value": "8.00",
                "min_spend": "58.00",
                "restore_on_return": "below_min_spend",
            }
        if shape != 6 and member_ids and rng.random() < 0.5:
            fields["member_id"] = member_ids[int(rng.random() * len(member_ids))]
        coupon = CouponRow(
            id=ids.id(IdKind.COUPON, index),
            code_hash=coupon_code_hash(code),
            valid_from=DEMO_EPOCH,
            **fields,
        )
        coupons.append(coupon)
        codes[coupon.id] = code
    return coupons, codes


def build_promotions(
    rng: random.Random,
    ids: IdMint,
    head: Sequence[CatalogItem],
    departments: Sequence[CategoryRow],
    first_store: UUID,
) -> list[PromotionRow]:
    """Eight promotions, one of each kind and a few edge cases (see the package docstring)."""
    by_code = {row.code: row for row in departments}
    buy_two, off, member, bundle = (_pick(rng, head, n) for n in (3, 3, 4, 2))
    bundle_price = (sum(item.price_fen for item in bundle) * 85 // 100) // 10 * 10
    rules: list[tuple[str, str, int, str, dict[str, Any], dict[str, Any]]] = [
        ("饮料 9 折", "percent_off", 10, "item",
         {"category_ids": [str(by_code["01"].id)], "percent": "10"}, {}),
        ("指定商品 直降 2 元", "amount_off", 10, "item",
         {"product_ids": _ids(off, ids), "amount": "2.00"}, {}),
        ("会员专享价", "member_price", 20, "item",
         {"prices": {ids.text(IdKind.PRODUCT, item.position): yuan(item.price_fen * 80 // 1000 * 10)
                     for item in member}}, {}),
        ("超值组合价", "bundle", 30, "item",
         {"items": [{"product_id": pid, "quantity": 1} for pid in _ids(bundle, ids)],
          "price": yuan(bundle_price)}, {}),
        ("指定商品 买二送一", "buy_x_get_y", 30, "item",
         {"product_ids": _ids(buy_two, ids), "buy": 2, "get": 1}, {}),
        ("满 100 减 20", "spend_threshold", 0, "basket",
         {"threshold": "100.00", "amount": "20.00", "repeat": True, "category_ids": []}, {}),
        ("满 200 减 50（新品季）", "spend_threshold", 0, "basket",
         {"threshold": "200.00", "amount": "50.00", "repeat": False, "category_ids": []},
         {"valid_from": FUTURE_PRICES_FROM, "valid_to": FUTURE_PRICES_FROM + timedelta(days=30)}),
        ("日化 8 折（开业季，已结束）", "percent_off", 10, "item",
         {"category_ids": [str(by_code["10"].id), str(by_code["11"].id)], "percent": "20"},
         {"valid_to": datetime(2026, 2, 28, 23, 59, 59, tzinfo=CHINA_TIME),
          "store_ids": [first_store]}),
    ]  # fmt: skip
    return [
        PromotionRow(
            id=ids.id(IdKind.PROMOTION, index),
            name=name,
            kind=kind,
            priority=priority,
            exclusive_group=group,
            rule=rule,
            **({"valid_from": DEMO_EPOCH} | extra),
        )
        for index, (name, kind, priority, group, rule, extra) in enumerate(rules)
    ]
