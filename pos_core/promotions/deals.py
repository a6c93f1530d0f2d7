"""What each kind of promotion is worth on the units given to it.

Within one exclusive group every unit goes to at most one promotion. The engine works on
*stacks*: units of one pool with the same current value (in minor units), counted. A
*bucket* gives a promotion some units of some stacks, `{stack index: units}`.

- Unit promotions (percent_off, amount_off, member_price) are worth a fixed amount per
  unit, so for each stack only the best of them matters: `unit_discount`.
- Set and threshold promotions (bundle, buy_x_get_y, spend_threshold) are `Deal`s: given a
  bucket, `use` says the most the promotion can take off with those units and which units
  it actually uses (a bundle leaves the units of an incomplete set unused). Every deal is
  monotone: more units never lower its discount.

Values are what the units are worth when the group is resolved: their regular price in the
first group, what earlier groups left of it afterwards.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from decimal import Decimal

from pos_core.money import Currency, Money
from pos_core.promotions.lines import Pool
from pos_core.promotions.rules import (
    AmountOffRule,
    BundleRule,
    BuyXGetYRule,
    MemberPriceRule,
    PercentOffRule,
    Promotion,
    SpendThresholdRule,
)

Bucket = Mapping[int, int]
Run = tuple[int, int, int]  # (value, stack, units)


def percent_of(value: int, percent: Decimal) -> int:
    """`percent` % of `value` minor units, rounded half-up to a minor unit."""
    hundredths = int(percent * 100)
    return (value * hundredths * 2 + 10_000) // 20_000


def minor(amount: Decimal, currency: Currency) -> int:
    """An exact amount in minor units; refuses one finer than the currency allows."""
    return Money.of(amount, currency).minor


def unit_discount(promotion: Promotion, pool: Pool, value: int, currency: Currency) -> int:
    """What a unit promotion takes off one unit of `pool` now worth `value` (0: nothing)."""
    rule = promotion.rule
    if isinstance(rule, PercentOffRule):
        return percent_of(value, rule.percent)
    if isinstance(rule, AmountOffRule):
        return min(value, pool.value_of(rule.amount, currency))
    if isinstance(rule, MemberPriceRule):
        price = rule.prices.get(pool.product_id)
        if price is not None:
            member_value: int | None = pool.value_of(price, currency)
        else:
            member_value = pool.member_value if rule.price_rows else None
        return 0 if member_value is None else max(0, value - member_value)
    raise TypeError(f"{promotion.kind} is not a unit promotion")


def _runs(bucket: Bucket, roles: Mapping[int, int], values: Sequence[int], role: int) -> list[Run]:
    """The bucket's units of one role, most valuable first (ties by stack index)."""
    ranked = sorted((-values[s], s, n) for s, n in bucket.items() if n > 0 and roles.get(s) == role)
    return [(-value, s, n) for value, s, n in ranked]


def _take(runs: list[Run], start: int, units: int) -> tuple[int, list[tuple[int, int]]]:
    """The value of `units` units from rank `start` on, and which stacks they come from."""
    total, taken, rank = 0, [], 0
    for value, stack, count in runs:
        if units <= 0:
            break
        if rank + count <= start:
            rank += count
            continue
        offset = max(0, start - rank)
        n = min(count - offset, units)
        total += value * n
        taken.append((stack, n))
        units -= n
        rank += count
    return total, taken


class Deal(ABC):
    """A set or threshold promotion bound to the stacks of one group's resolution."""

    def __init__(self, promotion: Promotion, roles: dict[int, int], values: Sequence[int]):
        self.promotion = promotion
        self.roles = roles  # eligible stack → its role in the deal
        self.values = values

    @abstractmethod
    def use(self, bucket: Bucket) -> tuple[int, dict[int, int]]:
        """The best discount with these units, and the units it uses per stack."""

    def value(self, bucket: Bucket) -> int:
        return self.use(bucket)[0]

    def needs(self, bucket: Bucket) -> dict[int, int]:
        """Units enough for the same discount as the whole bucket (a hint for greedy seeds)."""
        return self.use(bucket)[1]

    def pooling_shape(self) -> tuple[object, ...] | None:
        """What makes two deals interchangeable, if this deal never gains from its units
        being split with a twin (one deal on all the units is worth at least two on parts of
        them); None if it may (a 满减 paying once, or capped, can pay twice on two parts)."""
        return None


class BundleDeal(Deal):
    """Role: the index of the rule's item the stack's product is."""

    def __init__(
        self, promotion: Promotion, roles: dict[int, int], values: Sequence[int], price: int
    ):
        super().__init__(promotion, roles, values)
        assert isinstance(promotion.rule, BundleRule)
        self.quantities = [item.quantity for item in promotion.rule.items]
        self.price = price

    def pooling_shape(self) -> tuple[object, ...] | None:
        return ("bundle", tuple(self.quantities), self.price, frozenset(self.roles.items()))

    def use(self, bucket: Bucket) -> tuple[int, dict[int, int]]:
        runs = [_runs(bucket, self.roles, self.values, i) for i in range(len(self.quantities))]
        sets = min(
            sum(n for _, _, n in item_runs) // q
            for item_runs, q in zip(runs, self.quantities, strict=True)
        )
        total, used = 0, dict[int, int]()
        # The k-th set takes the k-th best units of each item, so each set is worth no more
        # than the one before: stop at the first set the bundle price does not cheapen.
        for k in range(sets):
            worth, takes = 0, []
            for item_runs, q in zip(runs, self.quantities, strict=True):
                value, taken = _take(item_runs, k * q, q)
                worth += value
                takes.extend(taken)
            if worth <= self.price:
                break
            total += worth - self.price
            for stack, n in takes:
                used[stack] = used.get(stack, 0) + n
        return total, used


class CheapestFreeDeal(Deal):
    """Buy X get Y, the cheapest of each set: sets of the most valuable units, in order."""

    def __init__(self, promotion: Promotion, roles: dict[int, int], values: Sequence[int]):
        super().__init__(promotion, roles, values)
        assert isinstance(promotion.rule, BuyXGetYRule)
        self.buy, self.get, self.percent = (
            promotion.rule.buy,
            promotion.rule.get,
            promotion.rule.percent,
        )
        self.full = self.percent == 100

    def pooling_shape(self) -> tuple[object, ...] | None:
        return ("cheapest", self.buy, self.get, self.percent, frozenset(self.roles))

    def use(self, bucket: Bucket) -> tuple[int, dict[int, int]]:
        # This runs at every node of a search over a big basket: kept to plain arithmetic.
        values, roles = self.values, self.roles
        ranked = sorted((-values[s], s, n) for s, n in bucket.items() if n > 0 and s in roles)
        buy, size = self.buy, self.buy + self.get
        limit = sum(n for _, _, n in ranked) // size * size
        total, used, rank, free_before = 0, dict[int, int](), 0, 0
        # Sorting the units by value and cutting them into consecutive sets is optimal:
        # each set's discounted units are then as valuable as they can be.
        for negative, stack, count in ranked:
            n = min(count, limit - rank)
            if n <= 0:
                break
            rank += n
            # How many of the ranks before `rank` are the discounted ones of their set.
            free_upto = (rank // size) * self.get + max(0, rank % size - buy)
            if free_upto > free_before:
                off = -negative if self.full else percent_of(-negative, self.percent)
                total += (free_upto - free_before) * off
                free_before = free_upto
            used[stack] = n
        return total, used


BUY, FREE = 0, 1


class NamedFreeDeal(Deal):
    """Buy X (role BUY) get Y of the named free products (role FREE)."""

    def __init__(self, promotion: Promotion, roles: dict[int, int], values: Sequence[int]):
        super().__init__(promotion, roles, values)
        assert isinstance(promotion.rule, BuyXGetYRule)
        self.buy, self.get, self.percent = (
            promotion.rule.buy,
            promotion.rule.get,
            promotion.rule.percent,
        )

    def pooling_shape(self) -> tuple[object, ...] | None:
        return ("named", self.buy, self.get, self.percent, frozenset(self.roles.items()))

    def use(self, bucket: Bucket) -> tuple[int, dict[int, int]]:
        bought = _runs(bucket, self.roles, self.values, BUY)
        free = _runs(bucket, self.roles, self.values, FREE)
        sets = min(sum(n for _, _, n in bought) // self.buy, sum(n for _, _, n in free) // self.get)
        total, used = 0, dict[int, int]()
        for value, stack, n in _take_units(free, sets * self.get):
            total += n * percent_of(value, self.percent)
            used[stack] = n
        # Which units count as bought does not change the discount; the cheapest are kept
        # here, leaving the dearer ones to whatever else may want them.
        for _, stack, n in _take_units(bought[::-1], sets * self.buy):
            used[stack] = n
        return total, used


def _take_units(runs: list[Run], units: int) -> list[Run]:
    taken = []
    for value, stack, count in runs:
        if units <= 0:
            break
        n = min(count, units)
        taken.append((value, stack, n))
        units -= n
    return taken


class ThresholdDeal(Deal):
    """满减 on the amount of the units counted towards it."""

    def __init__(
        self, promotion: Promotion, roles: dict[int, int], values: Sequence[int], currency: Currency
    ):
        super().__init__(promotion, roles, values)
        rule = promotion.rule
        assert isinstance(rule, SpendThresholdRule)
        self.levels = [
            (minor(t.threshold, currency), minor(t.amount, currency)) for t in rule.levels()
        ]
        self.repeat = rule.repeat
        self.max_times = rule.max_times

    def pooling_shape(self) -> tuple[object, ...] | None:
        if not self.repeat or self.max_times is not None:
            return None
        return ("threshold", tuple(self.levels), frozenset(self.roles))

    def discount_on(self, amount: int) -> int:
        """The discount on an amount counted towards the threshold."""
        if self.repeat:
            threshold, off = self.levels[0]
            times = amount // threshold
            if self.max_times is not None:
                times = min(times, self.max_times)
            best = times * off
        else:
            best = max((off for threshold, off in self.levels if amount >= threshold), default=0)
        return min(best, amount)

    def amount(self, bucket: Bucket) -> int:
        """The amount the bucket's units count towards the threshold."""
        return sum(self.values[s] * n for s, n in bucket.items())

    def value(self, bucket: Bucket) -> int:
        return self.discount_on(self.amount(bucket))

    def use(self, bucket: Bucket) -> tuple[int, dict[int, int]]:
        discount = self.value(bucket)
        if not discount:
            return 0, {}
        return discount, {s: n for s, n in bucket.items() if n > 0}

    def needs(self, bucket: Bucket) -> dict[int, int]:
        """The dearest units, one by one, until they earn what the whole bucket earns."""
        goal = self.value(bucket)
        needed: dict[int, int] = {}
        spent = 0
        for value, stack, count in _runs(bucket, self.roles, self.values, 0):
            if self.discount_on(spent) >= goal:
                break
            for _ in range(count):
                needed[stack] = needed.get(stack, 0) + 1
                spent += value
                if self.discount_on(spent) >= goal:
                    break
        return needed
