"""Tender math: how much a payment settles, the change, and when cash rounding applies.

**Cash rounding with split tenders.** Card, wallet and points pay to the cent; only cash is
rounded (there are no fen coins to give). Rounding is applied once, by the cash tender that
settles the basket: when the cash handed over covers the remaining due *rounded* by the
store's rule, the remaining due is rounded, the difference is recorded as the basket's
`rounding`, and the change is what was handed over minus the rounded due. A cash tender that
does not cover it pays exactly what was handed over, with no rounding, and leaves the rest
due. So:

- 12.34 due, nearest, 20.00 handed over → pays 12.30, rounding −0.04, change 7.70;
- 12.36 due, nearest, 12.36 handed over (less than the rounded 12.40 but covering the exact
  due) → pays 12.36, no rounding, no change;
- 12.34 due, 50.00 by card then 0.04 left, rounding down → 0.00 due in cash: a cash tender
  of 0.00 settles it with rounding −0.04 (抹零);
- 100.00 due, 50.00 cash first → pays 50.00, no rounding, 50.00 still due.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_core.money import CashRoundingMode, Money, MoneyError, MoneyInput, cash_round


class TenderError(ValueError):
    """A tender amount that cannot be taken, in a cashier's words."""


@dataclass(frozen=True, slots=True)
class CashSettlement:
    tendered: Money  # handed over by the customer
    applied: Money  # what it pays of the sale
    change: Money
    rounding: Money  # the cash rounding this tender records (0 unless it settles)
    settles: bool


def cash_due(remaining: Money, mode: CashRoundingMode, step: MoneyInput) -> Money:
    """What the customer pays to settle `remaining` in cash, rounded by the store's rule."""
    if remaining.amount <= 0:
        return Money.zero(remaining.currency)
    return cash_round(remaining, mode, step).due


def settle_cash(
    remaining: Money, tendered: Money, mode: CashRoundingMode, step: MoneyInput
) -> CashSettlement:
    """What `tendered` in cash does to a basket with `remaining` left to pay."""
    if tendered.is_negative:
        raise TenderError(f"cash handed over cannot be negative: {tendered}")
    if remaining.amount <= 0:
        raise TenderError("nothing is left to pay")
    try:
        rounded = cash_round(remaining, mode, step).due
    except MoneyError as exc:
        raise TenderError(str(exc)) from exc
    if tendered >= rounded:
        return CashSettlement(tendered, rounded, tendered - rounded, rounded - remaining, True)
    if tendered >= remaining:
        return CashSettlement(tendered, remaining, tendered - remaining, Money.zero(), True)
    if not tendered:
        raise TenderError(f"{rounded} is due in cash; 0.00 does not pay any of it")
    return CashSettlement(tendered, tendered, Money.zero(), Money.zero(), False)


def check_electronic(remaining: Money, amount: Money) -> Money:
    """A card, wallet or points amount: more than zero, at most what is left to pay."""
    if remaining.amount <= 0:
        raise TenderError("nothing is left to pay")
    if amount.amount <= 0:
        raise TenderError(f"a payment must be more than zero, not {amount}")
    if amount > remaining:
        raise TenderError(
            f"{amount} is more than the {remaining} left to pay; "
            "only cash can be more (it gives change)"
        )
    return amount
