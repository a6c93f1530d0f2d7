"""Pricing a basket: which promotions are on, in which order groups apply, the result.

    book = PromotionBook.from_rows(rows)            # once per replica change
    priced = price_basket(lines, book, at=now, time_zone="Asia/Shanghai",
                          store_id=store, member=True)

1. A promotion is on when it is active, `at` is in `[valid_from, valid_to)`, the store is
   in its list, the store's wall clock is within its hours and weekdays, and a member is
   attached if it is for members.
2. The lines merge into pools of identical units (`lines`).
3. Groups apply one after another, highest priority first (`PromotionBook.group_order`);
   each group shares the units out between its promotions for the largest total discount
   (`search`), on what the units are still worth after the groups before it.
4. Each discount is spread over units, then lines (`allocation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pos_core.money import Currency, Money
from pos_core.promotions.allocation import Stack, merge_stacks, share, split_stack, to_lines
from pos_core.promotions.book import PromotionBook
from pos_core.promotions.deals import (
    BUY,
    FREE,
    BundleDeal,
    CheapestFreeDeal,
    Deal,
    NamedFreeDeal,
    ThresholdDeal,
    minor,
    unit_discount,
)
from pos_core.promotions.lines import Pool, PromoLine, basket_currency, build_pools
from pos_core.promotions.results import (
    AppliedDiscount,
    AppliedPromotion,
    PricedBasket,
    PricedLine,
)
from pos_core.promotions.rules import (
    BundleRule,
    BuyXGetYRule,
    Promotion,
    PromotionKind,
    SpendThresholdRule,
)
from pos_core.promotions.search import DEFAULT_SEARCH_BUDGET, GroupProblem, resolve_group
from pos_core.promotions.windows import is_on, store_time
from pos_core.protocol.events import DiscountKind

UNIT_KINDS = frozenset(
    {PromotionKind.PERCENT_OFF, PromotionKind.AMOUNT_OFF, PromotionKind.MEMBER_PRICE}
)


def _role(promotion: Promotion, pool: Pool) -> int | None:
    """The part a pool plays in a promotion, or None when the promotion ignores it."""
    rule = promotion.rule
    if isinstance(rule, BundleRule):
        if pool.weight is not None:
            return None
        for index, item in enumerate(rule.items):
            if item.product_id == pool.product_id:
                return index
        return None
    if isinstance(rule, BuyXGetYRule):
        if pool.weight is not None:
            return None
        if pool.product_id in rule.free_product_ids:
            return FREE
    scope = promotion.scope
    assert scope is not None
    return BUY if scope.covers(pool.product_id, pool.category_ids) else None


def _deal(
    promotion: Promotion, roles: dict[int, int], values: Sequence[int], currency: Currency
) -> Deal:
    rule = promotion.rule
    if isinstance(rule, BundleRule):
        return BundleDeal(promotion, roles, values, minor(rule.price, currency))
    if isinstance(rule, BuyXGetYRule):
        if rule.free_product_ids:
            return NamedFreeDeal(promotion, roles, values)
        return CheapestFreeDeal(promotion, roles, values)
    assert isinstance(rule, SpendThresholdRule)
    return ThresholdDeal(promotion, roles, values, currency)


@dataclass
class _Ledger:
    """Discounts so far, by (pool, promotion) and by promotion; promotions are book indexes."""

    by_pool: dict[tuple[int, int], int] = field(default_factory=dict)
    by_promotion: dict[int, int] = field(default_factory=dict)
    applied: list[int] = field(default_factory=list)  # in the order applied
    exact: bool = True

    def add(self, pool: int, promotion: int, amount: int) -> None:
        if amount > 0:
            key = (pool, promotion)
            self.by_pool[key] = self.by_pool.get(key, 0) + amount
            self.by_promotion[promotion] = self.by_promotion.get(promotion, 0) + amount

    def close_group(self, promotions: Sequence[int]) -> None:
        """Record the group's promotions that took something off, in rank order."""
        self.applied.extend(p for p in promotions if p in self.by_promotion)


def _apply_group(
    group: list[int],
    book: PromotionBook,
    held: list[list[Stack]],
    pools: Sequence[Pool],
    roles_by_pool: Sequence[dict[int, int]],
    currency: Currency,
    ledger: _Ledger,
    budget: int,
) -> None:
    """Resolve one group (book indexes, in rank order) on the units of the pools it concerns.

    `held[pool]` is what the pool's units are worth so far; the group updates it.
    """
    members = set(group)
    concerned = [p for p, roles in enumerate(roles_by_pool) if not members.isdisjoint(roles)]
    stacks = [stack for p in concerned for stack in held[p]]
    values = [stack.value for stack in stacks]
    slot = {index: position for position, index in enumerate(group)}
    eligible: dict[int, dict[int, int]] = {}
    for s, stack in enumerate(stacks):
        for index, role in roles_by_pool[stack.pool].items():
            if index in slot:
                eligible.setdefault(index, {})[s] = role
    unit_best: dict[int, tuple[int, int]] = {}
    deals: list[Deal] = []
    deal_slots: list[int] = []
    for index in group:  # in rank order: on equal discounts the first one keeps the unit
        if index not in eligible:
            continue
        promotion = book.promotions[index]
        if promotion.kind in UNIT_KINDS:
            for s in eligible[index]:
                off = unit_discount(promotion, pools[stacks[s].pool], values[s], currency)
                if off > 0 and (s not in unit_best or off > unit_best[s][0]):
                    unit_best[s] = (off, slot[index])
        else:
            deals.append(_deal(promotion, eligible[index], values, currency))
            deal_slots.append(slot[index])
    if not unit_best and not deals:
        return
    problem = GroupProblem(
        counts=[stack.count for stack in stacks],
        values=values,
        unit_best=unit_best,
        deals=deals,
        deal_slots=deal_slots,
        slots=len(group),
    )
    choice = resolve_group(problem, budget)
    ledger.exact = ledger.exact and choice.exact

    portions: dict[int, list[tuple[int, int, int]]] = {}  # stack → (units, discount, index)
    for s, units in sorted(choice.per_unit.items()):
        off, position = unit_best[s]
        portions.setdefault(s, []).append((units, units * off, group[position]))
    for deal, position, bucket in zip(deals, deal_slots, choice.buckets, strict=True):
        discount, used = deal.use(bucket)
        if discount <= 0:
            continue
        order = sorted(used)
        parts = share(discount, [values[s] * used[s] for s in order], currency)
        for s, part in zip(order, parts, strict=True):
            portions.setdefault(s, []).append((used[s], part, group[position]))

    left: list[Stack] = []
    for s, stack in enumerate(stacks):
        untouched = stack.count
        for units, discount, index in portions.get(s, []):
            untouched -= units
            left.extend(split_stack(stack, units, discount))
            ledger.add(stack.pool, index, discount)
        left.append(Stack(stack.pool, stack.value, untouched))
    ledger.close_group(group)
    for p in concerned:
        held[p] = []
    for stack in merge_stacks(left):
        held[stack.pool].append(stack)


def price_basket(
    lines: Sequence[PromoLine],
    book: PromotionBook,
    *,
    at: datetime,
    time_zone: str,
    store_id: UUID | None = None,
    member: bool = False,
    search_budget: int = DEFAULT_SEARCH_BUDGET,
) -> PricedBasket:
    """Apply the book's promotions to the lines at instant `at` (aware) in the store's zone."""
    local = store_time(at, time_zone)
    currency = basket_currency(lines)
    pools = build_pools(lines)
    on = {
        index
        for index, p in enumerate(book.promotions)
        if is_on(p, at, local, store_id) and (member or not p.members_only)
    }
    roles_by_pool: list[dict[int, int]] = []
    for pool in pools:
        roles: dict[int, int] = {}
        for index in book.candidates(pool.product_id, pool.category_ids):
            if index in on:
                role = _role(book.promotions[index], pool)
                if role is not None:
                    roles[index] = role
        roles_by_pool.append(roles)

    groups: dict[str, list[int]] = {}
    for index in sorted(on):  # book order is rank order
        groups.setdefault(book.promotions[index].group, []).append(index)
    held = [
        [Stack(i, pool.unit_value, pool.count)] if pool.count else []
        for i, pool in enumerate(pools)
    ]
    ledger = _Ledger()
    for name in sorted(groups, key=lambda g: book.group_order[g]):
        _apply_group(
            groups[name], book, held, pools, roles_by_pool, currency, ledger, search_budget
        )
    return _result(lines, pools, book, ledger, currency)


def _result(
    lines: Sequence[PromoLine],
    pools: Sequence[Pool],
    book: PromotionBook,
    ledger: _Ledger,
    currency: Currency,
) -> PricedBasket:
    line_values = [0] * len(lines)
    per_line: list[list[AppliedDiscount]] = [[] for _ in lines]
    touched: dict[int, set[int]] = {}
    for p, pool in enumerate(pools):
        for line_index, value in zip(pool.lines, pool.line_values, strict=True):
            line_values[line_index] = value
        applied = [q for q in ledger.applied if (p, q) in ledger.by_pool]
        amounts = [ledger.by_pool[(p, q)] for q in applied]
        spread = to_lines(pool.line_values, amounts, currency)
        for index, parts in zip(applied, spread, strict=True):
            promotion = book.promotions[index]
            kind = (
                DiscountKind.MEMBER_PRICE
                if promotion.kind is PromotionKind.MEMBER_PRICE
                else DiscountKind.PROMOTION
            )
            for line_index, part in zip(pool.lines, parts, strict=True):
                if part:
                    money = Money.from_minor(part, currency)
                    per_line[line_index].append(
                        AppliedDiscount(promotion.id, kind, promotion.name, money)
                    )
                    touched.setdefault(index, set()).add(line_index)
    rank = {index: i for i, index in enumerate(ledger.applied)}
    by_id = {book.promotions[index].id: rank[index] for index in ledger.applied}
    priced = []
    for line, value, discounts in zip(lines, line_values, per_line, strict=True):
        discounts.sort(key=lambda d: by_id[d.promotion_id])
        off = sum(d.amount.minor for d in discounts)
        priced.append(
            PricedLine(
                line.line_id,
                Money.from_minor(value, currency),
                tuple(discounts),
                Money.from_minor(value - off, currency),
            )
        )
    applied_promotions = []
    for index in ledger.applied:
        promotion = book.promotions[index]
        applied_promotions.append(
            AppliedPromotion(
                promotion.id,
                promotion.name,
                promotion.kind,
                promotion.group,
                Money.from_minor(ledger.by_promotion[index], currency),
                tuple(lines[i].line_id for i in sorted(touched.get(index, ()))),
            )
        )
    list_total = sum(line_values)
    discount_total = sum(ledger.by_promotion.values())
    return PricedBasket(
        lines=tuple(priced),
        promotions=tuple(applied_promotions),
        list_total=Money.from_minor(list_total, currency),
        discount_total=Money.from_minor(discount_total, currency),
        total=Money.from_minor(list_total - discount_total, currency),
        exact=ledger.exact,
    )
