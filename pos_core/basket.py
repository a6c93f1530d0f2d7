"""The basket being rung up, as an immutable value.

Every change returns a new `Basket`; nothing here touches a database or a clock (times are
passed in). A basket holds its lines, the cashier's manual discounts, the promotion and
coupon discounts (`with_auto_discounts`, replaced whole by the promotion engine), the
tenders taken, the member, and the cash rounding (`rounding`) — set once, by the cash tender
that settles it (see `pos_core.tender`). How it is priced is `pos_core.basket_totals`
(`Basket.totals` and `Basket.summary`); its stored form is `pos_core.basket_data`.

Once a tender is taken the basket is being paid: its goods and prices no longer change
until it completes or is voided. Voided lines stay in the basket, marked, so an approved
late void can be audited with the sale; they take no part in the totals.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from pos_core.money import Money, to_decimal
from pos_core.protocol.events import DiscountKind, TenderKind
from pos_core.tax import TaxMode, TaxRate

if TYPE_CHECKING:
    from pos_core.basket_totals import Summary, Totals

MAX_PIECES: Final = Decimal(9999)
MAX_KG: Final = Decimal("999.999")
_MILLI: Final = Decimal("0.001")
_HUNDRED: Final = Decimal(100)
_CENT: Final = Decimal("0.01")
_ZERO: Final = Decimal("0.00")
ZERO: Final = Money.zero()


class BasketError(ValueError):
    """A change the basket cannot take: the message says why, in a cashier's words."""


class Unit(StrEnum):
    PCS = "pcs"
    KG = "kg"


def check_quantity(unit: Unit, quantity: Decimal) -> Decimal:
    """A valid quantity for `unit`: whole pieces, or kg to the gram."""
    quantity = to_decimal(quantity)
    if quantity <= 0:
        raise BasketError(f"a quantity must be more than zero, not {quantity}")
    if unit is Unit.PCS:
        if quantity != quantity.to_integral_value():
            raise BasketError(f"{quantity} is not a whole number of pieces")
        if quantity > MAX_PIECES:
            raise BasketError(f"{quantity} pieces is more than one line takes ({MAX_PIECES})")
        return quantity.quantize(Decimal(1))
    if quantity != quantity.quantize(_MILLI):
        raise BasketError(f"{quantity} kg is finer than a gram")
    if quantity > MAX_KG:
        raise BasketError(f"{quantity} kg is more than one line takes ({MAX_KG} kg)")
    return quantity.quantize(_MILLI)


@dataclass(frozen=True, slots=True)
class ManualDiscount:
    """A discount the cashier keyed: a percent of, or an amount off, what it applies to."""

    percent: Decimal | None = None
    amount: Money | None = None
    approved_by: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            raise BasketError("a discount is either a percent or an amount")
        if self.percent is not None:
            percent = to_decimal(self.percent)
            if not Decimal(0) < percent <= _HUNDRED:
                raise BasketError(f"a discount percent must be above 0 and at most 100: {percent}")
            object.__setattr__(self, "percent", percent)
        if self.amount is not None and self.amount.amount <= 0:
            raise BasketError(f"a discount amount must be more than zero, not {self.amount}")

    def off(self, base: Money) -> Money:
        """What this discount takes off `base`: never more than `base`, never negative."""
        return Money(self.off_amount(base.amount), base.currency)

    def off_amount(self, base: Decimal) -> Decimal:
        if base <= 0:
            return _ZERO
        if self.percent is not None:
            wanted = (base * self.percent / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
        else:
            assert self.amount is not None
            wanted = self.amount.amount
        return min(wanted, base)

    @property
    def label(self) -> str:
        if self.percent is not None:
            return f"折扣 Discount {self.percent.normalize():f}%"
        return "折扣 Discount"


@dataclass(frozen=True, slots=True)
class PriceOverride:
    """The cashier changed a line's unit price; `original_price` is what was in force."""

    original_price: Money
    approved_by: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class AutoDiscount:
    """A discount the promotion engine or a coupon put on one line (amount off the line)."""

    line_id: uuid.UUID
    kind: DiscountKind
    amount: Money
    label: str = ""
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class LineVoid:
    at: datetime
    approved_by: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class BasketLine:
    """One product in the basket. `label_amount` is set for a priced 2x label only."""

    line_id: uuid.UUID
    product_id: uuid.UUID
    code: str  # what was scanned or typed
    name: str
    tax_rate: TaxRate
    unit: Unit
    quantity: Decimal
    unit_price: Money
    added_at: datetime
    name_en: str = ""
    category_id: uuid.UUID | None = None
    points_eligible: bool = True
    label_amount: Money | None = None
    weighed_at_till: bool = False  # a kg quantity typed or read from a scale, not a label
    override: PriceOverride | None = None
    discount: ManualDiscount | None = None
    voided: LineVoid | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "quantity", check_quantity(self.unit, self.quantity))
        if self.unit_price.is_negative:
            raise BasketError(f"a price cannot be negative: {self.unit_price}")

    @property
    def list_amount(self) -> Money:
        if self.label_amount is not None:
            return self.label_amount
        return Money(self.list_value, self.unit_price.currency)

    @property
    def list_value(self) -> Decimal:
        """The list amount as a Decimal: unit price × quantity, rounded half-up (exactly
        `unit_price.times(quantity)`), or the label's amount."""
        if self.label_amount is not None:
            return self.label_amount.amount
        return (self.unit_price.amount * self.quantity).quantize(_CENT, rounding=ROUND_HALF_UP)

    @property
    def from_label(self) -> bool:
        """Whether the quantity or amount came from an in-store 2x label (not to be edited)."""
        return self.unit is Unit.KG and not self.weighed_at_till

    @property
    def active(self) -> bool:
        return self.voided is None


@dataclass(frozen=True, slots=True)
class TenderLine:
    """A payment taken on the basket. Cash: `amount` is what it pays after change."""

    tender_id: uuid.UUID
    kind: TenderKind
    amount: Money
    tendered: Money | None = None
    change: Money = ZERO
    reference: str | None = None
    attempt_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class MemberTag:
    """The member on the basket, as much as the receipt and the sale event need."""

    member_id: uuid.UUID
    card_no: str
    phone_masked: str = ""
    name: str = ""


# --- the basket -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Basket:
    id: uuid.UUID
    created_at: datetime
    lines: tuple[BasketLine, ...] = ()
    basket_discount: ManualDiscount | None = None
    auto_discounts: tuple[AutoDiscount, ...] = ()
    tenders: tuple[TenderLine, ...] = ()
    rounding: Money = ZERO
    member: MemberTag | None = None
    label: str = ""

    # --- reading ------------------------------------------------------------------------
    @property
    def active_lines(self) -> tuple[BasketLine, ...]:
        return tuple(line for line in self.lines if line.active)

    @property
    def is_empty(self) -> bool:
        return not any(line.active for line in self.lines)

    @property
    def paid(self) -> Money:
        return sum((t.amount for t in self.tenders), Money.zero())

    @property
    def being_paid(self) -> bool:
        """A tender has been taken: the goods and prices are fixed until it completes or is
        voided."""
        return bool(self.tenders)

    def line(self, line_id: uuid.UUID) -> BasketLine:
        for line in self.lines:
            if line.line_id == line_id and line.active:
                return line
        raise BasketError("that line is not in the basket (was it voided?)")

    # Pricing lives in pos_core.basket_totals (imported here, not at the top: it reads the
    # basket's types).
    def totals(self, mode: TaxMode) -> Totals:
        """Priced line by line, tax allocated to each line (the sale, the receipt)."""
        from pos_core import basket_totals

        return basket_totals.totals(self, mode)

    def summary(self, mode: TaxMode) -> Summary:
        """The same figures without the per-line allocation (the screen, on every scan)."""
        from pos_core import basket_totals

        return basket_totals.summary(self, mode)

    def line_amounts(self, line_id: uuid.UUID, mode: TaxMode) -> tuple[Money, Money, Money]:
        """One line's list amount, discount and amount (tax included)."""
        from pos_core import basket_totals

        return basket_totals.line_amounts(self, line_id, mode)

    # --- changing the goods ------------------------------------------------------------
    def _editable(self) -> None:
        if self.being_paid:
            raise BasketError(
                "the basket is being paid: finish the payment, or void the basket first"
            )

    def _replace_line(self, new: BasketLine) -> Basket:
        return replace(
            self, lines=tuple(new if line.line_id == new.line_id else line for line in self.lines)
        )

    def add(self, line: BasketLine) -> Basket:
        self._editable()
        if any(existing.line_id == line.line_id for existing in self.lines):
            raise BasketError("that line is already in the basket")
        return replace(self, lines=(*self.lines, line))

    def with_quantity(self, line_id: uuid.UUID, quantity: Decimal) -> Basket:
        self._editable()
        line = self.line(line_id)
        if line.label_amount is not None or line.from_label:
            raise BasketError(
                "the quantity of a scale-labelled item comes from its label: "
                "void the line and scan the label again"
            )
        return self._replace_line(replace(line, quantity=check_quantity(line.unit, quantity)))

    def reduce_after_void(
        self,
        line_id: uuid.UUID,
        quantity: Decimal,
        at: datetime,
        approved_by: uuid.UUID | None,
        new_line_id: uuid.UUID,
    ) -> Basket:
        """Lower a line's quantity as a void of the line plus a new, smaller line right after
        it (same scan time), so the approved void is on record."""
        self._editable()
        line = self.line(line_id)
        smaller = replace(line, line_id=new_line_id, quantity=check_quantity(line.unit, quantity))
        if smaller.quantity >= line.quantity:
            raise BasketError("the new quantity is not lower")
        voided = replace(line, voided=LineVoid(at, approved_by))
        lines: list[BasketLine] = []
        for existing in self.lines:
            if existing.line_id == line_id:
                lines += [voided, smaller]
            else:
                lines.append(existing)
        return replace(self, lines=tuple(lines))

    def void_line(self, line_id: uuid.UUID, at: datetime, approved_by: uuid.UUID | None) -> Basket:
        self._editable()
        line = self.line(line_id)
        return self._replace_line(replace(line, voided=LineVoid(at, approved_by)))

    def with_price(self, line_id: uuid.UUID, price: Money, approved_by: uuid.UUID | None) -> Basket:
        """Override a line's unit price; the price in force is kept as the original."""
        self._editable()
        line = self.line(line_id)
        if line.label_amount is not None:
            raise BasketError(
                "a price-labelled item takes the label's price: void it and label it again"
            )
        original = line.override.original_price if line.override else line.unit_price
        return self._replace_line(
            replace(line, unit_price=price, override=PriceOverride(original, approved_by))
        )

    def with_line_discount(self, line_id: uuid.UUID, discount: ManualDiscount | None) -> Basket:
        self._editable()
        return self._replace_line(replace(self.line(line_id), discount=discount))

    def with_basket_discount(self, discount: ManualDiscount | None) -> Basket:
        self._editable()
        return replace(self, basket_discount=discount)

    def with_auto_discounts(self, discounts: Iterable[AutoDiscount]) -> Basket:
        """Replace the promotion and coupon discounts (the engine recomputes them whole)."""
        self._editable()
        known = {line.line_id for line in self.lines if line.active}
        chosen = tuple(discounts)
        for d in chosen:
            if d.line_id not in known:
                raise BasketError("a discount names a line that is not in the basket")
            if d.amount.amount <= 0:
                raise BasketError(f"a discount must be more than zero, not {d.amount}")
        return replace(self, auto_discounts=chosen)

    def with_member(self, member: MemberTag | None) -> Basket:
        self._editable()
        return replace(self, member=member)

    def repriced(self, prices: Mapping[uuid.UUID, Money]) -> tuple[Basket, tuple[BasketLine, ...]]:
        """Each line at the price now in force (`prices` by product), except overridden lines
        and priced labels; returns the basket and the lines whose price changed."""
        changed: list[BasketLine] = []
        lines: list[BasketLine] = []
        for line in self.lines:
            price = prices.get(line.product_id)
            if (
                line.active
                and line.override is None
                and line.label_amount is None
                and price is not None
                and price != line.unit_price
            ):
                line = replace(line, unit_price=price)
                changed.append(line)
            lines.append(line)
        if not changed:
            return self, ()
        self._editable()
        return replace(self, lines=tuple(lines)), tuple(changed)

    # --- payments ------------------------------------------------------------------------
    def with_tender(self, tender: TenderLine, rounding: Money | None = None) -> Basket:
        if self.is_empty:
            raise BasketError("the basket is empty")
        rounding_now = self.rounding if rounding is None else self.rounding + rounding
        return replace(self, tenders=(*self.tenders, tender), rounding=rounding_now)

    def with_attempt_tenders(self, tenders: Iterable[TenderLine]) -> Basket:
        """Add the tenders of approved attempts the basket does not show yet (an approval
        learnt after a crash)."""
        known = {t.attempt_id for t in self.tenders if t.attempt_id is not None}
        extra = tuple(t for t in tenders if t.attempt_id is not None and t.attempt_id not in known)
        return replace(self, tenders=(*self.tenders, *extra)) if extra else self

    def without_attempt_tenders(self) -> Basket:
        """The basket with its card and wallet tenders taken off (they were reversed); cash
        handed over stays."""
        return replace(self, tenders=tuple(t for t in self.tenders if t.attempt_id is None))

    def with_label(self, label: str) -> Basket:
        return replace(self, label=label[:100])


def new_basket(basket_id: uuid.UUID, at: datetime) -> Basket:
    return Basket(id=basket_id, created_at=at)
