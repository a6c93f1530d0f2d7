"""The cashier's edits to the basket being rung up: quantities, voids, prices, discounts.

Each edit changes the basket in memory (nothing is written): the basket is a value, so a
refused edit leaves it as it was. Edits that need approval record the approver on the line;
the audit entries are written with the sale (or the basket's void), where they can name the
receipt:

- lowering a quantity or voiding a line after the store's grace period (from the scan)
  needs a supervisor (`VOID_LINE_LATE`); a late lowering is recorded as a void of the line
  plus a smaller line, so the void is on record;
- a price override that changes the line by more than the store's threshold, measured from
  the price in force, needs a supervisor (`PRICE_OVERRIDE`);
- a line or basket discount above the store's percent threshold needs a supervisor
  (`DISCOUNT_LARGE`).

Nothing can be edited once payment has started.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from pos_app.services.auth import Approval, authorize
from pos_app.services.errors import BasketRefused
from pos_app.services.till import StoreContext, Till
from pos_app.services.views import BasketView, basket_view
from pos_core.basket import Basket, BasketError, BasketLine, ManualDiscount
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.permissions import Action

_HUNDRED = Decimal(100)
T = TypeVar("T")


def _context(till: Till) -> StoreContext:
    with till.store.read() as session:
        return till.context(session)


def _late(till: Till, context: StoreContext, line: BasketLine) -> bool:
    age = (till.now() - line.added_at).total_seconds()
    return age > context.settings.void_line_grace_seconds


def _apply(till: Till, context: StoreContext, basket: Basket) -> BasketView:
    till.state.basket = basket
    return basket_view(basket, context.tax_mode, till.state.training)


def _guarded(action: Callable[[], T]) -> T:
    """Run a basket change, turning the basket's refusal into the cashier's message."""
    try:
        return action()
    except BasketError as exc:
        raise BasketRefused(str(exc)) from exc


def set_quantity(
    till: Till, line_id: uuid.UUID, quantity: Decimal, approval: Approval | None = None
) -> BasketView:
    """Change a line's quantity (pieces, or kg for an item weighed at the till). Lowering it
    after the void grace period needs a supervisor, like a void."""
    with till.lock:
        till.shift_id()
        basket = till.editable_basket("change quantities")
        context = _context(till)
        line = _guarded(lambda: basket.line(line_id))
        if quantity < line.quantity and _late(till, context, line):
            approver = authorize(till, Action.VOID_LINE_LATE, approval, "after the grace period")
            now = till.now()
            changed = _guarded(
                lambda: basket.reduce_after_void(line_id, quantity, now, approver, new_id())
            )
        else:
            changed = _guarded(lambda: basket.with_quantity(line_id, quantity))
        return _apply(till, context, changed)


def void_line(till: Till, line_id: uuid.UUID, approval: Approval | None = None) -> BasketView:
    """Take a line off (删除商品); after the store's grace period a supervisor approves."""
    with till.lock:
        till.shift_id()
        basket = till.editable_basket("void lines")
        context = _context(till)
        line = _guarded(lambda: basket.line(line_id))
        if _late(till, context, line):
            approver = authorize(till, Action.VOID_LINE_LATE, approval, "after the grace period")
        else:
            approver = authorize(till, Action.VOID_LINE, approval)
        now = till.now()
        return _apply(till, context, _guarded(lambda: basket.void_line(line_id, now, approver)))


def override_price(
    till: Till, line_id: uuid.UUID, price: Money, approval: Approval | None = None
) -> BasketView:
    """Change a line's unit price. A change to the line above the store's threshold needs a
    supervisor; the price in force is kept on the line, and the override is audited."""
    with till.lock:
        till.shift_id()
        basket = till.editable_basket("change prices")
        if price.is_negative:
            raise BasketRefused("A price cannot be negative.")
        context = _context(till)
        line = _guarded(lambda: basket.line(line_id))
        if line.label_amount is not None:
            raise BasketRefused("A price-labelled item takes the label's price: label it again.")
        # Measured from the price in force, so small steps never add up unseen.
        in_force = line.override.original_price if line.override else line.unit_price
        difference = abs(price.times(line.quantity) - in_force.times(line.quantity))
        threshold = Money.of(context.settings.price_override_threshold)
        approver = None
        if difference > threshold:
            approver = authorize(
                till, Action.PRICE_OVERRIDE, approval, f"the line changes by {difference}"
            )
        return _apply(till, context, _guarded(lambda: basket.with_price(line_id, price, approver)))


def _discount(percent: Decimal | None, amount: Money | None) -> ManualDiscount | None:
    if percent is None and amount is None:
        return None
    try:
        return ManualDiscount(percent=percent, amount=amount)
    except BasketError as exc:
        raise BasketRefused(str(exc)) from exc


def _check_discount(
    till: Till,
    context: StoreContext,
    discount: ManualDiscount | None,
    base: Money,
    approval: Approval | None,
) -> ManualDiscount | None:
    if discount is None:
        return None
    off = discount.off(base)
    if not off:
        raise BasketRefused("There is nothing left to discount.")
    share = off.amount / base.amount * _HUNDRED
    threshold = context.settings.discount_threshold_percent
    approver = None
    if share > threshold:
        approver = authorize(
            till, Action.DISCOUNT_LARGE, approval, f"{share:.1f}% is above {threshold}%"
        )
    return ManualDiscount(discount.percent, discount.amount, approver)


def discount_line(
    till: Till,
    line_id: uuid.UUID,
    *,
    percent: Decimal | None = None,
    amount: Money | None = None,
    approval: Approval | None = None,
) -> BasketView:
    """A manual discount on one line (a percent or an amount; neither clears it). Above the
    store's percent threshold a supervisor approves."""
    with till.lock:
        till.shift_id()
        basket = till.editable_basket("give discounts")
        context = _context(till)
        cleared = _guarded(lambda: basket.with_line_discount(line_id, None))
        lt = next(t for t in cleared.totals(context.tax_mode).lines if t.line.line_id == line_id)
        base = lt.list_amount - lt.discount
        checked = _check_discount(till, context, _discount(percent, amount), base, approval)
        return _apply(till, context, _guarded(lambda: basket.with_line_discount(line_id, checked)))


def discount_basket(
    till: Till,
    *,
    percent: Decimal | None = None,
    amount: Money | None = None,
    approval: Approval | None = None,
) -> BasketView:
    """A manual discount on the whole basket, shared across its lines by amount."""
    with till.lock:
        till.shift_id()
        basket = till.editable_basket("give discounts")
        if basket.is_empty:
            raise BasketRefused("The basket is empty.")
        context = _context(till)
        cleared = _guarded(lambda: basket.with_basket_discount(None))
        totals = cleared.summary(context.tax_mode)
        base = totals.subtotal - totals.discount_total
        checked = _check_discount(till, context, _discount(percent, amount), base, approval)
        return _apply(till, context, _guarded(lambda: basket.with_basket_discount(checked)))
