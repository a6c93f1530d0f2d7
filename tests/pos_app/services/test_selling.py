from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from pos_app.services import basket_edits, payments, selling
from pos_app.services.errors import (
    BasketRefused,
    InvalidCode,
    NeedsApproval,
    NeedsWeight,
    NotSellable,
    PaymentCodeOutsideTender,
    QuantityNotAllowed,
    UnknownCode,
)
from pos_app.services.selling import Flow, HandedOff, LineAdded
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import Sale
from pos_core.barcodes import gtin_check_digit
from pos_core.demo_data import weighed_barcode
from pos_core.money import CashRoundingMode, Money
from pos_core.permissions import Role

WECHAT_CODE = "134567890123456789"


def ean13(body):
    return body + str(gtin_check_digit(body))


ALIPAY_CODE = "2812345678901234"


def names(till):
    return [
        (line.name, f"{line.quantity}", str(line.amount)) for line in selling.current(till).lines
    ]


def test_every_form_of_a_barcode_finds_the_product(till, kit):
    ean = kit.code("WATER")
    for form in (ean, "0" + ean, f"  {ean}\r\n", "1000001"):
        result = selling.scan(till, form)
        assert isinstance(result, LineAdded)
        assert result.line.name == "农夫山泉 饮用天然水 550ml"
    assert str(selling.current(till).totals.total) == "8.00"


def test_scans_for_other_flows_are_handed_over(till):
    assert selling.scan(till, "M0012345678") == HandedOff(Flow.MEMBER, "M0012345678")
    assert selling.scan(till, "OT1:R:S001-02-000001") == HandedOff(Flow.RECEIPT, "S001-02-000001")
    assert selling.scan(till, "OT1:C:WELCOME20") == HandedOff(Flow.COUPON, "WELCOME20")
    assert selling.scan(till, "OT1:P:PO-778812") == HandedOff(Flow.PICKUP, "PO-778812")
    assert selling.scan(till, "OT1:M:0195a0") == HandedOff(Flow.MEMBER, "0195a0")
    assert selling.current(till).lines == ()


def test_a_payment_code_is_refused_outside_tender_and_never_kept(shop, till, kit):
    selling.scan(till, kit.code("MILK"))
    for payment_code in (WECHAT_CODE, ALIPAY_CODE):
        with pytest.raises(PaymentCodeOutsideTender, match="not kept") as refused:
            selling.scan(till, payment_code)
        assert payment_code not in str(refused.value)
    payments.tender_cash(till, Money.of("5.00"))
    assert names(till) == []
    shop.store.close()  # everything on disk: the database, its WAL
    raw = b"".join(p.read_bytes() for p in shop.path.parent.glob("till.db*"))
    assert WECHAT_CODE.encode() not in raw
    assert ALIPAY_CODE.encode() not in raw


UNKNOWN_EAN = ean13("690123409999")
UNKNOWN_SCALE_LABEL = weighed_barcode("12399", Decimal("0.756"))


@pytest.mark.parametrize(
    ("scanned", "error", "message"),
    [
        (UNKNOWN_EAN, UnknownCode, f"No product has the barcode {UNKNOWN_EAN}"),
        (UNKNOWN_EAN[:-1] + str((int(UNKNOWN_EAN[-1]) + 1) % 10), InvalidCode, "check digit"),
        ("9999999", UnknownCode, "No product has the code 9999999"),
        ("hello world", UnknownCode, "Unknown code"),
        (UNKNOWN_SCALE_LABEL, UnknownCode, "No weighed item has the scale code 12399"),
        ("GONE", NotSellable, "no longer sold"),
        ("UNPRICED", NotSellable, "has no price in force"),
        ("1000101", NeedsWeight, "sold by weight"),
        ("ＡＢＣ", InvalidCode, "full-width"),
    ],
)
def test_a_code_that_rings_nothing_says_why(till, scanned, error, message):
    with pytest.raises(error, match=message):
        selling.scan(till, scanned)
    assert names(till) == []


def test_quantity_multiply_and_its_refusal_for_weighed_goods(till, kit):
    selling.scan(till, kit.code("COLA"), quantity=3)
    with pytest.raises(QuantityNotAllowed, match="scan each label"):
        selling.scan(till, kit.label("APPLES", "0.500"), quantity=2)
    with pytest.raises(QuantityNotAllowed, match="sold by weight"):
        selling.scan(till, "1000101", quantity=2)
    with pytest.raises(BasketRefused):
        selling.scan(till, kit.code("COLA"), quantity=0)
    assert names(till) == [("可口可乐 330ml", "3", "9.00")]


def test_weighed_goods_by_label_or_by_the_till_scale(till, kit):
    selling.scan(till, kit.label("APPLES", "0.756"))
    selling.scan(till, kit.price_label("BEEF", "35.47"))
    weighed = selling.add_weighed(till, "1000102", Decimal("1.5"))
    assert weighed.line.amount == Money.of("10.47")  # 6.98 × 1.5
    view = basket_edits.set_quantity(till, weighed.line.line_id, Decimal("2.000"))
    assert names(till) == [
        ("红富士苹果", "0.756", "9.68"),
        ("牛腩", "0.592", "35.47"),
        ("香蕉", "2.000", "13.96"),
    ]
    assert str(view.totals.item_count) == "3"
    label_line = view.lines[0].line_id
    with pytest.raises(BasketRefused, match="label"):
        basket_edits.set_quantity(till, label_line, Decimal("1.000"))
    with pytest.raises(BasketRefused, match="by the piece"):
        selling.add_weighed(till, kit.code("WATER"), Decimal("1"))


def test_void_a_line_within_the_grace_period_alone_after_it_with_a_supervisor(shop, till, kit):
    water = selling.scan(till, kit.code("WATER")).line
    bread = selling.scan(till, kit.code("BREAD")).line
    basket_edits.void_line(till, water.line_id)
    shop.clock.advance(timedelta(seconds=301))  # the store's grace period is 300 s
    with pytest.raises(NeedsApproval) as needed:
        basket_edits.void_line(till, bread.line_id)
    assert needed.value.required is Role.SUPERVISOR
    basket_edits.void_line(till, bread.line_id, kit.SUPERVISOR.approval)
    assert names(till) == []
    cola = selling.scan(till, kit.code("COLA")).line
    done = payments.tender_cash(till, Money.of("3.00")).completed
    assert cola.line_id
    with shop.store.read() as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.approver_id, AuditEntry.details).where(
                AuditEntry.subject == done.receipt_no
            )
        ).all()
    assert [(e.action, e.approver_id, e.details["line"]) for e in entries] == [
        ("void_line_late", kit.SUPERVISOR.id, "桃李 醇熟切片面包")
    ]


def test_lowering_a_quantity_late_needs_a_supervisor(shop, till, kit):
    cola = selling.scan(till, kit.code("COLA"), quantity=4).line
    basket_edits.set_quantity(till, cola.line_id, Decimal(6))  # more: never needs anyone
    shop.clock.advance(timedelta(minutes=6))
    with pytest.raises(NeedsApproval):
        basket_edits.set_quantity(till, cola.line_id, Decimal(2))
    view = basket_edits.set_quantity(till, cola.line_id, Decimal(2), kit.SUPERVISOR.approval)
    assert names(till) == [("可口可乐 330ml", "2", "6.00")]
    assert view.lines[0].line_id != cola.line_id


def test_price_overrides_above_the_threshold_need_approval(shop, till, kit):
    shop.settings(price_override_threshold=Decimal("1.00"))
    bread = selling.scan(till, kit.code("BREAD")).line
    view = basket_edits.override_price(till, bread.line_id, Money.of("8.00"))  # 0.80 off: alone
    assert view.lines[0].price_overridden
    with pytest.raises(NeedsApproval, match=r"changes by 2\.80"):
        basket_edits.override_price(till, bread.line_id, Money.of("6.00"))
    basket_edits.override_price(till, bread.line_id, Money.of("6.00"), kit.SUPERVISOR.approval)
    with pytest.raises(BasketRefused, match="negative"):
        basket_edits.override_price(till, bread.line_id, Money.of("-1.00"))
    assert names(till) == [("桃李 醇熟切片面包", "1", "6.00")]


def test_discounts_above_the_threshold_need_approval(till, kit):
    wine = selling.scan(till, kit.code("WINE")).line
    basket_edits.discount_line(till, wine.line_id, amount=Money.of("16.80"))  # exactly 10 %: alone
    with pytest.raises(NeedsApproval, match=r"15\.0% is above 10"):
        basket_edits.discount_line(till, wine.line_id, percent=Decimal(15))
    basket_edits.discount_line(
        till, wine.line_id, percent=Decimal(15), approval=kit.SUPERVISOR.approval
    )
    with pytest.raises(NeedsApproval):
        basket_edits.discount_basket(till, percent=Decimal(20))
    view = basket_edits.discount_basket(till, amount=Money.of("2.80"))
    assert (str(view.totals.discount_total), str(view.totals.total)) == ("28.00", "140.00")
    view = basket_edits.discount_line(till, wine.line_id)  # neither: the discount is taken off
    assert str(view.totals.total) == "165.20"


def test_the_price_is_the_one_in_force_when_the_sale_completes(shop, till, kit):
    """Cola scanned at 23:59 at 3.00; 3.50 starts at midnight; the sale completes after it,
    offline, and is still on the shift's business day."""
    midnight = datetime(2026, 11, 23, 0, 0, tzinfo=kit.SHANGHAI)
    shop.pull(kit.price_row("COLA", "3.50", midnight))
    shop.clock.set(midnight - timedelta(minutes=1))
    assert selling.scan(till, kit.code("COLA"), quantity=2).line.amount == Money.of("6.00")
    shop.clock.set(midnight + timedelta(minutes=1))
    result = payments.tender_cash(till, Money.of("10.00"))
    assert result.repriced == ("可口可乐 330ml",)
    assert (str(result.completed.total_due), str(result.completed.change)) == ("7.00", "3.00")
    with shop.store.read() as session:
        sale = session.get(Sale, result.completed.sale_id)
        assert str(sale.business_date) == "2026-11-22"
        assert str(sale.lines[0].unit_price) == "3.50"


def test_a_store_price_wins_over_the_chain_price(shop, till, kit):
    start = datetime(2026, 11, 1, tzinfo=kit.SHANGHAI)
    shop.pull(
        kit.price_row("MILK", "2.99", start, store=kit.STORE_ID),
        kit.price_row("MILK", "1.00", start, store=kit.OTHER_STORE),
    )
    assert selling.scan(till, kit.code("MILK")).line.amount == Money.of("2.99")


def test_a_pulled_settings_change_applies_to_the_next_sale(shop, till, kit):
    selling.scan(till, kit.code("BREAD"))
    selling.scan(till, kit.code("MILK"))  # 12.30
    shop.settings(cash_rounding=CashRoundingMode.DOWN)
    selling.scan(till, kit.code("COLA"))  # 15.30
    selling.scan(till, kit.label("APPLES", "0.333"))  # 4.26 → 19.56
    done = payments.tender_cash(till, Money.of("20.00")).completed
    assert (str(done.rounding), str(done.total_due)) == ("-0.06", "19.50")


def test_nothing_can_be_added_while_the_basket_is_being_paid(till, kit):
    selling.scan(till, kit.code("WINE"))
    payments.tender_cash(till, Money.of("100.00"))
    with pytest.raises(BasketRefused, match="being paid"):
        selling.scan(till, kit.code("WATER"))
    with pytest.raises(BasketRefused, match="being paid"):
        basket_edits.discount_basket(till, percent=Decimal(5))
    # other flows still take their scans (a member card at the tender step)
    assert selling.scan(till, "M0012345678").flow is Flow.MEMBER
