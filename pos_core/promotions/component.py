"""The search for one component of a group: seeds, then depth-first branch and bound.

A component is a set of deals joined by the stacks they contest (see `search`). Each
contested stack's units are split between its options (its unit promotion, `UNIT`, or a
deal), one stack after another, dearest first. Three things keep the search small:

- the bound: what is fixed so far, plus every open unit's unit discount, plus each deal
  given every open unit it may take; thresholds (满减) are also bounded together by their
  best rate (amount ÷ threshold) on the open amount, since a unit counts towards only one;
- merging: a threshold's discount depends only on the amount counted towards it, so two
  paths that reach the same amounts (and the same other buckets) have the same futures;
  the one with less so far is dropped;
- symmetry: identical thresholds (same tiers, same units) are interchangeable, so their
  amounts are compared as a sorted list, and at the end the larger discount goes to the
  higher-ranked one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from pos_core.promotions.deals import Deal, ThresholdDeal

UNIT: Final = -1  # the option "this stack's best unit promotion"

Buckets = dict[int, dict[int, int]]
Score = tuple[int, tuple[int, ...]]


class _OutOfBudget(Exception):
    pass


def splits(count: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to split `count` units over `parts` choices, the first choice fullest first."""
    if parts == 1:
        yield (count,)
        return
    for first in range(count, -1, -1):
        for rest in splits(count - first, parts - 1):
            yield (first, *rest)


@dataclass(frozen=True)
class Setting:
    """What a component search reads: the group's units, promotions and tie-break slots."""

    counts: Sequence[int]
    values: Sequence[int]
    unit_best: dict[int, tuple[int, int]]  # stack → (discount per unit, slot)
    deals: Sequence[Deal]
    deal_slots: Sequence[int]
    slots: int
    options: dict[int, list[int]]  # contested stack → UNIT and/or deal indexes


def _rate(deal: ThresholdDeal) -> tuple[int, int]:
    """The best (amount, threshold) ratio of a threshold: its discount is at most that × x."""
    best = deal.levels[0]
    for level in deal.levels[1:]:
        if level[1] * best[0] > best[1] * level[0]:
            best = level
    return best[1], best[0]


class ComponentSearch:
    def __init__(
        self,
        setting: Setting,
        fixed: Buckets,
        deals: list[int],
        stacks: list[int],
        budget: int | None,
    ):
        self.setting = setting
        self.deals = deals
        counts, values = setting.counts, setting.values
        # Big decisions first: the bound tightens faster.
        self.stacks = sorted(stacks, key=lambda st: (-values[st] * counts[st], st))
        self.fixed = fixed
        self.budget = budget
        self.nodes = 0
        # A node evaluates every deal of the component on up to every stack of it.
        self.node_cost = len(stacks) * (len(deals) + 1)
        self.gain = {st: setting.unit_best[st][0] for st in stacks if st in setting.unit_best}

        self.thresholds = [d for d in deals if isinstance(setting.deals[d], ThresholdDeal)]
        self.others = [d for d in deals if d not in self.thresholds]
        self.rates = {d: _rate(self._threshold(d)) for d in self.thresholds}
        by_shape: dict[object, list[int]] = {}
        for d in self.thresholds:
            deal = self._threshold(d)
            shape = (tuple(deal.levels), deal.repeat, deal.max_times, frozenset(deal.roles))
            by_shape.setdefault(shape, []).append(d)
        self.twins = [group for group in by_shape.values() if len(group) > 1]

        # What is still open at each depth.
        n = len(self.stacks)
        self.open_units = [0] * (n + 1)  # unit discounts of the open units
        self.open_unit_slots: list[dict[int, int]] = [{} for _ in range(n + 1)]  # … by slot
        self.open_amount = [dict.fromkeys(self.thresholds, 0) for _ in range(n + 1)]
        self.open_any = [0] * (n + 1)  # open amount some threshold may count
        self.open_to: list[dict[int, dict[int, int]]] = [{d: {} for d in self.others}] * (n + 1)
        for i in range(n - 1, -1, -1):
            st = self.stacks[i]
            worth = values[st] * counts[st]
            opts = setting.options[st]
            self.open_units[i] = self.open_units[i + 1] + counts[st] * self.gain.get(st, 0)
            self.open_unit_slots[i] = dict(self.open_unit_slots[i + 1])
            if st in self.gain:
                slot = setting.unit_best[st][1]
                self.open_unit_slots[i][slot] = (
                    self.open_unit_slots[i].get(slot, 0) + counts[st] * self.gain[st]
                )
            self.open_amount[i] = {
                d: self.open_amount[i + 1][d] + (worth if d in opts else 0) for d in self.thresholds
            }
            self.open_any[i] = self.open_any[i + 1] + (
                worth if any(d in opts for d in self.thresholds) else 0
            )
            self.open_to[i] = {
                d: {**self.open_to[i + 1][d], st: counts[st]}
                if d in opts
                else self.open_to[i + 1][d]
                for d in self.others
            }
        self.best: tuple[Score, dict[int, int], Buckets] = ((-1, ()), {}, {})
        self.seen: dict[tuple[object, ...], tuple[int, tuple[int, ...]]] = {}

    def _threshold(self, d: int) -> ThresholdDeal:
        deal = self.setting.deals[d]
        assert isinstance(deal, ThresholdDeal)
        return deal

    # --- scoring ------------------------------------------------------------------------
    def _ranked(self, shares: list[int]) -> Score:
        """Total and per-slot shares, twins' shares sorted so the higher-ranked gets more."""
        for twins in self.twins:
            slots = [self.setting.deal_slots[d] for d in twins]
            for slot, share in zip(
                slots, sorted((shares[t] for t in slots), reverse=True), strict=True
            ):
                shares[slot] = share
        return sum(shares), tuple(shares)

    def _score(self, per_unit: dict[int, int], buckets: Buckets) -> Score:
        shares = [0] * self.setting.slots
        for d in self.deals:
            shares[self.setting.deal_slots[d]] += self.setting.deals[d].value(buckets[d])
        for st, n in per_unit.items():
            gain, slot = self.setting.unit_best[st]
            shares[slot] += n * gain
        return self._ranked(shares)

    def _offer(self, score: Score, per_unit: dict[int, int], buckets: Buckets) -> None:
        if score > self.best[0]:
            self.best = (score, dict(per_unit), {d: dict(b) for d, b in buckets.items()})

    # --- seeds --------------------------------------------------------------------------
    def _first_choices(self) -> None:
        per_unit: dict[int, int] = {}
        buckets = {d: dict(b) for d, b in self.fixed.items()}
        for st in self.stacks:
            first = self.setting.options[st][0]
            if first == UNIT:
                per_unit[st] = self.setting.counts[st]
            else:
                buckets[first][st] = self.setting.counts[st]
        self._offer(self._score(per_unit, buckets), per_unit, buckets)

    def _greedy(self, first: int | None) -> None:
        """Deals take the open units they need one at a time, `first` first, then the one
        adding most net of the unit discounts it displaces; the rest go to first choices."""
        remaining = {st: self.setting.counts[st] for st in self.stacks}
        buckets = {d: dict(b) for d, b in self.fixed.items()}
        waiting = list(self.deals)
        while waiting:
            picked: tuple[int, int, dict[int, int]] | None = None
            for d in waiting if first is None else [first]:
                deal = self.setting.deals[d]
                trial = dict(buckets[d])
                trial.update({st: n for st, n in remaining.items() if n and st in deal.roles})
                taken = {st: n for st, n in deal.needs(trial).items() if st in remaining}
                lost = sum(n * self.gain.get(st, 0) for st, n in taken.items())
                net = deal.value(trial) - deal.value(buckets[d]) - lost
                if picked is None or net > picked[0]:
                    picked = (net, d, taken)
            assert picked is not None
            net, d, taken = picked
            first = None
            waiting.remove(d)
            if net <= 0:
                continue
            for st, n in taken.items():
                buckets[d][st] = buckets[d].get(st, 0) + n
                remaining[st] -= n
        per_unit: dict[int, int] = {}
        for st, n in remaining.items():
            if n:
                option = self.setting.options[st][0]
                if option == UNIT:
                    per_unit[st] = n
                else:
                    buckets[option][st] = buckets[option].get(st, 0) + n
        self._offer(self._score(per_unit, buckets), per_unit, buckets)

    # --- search -------------------------------------------------------------------------
    def solve(self, greedy_starts: int) -> tuple[dict[int, int], Buckets, bool]:
        """The best assignment found, and whether the search finished (it is optimal)."""
        self._first_choices()
        self._greedy(None)
        if len(self.deals) <= greedy_starts:
            for d in self.deals:
                self._greedy(d)
        buckets = {d: dict(b) for d, b in self.fixed.items()}
        sums = {d: self._threshold(d).amount(buckets[d]) for d in self.thresholds}
        exact = True
        try:
            self._dfs(0, {}, buckets, sums, 0, [0] * self.setting.slots)
        except _OutOfBudget:
            exact = False
        _, per_unit, best_buckets = self.best
        for twins in self.twins:  # the larger discount to the higher-ranked twin
            ordered = sorted(
                (best_buckets[d] for d in twins),
                key=lambda b: -self.setting.deals[twins[0]].value(b),
            )
            for d, bucket in zip(twins, ordered, strict=True):
                best_buckets[d] = bucket
        return per_unit, best_buckets, exact

    def _hopeless(
        self,
        depth: int,
        buckets: Buckets,
        sums: dict[int, int],
        unit_value: int,
        unit_shares: list[int],
    ) -> bool:
        """Whether nothing below this node can beat the best found: its bound on the total is
        lower, or equal with a bound on each promotion's share no better in tie-break order."""
        shares = list(unit_shares)
        for slot, amount in self.open_unit_slots[depth].items():
            shares[slot] += amount
        each, rated, best_rate = 0, 0, (0, 1)
        for d in self.thresholds:
            most = self._threshold(d).discount_on(sums[d] + self.open_amount[depth][d])
            shares[self.setting.deal_slots[d]] += most
            each += most
            off, per = self.rates[d]
            rated += sums[d] * off // per
            if off * best_rate[1] > best_rate[0] * per:
                best_rate = (off, per)
        bound = unit_value + self.open_units[depth]
        bound += min(each, rated + self.open_any[depth] * best_rate[0] // best_rate[1])
        for d in self.others:
            merged = dict(buckets[d])
            merged.update(self.open_to[depth][d])
            most = self.setting.deals[d].value(merged)
            shares[self.setting.deal_slots[d]] += most
            bound += most
        best_total, best_shares = self.best[0]
        if bound != best_total:
            return bound < best_total
        return self._ranked(shares)[1] <= best_shares

    def _memo_key(self, depth: int, buckets: Buckets, sums: dict[int, int]) -> tuple[object, ...]:
        amounts = dict(sums)
        for twins in self.twins:
            for d, amount in zip(
                twins, sorted((sums[d] for d in twins), reverse=True), strict=True
            ):
                amounts[d] = amount
        others = tuple(
            tuple(sorted((st, n) for st, n in buckets[d].items() if n and st not in self.fixed[d]))
            for d in self.others
        )
        return (depth, tuple(amounts[d] for d in self.thresholds), others)

    def _dfs(
        self,
        depth: int,
        per_unit: dict[int, int],
        buckets: Buckets,
        sums: dict[int, int],
        unit_value: int,
        unit_shares: list[int],
    ) -> None:
        self.nodes += 1
        if self.budget is not None and self.nodes * self.node_cost > self.budget:
            raise _OutOfBudget
        if depth == len(self.stacks):
            shares = list(unit_shares)
            for d in self.thresholds:
                shares[self.setting.deal_slots[d]] += self._threshold(d).discount_on(sums[d])
            for d in self.others:
                shares[self.setting.deal_slots[d]] += self.setting.deals[d].value(buckets[d])
            self._offer(self._ranked(shares), per_unit, buckets)
            return
        if self.thresholds:
            key = self._memo_key(depth, buckets, sums)
            here = (unit_value, tuple(unit_shares))
            if key in self.seen and self.seen[key] >= here:
                return
            self.seen[key] = here
        if self._hopeless(depth, buckets, sums, unit_value, unit_shares):
            return
        st = self.stacks[depth]
        opts = self.setting.options[st]
        worth = self.setting.values[st]
        for split in splits(self.setting.counts[st], len(opts)):
            added = 0
            for option, n in zip(opts, split, strict=True):
                if not n:
                    continue
                if option == UNIT:
                    per_unit[st] = n
                    added = n * self.gain[st]
                    unit_shares[self.setting.unit_best[st][1]] += added
                else:
                    buckets[option][st] = n
                    if option in sums:
                        sums[option] += n * worth
            self._dfs(depth + 1, per_unit, buckets, sums, unit_value + added, unit_shares)
            for option, n in zip(opts, split, strict=True):
                if not n:
                    continue
                if option == UNIT:
                    del per_unit[st]
                    unit_shares[self.setting.unit_best[st][1]] -= added
                else:
                    del buckets[option][st]
                    if option in sums:
                        sums[option] -= n * worth
