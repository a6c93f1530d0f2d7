"""Golden baskets: each priced by hand, every line discount and total exact to the fen.

The working for each figure is in the case's comment; the engine must agree to the cent.
Products, categories and promotions are fixed below; each case names the promotions the
store runs, the lines, whether a member is attached and when the basket is priced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from pos_core.money import Money
from pos_core.promotions import PromoLine, PromotionBook, price_basket
from pos_core.protocol.events import DiscountKind
from pos_core.protocol.rows import PromotionRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)  # a Monday
STORE = UUID("018f0000-0000-7000-8000-00000000a001")

FOOD, DRINKS, SNACKS, DAILY, FRUIT = (UUID(int=100 + i) for i in range(5))
PARENTS = {DRINKS: FOOD, SNACKS: FOOD, FRUIT: FOOD, FOOD: None, DAILY: None}


@dataclass(frozen=True)
class Product:
    id: UUID
    category: UUID
    price: str  # per piece, or per kg when weighed
    member_price: str | None = None
    weighed: bool = False

    @property
    def categories(self) -> frozenset[UUID]:
        found, category = set(), self.category
        while category is not None:
            found.add(category)
            category = PARENTS[category]
        return frozenset(found)


# Product ids rise in this order, which is the engine's canonical order of pools.
COLA = Product(UUID(int=1), DRINKS, "3.50", member_price="3.20")
JUICE = Product(UUID(int=2), DRINKS, "12.80")
CHIPS = Product(UUID(int=3), SNACKS, "7.90", member_price="6.90")
NUTS = Product(UUID(int=4), SNACKS, "29.90")
SHAMPOO = Product(UUID(int=5), DAILY, "39.90", member_price="35.90")
SOAP = Product(UUID(int=6), DAILY, "5.50")
APPLE = Product(UUID(int=7), FRUIT, "12.98", weighed=True)
RICE = Product(UUID(int=8), FOOD, "49.90")


def _ids(*products: Product) -> list[str]:
    return [str(p.id) for p in products]


# name: (kind, exclusive group, priority, rule, extra row fields)
PROMOTIONS: dict[str, tuple[str, str, int, dict[str, Any], dict[str, Any]]] = {
    "drinks 10%": ("percent_off", "item", 10,
                   {"category_ids": [str(DRINKS)], "percent": "10"}, {}),
    "rice 5%": ("percent_off", "item", 10, {"product_ids": _ids(RICE), "percent": "5"}, {}),
    "nuts -3": ("amount_off", "item", 10, {"product_ids": _ids(NUTS), "amount": "3.00"}, {}),
    "snacks -1": ("amount_off", "item", 10,
                  {"category_ids": [str(SNACKS)], "amount": "1.00"}, {}),
    "apples -2/kg": ("amount_off", "item", 10,
                     {"product_ids": _ids(APPLE), "amount": "2.00"}, {}),
    "member": ("member_price", "item", 20, {"prices": {str(CHIPS.id): "6.50"}}, {}),
    "cola+chips 10": ("bundle", "item", 30, {"items": [
        {"product_id": str(COLA.id), "quantity": 1}, {"product_id": str(CHIPS.id), "quantity": 1}
    ], "price": "10.00"}, {}),
    "cola 3 for 9": ("bundle", "item", 30,
                     {"items": [{"product_id": str(COLA.id), "quantity": 3}], "price": "9.00"}, {}),
    "snacks 2+1": ("buy_x_get_y", "item", 30,
                   {"category_ids": [str(SNACKS)], "buy": 2, "get": 1}, {}),
    "shampoo+soap": ("buy_x_get_y", "item", 30, {
        "product_ids": _ids(SHAMPOO), "buy": 1, "get": 1, "free_product_ids": _ids(SOAP)
    }, {}),
    "juice -3 from 14:00": ("amount_off", "item", 10,
                            {"product_ids": _ids(JUICE), "amount": "3.00"},
                            {"valid_from": datetime(2026, 6, 1, 14, 0, tzinfo=SHANGHAI)}),
    "evening drinks 20%": ("percent_off", "evening", 5, {
        "category_ids": [str(DRINKS)], "percent": "20",
        "hours": [{"start": "17:00", "end": "21:00"}],
    }, {}),
    "100-20 each": ("spend_threshold", "basket", 0,
                    {"threshold": "100.00", "amount": "20.00", "repeat": True}, {}),
    "200-50": ("spend_threshold", "basket", 0, {"threshold": "200.00", "amount": "50.00"}, {}),
}  # fmt: skip


def _book(names: list[str]) -> PromotionBook:
    rows = []
    for name in names:
        kind, group, priority, rule, extra = PROMOTIONS[name]
        rows.append(
            PromotionRow(
                id=UUID(int=1000 + list(PROMOTIONS).index(name)),
                name=name,
                kind=kind,
                priority=priority,
                exclusive_group=group,
                rule=rule,
                **({"valid_from": datetime(2026, 1, 1, tzinfo=SHANGHAI)} | extra),
            )
        )
    book = PromotionBook.from_rows(rows)
    assert not book.rejected
    return book


@dataclass(frozen=True)
class Case:
    name: str
    promotions: list[str]
    lines: list[tuple[str, Product, str]]  # (line name, product, quantity)
    discounts: dict[str, dict[str, str]]  # line name → {promotion: amount}
    total: str
    member: bool = False
    at: datetime = MORNING
    notes: list[str] = field(default_factory=list)


CASES = [
    Case(
        "percent off a category",
        ["drinks 10%"],
        [("cola", COLA, "2"), ("juice", JUICE, "1"), ("soap", SOAP, "1")],
        # 10% per unit: cola 0.35 × 2, juice 1.28; soap is not a drink.
        {"cola": {"drinks 10%": "0.70"}, "juice": {"drinks 10%": "1.28"}},
        total="23.32",  # 7.00 + 12.80 + 5.50 − 1.98
    ),
    Case(
        "percent off an item, rounded half-up per unit",
        ["rice 5%"],
        [("rice", RICE, "2")],
        {"rice": {"rice 5%": "5.00"}},  # 49.90 × 5% = 2.495 → 2.50 per bag
        total="94.80",
    ),
    Case(
        "amount off an item",
        ["nuts -3"],
        [("nuts", NUTS, "2"), ("rice", RICE, "1")],
        {"nuts": {"nuts -3": "6.00"}},
        total="103.70",  # 59.80 + 49.90 − 6.00
    ),
    Case(
        "amount off a category",
        ["snacks -1"],
        [("chips", CHIPS, "3"), ("nuts", NUTS, "1"), ("cola", COLA, "1")],
        {"chips": {"snacks -1": "3.00"}, "nuts": {"snacks -1": "1.00"}},
        total="53.10",  # 23.70 + 29.90 + 3.50 − 4.00
    ),
    Case(
        "amount off per kg on weighed lines",
        ["apples -2/kg"],
        [("apples a", APPLE, "1.234"), ("apples b", APPLE, "0.800")],
        # 12.98 × 1.234 = 16.017 → 16.02, off 2 × 1.234 = 2.468 → 2.47;
        # 12.98 × 0.8 = 10.384 → 10.38, off 1.60.
        {"apples a": {"apples -2/kg": "2.47"}, "apples b": {"apples -2/kg": "1.60"}},
        total="22.33",  # 26.40 − 4.07
    ),
    Case(
        "best of a group: buy 2 get 1 on three chips, member price on the fourth",
        ["snacks 2+1", "snacks -1", "member"],
        [("chips", CHIPS, "4")],
        # All four at the member price 6.50 (rule price): 1.40 × 4 = 5.60; ¥1 off: 4.00;
        # 2+1 on three (7.90 free) + member price on the fourth (1.40) = 9.30: the best.
        {"chips": {"snacks 2+1": "7.90", "member": "1.40"}},
        total="22.30",
        member=True,
    ),
    Case(
        "buy X get Y together with a bundle",
        ["cola+chips 10", "snacks 2+1"],
        [("cola", COLA, "2"), ("chips", CHIPS, "3"), ("nuts", NUTS, "1")],
        # 2+1 on nuts + 2 chips frees a chips (7.90); cola + the third chips make the
        # bundle (11.40 → 10.00, 1.40): 9.30, better than two bundles (2.80) or 2+1 on the
        # three chips (7.90). The 7.90 spreads by value over chips 15.80 and nuts 29.90:
        # 790 × 1580/4570 = 273.1 → 2.73, nuts 5.16 + the leftover fen = 5.17. The 1.40
        # over cola 3.50 and chips 7.90: 42.98 → 0.42 + the leftover fen = 0.43, 0.97.
        {
            "cola": {"cola+chips 10": "0.43"},
            "chips": {"snacks 2+1": "2.73", "cola+chips 10": "0.97"},
            "nuts": {"snacks 2+1": "5.17"},
        },
        total="51.30",  # 60.60 − 9.30
    ),
    Case(
        "buy a shampoo, get a soap free, the saving spread over both",
        ["shampoo+soap"],
        [("shampoo", SHAMPOO, "1"), ("soap", SOAP, "2")],
        # 5.50 over shampoo 39.90 and one soap 5.50: 483.4 → 4.83, 66.6 → 0.66 + 1 fen.
        {"shampoo": {"shampoo+soap": "4.83"}, "soap": {"shampoo+soap": "0.67"}},
        total="45.40",
    ),
    Case(
        "3 for ¥9 against 10% in the same group, over two lines of cola",
        ["cola 3 for 9", "drinks 10%"],
        [("cola a", COLA, "3"), ("cola b", COLA, "4")],
        # Two sets (21.00 → 18.00, 3.00) and 10% on the seventh (0.35) = 3.35 > 7 × 0.35.
        # The pool's 3.35 splits by list amount 10.50 : 14.00 → 1.44 : 1.91, then the
        # bundle's 3.00 within that → 1.29 : 1.71 and the 0.35 → 0.15 : 0.20.
        {
            "cola a": {"cola 3 for 9": "1.29", "drinks 10%": "0.15"},
            "cola b": {"cola 3 for 9": "1.71", "drinks 10%": "0.20"},
        },
        total="21.15",  # 24.50 − 3.35
    ),
    Case(
        "满减 with member prices: the threshold on the member-priced amount",
        ["member", "100-20 each"],
        [("shampoo", SHAMPOO, "2"), ("chips", CHIPS, "2"), ("cola", COLA, "6")],
        # Member prices: shampoo 35.90 (row) 4.00 × 2, chips 6.50 (rule) 1.40 × 2, cola 3.20
        # (row) 0.30 × 6. Left 71.80 + 13.00 + 19.20 = 104.00 ≥ 100: 20 off, by value:
        # cola 369.2 → 3.69, chips 250 → 2.50, shampoo 1380.8 → 13.80 + 1 fen = 13.81.
        {
            "shampoo": {"member": "8.00", "100-20 each": "13.81"},
            "chips": {"member": "2.80", "100-20 each": "2.50"},
            "cola": {"member": "1.80", "100-20 each": "3.69"},
        },
        total="84.00",  # 116.60 − 32.60
        member=True,
    ),
    Case(
        "the same basket without a member: no member prices, 满减 on list prices",
        ["member", "100-20 each"],
        [("shampoo", SHAMPOO, "2"), ("chips", CHIPS, "2"), ("cola", COLA, "6")],
        # 116.60 ≥ 100 once: cola 360.2 → 3.60, chips 271.0 → 2.71, shampoo 13.68 + 1 fen.
        {
            "shampoo": {"100-20 each": "13.69"},
            "chips": {"100-20 each": "2.71"},
            "cola": {"100-20 each": "3.60"},
        },
        total="96.60",
    ),
    Case(
        "stacking: item group, then the evening group, then 满减 on what is left (18:00)",
        ["drinks 10%", "evening drinks 20%", "100-20 each"],
        [("juice", JUICE, "2"), ("nuts", NUTS, "3")],
        # Juice: 10% = 1.28 → 11.52, then 20% of 11.52 = 2.304 → 2.30, per unit.
        # Left: juice 18.44 + nuts 89.70 = 108.14 ≥ 100: 20 off by value:
        # juice 341.0 → 3.41, nuts 1658.96 → 16.58 + 1 fen = 16.59.
        {
            "juice": {"drinks 10%": "2.56", "evening drinks 20%": "4.60", "100-20 each": "3.41"},
            "nuts": {"100-20 each": "16.59"},
        },
        total="88.14",
        at=datetime(2026, 6, 1, 18, 0, tzinfo=SHANGHAI),
    ),
    Case(
        "stacking: the same basket at 10:00, before the evening hours",
        ["drinks 10%", "evening drinks 20%", "100-20 each"],
        [("juice", JUICE, "2"), ("nuts", NUTS, "3")],
        # Left 23.04 + 89.70 = 112.74: juice 408.7 → 4.08 + 1 fen = 4.09, nuts 15.91.
        {
            "juice": {"drinks 10%": "2.56", "100-20 each": "4.09"},
            "nuts": {"100-20 each": "15.91"},
        },
        total="92.74",
    ),
    Case(
        "a window starting mid-shift: 13:59:59, before it starts",
        ["juice -3 from 14:00", "drinks 10%"],
        [("juice", JUICE, "2"), ("cola", COLA, "1")],
        {"juice": {"drinks 10%": "2.56"}, "cola": {"drinks 10%": "0.35"}},
        total="26.19",  # 29.10 − 2.91
        at=datetime(2026, 6, 1, 13, 59, 59, tzinfo=SHANGHAI),
    ),
    Case(
        "a window starting mid-shift: 14:00, given in UTC (06:00Z), the ¥3 beats 10%",
        ["juice -3 from 14:00", "drinks 10%"],
        [("juice", JUICE, "2"), ("cola", COLA, "1")],
        {"juice": {"juice -3 from 14:00": "6.00"}, "cola": {"drinks 10%": "0.35"}},
        total="22.75",  # 29.10 − 6.35
        at=datetime(2026, 6, 1, 6, 0, tzinfo=UTC),
    ),
    Case(
        "best of two thresholds in one group: 满200减50 beats 2 × 满100减20",
        ["100-20 each", "200-50"],
        [("rice", RICE, "4"), ("soap", SOAP, "1")],
        # 205.10: 40 or 50, and no split reaches both 200 and 100. 50 over everything:
        # rice 4865.9 → 48.65 + 1 fen = 48.66, soap 1.34.
        {"rice": {"200-50": "48.66"}, "soap": {"200-50": "1.34"}},
        total="155.10",
    ),
    Case(
        "best of two thresholds in one group: 3 × 满100减20 beats 满200减50",
        ["100-20 each", "200-50"],
        [("rice", RICE, "6"), ("soap", SOAP, "1")],
        # 304.90: 60 against 50; 200 + 100 would need a part between 100 and 104.90.
        # 60 over everything: rice 5891.8 → 58.91 + 1 fen = 58.92, soap 1.08.
        {"rice": {"100-20 each": "58.92"}, "soap": {"100-20 each": "1.08"}},
        total="244.90",
    ),
]


def _lines(case: Case) -> list[PromoLine]:
    return [
        PromoLine(
            line_id=UUID(int=10_000 + i),
            product_id=product.id,
            category_ids=product.categories,
            quantity=Decimal(quantity),
            unit_price=Money.of(product.price),
            member_price=None if product.member_price is None else Money.of(product.member_price),
            weighed=product.weighed,
        )
        for i, (_, product, quantity) in enumerate(case.lines)
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_basket(case: Case) -> None:
    priced = price_basket(
        _lines(case),
        _book(case.promotions),
        at=case.at,
        time_zone="Asia/Shanghai",
        store_id=STORE,
        member=case.member,
    )
    got = {
        name: {d.label: str(d.amount) for d in line.discounts}
        for (name, _, _), line in zip(case.lines, priced.lines, strict=True)
        if line.discounts
    }
    assert got == case.discounts
    assert str(priced.total) == case.total
    assert priced.exact
    # Every line's amount is its list amount less its discounts, and they add up.
    for line in priced.lines:
        assert line.amount == line.list_amount - sum(
            (d.amount for d in line.discounts), Money.zero()
        )
    assert priced.list_total - priced.discount_total == priced.total
    assert sum((line.amount for line in priced.lines), Money.zero()) == priced.total
    # Each promotion's total is what its line parts add up to.
    for applied in priced.promotions:
        parts = [
            d.amount for line in priced.lines for d in line.discounts if d.label == applied.name
        ]
        assert sum(parts, Money.zero()) == applied.amount


def test_golden_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 12
    assert len({c.name for c in CASES}) == len(CASES)


def test_member_prices_are_reported_as_member_price_discounts() -> None:
    case = next(c for c in CASES if c.name.startswith("满减 with member prices"))
    priced = price_basket(
        _lines(case), _book(case.promotions), at=case.at, time_zone="Asia/Shanghai", member=True
    )
    kinds = {d.label: d.kind for line in priced.lines for d in line.discounts}
    assert kinds == {"member": DiscountKind.MEMBER_PRICE, "100-20 each": DiscountKind.PROMOTION}
    event = priced.lines[0].discounts[0].as_line_discount()
    assert event.kind is DiscountKind.MEMBER_PRICE
    assert event.ref == str(UUID(int=1000 + list(PROMOTIONS).index("member")))
    assert event.amount == Decimal("8.00")
