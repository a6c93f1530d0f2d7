"""The demo stores' settings and their staff.

Every store runs on Asia/Shanghai time with tax-inclusive prices and three VAT rates; S001
rounds cash to the nearest 0.10 and S002 rounds down (抹零). Staff per store: cashiers
numbered 001, 002…, one supervisor (801) and one manager (901), with the PINs below.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Final
from uuid import UUID

from pos_core.barcodes import DEFAULT_LAYOUTS
from pos_core.demo_data.mint import IdKind, IdMint
from pos_core.demo_data.people import draw_person
from pos_core.money import CashRoundingMode
from pos_core.permissions import Role
from pos_core.pins import hash_pin
from pos_core.protocol.rows import (
    CashierRow,
    StoreSettingsRow,
    TaxRateRow,
    VariableMeasureLayoutRow,
)

CASHIER_PIN: Final = "1111"
SUPERVISOR_PIN: Final = "2222"
MANAGER_PIN: Final = "9999"
SUPERVISOR_NUMBER: Final = "801"
MANAGER_NUMBER: Final = "901"

STORES: Final = (
    ("S001", "上海南京西路店", "上海市静安区南京西路 1266 号", "021-6288 0001"),
    ("S002", "上海徐家汇店", "上海市徐汇区漕溪北路 88 号", "021-6468 0002"),
    ("S003", "北京三里屯店", "北京市朝阳区三里屯路 19 号", "010-6417 0003"),
    ("S004", "广州天河店", "广州市天河区天河路 208 号", "020-3839 0004"),
    ("S005", "深圳南山店", "深圳市南山区南海大道 2163 号", "0755-2660 0005"),
    ("S006", "杭州西湖店", "杭州市西湖区文三路 90 号", "0571-8821 0006"),
    ("S007", "成都春熙路店", "成都市锦江区春熙路 8 号", "028-8666 0007"),
    ("S008", "南京新街口店", "南京市秦淮区中山南路 1 号", "025-8450 0008"),
    ("S009", "武汉光谷店", "武汉市洪山区珞喻路 766 号", "027-8778 0009"),
    ("S010", "苏州观前街店", "苏州市姑苏区观前街 100 号", "0512-6727 0010"),
    ("S011", "重庆解放碑店", "重庆市渝中区民族路 166 号", "023-6380 0011"),
    ("S012", "西安钟楼店", "西安市碑林区东大街 1 号", "029-8721 0012"),
)
"""Store code, name, address, telephone."""

CHAIN_NAME: Final = "OmniTill 优选超市"
TAX_RATES: Final = (
    TaxRateRow(code="VAT13", rate=Decimal("0.13"), name="增值税 13%"),
    TaxRateRow(code="VAT9", rate=Decimal("0.09"), name="增值税 9%"),
    TaxRateRow(code="VAT0", rate=Decimal("0"), name="免税"),
)
_ROUNDING: Final = (CashRoundingMode.NEAREST, CashRoundingMode.DOWN, CashRoundingMode.NONE)


def layout_rows() -> list[VariableMeasureLayoutRow]:
    """`pos_core.barcodes.DEFAULT_LAYOUTS` as store settings carry them."""
    return [
        VariableMeasureLayoutRow(
            prefixes=sorted(layout.prefixes),
            item_ref_digits=layout.item_ref_digits,
            kind=layout.kind.value,
            value_digits=layout.value_digits,
            implied_decimals=layout.implied_decimals,
            value_check_digit=layout.value_check_digit,
        )
        for layout in DEFAULT_LAYOUTS
    ]


def build_stores(count: int, ids: IdMint, member_lookup_key: bytes) -> list[StoreSettingsRow]:
    """The first `count` stores' settings, in the canonical form a pull delivers."""
    # Read back through the model: pydantic leaves defaults unvalidated, so a default
    # such as Rate Decimal("10") would otherwise travel as "10" rather than "10.0000".
    return [
        StoreSettingsRow.model_validate(row.model_dump(mode="json"))
        for row in _stores(count, ids, member_lookup_key)
    ]


def _stores(count: int, ids: IdMint, member_lookup_key: bytes) -> list[StoreSettingsRow]:
    return [
        StoreSettingsRow(
            store_id=ids.id(IdKind.STORE, index),
            code=code,
            name=name,
            tax_rates=list(TAX_RATES),
            receipt_header=[CHAIN_NAME, name, f"地址：{address}", f"电话：{phone}"],
            receipt_footer=[
                "谢谢惠顾，欢迎再次光临！",
                "凭小票 7 日内可退换（生鲜、烟酒除外）",
                "扫描二维码开具电子发票",
                "会员服务热线 400-820-2026",
            ],
            cash_rounding=_ROUNDING[index % len(_ROUNDING)],
            member_lookup_key=member_lookup_key.hex(),
            variable_measure_layouts=layout_rows(),
        )
        for index, (code, name, address, phone) in enumerate(STORES[:count])
    ]


def build_cashiers(
    rng: random.Random, ids: IdMint, stores: Sequence[StoreSettingsRow], per_store: int
) -> tuple[dict[UUID, list[CashierRow]], dict[UUID, str]]:
    """Each store's staff, by store id, and every staff member's clear PIN, by cashier id.

    PINs are hashed with the real cost and a salt drawn from `rng`, so the hashes repeat."""
    staff: dict[UUID, list[CashierRow]] = {}
    pins: dict[UUID, str] = {}
    for store in stores:
        roster = [(f"{n:03d}", Role.CASHIER, CASHIER_PIN) for n in range(1, per_store - 1)]
        roster += [
            (SUPERVISOR_NUMBER, Role.SUPERVISOR, SUPERVISOR_PIN),
            (MANAGER_NUMBER, Role.MANAGER, MANAGER_PIN),
        ]
        rows = staff.setdefault(store.store_id, [])
        for number, role, pin in roster:
            cashier_id = ids.id(IdKind.CASHIER, len(pins))
            salt = rng.getrandbits(128).to_bytes(16, "big")
            rows.append(
                CashierRow(
                    id=cashier_id,
                    number=number,
                    name=draw_person(rng).name,
                    role=role,
                    pin_hash=hash_pin(pin, salt=salt),
                )
            )
            pins[cashier_id] = pin
    return staff, pins
