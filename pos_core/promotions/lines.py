"""What the engine prices: a basket's lines, merged into pools of identical units.

The engine never reasons about lines, only about units: a line of 3 pieces is 3 units of
its product at its unit price, and a weighed line is one unit worth its weighed amount.
Lines that carry the same product at the same prices (and, for weighed goods, the same
weight) merge into one `Pool` before anything is decided, so the scan order and the way
a quantity is split over lines cannot change the result; only the final allocation of
each discount back to lines looks at the lines again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from pos_core.money import DEFAULT_CURRENCY, Currency, Money

_ONE = Decimal(1)


class PromotionInputError(ValueError):
    """A basket line the engine cannot price: a fractional piece count, mixed currencies."""


@dataclass(frozen=True, slots=True)
class PromoLine:
    """One basket line as the promotion engine needs it.

    `category_ids` holds the product's category and all its parents. `quantity` is a
    whole number of pieces, or kg for a weighed line. `unit_price` is the regular price
    (per piece or per kg); `member_price` is the price row's member price, if any.
    `label_amount` is set for a line priced by an in-store 2x label: the label's amount is
    the line's list amount, and the line is one unit worth it (as a weighed line is),
    whatever its quantity says.
    """

    line_id: UUID
    product_id: UUID
    category_ids: frozenset[UUID]
    quantity: Decimal
    unit_price: Money
    member_price: Money | None = None
    weighed: bool = False
    label_amount: Money | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "category_ids", frozenset(self.category_ids))
        if not isinstance(self.quantity, Decimal) or not self.quantity.is_finite():
            raise PromotionInputError(f"line {self.line_id}: quantity must be a Decimal")
        if self.quantity < 0:
            raise PromotionInputError(f"line {self.line_id}: quantity {self.quantity} < 0")
        if not self.weighed and self.quantity != self.quantity.to_integral_value():
            raise PromotionInputError(
                f"line {self.line_id}: {self.quantity} pieces; only weighed lines take "
                "fractional quantities"
            )
        if self.unit_price.is_negative:
            raise PromotionInputError(f"line {self.line_id}: negative unit price")
        if self.member_price is not None and (
            self.member_price.is_negative or self.member_price.currency != self.unit_price.currency
        ):
            raise PromotionInputError(f"line {self.line_id}: member price {self.member_price!r}")
        if self.label_amount is not None and (
            self.label_amount.is_negative or self.label_amount.currency != self.unit_price.currency
        ):
            raise PromotionInputError(f"line {self.line_id}: label amount {self.label_amount!r}")

    @property
    def single(self) -> bool:
        """Whether the line is one unit worth its amount (weighed, or priced by a label)."""
        return self.weighed or self.label_amount is not None

    @property
    def weight(self) -> Decimal | None:
        """The kg a per-kg price applies to: the weight, 1 for a labelled piece; None for
        pieces sold by the piece."""
        if self.weighed:
            return self.quantity
        return Decimal(1) if self.label_amount is not None else None

    @property
    def list_amount(self) -> Money:
        """Unit price × quantity, rounded half-up (or the label's amount): what the line costs
        before discounts."""
        if self.label_amount is not None:
            return self.label_amount
        return self.unit_price.times(self.quantity)


@dataclass(frozen=True, slots=True)
class Pool:
    """Identical units from one or more lines: same product, prices (and weight)."""

    product_id: UUID
    category_ids: frozenset[UUID]
    weight: Decimal | None  # kg per unit (1 for labelled pieces): one-unit lines; None: pieces
    unit_value: int  # minor units: one unit's regular price
    order: tuple[object, ...]  # what the lines have in common, as a sort key
    member_value: int | None  # minor units: one unit's price-row member price
    count: int
    lines: tuple[int, ...]  # indexes into the basket's lines, in basket order
    line_values: tuple[int, ...]  # each line's list amount, minor units

    def value_of(self, price: Decimal, currency: Currency) -> int:
        """A price per piece (per kg if weighed) as the value of one unit, minor units."""
        per_unit = price if self.weight is None else price * self.weight
        # Money.round's half-up, without building a Money on every call.
        return int(per_unit.scaleb(currency.minor_units).quantize(_ONE, rounding=ROUND_HALF_UP))


def basket_currency(lines: Sequence[PromoLine]) -> Currency:
    currencies = {line.unit_price.currency for line in lines}
    if len(currencies) > 1:
        raise PromotionInputError(
            f"lines in several currencies: {sorted(c.code for c in currencies)}"
        )
    return currencies.pop() if currencies else DEFAULT_CURRENCY


def build_pools(lines: Sequence[PromoLine]) -> list[Pool]:
    """Merge the lines into pools, in an order that does not depend on the lines' order."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, line in enumerate(lines):
        key = (
            line.product_id,
            line.weight,
            None if line.label_amount is None else line.label_amount.amount,
            line.unit_price.amount,
            None if line.member_price is None else line.member_price.amount,
            line.category_ids,
        )
        groups.setdefault(key, []).append(index)
    pools = []
    for indexes in groups.values():
        first = lines[indexes[0]]
        values = tuple(_list_minor(lines[i]) for i in indexes)
        weight = first.weight
        count = len(indexes) if first.single else int(sum(lines[i].quantity for i in indexes))
        member = first.member_price
        pools.append(
            Pool(
                product_id=first.product_id,
                category_ids=first.category_ids,
                weight=weight,
                unit_value=values[0] if first.single else first.unit_price.minor,
                order=(
                    first.product_id,
                    Decimal(-1) if weight is None else weight,
                    -1 if first.label_amount is None else first.label_amount.minor,
                    first.unit_price.minor,
                    -1 if member is None else member.minor,
                    sorted(first.category_ids),
                ),
                member_value=None
                if member is None
                else (member.times(weight) if weight is not None else member).minor,
                count=count,
                lines=tuple(indexes),
                line_values=values,
            )
        )
    pools.sort(key=lambda pool: pool.order)
    return pools


def _list_minor(line: PromoLine) -> int:
    if line.single:
        return line.list_amount.minor
    return line.unit_price.minor * int(line.quantity)  # exact: whole pieces
