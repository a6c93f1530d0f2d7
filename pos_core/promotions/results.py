"""What the engine answers: each line's discounts and amount, each promotion's total."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pos_core.money import Money
from pos_core.promotions.rules import PromotionKind
from pos_core.protocol.events import DiscountKind, LineDiscount


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    """One promotion's share of one line's discount."""

    promotion_id: UUID
    kind: DiscountKind  # member_price for member prices, promotion otherwise
    label: str
    amount: Money  # positive: what it takes off the line

    def as_line_discount(self) -> LineDiscount:
        """The protocol's shape, for the sale event."""
        return LineDiscount(
            kind=self.kind, ref=str(self.promotion_id), label=self.label, amount=self.amount.amount
        )


@dataclass(frozen=True, slots=True)
class PricedLine:
    line_id: UUID
    list_amount: Money  # unit price × quantity, rounded half-up
    discounts: tuple[AppliedDiscount, ...]  # in the order the promotions were applied
    amount: Money  # list_amount − discounts, never below zero

    @property
    def discount(self) -> Money:
        return self.list_amount - self.amount


@dataclass(frozen=True, slots=True)
class AppliedPromotion:
    """A promotion that took something off, with its total over the basket."""

    promotion_id: UUID
    name: str
    kind: PromotionKind
    group: str
    amount: Money
    line_ids: tuple[UUID, ...]  # the lines it was allocated to


@dataclass(frozen=True, slots=True)
class PricedBasket:
    lines: tuple[PricedLine, ...]  # in the order given
    promotions: tuple[AppliedPromotion, ...]  # in the order applied
    list_total: Money
    discount_total: Money
    total: Money
    exact: bool  # False: some group needed more search than its bound (see search.py)

    def line(self, line_id: UUID) -> PricedLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)
