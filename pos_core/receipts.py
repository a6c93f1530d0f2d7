"""Receipt layout: a completed sale (or its void) as a `PrintDocument`, pure.

The till builds the document once, when the sale completes, stores it with the sale and
queues it for the printer; a reprint is the same document marked 重印/COPY. Labels are
Chinese with English after them (the receipt is read by Chinese customers and head office
staff alike). The member is shown masked only (card tail, masked phone), and two QR codes
close the receipt: the OmniTill receipt code a return scans, and the fapiao request.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from pos_core.basket import MemberTag, TenderLine, Unit
from pos_core.basket_totals import LineTotal, Totals
from pos_core.money import Money
from pos_core.printing import (
    Align,
    Block,
    Cell,
    Columns,
    DocumentKind,
    Feed,
    PrintDocument,
    QrCode,
    Row,
    Rule,
    Size,
    Text,
)
from pos_core.protocol.events import TenderKind
from pos_core.scan import QrKind, omnitill_payload
from pos_core.tax import TaxMode

TENDER_LABELS: Final[dict[TenderKind, str]] = {
    TenderKind.CASH: "现金 Cash",
    TenderKind.CARD: "银行卡 Card",
    TenderKind.WECHAT: "微信支付 WeChat Pay",
    TenderKind.ALIPAY: "支付宝 Alipay",
    TenderKind.POINTS: "积分 Points",
    TenderKind.ONLINE: "线上支付 Online",
}


@dataclass(frozen=True, slots=True)
class StoreLines:
    """What the store prints on every receipt (from its settings)."""

    header: tuple[str, ...]
    footer: tuple[str, ...]
    invoice_url: str


@dataclass(frozen=True, slots=True)
class SaleReceipt:
    document_id: uuid.UUID
    receipt_no: str
    till_number: int
    cashier: str
    time_text: str  # local time, as the store reads it
    totals: Totals
    tenders: tuple[TenderLine, ...]
    store: StoreLines
    member: MemberTag | None = None
    training: bool = False


def quantity_text(quantity: Decimal, unit: Unit) -> str:
    if unit is Unit.KG:
        return f"{quantity:.3f}kg"
    return f"{quantity:f}"


def mask_card(card_no: str) -> str:
    """`M0012345678` → `M00****678`: enough to recognise, too little to use."""
    if len(card_no) <= 6:
        return "*" * len(card_no)
    return f"{card_no[:3]}{'*' * (len(card_no) - 6)}{card_no[-3:]}"


def invoice_payload(invoice_url: str, receipt_no: str) -> str:
    return f"{invoice_url}{receipt_no}"


def _amount(value: Money) -> str:
    return str(value)


def _line_blocks(lt: LineTotal) -> list[Block]:
    line = lt.line
    blocks: list[Block] = [Text(text=line.name)]
    if line.label_amount is not None and line.unit is not Unit.KG:
        detail = "称重标签 label"
    else:
        detail = f"{quantity_text(line.quantity, line.unit)} × {line.unit_price}"
    blocks.append(
        Columns(
            cells=[
                Cell(text=f"  {line.code}", weight=2),
                Cell(text=detail, weight=3, align=Align.RIGHT),
                Cell(text=_amount(lt.list_amount), weight=2, align=Align.RIGHT),
            ]
        )
    )
    if line.override is not None:
        blocks.append(
            Row(left=f"  改价 Price changed (原价 was {line.override.original_price})", right="")
        )
    for discount in lt.discounts:
        blocks.append(
            Row(left=f"  {discount.label or '优惠 Discount'}", right=f"-{discount.amount}")
        )
    return blocks


def _tender_blocks(tenders: Sequence[TenderLine]) -> list[Block]:
    blocks: list[Block] = []
    for tender in tenders:
        label = TENDER_LABELS[tender.kind]
        shown = tender.tendered if tender.tendered is not None else tender.amount
        blocks.append(Row(left=label, right=_amount(shown)))
        if tender.reference:
            blocks.append(Row(left="  参考号 Ref", right=tender.reference))
    change = sum((t.change for t in tenders), Money.zero())
    if change:
        blocks.append(Row(left="找零 Change", right=_amount(change), bold=True))
    return blocks


def _tax_blocks(totals: Totals) -> list[Block]:
    blocks: list[Block] = []
    included = totals.mode is TaxMode.INCLUSIVE
    for rate in totals.taxes:
        percent = (rate.rate.rate * 100).normalize()
        name = f"{rate.rate.code} {percent:f}%"
        prefix = "含税 incl. tax" if included else "税额 Tax"
        blocks.append(
            Columns(
                cells=[
                    Cell(text=f"{prefix} {name}", weight=3),
                    Cell(text=f"{'净额 net'} {rate.net}", weight=2, align=Align.RIGHT),
                    Cell(text=_amount(rate.tax), weight=1, align=Align.RIGHT),
                ]
            )
        )
    return blocks


def build_sale_receipt(receipt: SaleReceipt) -> PrintDocument:
    """The customer's receipt for a completed sale."""
    totals = receipt.totals
    blocks: list[Block] = [
        Text(text=line, align=Align.CENTER, bold=index == 0)
        for index, line in enumerate(receipt.store.header)
    ]
    if receipt.training:
        blocks.append(Text(text="练习模式 TRAINING — 非正式交易", align=Align.CENTER, bold=True))
    blocks += [
        Rule(),
        Row(left="小票号 Receipt", right=receipt.receipt_no),
        Row(left="收银台 Till", right=f"{receipt.till_number:02d}"),
        Row(left="收银员 Cashier", right=receipt.cashier),
        Row(left="时间 Time", right=receipt.time_text),
        Rule(),
    ]
    for lt in totals.lines:
        blocks += _line_blocks(lt)
    blocks.append(Rule())
    blocks.append(Row(left="件数 Items", right=f"{totals.item_count.normalize():f}"))
    blocks.append(Row(left="小计 Subtotal", right=_amount(totals.subtotal)))
    if totals.discount_total:
        blocks.append(Row(left="优惠 Discounts", right=f"-{totals.discount_total}"))
    blocks += _tax_blocks(totals)
    if totals.rounding:
        blocks.append(Row(left="抹零 Cash rounding", right=_amount(totals.rounding)))
    blocks.append(
        Row(left="合计 TOTAL", right=_amount(totals.total_due), bold=True, size=Size.DOUBLE_HEIGHT)
    )
    blocks.append(Rule())
    blocks += _tender_blocks(receipt.tenders)
    if receipt.member is not None:
        blocks.append(Rule())
        blocks.append(Row(left="会员 Member", right=mask_card(receipt.member.card_no)))
        if receipt.member.phone_masked:
            blocks.append(Row(left="手机 Phone", right=receipt.member.phone_masked))
    blocks += [
        Rule(),
        QrCode(
            payload=omnitill_payload(QrKind.RECEIPT, receipt.receipt_no), label="退换货扫码 Returns"
        ),
        QrCode(
            payload=invoice_payload(receipt.store.invoice_url, receipt.receipt_no),
            label="扫码开发票 Scan for fapiao",
        ),
    ]
    blocks += [Text(text=line, align=Align.CENTER) for line in receipt.store.footer]
    blocks.append(Feed(lines=2))
    return PrintDocument(
        id=receipt.document_id,
        kind=DocumentKind.RECEIPT,
        blocks=blocks,
        training=receipt.training,
    )


@dataclass(frozen=True, slots=True)
class VoidRefund:
    kind: TenderKind
    amount: Money
    reference: str | None
    instruction: bool  # not reversed now: recorded for head office to pay back


@dataclass(frozen=True, slots=True)
class VoidReceipt:
    document_id: uuid.UUID
    receipt_no: str  # the voided sale's
    till_number: int
    cashier: str
    approver: str
    time_text: str
    reason: str
    total: Money
    refunds: tuple[VoidRefund, ...]
    store: StoreLines
    training: bool = False


def build_void_receipt(void: VoidReceipt) -> PrintDocument:
    """The slip for a void after tender (整单作废): what went back, to which tender."""
    blocks: list[Block] = [
        Text(text=line, align=Align.CENTER, bold=index == 0)
        for index, line in enumerate(void.store.header[:2])
    ]
    blocks += [
        Text(text="整单作废 VOID", align=Align.CENTER, bold=True, size=Size.DOUBLE),
        Rule(),
        Row(left="原小票号 Receipt", right=void.receipt_no),
        Row(left="收银台 Till", right=f"{void.till_number:02d}"),
        Row(left="收银员 Cashier", right=void.cashier),
        Row(left="批准 Approved by", right=void.approver),
        Row(left="时间 Time", right=void.time_text),
        Row(left="原因 Reason", right=void.reason),
        Rule(),
        Row(left="作废金额 Voided total", right=_amount(void.total), bold=True),
    ]
    for refund in void.refunds:
        label = TENDER_LABELS[refund.kind]
        blocks.append(Row(left=f"退 Refund {label}", right=_amount(refund.amount)))
        if refund.reference:
            blocks.append(Row(left="  参考号 Ref", right=refund.reference))
        if refund.instruction:
            blocks.append(Text(text="  待总部退款 To be refunded by head office"))
    blocks += [Rule(), Text(text="顾客签名 Customer signature:"), Feed(lines=3)]
    return PrintDocument(
        id=void.document_id, kind=DocumentKind.VOID_RECEIPT, blocks=blocks, training=void.training
    )
