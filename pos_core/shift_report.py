"""X and Z reports: a shift's figures, what each tender should hold, and the count.

Expected per tender, from the shift's documents (training sales excluded):

- cash: opening float + cash taken on sales (after change) − cash paid back on voids
  + pay-ins − pay-outs − safe drops;
- card, wallet, points: taken on sales − reversed on voids (a refund that could not be
  reversed at the till is a head-office instruction and stays in the terminal's batch).

The Z report is blind: the cashier counts the drawer by denomination before any expected
figure is shown; the report then shows expected, counted and the variance per tender.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from pos_core.money import Money, to_decimal
from pos_core.printing import Align, Block, DocumentKind, Feed, PrintDocument, Row, Rule, Size, Text
from pos_core.protocol.events import CashMovementKind, DenominationCount, TenderKind
from pos_core.receipts import TENDER_LABELS

CNY_DENOMINATIONS: Final = tuple(
    Decimal(d) for d in ("100", "50", "20", "10", "5", "1", "0.5", "0.1", "0.05", "0.02", "0.01")
)
"""Notes and coins a drawer is counted in, largest first."""
ZERO: Final = Money.zero()

MOVEMENT_LABELS: Final = {
    CashMovementKind.PAY_IN: "存入 Pay-in",
    CashMovementKind.PAY_OUT: "支出 Pay-out",
    CashMovementKind.SAFE_DROP: "投库 Safe drop",
}


class CountError(ValueError):
    """A drawer count that cannot be right (an unknown note, a negative count)."""


def counted_cash(counts: Sequence[DenominationCount]) -> Money:
    """The cash a count by denomination adds up to; refuses notes the till does not know."""
    amount = Decimal(0)
    seen: set[Decimal] = set()
    for count in counts:
        denomination = to_decimal(count.denomination)
        if denomination not in CNY_DENOMINATIONS:
            raise CountError(f"{denomination.normalize():f} is not a note or coin the till counts")
        if denomination in seen:
            raise CountError(f"{denomination.normalize():f} is counted twice")
        seen.add(denomination)
        amount += denomination * count.count
    return Money.of(amount)


@dataclass(frozen=True, slots=True)
class ShiftFigures:
    """What happened in a shift, summed from its documents."""

    opening_float: Money
    sales_count: int = 0
    sales_total: Money = ZERO  # every completed sale, voided ones included
    voids_count: int = 0
    voids_total: Money = ZERO
    discount_total: Money = ZERO
    tax_total: Money = ZERO
    rounding_total: Money = ZERO
    taken: Mapping[TenderKind, Money] = field(default_factory=dict)
    paid_back: Mapping[TenderKind, Money] = field(default_factory=dict)
    movements: Mapping[CashMovementKind, Money] = field(default_factory=dict)
    no_sales: int = 0

    @property
    def net_sales(self) -> Money:
        return self.sales_total - self.voids_total

    def _movement(self, kind: CashMovementKind) -> Money:
        return self.movements.get(kind, Money.zero())

    def expected(self, kind: TenderKind) -> Money:
        taken = self.taken.get(kind, Money.zero()) - self.paid_back.get(kind, Money.zero())
        if kind is not TenderKind.CASH:
            return taken
        return (
            self.opening_float
            + taken
            + self._movement(CashMovementKind.PAY_IN)
            - self._movement(CashMovementKind.PAY_OUT)
            - self._movement(CashMovementKind.SAFE_DROP)
        )

    def tender_kinds(self) -> list[TenderKind]:
        """Cash first, then every other tender the shift saw, in a fixed order."""
        kinds = {TenderKind.CASH, *self.taken, *self.paid_back}
        return [kind for kind in TenderKind if kind in kinds]


@dataclass(frozen=True, slots=True)
class TenderCheck:
    kind: TenderKind
    expected: Money
    counted: Money

    @property
    def variance(self) -> Money:
        """Counted − expected: negative when the drawer is short."""
        return self.counted - self.expected


def check_tenders(
    figures: ShiftFigures, cash: Money, others: Mapping[TenderKind, Money]
) -> tuple[TenderCheck, ...]:
    """Expected vs counted per tender. A non-cash tender nobody counted (no terminal batch
    total was typed) is taken as the till recorded it."""
    checks = []
    for kind in figures.tender_kinds():
        expected = figures.expected(kind)
        counted = cash if kind is TenderKind.CASH else others.get(kind, expected)
        checks.append(TenderCheck(kind, expected, counted))
    return tuple(checks)


@dataclass(frozen=True, slots=True)
class ReportHeading:
    store_name: str
    till_number: int
    shift_label: str  # e.g. the shift's business date and opening time
    cashier: str
    time_text: str


def _figure_rows(figures: ShiftFigures) -> list[Block]:
    blocks: list[Block] = [
        Row(left="备用金 Opening float", right=str(figures.opening_float)),
        Row(left=f"销售 Sales ({figures.sales_count})", right=str(figures.sales_total)),
        Row(left=f"作废 Voids ({figures.voids_count})", right=f"-{figures.voids_total}"),
        Row(left="净销售 Net sales", right=str(figures.net_sales), bold=True),
        Row(left="优惠 Discounts", right=str(figures.discount_total)),
        Row(left="税额 Tax", right=str(figures.tax_total)),
        Row(left="抹零 Cash rounding", right=str(figures.rounding_total)),
    ]
    for kind in CashMovementKind:
        if kind in figures.movements:
            blocks.append(Row(left=MOVEMENT_LABELS[kind], right=str(figures.movements[kind])))
    blocks.append(Row(left="开钱箱 No-sales", right=str(figures.no_sales)))
    return blocks


def build_x_report(
    document_id: uuid.UUID, heading: ReportHeading, figures: ShiftFigures, show_expected_cash: bool
) -> PrintDocument:
    """The mid-shift read. Expected cash is left out unless the reader may see it, so an X
    report never gives away the figure a blind close hides."""
    blocks: list[Block] = _heading(heading, "X 报表 X REPORT")
    blocks += _figure_rows(figures)
    blocks.append(Rule())
    for kind in figures.tender_kinds():
        if kind is TenderKind.CASH and not show_expected_cash:
            shown = "—"
        else:
            shown = str(figures.expected(kind))
        blocks.append(Row(left=f"应有 Expected {TENDER_LABELS[kind]}", right=shown))
    blocks.append(Feed(lines=2))
    return PrintDocument(id=document_id, kind=DocumentKind.X_REPORT, blocks=blocks)


def build_z_report(
    document_id: uuid.UUID,
    heading: ReportHeading,
    figures: ShiftFigures,
    z_number: int,
    checks: Sequence[TenderCheck],
    counts: Sequence[DenominationCount],
) -> PrintDocument:
    """The close: figures, the count by denomination, and expected vs counted per tender."""
    blocks: list[Block] = _heading(heading, f"Z 报表 日结 Z REPORT #{z_number}")
    blocks += _figure_rows(figures)
    blocks += [Rule(), Text(text="点钞 Cash count", bold=True)]
    for count in counts:
        if count.count:
            amount = Money.of(to_decimal(count.denomination) * count.count)
            note = f"{to_decimal(count.denomination).normalize():f}"
            blocks.append(Row(left=f"  {note} × {count.count}", right=str(amount)))
    blocks.append(Rule())
    for check in checks:
        label = TENDER_LABELS[check.kind]
        blocks += [
            Text(text=label, bold=True),
            Row(left="  应有 Expected", right=str(check.expected)),
            Row(left="  实点 Counted", right=str(check.counted)),
            Row(left="  差异 Variance", right=str(check.variance), bold=bool(check.variance)),
        ]
    blocks += [Rule(), Text(text="签名 Signature:"), Feed(lines=3)]
    return PrintDocument(id=document_id, kind=DocumentKind.Z_REPORT, blocks=blocks)


def _heading(heading: ReportHeading, title: str) -> list[Block]:
    return [
        Text(text=heading.store_name, align=Align.CENTER, bold=True),
        Text(text=title, align=Align.CENTER, bold=True, size=Size.DOUBLE_HEIGHT),
        Rule(),
        Row(left="收银台 Till", right=f"{heading.till_number:02d}"),
        Row(left="班次 Shift", right=heading.shift_label),
        Row(left="收银员 Cashier", right=heading.cashier),
        Row(left="时间 Time", right=heading.time_text),
        Rule(),
    ]
