"""The best deal within one exclusive group: which units go to which promotion.

Every unit goes to at most one promotion of the group, and the group's total discount is
made as large as possible. Unit promotions collapse to the best one per stack (they are
worth a fixed amount per unit); what remains to decide is how the units that several
promotions want (*contested* stacks) are shared out. Promotions linked by contested
stacks form independent *components*, each solved on its own. A deal identical to a
higher-ranked one of the group (same units, same terms) is left out when splitting the
units between the two could never pay more than giving them all to one — a bundle, a buy
X get Y, a repeating 满减 — since the higher-ranked one can then do all it could.


1. seeds — every contested stack to its first choice (its unit promotion if it has one);
   and greedy passes in which the deals, one at a time, take the units they need: the
   one adding most (net of the unit discounts it displaces) first, or each deal first in
   turn when the component has at most `MAX_GREEDY_STARTS` deals;
2. a depth-first branch and bound over how each contested stack's units are split
   between its choices (`component`), which keeps the best assignment found.

The search is exact when it finishes. A component of at most `EXHAUSTIVE_UNITS` contested
units and `EXHAUSTIVE_DEALS` deals always finishes. Any other is bounded by `budget` units
of work (a node costs the component's contested stacks × (deals + 1), roughly what it
evaluates); one that needs more keeps the best assignment found so far, never worse than
the seeds, and the result says it is not proven optimal (`exact`).

Among equal totals the tie goes to the promotion with the higher priority, then the lower
id (the per-promotion discounts, in that order, compared lexicographically). Units a deal
holds without using them then move to where they still count (`_place_idle_units`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from pos_core.promotions.component import UNIT, ComponentSearch, Setting
from pos_core.promotions.deals import Deal, ThresholdDeal

DEFAULT_SEARCH_BUDGET: Final = 30_000
"""Search work per component: nodes × contested stacks × (deals + 1). About 10-20 ms of
search at most, on a component of 200 contested stacks."""
EXHAUSTIVE_UNITS: Final = 6
EXHAUSTIVE_DEALS: Final = 4
"""A component with at most this many contested units and deals is always searched to the
end, whatever the budget: its whole search tree has at most 5^0 + … + 5^6 = 19,531 nodes."""
MAX_GREEDY_STARTS: Final = 6


@dataclass
class GroupChoice:
    """How one group's promotions share the units: units per stack for each of them."""

    per_unit: dict[int, int] = field(default_factory=dict)  # stack → units on unit promotions
    buckets: list[dict[int, int]] = field(default_factory=list)  # one per deal
    exact: bool = True
    nodes: int = 0


@dataclass(frozen=True)
class GroupProblem:
    """One group's units and promotions; a promotion's *slot* is its place in rank order."""

    counts: Sequence[int]  # units per stack
    values: Sequence[int]  # what one unit of each stack is worth now, minor units
    unit_best: dict[int, tuple[int, int]]  # stack → (discount per unit > 0, its slot)
    deals: Sequence[Deal]
    deal_slots: Sequence[int]
    slots: int


def resolve_group(problem: GroupProblem, budget: int = DEFAULT_SEARCH_BUDGET) -> GroupChoice:
    """Share the group's units out between its promotions for the largest total discount."""
    deals = problem.deals
    choice = GroupChoice(buckets=[{} for _ in deals])
    # Leave out twins that cannot add anything (see the module docstring).
    shapes: set[tuple[object, ...]] = set()
    taking: list[int] = []
    for d, deal in enumerate(deals):
        shape = deal.pooling_shape()
        if shape is None or shape not in shapes:
            taking.append(d)
        if shape is not None:
            shapes.add(shape)
    options: dict[int, list[int]] = {}
    for s, count in enumerate(problem.counts):
        if count <= 0:
            continue
        opts = ([UNIT] if s in problem.unit_best else []) + [
            d for d in taking if s in deals[d].roles
        ]
        if len(opts) == 1:
            if opts[0] == UNIT:
                choice.per_unit[s] = count
            else:
                choice.buckets[opts[0]][s] = count
        elif opts:
            options[s] = opts

    # Components: deals joined by the stacks they contest.
    parent = list(range(len(deals)))

    def root(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for opts in options.values():
        joined = [root(d) for d in opts if d != UNIT]
        for d in joined[1:]:
            parent[root(d)] = root(joined[0])
    components: dict[int, tuple[list[int], list[int]]] = {}
    for s, opts in options.items():
        # A contested stack has at most one UNIT option, so at least one deal.
        first = next(d for d in opts if d != UNIT)
        components.setdefault(root(first), ([], []))[1].append(s)
    for d in range(len(deals)):
        if root(d) in components:
            components[root(d)][0].append(d)

    setting = Setting(
        counts=problem.counts,
        values=problem.values,
        unit_best=problem.unit_best,
        deals=deals,
        deal_slots=problem.deal_slots,
        slots=problem.slots,
        options=options,
    )
    for key in sorted(components):
        comp_deals, comp_stacks = components[key]
        small = sum(problem.counts[s] for s in comp_stacks) <= EXHAUSTIVE_UNITS
        bounded = not (small and len(comp_deals) <= EXHAUSTIVE_DEALS)
        search = ComponentSearch(
            setting,
            {d: choice.buckets[d] for d in comp_deals},
            comp_deals,
            comp_stacks,
            budget if bounded else None,
        )
        per_unit, buckets, exact = search.solve(MAX_GREEDY_STARTS)
        choice.exact = choice.exact and exact
        choice.nodes += search.nodes
        choice.per_unit.update(per_unit)
        for d, bucket in buckets.items():
            choice.buckets[d] = bucket
    _place_idle_units(problem, choice, options)
    return choice


def _place_idle_units(
    problem: GroupProblem, choice: GroupChoice, options: dict[int, list[int]]
) -> None:
    """Contested units a deal holds but does not use (an incomplete set, a threshold not
    reached) move to their unit promotion, or else to a threshold that pays anyway.

    Neither lowers the total. It makes the answer canonical where several assignments are
    equally good: a 满减 discount is spread over every unit that may count towards it, not
    over whichever subset happened to be found first.
    """
    for d, deal in enumerate(problem.deals):
        _, used = deal.use(choice.buckets[d])
        for s in sorted(choice.buckets[d]):
            idle = choice.buckets[d][s] - used.get(s, 0)
            if idle <= 0 or s not in options:
                continue
            target = next(
                (
                    o
                    for o in options[s]
                    if o == UNIT
                    or (
                        o != d
                        and isinstance(problem.deals[o], ThresholdDeal)
                        and problem.deals[o].value(choice.buckets[o]) > 0
                    )
                ),
                None,
            )
            if target is None:
                continue
            choice.buckets[d][s] -= idle
            if target == UNIT:
                choice.per_unit[s] = choice.per_unit.get(s, 0) + idle
            else:
                choice.buckets[target][s] = choice.buckets[target].get(s, 0) + idle
