"""Pricing a basket: its lines' amounts, discounts and tax, and the basket's figures.

`totals(basket, mode)` prices it line by line, in one pass, the same way for the sale, the
receipt and the sale event:

1. each active line's list amount: unit price × quantity, rounded half-up — except a
   priced 2x label, whose amount is the label's (the scale priced it);
2. automatic discounts (promotions, coupons: `Basket.with_auto_discounts`, replaced whole
   by the promotion engine each time it runs), then the line's manual discount (a percent
   of, or an amount off, what is left), never more than what is left;
3. the manual basket discount, allocated across lines by what is left of each
   (`pos_core.money.allocate`, so the shares sum exactly);
4. tax per rate on the discounted lines (`pos_core.tax.compute_tax`), allocated back.

A line's `amount` is what it costs the customer, tax included: in a tax-exclusive store that
is net + tax, so in both modes the line amounts sum to the basket's `total`.

`summary(basket, mode)` gives the same figures without allocating tax to lines (tax is
computed once per rate on the rate's total, exactly as `compute_tax` does for the whole
basket); the screen calls it on every scan. Arithmetic is done on Decimals and turned into
`Money` at the end: a hundred-line basket is priced on every scan.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from pos_core.basket import AutoDiscount, Basket, BasketLine, Unit
from pos_core.money import Money, allocate
from pos_core.protocol.events import DiscountKind
from pos_core.tax import RateTotal, TaxableLine, TaxBreakdown, TaxMode, TaxRate, compute_tax

_ZERO: Final = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    kind: DiscountKind
    amount: Money
    label: str
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class LineTotal:
    line: BasketLine
    list_amount: Money
    discounts: tuple[AppliedDiscount, ...]
    net: Money  # list − discounts: the tax base (before tax in an exclusive store)
    tax: Money
    amount: Money  # what the line costs the customer, tax included

    @property
    def discount(self) -> Money:
        return sum((d.amount for d in self.discounts), Money.zero())


@dataclass(frozen=True, slots=True)
class Summary:
    """A basket's figures for the screen (no per-line tax allocation)."""

    mode: TaxMode
    subtotal: Money  # the list amounts
    discount_total: Money
    taxes: tuple[RateTotal, ...]
    tax_total: Money
    total: Money  # what the goods cost, tax included, before cash rounding
    rounding: Money
    paid: Money
    change: Money
    item_count: Decimal  # pieces, plus one per weighed line
    line_count: int

    @property
    def total_due(self) -> Money:
        return self.total + self.rounding

    @property
    def remaining(self) -> Money:
        return self.total_due - self.paid


@dataclass(frozen=True, slots=True)
class Totals:
    """A basket priced line by line: `summary` plus each line's discounts and tax."""

    summary: Summary
    lines: tuple[LineTotal, ...]  # active lines, in basket order

    @property
    def mode(self) -> TaxMode:
        return self.summary.mode

    @property
    def subtotal(self) -> Money:
        return self.summary.subtotal

    @property
    def discount_total(self) -> Money:
        return self.summary.discount_total

    @property
    def taxes(self) -> tuple[RateTotal, ...]:
        return self.summary.taxes

    @property
    def tax_total(self) -> Money:
        return self.summary.tax_total

    @property
    def total(self) -> Money:
        return self.summary.total

    @property
    def rounding(self) -> Money:
        return self.summary.rounding

    @property
    def paid(self) -> Money:
        return self.summary.paid

    @property
    def change(self) -> Money:
        return self.summary.change

    @property
    def total_due(self) -> Money:
        return self.summary.total_due

    @property
    def remaining(self) -> Money:
        return self.summary.remaining

    @property
    def item_count(self) -> Decimal:
        return self.summary.item_count


BASKET_DISCOUNT_LABEL: Final = "整单折扣 Basket discount"

_Parts = tuple[Decimal, list[tuple[DiscountKind, Decimal, str, str | None]], Decimal]


def _line_parts(line: BasketLine, autos: Sequence[AutoDiscount]) -> _Parts:
    """A line's list amount, its own discounts (automatic, then manual) and what is left.
    In Decimals: a hundred-line basket is priced on every scan."""
    gross = line.list_value
    left = gross
    parts: list[tuple[DiscountKind, Decimal, str, str | None]] = []
    for d in autos:
        take = min(d.amount.amount, left)
        if take > 0:
            parts.append((d.kind, take, d.label, d.ref))
            left -= take
    if line.discount is not None:
        take = line.discount.off_amount(left)
        if take > 0:
            ref = None if line.discount.approved_by is None else str(line.discount.approved_by)
            parts.append((DiscountKind.MANUAL, take, line.discount.label, ref))
            left -= take
    return gross, parts, left


def _autos_by_line(basket: Basket) -> dict[uuid.UUID, list[AutoDiscount]]:
    auto: dict[uuid.UUID, list[AutoDiscount]] = {}
    for discount in basket.auto_discounts:
        auto.setdefault(discount.line_id, []).append(discount)
    return auto


def _item_count(lines: Iterable[BasketLine]) -> Decimal:
    return sum(
        (line.quantity if line.unit is Unit.PCS else Decimal(1) for line in lines), Decimal(0)
    )


def _summary(
    basket: Basket,
    mode: TaxMode,
    active: Sequence[BasketLine],
    subtotal: Decimal,
    discounts: Decimal,
    breakdown: TaxBreakdown,
) -> Summary:
    change = sum((t.change.amount for t in basket.tenders), _ZERO)
    return Summary(
        mode=mode,
        subtotal=Money(subtotal),
        discount_total=Money(discounts),
        taxes=breakdown.rates,
        tax_total=breakdown.tax,
        total=breakdown.gross,
        rounding=basket.rounding,
        paid=basket.paid,
        change=Money(change),
        item_count=_item_count(active),
        line_count=len(active),
    )


def _quick_summary(basket: Basket, mode: TaxMode) -> Summary:
    """The figures without allocating tax to lines: tax is computed once per rate on the
    rate's discounted total — the very figures `compute_tax` gives for the whole basket."""
    active = [line for line in basket.lines if line.active]
    auto = _autos_by_line(basket)
    subtotal = discounts = _ZERO
    by_rate: dict[str, tuple[TaxRate, Decimal]] = {}
    for line in active:
        gross, _, left = _line_parts(line, auto.get(line.line_id, ()))
        subtotal += gross
        discounts += gross - left
        rate = line.tax_rate
        known = by_rate.get(rate.code)
        by_rate[rate.code] = (rate, left if known is None else known[1] + left)
    breakdown = compute_tax(
        [TaxableLine(Money(base), rate) for rate, base in by_rate.values()], mode
    )
    return _summary(basket, mode, active, subtotal, discounts, breakdown)


def _totals(basket: Basket, mode: TaxMode) -> Totals:
    active = [line for line in basket.lines if line.active]
    auto = _autos_by_line(basket)
    list_amounts: list[Decimal] = []
    applied: list[list[tuple[DiscountKind, Decimal, str, str | None]]] = []
    left: list[Decimal] = []
    for line in active:
        gross, parts, remaining = _line_parts(line, auto.get(line.line_id, ()))
        list_amounts.append(gross)
        applied.append(parts)
        left.append(remaining)
    if basket.basket_discount is not None and active:
        off = basket.basket_discount.off_amount(sum(left, _ZERO))
        shares = allocate(Money(off), left)
        approved = basket.basket_discount.approved_by
        ref = None if approved is None else str(approved)
        for index, share in enumerate(shares):
            if share.amount > 0:
                applied[index].append(
                    (DiscountKind.MANUAL, share.amount, BASKET_DISCOUNT_LABEL, ref)
                )
                left[index] -= share.amount
    nets = [Money(value) for value in left]
    breakdown = compute_tax(
        [TaxableLine(net, line.tax_rate) for net, line in zip(nets, active, strict=True)], mode
    )
    line_totals = tuple(
        LineTotal(
            line,
            Money(list_amount),
            tuple(
                AppliedDiscount(kind, Money(amount), label, ref)
                for kind, amount, label, ref in parts
            ),
            net,
            tax,
            gross,
        )
        for line, list_amount, parts, net, tax, gross in zip(
            active,
            list_amounts,
            applied,
            nets,
            breakdown.line_taxes,
            breakdown.line_gross,
            strict=True,
        )
    )
    subtotal = sum(list_amounts, _ZERO)
    discounts = subtotal - sum(left, _ZERO)
    return Totals(_summary(basket, mode, active, subtotal, discounts, breakdown), line_totals)


def totals(basket: Basket, mode: TaxMode) -> Totals:
    """Priced line by line, tax allocated to each line (the sale, the receipt)."""
    return _totals(basket, mode)


def summary(basket: Basket, mode: TaxMode) -> Summary:
    """The same figures without the per-line allocation (the screen, on every scan)."""
    if basket.basket_discount is not None:
        return _totals(basket, mode).summary  # its shares move each rate's base
    return _quick_summary(basket, mode)


def line_amounts(basket: Basket, line_id: uuid.UUID, mode: TaxMode) -> tuple[Money, Money, Money]:
    """One line's list amount, discount and amount (tax included)."""
    line = basket.line(line_id)
    if basket.basket_discount is None and mode is TaxMode.INCLUSIVE:
        autos = [d for d in basket.auto_discounts if d.line_id == line_id]
        gross, _, left = _line_parts(line, autos)
        return Money(gross), Money(gross - left), Money(left)
    lt = next(t for t in _totals(basket, mode).lines if t.line.line_id == line_id)
    return lt.list_amount, lt.discount, lt.amount
