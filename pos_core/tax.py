"""Tax on a basket: computed once per rate, then allocated to lines so the parts sum exactly.

Prices are tax-inclusive by default (the norm in China: the shelf price is what the
customer pays) and may be tax-exclusive (tax added on top). Either way the tax of a rate
is rounded once, on the rate's total, not per line; the lines then share it by
`allocate`, so the line taxes of a rate always add up to the rate's tax.

Line amounts given here are after discounts: a discount lowers the tax base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pos_core.money import Money, MoneyError, allocate, to_decimal


class TaxMode(StrEnum):
    INCLUSIVE = "inclusive"
    EXCLUSIVE = "exclusive"


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A named rate, e.g. TaxRate("VAT13", Decimal("0.13"))."""

    code: str
    rate: Decimal

    def __post_init__(self) -> None:
        rate = to_decimal(self.rate)
        if not Decimal(0) <= rate < Decimal(1):
            raise MoneyError(f"tax rate {self.code} must be between 0 and 1, not {rate}")
        object.__setattr__(self, "rate", rate)


@dataclass(frozen=True, slots=True)
class TaxableLine:
    """A line's amount after discounts and the rate it is taxed at."""

    amount: Money
    rate: TaxRate


@dataclass(frozen=True, slots=True)
class RateTotal:
    """One rate's totals on a basket: net + tax = gross."""

    rate: TaxRate
    net: Money
    tax: Money
    gross: Money


@dataclass(frozen=True, slots=True)
class TaxBreakdown:
    mode: TaxMode
    rates: tuple[RateTotal, ...]  # in order of first appearance in the basket
    line_taxes: tuple[Money, ...]  # one per input line, same order
    line_gross: tuple[Money, ...]  # what each line costs the customer, tax included

    @property
    def tax(self) -> Money:
        return sum((r.tax for r in self.rates), Money.zero())

    @property
    def net(self) -> Money:
        return sum((r.net for r in self.rates), Money.zero())

    @property
    def gross(self) -> Money:
        """The basket's total with tax, before cash rounding."""
        return sum((r.gross for r in self.rates), Money.zero())


def compute_tax(lines: Sequence[TaxableLine], mode: TaxMode) -> TaxBreakdown:
    """Tax per rate on the basket, allocated back to the lines."""
    by_rate: dict[str, list[int]] = {}
    rates: dict[str, TaxRate] = {}
    for index, line in enumerate(lines):
        known = rates.setdefault(line.rate.code, line.rate)
        if known.rate != line.rate.rate:
            raise MoneyError(f"tax code {line.rate.code} given with two rates")
        by_rate.setdefault(line.rate.code, []).append(index)

    line_taxes: list[Money] = [Money.zero()] * len(lines)
    totals: list[RateTotal] = []
    for code, indexes in by_rate.items():
        rate = rates[code]
        base = sum((lines[i].amount for i in indexes), Money.zero())
        if mode is TaxMode.INCLUSIVE:
            tax = Money.round(base.amount * rate.rate / (1 + rate.rate))
            totals.append(RateTotal(rate, base - tax, tax, base))
        else:
            tax = Money.round(base.amount * rate.rate)
            totals.append(RateTotal(rate, base, tax, base + tax))
        # Lines share the rate's tax by their amounts; a refund basket (negative) works too.
        weights = [abs(lines[i].amount.amount) for i in indexes]
        for i, part in zip(indexes, allocate(tax, weights), strict=True):
            line_taxes[i] = part
    if mode is TaxMode.INCLUSIVE:
        gross = tuple(line.amount for line in lines)
    else:
        gross = tuple(line.amount + t for line, t in zip(lines, line_taxes, strict=True))
    return TaxBreakdown(mode, tuple(totals), tuple(line_taxes), gross)
