"""Golden baskets: every figure a cashier and the receipt see, exact to the cent.

The table is shared: this module prices each basket with the pure functions
(`pos_core.basket`, `pos_core.tender`); tests/pos_app/services/test_golden_baskets.py
rings the same baskets through the till's services against a real SQLite file. The
expected figures were worked out by hand from the rules (tax once per rate, half-up;
tax-inclusive by default; cash rounding only on the cash tender that settles):

    inclusive tax = round(base × rate / (1 + rate)); exclusive tax = round(base × rate)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pos_core.barcodes import gtin_check_digit
from pos_core.basket import Basket, BasketLine, ManualDiscount, TenderLine, Unit
from pos_core.money import CashRoundingMode, Money
from pos_core.protocol.events import TenderKind
from pos_core.tax import TaxMode, TaxRate
from pos_core.tender import check_electronic, settle_cash

RATES = {
    "VAT13": TaxRate("VAT13", Decimal("0.13")),
    "VAT9": TaxRate("VAT9", Decimal("0.09")),
    "VAT0": TaxRate("VAT0", Decimal("0")),
}


def ean13(body: str) -> str:
    return body + str(gtin_check_digit(body))


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    price: str
    tax: str
    gtin: str | None = None  # EAN-13 for packaged goods
    item_ref: str | None = None  # 2x scale code for weighed goods

    @property
    def unit(self) -> Unit:
        return Unit.KG if self.item_ref else Unit.PCS


PRODUCTS = {
    "WATER": Product(
        "1000001", "农夫山泉 饮用天然水 550ml", "2.00", "VAT13", ean13("690123400001")
    ),
    "COLA": Product("1000002", "可口可乐 330ml", "3.00", "VAT13", ean13("690123400002")),
    "MILK": Product("1000003", "蒙牛 纯牛奶 250ml", "3.50", "VAT9", ean13("690123400003")),
    "BREAD": Product("1000004", "桃李 醇熟切片面包", "8.80", "VAT13", ean13("690123400004")),
    "EGGS": Product("1000005", "鲜鸡蛋 30枚", "18.60", "VAT0", ean13("690123400005")),
    "WINE": Product("1000006", "长城 干红葡萄酒 750ml", "168.00", "VAT13", ean13("690123400006")),
    "APPLES": Product("1000101", "红富士苹果", "12.80", "VAT9", item_ref="00123"),
    "BANANAS": Product("1000102", "香蕉", "6.98", "VAT9", item_ref="00456"),
    "BEEF": Product("1000103", "牛腩", "59.90", "VAT9", item_ref="00789"),
}


# --- what the cashier does ---------------------------------------------------------------
@dataclass(frozen=True)
class Scan:
    product: str
    quantity: int | None = None  # `3 *` before the scan


@dataclass(frozen=True)
class Weigh:
    """A 2x weight label from the scale."""

    product: str
    kg: str


@dataclass(frozen=True)
class PriceLabel:
    """A 2x price label; `kg` is the weight it stands for (label price ÷ price per kg)."""

    product: str
    price: str
    kg: str


@dataclass(frozen=True)
class DiscountLine:
    line: int  # 0-based position in the basket
    percent: str | None = None
    amount: str | None = None
    approved: bool = False  # needs (and gets) a supervisor


@dataclass(frozen=True)
class Override:
    line: int
    price: str
    approved: bool = False


@dataclass(frozen=True)
class DiscountBasket:
    percent: str | None = None
    amount: str | None = None
    approved: bool = False


@dataclass(frozen=True)
class Cash:
    handed: str


@dataclass(frozen=True)
class Card:
    amount: str | None = None  # None: all that is left


@dataclass(frozen=True)
class WeChat:
    amount: str | None = None


Step = Scan | Weigh | PriceLabel | DiscountLine | Override | DiscountBasket
Pay = Cash | Card | WeChat


@dataclass(frozen=True)
class Golden:
    name: str
    steps: tuple[Step, ...]
    pays: tuple[Pay, ...]
    subtotal: str
    discounts: str
    taxes: dict[str, str]
    rounding: str
    total: str  # what the customer owed, after rounding
    tenders: tuple[tuple[str, str], ...]  # (kind, amount it pays of the sale)
    change: str
    rounding_mode: CashRoundingMode = CashRoundingMode.NONE
    tax_mode: TaxMode = TaxMode.INCLUSIVE
    quantities: tuple[str, ...] = field(default=())  # expected line quantities, if checked


NEAREST = CashRoundingMode.NEAREST
DOWN = CashRoundingMode.DOWN

GOLDEN = (
    Golden(
        "cash with change: 2 * water and bread",
        (Scan("WATER", 2), Scan("BREAD")),
        (Cash("20.00"),),
        subtotal="12.80",
        discounts="0.00",
        taxes={"VAT13": "1.47"},
        rounding="0.00",
        total="12.80",
        tenders=(("cash", "12.80"),),
        change="7.20",
        quantities=("2", "1"),
    ),
    Golden(
        "weighed 2x labels: 0.756 kg apples, 1.235 kg bananas",
        (Weigh("APPLES", "0.756"), Weigh("BANANAS", "1.235"), Scan("MILK")),
        (Cash("50.00"),),
        subtotal="21.80",  # 12.80 × 0.756 = 9.6768 → 9.68; 6.98 × 1.235 = 8.6203 → 8.62
        discounts="0.00",
        taxes={"VAT9": "1.80"},
        rounding="0.00",
        total="21.80",
        tenders=(("cash", "21.80"),),
        change="28.20",
        rounding_mode=NEAREST,
        quantities=("0.756", "1.235", "1"),
    ),
    Golden(
        "priced 2x label, cash rounded up to the nearest 0.10",
        (PriceLabel("BEEF", "35.47", "0.592"), Scan("COLA")),
        (Cash("50.00"),),
        subtotal="38.47",
        discounts="0.00",
        taxes={"VAT9": "2.93", "VAT13": "0.35"},
        rounding="0.03",
        total="38.50",
        tenders=(("cash", "38.50"),),
        change="11.50",
        rounding_mode=NEAREST,
        quantities=("0.592", "1"),
    ),
    Golden(
        "cash rounded down (抹零)",
        (Scan("BREAD"), Scan("MILK"), Scan("WATER"), Weigh("APPLES", "0.333")),
        (Cash("20.00"),),
        subtotal="18.56",
        discounts="0.00",
        taxes={"VAT13": "1.24", "VAT9": "0.64"},
        rounding="-0.06",
        total="18.50",
        tenders=(("cash", "18.50"),),
        change="1.50",
        rounding_mode=DOWN,
    ),
    Golden(
        "cash rounded to the nearest 0.10, downwards, paid exactly",
        (Scan("WATER"), Weigh("APPLES", "0.800")),
        (Cash("12.20"),),
        subtotal="12.24",
        discounts="0.00",
        taxes={"VAT13": "0.23", "VAT9": "0.85"},
        rounding="-0.04",
        total="12.20",
        tenders=(("cash", "12.20"),),
        change="0.00",
        rounding_mode=NEAREST,
    ),
    Golden(
        "a 10% line discount (at the threshold: no approval), paid by card unrounded",
        (
            Scan("WINE"),
            DiscountLine(0, percent="10"),
            Scan("BREAD"),
            Scan("MILK"),
            Weigh("APPLES", "0.256"),
        ),
        (Card(),),
        subtotal="183.58",
        discounts="16.80",
        taxes={"VAT13": "18.41", "VAT9": "0.56"},
        rounding="0.00",
        total="166.78",
        tenders=(("card", "166.78"),),
        change="0.00",
        rounding_mode=NEAREST,
    ),
    Golden(
        "a 20% line discount, approved by a supervisor",
        (Scan("WINE"), DiscountLine(0, percent="20", approved=True), Scan("WATER")),
        (Cash("200.00"),),
        subtotal="170.00",
        discounts="33.60",
        taxes={"VAT13": "15.69"},
        rounding="0.00",
        total="136.40",
        tenders=(("cash", "136.40"),),
        change="63.60",
        rounding_mode=NEAREST,
    ),
    Golden(
        "a price override, approved by a supervisor",
        (Scan("BREAD"), Override(0, "6.60", approved=True), Scan("WATER")),
        (Cash("10.00"),),
        subtotal="8.60",
        discounts="0.00",
        taxes={"VAT13": "0.99"},
        rounding="0.00",
        total="8.60",
        tenders=(("cash", "8.60"),),
        change="1.40",
    ),
    Golden(
        "a basket discount shared across two tax rates, paid by WeChat",
        (Scan("WINE"), Scan("MILK", 2), DiscountBasket(amount="5.00")),
        (WeChat(),),
        subtotal="175.00",
        discounts="5.00",  # 168/175 × 5 = 4.80 on the wine, 0.20 on the milk
        taxes={"VAT13": "18.78", "VAT9": "0.56"},
        rounding="0.00",
        total="170.00",
        tenders=(("wechat", "170.00"),),
        change="0.00",
    ),
    Golden(
        "split: card first, then cash rounded on what is left",
        (Scan("WINE"), Scan("COLA"), Weigh("APPLES", "0.756")),
        (Card("100.00"), Cash("100.00")),
        subtotal="180.68",
        discounts="0.00",
        taxes={"VAT13": "19.67", "VAT9": "0.80"},
        rounding="0.02",
        total="180.70",
        tenders=(("card", "100.00"), ("cash", "80.70")),
        change="19.30",
        rounding_mode=NEAREST,
    ),
    Golden(
        "split: some cash first, the card pays the rest to the cent",
        (Scan("WINE"), Scan("COLA"), Weigh("APPLES", "0.756")),
        (Cash("50.00"), Card()),
        subtotal="180.68",
        discounts="0.00",
        taxes={"VAT13": "19.67", "VAT9": "0.80"},
        rounding="0.00",
        total="180.68",
        tenders=(("cash", "50.00"), ("card", "130.68")),
        change="0.00",
        rounding_mode=NEAREST,
    ),
    Golden(
        "three tenders: cash, WeChat and card",
        (Scan("WINE"), Scan("EGGS"), Weigh("BANANAS", "2.000")),
        (Cash("100.00"), WeChat("50.00"), Card()),
        subtotal="200.56",
        discounts="0.00",
        taxes={"VAT13": "19.33", "VAT0": "0.00", "VAT9": "1.15"},
        rounding="0.00",
        total="200.56",
        tenders=(("cash", "100.00"), ("wechat", "50.00"), ("card", "50.56")),
        change="0.00",
        rounding_mode=NEAREST,
    ),
    Golden(
        "a tax-exclusive store: tax added on top, per rate",
        (Scan("WATER", 3), Scan("MILK"), Scan("EGGS")),
        (Cash("30.00"),),
        subtotal="28.10",
        discounts="0.00",
        taxes={"VAT13": "0.78", "VAT9": "0.32", "VAT0": "0.00"},  # 3.50 × 0.09 = 0.315 → 0.32
        rounding="0.00",
        total="29.20",
        tenders=(("cash", "29.20"),),
        change="0.80",
        tax_mode=TaxMode.EXCLUSIVE,
    ),
    Golden(
        "a tax-exclusive store with a discount, cash rounded down",
        (Scan("BREAD"), DiscountLine(0, percent="5"), Scan("MILK")),
        (Cash("20.00"),),
        subtotal="12.30",
        discounts="0.44",
        taxes={"VAT13": "1.09", "VAT9": "0.32"},  # 8.36 × 0.13 = 1.0868 → 1.09
        rounding="-0.07",
        total="13.20",  # 8.36 + 1.09 + 3.50 + 0.32 = 13.27 → 13.20
        tenders=(("cash", "13.20"),),
        change="6.80",
        rounding_mode=DOWN,
        tax_mode=TaxMode.EXCLUSIVE,
    ),
)

APPROVER = uuid.UUID(int=801)
AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def _line(product: Product, quantity: str, label: str | None = None) -> BasketLine:
    return BasketLine(
        line_id=uuid.uuid4(),
        product_id=uuid.uuid5(uuid.NAMESPACE_OID, product.code),
        code=product.gtin or product.code,
        name=product.name,
        tax_rate=RATES[product.tax],
        unit=Unit.KG if label is not None or product.item_ref else Unit.PCS,
        quantity=Decimal(quantity),
        unit_price=Money.of(product.price),
        added_at=AT,
        label_amount=None if label is None else Money.of(label),
    )


def _discount(percent: str | None, amount: str | None, approved: bool) -> ManualDiscount:
    return ManualDiscount(
        percent=None if percent is None else Decimal(percent),
        amount=None if amount is None else Money.of(amount),
        approved_by=APPROVER if approved else None,
    )


def ring(case: Golden) -> Basket:
    """The pure path: build the basket, then take each tender as the till does."""
    basket = Basket(id=uuid.uuid4(), created_at=AT)
    for step in case.steps:
        if isinstance(step, Scan):
            basket = basket.add(_line(PRODUCTS[step.product], str(step.quantity or 1)))
        elif isinstance(step, Weigh):
            basket = basket.add(_line(PRODUCTS[step.product], step.kg))
        elif isinstance(step, PriceLabel):
            basket = basket.add(_line(PRODUCTS[step.product], step.kg, step.price))
        elif isinstance(step, DiscountLine):
            line = basket.active_lines[step.line]
            discount = _discount(step.percent, step.amount, step.approved)
            basket = basket.with_line_discount(line.line_id, discount)
        elif isinstance(step, Override):
            line = basket.active_lines[step.line]
            approver = APPROVER if step.approved else None
            basket = basket.with_price(line.line_id, Money.of(step.price), approver)
        else:
            basket = basket.with_basket_discount(
                _discount(step.percent, step.amount, step.approved)
            )
    for pay in case.pays:
        remaining = basket.totals(case.tax_mode).remaining
        if isinstance(pay, Cash):
            settled = settle_cash(remaining, Money.of(pay.handed), case.rounding_mode, "0.10")
            tender = TenderLine(
                uuid.uuid4(), TenderKind.CASH, settled.applied, settled.tendered, settled.change
            )
            basket = basket.with_tender(tender, settled.rounding)
        else:
            kind = TenderKind.CARD if isinstance(pay, Card) else TenderKind.WECHAT
            amount = remaining if pay.amount is None else Money.of(pay.amount)
            tender = TenderLine(uuid.uuid4(), kind, check_electronic(remaining, amount))
            basket = basket.with_tender(tender)
    return basket


@pytest.mark.parametrize("case", GOLDEN, ids=[g.name for g in GOLDEN])
def test_golden_basket_priced_by_the_pure_rules(case: Golden) -> None:
    basket = ring(case)
    totals = basket.totals(case.tax_mode)
    assert str(totals.subtotal) == case.subtotal
    assert str(totals.discount_total) == case.discounts
    assert {r.rate.code: str(r.tax) for r in totals.taxes} == case.taxes
    assert str(totals.rounding) == case.rounding
    assert str(totals.total_due) == case.total
    assert tuple((t.kind.value, str(t.amount)) for t in basket.tenders) == case.tenders
    assert str(totals.change) == case.change
    assert not totals.remaining
    # the parts always add up: lines to the total, line taxes to the rate taxes
    assert sum((lt.amount for lt in totals.lines), Money.zero()) == totals.total
    assert sum((lt.tax for lt in totals.lines), Money.zero()) == totals.tax_total
    if case.quantities:
        assert tuple(f"{lt.line.quantity:f}" for lt in totals.lines) == case.quantities


def test_the_table_covers_what_the_issue_asks() -> None:
    steps = [type(s) for g in GOLDEN for s in g.steps]
    assert len(GOLDEN) >= 12
    assert Weigh in steps
    assert PriceLabel in steps
    assert any(isinstance(s, DiscountLine) for g in GOLDEN for s in g.steps)
    assert any(isinstance(s, Override) and s.approved for g in GOLDEN for s in g.steps)
    assert {g.rounding_mode for g in GOLDEN if g.rounding != "0.00"} == {NEAREST, DOWN}
    assert any({k for k, _ in g.tenders} >= {"cash", "card"} for g in GOLDEN)
    assert any(g.tax_mode is TaxMode.EXCLUSIVE for g in GOLDEN)
