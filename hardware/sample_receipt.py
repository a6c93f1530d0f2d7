"""A sample receipt from the demo chain: the printer test page and the emulator's demo.

The till builds real receipts from sales (pos_app); this one exercises what a printer
must get right — Chinese and English names, long names that wrap, aligned columns,
double-size totals, the receipt and fapiao QR codes, a barcode — with fixed content, so a
printed test page can be compared by eye with docs/receipt-preview.png.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import islice

from pos_core.demo_data import DemoChain, DemoSizes
from pos_core.printing import (
    Align,
    Barcode,
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
from pos_core.scan import QrKind, omnitill_payload

SAMPLE_RECEIPT_NUMBER = "S001-01-000123"
SAMPLE_DOCUMENT_ID = uuid.UUID("019b7523-3400-7000-8000-00000000a123")
FAPIAO_URL = "https://fapiao.omnitill.example/r/S001-01-000123?c=7Q4K9"
QUANTITIES = (2, 1, 3, 1, 1)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SampleLine:
    name: str
    name_en: str
    quantity: int
    price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.price * self.quantity).quantize(CENT)


@lru_cache(maxsize=4)
def sample_lines(count: int = 5) -> tuple[SampleLine, ...]:
    """The first packaged products of the demo chain (seed 2026), with fixed quantities."""
    chain = DemoChain.generate(sizes=DemoSizes(products=100))
    prices = {row["product_id"]: Decimal(row["price"]) for row in chain.iter_prices()}
    packaged = (p for p in chain.iter_products() if p["unit"] == "pcs")
    return tuple(
        SampleLine(p["name"], p["name_en"], QUANTITIES[i % len(QUANTITIES)], prices[p["id"]])
        for i, p in enumerate(islice(packaged, count))
    )


def yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def sample_receipt(
    *, reprint: bool = False, training: bool = False, count: int = 5
) -> PrintDocument:
    lines = sample_lines(count)
    subtotal = sum((line.amount for line in lines), Decimal("0.00"))
    discount = Decimal("5.00")
    total = subtotal - discount
    cash = ((total // 100) + 1) * 100
    blocks: list[Block] = [
        Text(text="优选超市", align=Align.CENTER, bold=True, size=Size.DOUBLE),
        Text(text="OmniTill · 上海南京西路店", align=Align.CENTER),
        Text(text="地址：上海市静安区南京西路 1266 号", align=Align.CENTER),
        Text(text="电话：021-6288 0001", align=Align.CENTER),
        Rule(),
        Row(left="小票号 Receipt", right=SAMPLE_RECEIPT_NUMBER),
        Row(left="时间 Time", right="2026-03-14 18:42"),
        Row(left="收银员 Cashier", right="001 王芳"),
        Rule(),
        Columns(
            cells=[
                Cell(text="商品 Item", weight=6),
                Cell(text="数量", weight=2, align=Align.RIGHT),
                Cell(text="金额", weight=3, align=Align.RIGHT),
            ],
            bold=True,
        ),
    ]
    for line in lines:
        blocks.append(
            Columns(
                cells=[
                    Cell(text=line.name, weight=6),
                    Cell(text=str(line.quantity), weight=2, align=Align.RIGHT),
                    Cell(text=f"{line.amount:.2f}", weight=3, align=Align.RIGHT),
                ]
            )
        )
        blocks.append(Text(text=f"  {line.name_en} @ {line.price:.2f}"))
    blocks += [
        Rule(),
        Row(left=f"商品合计 Subtotal ({sum(x.quantity for x in lines)} 件)", right=yuan(subtotal)),
        Row(left="满减优惠 Discount", right="-" + yuan(discount)),
        Row(left="应付 TOTAL", right=yuan(total), bold=True, size=Size.DOUBLE),
        Row(left="现金 Cash", right=yuan(cash)),
        Row(left="找零 Change", right=yuan(cash - total)),
        Row(left="会员 Member", right="138****6621"),
        Rule(char="="),
        QrCode(
            payload=omnitill_payload(QrKind.RECEIPT, SAMPLE_RECEIPT_NUMBER),
            label="退货扫码 Returns",
        ),
        QrCode(payload=FAPIAO_URL, label="扫码开具电子发票 Scan for fapiao"),
        Barcode(code=SAMPLE_RECEIPT_NUMBER),
        Text(text="谢谢惠顾，欢迎再次光临！", align=Align.CENTER),
        Text(text="Thank you for shopping with us", align=Align.CENTER),
        Feed(lines=1),
    ]
    return PrintDocument(
        id=SAMPLE_DOCUMENT_ID,
        kind=DocumentKind.RECEIPT,
        blocks=blocks,
        reprint=reprint,
        training=training,
    )
