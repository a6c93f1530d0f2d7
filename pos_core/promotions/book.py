"""The promotions a till knows: read once when the replica changes, indexed for pricing.

A row that cannot be read is set aside with the reason (`PromotionBook.rejected`), so one
bad rule from head office never stops the till from pricing with the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from pos_core.promotions.rules import (
    BundleRule,
    BuyXGetYRule,
    Promotion,
    PromotionRuleError,
    parse_promotion,
)
from pos_core.protocol.rows import PromotionRow


@dataclass(frozen=True, slots=True)
class RejectedPromotion:
    promotion_id: UUID
    name: str
    reason: str


class PromotionBook:
    """Parsed promotions, the order of their groups, and an index by product and category."""

    def __init__(
        self, promotions: Iterable[Promotion], rejected: Iterable[RejectedPromotion] = ()
    ) -> None:
        self.promotions: tuple[Promotion, ...] = tuple(sorted(promotions, key=lambda p: p.rank))
        self.rejected: tuple[RejectedPromotion, ...] = tuple(rejected)
        ids = [p.id for p in self.promotions]
        if len(set(ids)) != len(ids):
            raise ValueError("a promotion id appears twice")
        # A group runs at the highest priority of its promotions (all of them, on or not,
        # so the order of groups does not change through the day); then by name.
        top: dict[str, int] = {}
        for promotion in self.promotions:
            top[promotion.group] = max(
                top.get(promotion.group, promotion.priority), promotion.priority
            )
        self.group_order: dict[str, int] = {
            group: index for index, group in enumerate(sorted(top, key=lambda g: (-top[g], g)))
        }
        self._by_product: dict[UUID, list[int]] = {}
        self._by_category: dict[UUID, list[int]] = {}
        self._everywhere: list[int] = []
        for index, promotion in enumerate(self.promotions):
            rule, scope = promotion.rule, promotion.scope
            products: set[UUID] = set()
            if isinstance(rule, BundleRule):
                products.update(item.product_id for item in rule.items)
            if isinstance(rule, BuyXGetYRule):
                products.update(rule.free_product_ids)
            if scope is not None:
                if scope.everything:
                    self._everywhere.append(index)
                products.update(scope.products)
                for category in scope.categories:
                    self._by_category.setdefault(category, []).append(index)
            for product in products:
                self._by_product.setdefault(product, []).append(index)

    @classmethod
    def from_rows(cls, rows: Iterable[PromotionRow]) -> PromotionBook:
        """Read every row; the ones that cannot be read go to `rejected` with the reason."""
        good: list[Promotion] = []
        bad: list[RejectedPromotion] = []
        for row in rows:
            try:
                good.append(parse_promotion(row))
            except PromotionRuleError as exc:
                bad.append(RejectedPromotion(row.id, row.name, str(exc)))
        return cls(good, bad)

    def candidates(self, product_id: UUID, category_ids: frozenset[UUID]) -> list[int]:
        """Indexes of the promotions that may concern a product, in rank order."""
        found = set(self._everywhere)
        found.update(self._by_product.get(product_id, ()))
        for category in category_ids:
            found.update(self._by_category.get(category, ()))
        return sorted(found)
