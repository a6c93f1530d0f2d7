"""Where a discount lands: on units within a group, then on the basket's lines.

Every split is `pos_core.money.allocate` (largest remainder, ties to the earlier part), so
the parts always add up to the discount exactly:

- a set or threshold discount (bundle, buy X get Y, 满减) is spread over the units it
  used in proportion to their value, so the free unit of a buy-2-get-1 is not free on its
  own: each of the three units carries a third of the saving by value, and returning any
  one of them refunds what was paid for it, no more;
- a unit promotion's discount stays on its unit;
- at the end, a pool's discounts are spread over the pool's lines (identical units) by
  their list amounts, without ever taking a line below zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pos_core.money import Currency, Money, allocate


def share(amount: int, weights: Sequence[int], currency: Currency) -> list[int]:
    """`amount` minor units split by `weights`, in minor units, summing exactly."""
    if len(weights) == 1:
        return [amount]
    parts = allocate(Money.from_minor(amount, currency), weights)
    return [part.minor for part in parts]


@dataclass(frozen=True, slots=True)
class Stack:
    """Units of one pool, all now worth `value` minor units each."""

    pool: int
    value: int
    count: int


def split_stack(stack: Stack, units: int, discount: int) -> list[Stack]:
    """`units` units of the stack taking `discount` between them, as evenly as can be."""
    each, extra = divmod(discount, units)
    parts = [Stack(stack.pool, stack.value - each, units - extra)]
    if extra:
        parts.append(Stack(stack.pool, stack.value - each - 1, extra))
    return parts


def merge_stacks(stacks: Sequence[Stack]) -> list[Stack]:
    """Stacks of the same pool and value merged, in pool order, dearest first."""
    counts: dict[tuple[int, int], int] = {}
    for stack in stacks:
        if stack.count > 0:
            key = (stack.pool, stack.value)
            counts[key] = counts.get(key, 0) + stack.count
    return [
        Stack(pool, value, count)
        for (pool, value), count in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    ]


def to_lines(
    line_values: Sequence[int], discounts: Sequence[int], currency: Currency
) -> list[list[int]]:
    """Each discount of a pool split over the pool's lines: `result[d][line]`.

    The pool's whole discount is first shared by list amount, which keeps every line's
    part within its amount; each discount in turn then takes its part of what each line has
    left to carry, so both every discount and every line add up exactly.
    """
    capacity = share(sum(discounts), line_values, currency)
    result = []
    for discount in discounts:
        parts = share(discount, capacity, currency)
        capacity = [c - p for c, p in zip(capacity, parts, strict=True)]
        result.append(parts)
    return result
