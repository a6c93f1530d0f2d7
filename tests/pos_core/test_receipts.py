import uuid
from datetime import UTC, datetime
from decimal import Decimal

from pos_core.basket import Basket, BasketLine, ManualDiscount, MemberTag, TenderLine, Unit
from pos_core.money import Money
from pos_core.printing import Columns, DocumentKind, PrintDocument, QrCode, Row, Size, Text
from pos_core.protocol.events import CashMovementKind, DenominationCount, TenderKind
from pos_core.receipts import (
    SaleReceipt,
    StoreLines,
    VoidReceipt,
    VoidRefund,
    build_sale_receipt,
    build_void_receipt,
    mask_card,
)
from pos_core.scan import OmniTillCode, QrKind, classify
from pos_core.shift_report import (
    ReportHeading,
    ShiftFigures,
    build_x_report,
    build_z_report,
    check_tenders,
    counted_cash,
)
from pos_core.tax import TaxMode, TaxRate

AT = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
STORE = StoreLines(
    header=("OmniTill 优选超市", "上海南京西路店"),
    footer=("谢谢惠顾，欢迎再次光临！",),
    invoice_url="https://fapiao.example.cn/r/",
)


def text_of(document: PrintDocument) -> list[str]:
    """The document as plain lines, as a screen preview would show it."""
    lines = []
    for block in document.blocks:
        if isinstance(block, Text):
            lines.append(block.text)
        elif isinstance(block, Row):
            lines.append(f"{block.left} | {block.right}")
        elif isinstance(block, Columns):
            lines.append(" | ".join(cell.text for cell in block.cells))
        elif isinstance(block, QrCode):
            lines.append(f"[QR {block.payload}] {block.label}")
    return lines


def sale_basket() -> Basket:
    def line(name, price, quantity, unit=Unit.PCS, rate="0.13", **extra):
        return BasketLine(
            line_id=uuid.uuid4(),
            product_id=uuid.uuid4(),
            code="6901234000012",
            name=name,
            tax_rate=TaxRate("VAT13" if rate == "0.13" else "VAT9", Decimal(rate)),
            unit=unit,
            quantity=Decimal(quantity),
            unit_price=Money.of(price),
            added_at=AT,
            **extra,
        )

    wine = line("长城 干红葡萄酒 750ml", "168.00", "1")
    apples = line("红富士苹果", "12.80", "0.756", Unit.KG, rate="0.09")
    basket = Basket(id=uuid.uuid4(), created_at=AT).add(wine).add(apples)
    basket = basket.with_price(wine.line_id, Money.of("150.00"), uuid.uuid4())
    basket = basket.with_line_discount(apples.line_id, ManualDiscount(percent=Decimal(10)))
    basket = basket.with_member(MemberTag(uuid.uuid4(), "M0012345678", "138****5678"))
    basket = basket.with_tender(
        TenderLine(uuid.uuid4(), TenderKind.CARD, Money.of("100.00"), reference="SIM0000000042")
    )
    return basket.with_tender(
        TenderLine(
            uuid.uuid4(), TenderKind.CASH, Money.of("58.70"), Money.of("60.00"), Money.of("1.30")
        ),
        Money.of("-0.01"),
    )


def receipt(training=False):
    basket = sale_basket()
    return build_sale_receipt(
        SaleReceipt(
            document_id=uuid.uuid4(),
            receipt_no="S001-02-000123",
            till_number=2,
            cashier="李娜 (001)",
            time_text="2026-11-22 10:00:00",
            totals=basket.totals(TaxMode.INCLUSIVE),
            tenders=basket.tenders,
            store=STORE,
            member=basket.member,
            training=training,
        )
    )


def test_a_receipt_shows_what_the_customer_bought_and_paid():
    document = receipt()
    lines = text_of(document)
    assert document.kind is DocumentKind.RECEIPT
    assert lines[:2] == ["OmniTill 优选超市", "上海南京西路店"]
    assert "小票号 Receipt | S001-02-000123" in lines
    assert "长城 干红葡萄酒 750ml" in lines
    assert "  改价 Price changed (原价 was 168.00) | " in lines
    assert "  6901234000012 | 0.756kg × 12.80 | 9.68" in lines
    assert "  折扣 Discount 10% | -0.97" in lines
    assert "小计 Subtotal | 159.68" in lines
    assert "优惠 Discounts | -0.97" in lines
    assert "抹零 Cash rounding | -0.01" in lines
    assert "合计 TOTAL | 158.70" in lines
    assert "银行卡 Card | 100.00" in lines
    assert "  参考号 Ref | SIM0000000042" in lines
    assert "现金 Cash | 60.00" in lines
    assert "找零 Change | 1.30" in lines
    assert "会员 Member | M00*****678" in lines
    assert "手机 Phone | 138****5678" in lines
    assert lines[-1] == "谢谢惠顾，欢迎再次光临！"
    total_row = next(b for b in document.blocks if isinstance(b, Row) and "TOTAL" in b.left)
    assert total_row.size is Size.DOUBLE_HEIGHT


def test_a_receipt_carries_a_return_qr_and_a_fapiao_qr():
    codes = [b for b in receipt().blocks if isinstance(b, QrCode)]
    assert [c.payload for c in codes] == [
        "OT1:R:S001-02-000123",
        "https://fapiao.example.cn/r/S001-02-000123",
    ]
    assert classify(codes[0].payload) == OmniTillCode(QrKind.RECEIPT, "S001-02-000123", 1)


def test_training_and_copy_marks():
    training = receipt(training=True)
    assert training.training
    assert "练习模式 TRAINING — 非正式交易" in text_of(training)
    copy = receipt().as_reprint()
    assert copy.reprint
    assert not receipt().reprint
    # a stored receipt reads back identically (it is kept with the sale)
    assert PrintDocument.model_validate(copy.model_dump(mode="json")) == copy


def test_member_cards_are_masked():
    assert mask_card("M0012345678") == "M00*****678"
    assert mask_card("12345") == "*****"


def test_a_void_slip_says_where_the_money_went():
    document = build_void_receipt(
        VoidReceipt(
            document_id=uuid.uuid4(),
            receipt_no="S001-02-000123",
            till_number=2,
            cashier="李娜 (001)",
            approver="王强 (801)",
            time_text="2026-11-22 10:05:00",
            reason="顾客改变主意",
            total=Money.of("158.70"),
            refunds=(
                VoidRefund(TenderKind.CARD, Money.of("100.00"), "SIM0000000042", True),
                VoidRefund(TenderKind.CASH, Money.of("58.70"), None, False),
            ),
            store=STORE,
        )
    )
    lines = text_of(document)
    assert document.kind is DocumentKind.VOID_RECEIPT
    assert "整单作废 VOID" in lines
    assert "批准 Approved by | 王强 (801)" in lines
    assert "退 Refund 银行卡 Card | 100.00" in lines
    assert "  待总部退款 To be refunded by head office" in lines
    assert "退 Refund 现金 Cash | 58.70" in lines


def figures():
    return ShiftFigures(
        opening_float=Money.of("500.00"),
        sales_count=3,
        sales_total=Money.of("300.00"),
        voids_count=1,
        voids_total=Money.of("50.00"),
        taken={TenderKind.CASH: Money.of("180.00"), TenderKind.CARD: Money.of("120.00")},
        paid_back={TenderKind.CASH: Money.of("50.00")},
        movements={
            CashMovementKind.PAY_IN: Money.of("100.00"),
            CashMovementKind.PAY_OUT: Money.of("20.00"),
            CashMovementKind.SAFE_DROP: Money.of("300.00"),
        },
        no_sales=2,
    )


HEADING = ReportHeading("上海南京西路店", 2, "2026-11-22 08:00", "李娜 (001)", "2026-11-22 18:00")


def test_expected_cash_follows_every_movement():
    # 500 float + 180 cash − 50 voided + 100 in − 20 out − 300 dropped
    assert figures().expected(TenderKind.CASH) == Money.of("410.00")
    assert figures().expected(TenderKind.CARD) == Money.of("120.00")
    assert figures().net_sales == Money.of("250.00")


def test_an_x_report_hides_expected_cash_unless_allowed():
    hidden = text_of(build_x_report(uuid.uuid4(), HEADING, figures(), show_expected_cash=False))
    shown = text_of(build_x_report(uuid.uuid4(), HEADING, figures(), show_expected_cash=True))
    assert "应有 Expected 现金 Cash | —" in hidden
    assert not any("410.00" in line for line in hidden)
    assert "应有 Expected 现金 Cash | 410.00" in shown
    assert "应有 Expected 银行卡 Card | 120.00" in hidden
    assert "开钱箱 No-sales | 2" in hidden


def test_a_z_report_shows_the_count_then_expected_counted_and_variance():
    counts = [
        DenominationCount(denomination=Decimal("100"), count=4),
        DenominationCount(denomination=Decimal("5"), count=1),
        DenominationCount(denomination=Decimal("0.5"), count=4),
    ]
    cash = counted_cash(counts)
    assert cash == Money.of("407.00")
    checks = check_tenders(figures(), cash, {TenderKind.CARD: Money.of("120.00")})
    assert [(c.kind, str(c.variance)) for c in checks] == [
        (TenderKind.CASH, "-3.00"),
        (TenderKind.CARD, "0.00"),
    ]
    lines = text_of(build_z_report(uuid.uuid4(), HEADING, figures(), 7, checks, counts))
    assert "Z 报表 日结 Z REPORT #7" in lines
    assert "  100 × 4 | 400.00" in lines
    assert lines[lines.index("现金 Cash") : lines.index("现金 Cash") + 4] == [
        "现金 Cash",
        "  应有 Expected | 410.00",
        "  实点 Counted | 407.00",
        "  差异 Variance | -3.00",
    ]
