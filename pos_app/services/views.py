"""Plain results the UI shows: the basket, its lines and totals. No ORM objects, no sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from pos_core.basket import Basket, TenderLine
from pos_core.basket_totals import LineTotal, Summary
from pos_core.money import Money
from pos_core.protocol.events import TenderKind
from pos_core.tax import TaxMode


@dataclass(frozen=True, slots=True)
class LineView:
    line_id: uuid.UUID
    code: str
    name: str
    name_en: str
    quantity: Decimal
    unit: str  # pcs | kg
    unit_price: Money
    list_amount: Money
    discount: Money
    amount: Money  # tax included
    price_overridden: bool
    from_label: bool  # quantity or price read from a scale label


@dataclass(frozen=True, slots=True)
class TotalsView:
    subtotal: Money
    discount_total: Money
    tax_total: Money
    total: Money  # before cash rounding
    rounding: Money
    total_due: Money
    paid: Money
    remaining: Money
    change: Money
    item_count: Decimal
    line_count: int


@dataclass(frozen=True, slots=True)
class TenderView:
    kind: TenderKind
    amount: Money
    tendered: Money | None
    change: Money
    reference: str | None


@dataclass(frozen=True, slots=True)
class BasketView:
    basket_id: uuid.UUID
    lines: tuple[LineView, ...]
    totals: TotalsView
    tenders: tuple[TenderView, ...]
    member_card: str | None
    label: str
    training: bool


def line_view(lt: LineTotal) -> LineView:
    line = lt.line
    return LineView(
        line_id=line.line_id,
        code=line.code,
        name=line.name,
        name_en=line.name_en,
        quantity=line.quantity,
        unit=line.unit.value,
        unit_price=line.unit_price,
        list_amount=lt.list_amount,
        discount=lt.discount,
        amount=lt.amount,
        price_overridden=line.override is not None,
        from_label=line.from_label or line.label_amount is not None,
    )


def totals_view(totals: Summary) -> TotalsView:
    return TotalsView(
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        tax_total=totals.tax_total,
        total=totals.total,
        rounding=totals.rounding,
        total_due=totals.total_due,
        paid=totals.paid,
        remaining=totals.remaining,
        change=totals.change,
        item_count=totals.item_count,
        line_count=totals.line_count,
    )


def tender_view(tender: TenderLine) -> TenderView:
    return TenderView(tender.kind, tender.amount, tender.tendered, tender.change, tender.reference)


def basket_view(basket: Basket, mode: TaxMode, training: bool) -> BasketView:
    totals = basket.totals(mode)
    return BasketView(
        basket_id=basket.id,
        lines=tuple(line_view(lt) for lt in totals.lines),
        totals=totals_view(totals.summary),
        tenders=tuple(tender_view(t) for t in basket.tenders),
        member_card=None if basket.member is None else basket.member.card_no,
        label=basket.label,
        training=training,
    )
