import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_core.basket import (
    AutoDiscount,
    Basket,
    BasketError,
    BasketLine,
    ManualDiscount,
    MemberTag,
    TenderLine,
    Unit,
    check_quantity,
)
from pos_core.basket_data import basket_from_data, basket_to_data
from pos_core.money import Money
from pos_core.protocol.events import DiscountKind, TenderKind
from pos_core.tax import TaxMode, TaxRate

VAT13 = TaxRate("VAT13", Decimal("0.13"))
VAT9 = TaxRate("VAT9", Decimal("0.09"))
AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def line(price="10.00", quantity="1", unit=Unit.PCS, rate=VAT13, **extra):
    return BasketLine(
        line_id=uuid.uuid4(),
        product_id=extra.pop("product_id", uuid.uuid4()),
        code="1000001",
        name="测试商品",
        tax_rate=rate,
        unit=unit,
        quantity=Decimal(quantity),
        unit_price=Money.of(price),
        added_at=AT,
        **extra,
    )


def basket(*lines):
    result = Basket(id=uuid.uuid4(), created_at=AT)
    for item in lines:
        result = result.add(item)
    return result


def test_quantities_are_whole_pieces_or_grams():
    assert check_quantity(Unit.PCS, Decimal("3")) == Decimal(3)
    assert check_quantity(Unit.KG, Decimal("0.5")) == Decimal("0.500")
    for unit, bad in [
        (Unit.PCS, "1.5"),
        (Unit.PCS, "0"),
        (Unit.PCS, "10000"),
        (Unit.KG, "0.0005"),
        (Unit.KG, "-1"),
        (Unit.KG, "1000"),
    ]:
        with pytest.raises(BasketError):
            check_quantity(unit, Decimal(bad))


def test_a_voided_line_stays_on_record_but_out_of_the_totals():
    water, bread = line("2.00"), line("8.80")
    b = basket(water, bread).void_line(water.line_id, AT, approved_by=None)
    totals = b.totals(TaxMode.INCLUSIVE)
    assert [lt.line.line_id for lt in totals.lines] == [bread.line_id]
    assert totals.total == Money.of("8.80")
    assert len(b.lines) == 2
    with pytest.raises(BasketError, match="not in the basket"):
        b.void_line(water.line_id, AT, None)


def test_lowering_a_quantity_late_is_a_void_plus_a_smaller_line():
    cola = line("3.00", "5")
    approver = uuid.uuid4()
    b = basket(cola).reduce_after_void(cola.line_id, Decimal(2), AT, approver, uuid.uuid4())
    assert [(str(x.quantity), x.voided is not None) for x in b.lines] == [("5", True), ("2", False)]
    assert b.lines[0].voided.approved_by == approver
    assert b.totals(TaxMode.INCLUSIVE).total == Money.of("6.00")
    with pytest.raises(BasketError, match="not lower"):
        b.reduce_after_void(b.lines[1].line_id, Decimal(3), AT, approver, uuid.uuid4())


def test_label_lines_keep_their_quantity_and_price():
    label = line("59.90", "0.592", Unit.KG, label_amount=Money.of("35.47"))
    weighed = line("12.80", "0.756", Unit.KG)
    b = basket(label, weighed)
    for target in (label, weighed):
        with pytest.raises(BasketError, match="label"):
            b.with_quantity(target.line_id, Decimal("1.000"))
    with pytest.raises(BasketError, match="label"):
        b.with_price(label.line_id, Money.of("1.00"), None)
    assert b.totals(TaxMode.INCLUSIVE).subtotal == Money.of("45.15")  # 35.47 + 9.68


def test_a_weight_typed_at_the_till_can_be_corrected():
    weighed = line("12.80", "0.500", Unit.KG, weighed_at_till=True)
    b = basket(weighed).with_quantity(weighed.line_id, Decimal("0.750"))
    assert b.totals(TaxMode.INCLUSIVE).total == Money.of("9.60")


def test_nothing_changes_once_payment_has_started():
    water = line("2.00")
    b = basket(water).with_tender(TenderLine(uuid.uuid4(), TenderKind.CASH, Money.of("1.00")))
    assert b.being_paid
    for change in (
        lambda: b.add(line()),
        lambda: b.void_line(water.line_id, AT, None),
        lambda: b.with_quantity(water.line_id, Decimal(2)),
        lambda: b.with_price(water.line_id, Money.of("1.00"), None),
        lambda: b.with_basket_discount(ManualDiscount(percent=Decimal(5))),
    ):
        with pytest.raises(BasketError, match="being paid"):
            change()


def test_repricing_skips_overrides_and_labels_and_reports_what_changed():
    product = uuid.uuid4()
    plain = line("3.00", product_id=product)
    overridden = line("3.00", product_id=product)
    label = line("59.90", "0.5", Unit.KG, label_amount=Money.of("29.95"), product_id=product)
    b = basket(plain, overridden, label).with_price(overridden.line_id, Money.of("2.50"), None)
    repriced, changed = b.repriced({product: Money.of("3.50")})
    assert [c.line_id for c in changed] == [plain.line_id]
    assert [str(x.unit_price) for x in repriced.lines] == ["3.50", "2.50", "59.90"]
    same, none = repriced.repriced({product: Money.of("3.50")})
    assert same is repriced
    assert none == ()


def test_an_override_keeps_the_price_that_was_in_force():
    bread = line("8.80")
    b = basket(bread).with_price(bread.line_id, Money.of("7.00"), None)
    b = b.with_price(bread.line_id, Money.of("6.60"), uuid.UUID(int=7))
    override = b.lines[0].override
    assert (str(override.original_price), override.approved_by) == ("8.80", uuid.UUID(int=7))


def test_promotion_discounts_come_first_then_the_manual_one_on_what_is_left():
    wine = line("100.00")
    b = basket(wine).with_auto_discounts(
        [AutoDiscount(wine.line_id, DiscountKind.PROMOTION, Money.of("20.00"), "满减", "P1")]
    )
    b = b.with_line_discount(wine.line_id, ManualDiscount(percent=Decimal(10)))
    lt = b.totals(TaxMode.INCLUSIVE).lines[0]
    assert [(d.kind, str(d.amount)) for d in lt.discounts] == [
        (DiscountKind.PROMOTION, "20.00"),
        (DiscountKind.MANUAL, "8.00"),
    ]
    assert lt.amount == Money.of("72.00")
    with pytest.raises(BasketError):
        b.with_auto_discounts([AutoDiscount(uuid.uuid4(), DiscountKind.COUPON, Money.of("1.00"))])


def test_a_discount_never_takes_a_line_below_zero():
    cheap = line("5.00")
    b = basket(cheap).with_line_discount(cheap.line_id, ManualDiscount(amount=Money.of("9.00")))
    totals = b.totals(TaxMode.INCLUSIVE)
    assert (totals.discount_total, totals.total, totals.tax_total) == (
        Money.of("5.00"),
        Money.zero(),
        Money.zero(),
    )
    for bad in (
        lambda: ManualDiscount(),
        lambda: ManualDiscount(percent=Decimal(0)),
        lambda: ManualDiscount(percent=Decimal(101)),
        lambda: ManualDiscount(amount=Money.of("-1.00")),
        lambda: ManualDiscount(percent=Decimal(5), amount=Money.of("1.00")),
    ):
        with pytest.raises(BasketError):
            bad()


prices = st.integers(min_value=1, max_value=99_999).map(lambda fen: Money.from_minor(fen))


@given(
    st.lists(st.tuples(prices, st.integers(1, 5), st.booleans()), min_size=1, max_size=12),
    st.one_of(st.none(), st.integers(min_value=1, max_value=100)),
    st.sampled_from(list(TaxMode)),
    st.lists(st.tuples(st.integers(0, 11), st.integers(1, 3_000)), max_size=4),
)
def test_every_part_adds_up_whatever_the_basket(items, percent, mode, promotions):
    b = basket(*(line(str(p), str(q), rate=VAT9 if nine else VAT13) for p, q, nine in items))
    b = b.with_auto_discounts(
        AutoDiscount(b.lines[i % len(b.lines)].line_id, DiscountKind.PROMOTION, Money.from_minor(f))
        for i, f in promotions
    )
    if percent is not None:
        b = b.with_basket_discount(ManualDiscount(percent=Decimal(percent)))
    totals = b.totals(mode)
    # the screen's quick figures are the sale's figures
    assert b.summary(mode) == totals.summary
    for lt in totals.lines:
        assert b.line_amounts(lt.line.line_id, mode) == (lt.list_amount, lt.discount, lt.amount)
    assert sum((lt.list_amount for lt in totals.lines), Money.zero()) == totals.subtotal
    assert sum((lt.discount for lt in totals.lines), Money.zero()) == totals.discount_total
    assert sum((lt.amount for lt in totals.lines), Money.zero()) == totals.total
    assert sum((lt.tax for lt in totals.lines), Money.zero()) == totals.tax_total
    assert sum((r.tax for r in totals.taxes), Money.zero()) == totals.tax_total
    assert all(not lt.amount.is_negative for lt in totals.lines)
    expected_total = totals.subtotal - totals.discount_total
    if mode is TaxMode.EXCLUSIVE:
        expected_total = expected_total + totals.tax_total
    assert totals.total == expected_total


def test_a_stored_basket_reads_back_the_same():
    approver = uuid.uuid4()
    wine, apples = line("168.00"), line("12.80", "0.756", Unit.KG, rate=VAT9)
    label = line("59.90", "0.592", Unit.KG, label_amount=Money.of("35.47"))
    b = basket(wine, apples, label, line("2.00"))
    b = b.with_price(wine.line_id, Money.of("150.00"), approver)
    b = b.with_line_discount(apples.line_id, ManualDiscount(percent=Decimal("12.5")))
    b = b.void_line(b.lines[3].line_id, AT + timedelta(minutes=9), approver)
    b = b.with_basket_discount(ManualDiscount(amount=Money.of("3.00"), approved_by=approver))
    b = b.with_auto_discounts(
        [AutoDiscount(label.line_id, DiscountKind.PROMOTION, Money.of("1.00"), "会员价", "P9")]
    )
    b = b.with_member(MemberTag(uuid.uuid4(), "M0012345678", "138****5678", "王"))
    b = b.with_label("红衣服的顾客")
    b = b.with_tender(
        TenderLine(
            uuid.uuid4(),
            TenderKind.CARD,
            Money.of("50.00"),
            reference="SIM0000000001",
            attempt_id=uuid.uuid4(),
        )
    )
    b = b.with_tender(
        TenderLine(
            uuid.uuid4(), TenderKind.CASH, Money.of("20.00"), Money.of("20.00"), Money.zero()
        ),
        Money.of("-0.03"),
    )
    again = basket_from_data(json.loads(json.dumps(basket_to_data(b))))
    assert again == b
    assert again.totals(TaxMode.INCLUSIVE) == b.totals(TaxMode.INCLUSIVE)
    with pytest.raises(BasketError, match="cannot be read"):
        basket_from_data({"id": "not a basket"})


def test_attempt_tenders_are_added_once_and_taken_off_together():
    attempt = uuid.uuid4()
    card = TenderLine(uuid.uuid4(), TenderKind.CARD, Money.of("5.00"), attempt_id=attempt)
    cash = TenderLine(uuid.uuid4(), TenderKind.CASH, Money.of("1.00"), Money.of("1.00"))
    b = basket(line("10.00")).with_tender(cash).with_attempt_tenders([card])
    assert b.with_attempt_tenders([card]) is b
    assert b.paid == Money.of("6.00")
    assert b.without_attempt_tenders().tenders == (cash,)
