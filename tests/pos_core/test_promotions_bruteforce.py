"""The engine against exhaustive search, within one exclusive group.

Random baskets of up to 6 units and up to 4 random promotions, all in one group. The
oracle here knows nothing of the engine's stacks, seeds or bounds: it tries every
assignment of every unit to one promotion of the group (or none), values each promotion
on its units straight from the rule's definition (the bundle and buy-X-get-Y by trying
every way to form sets), and keeps the best total. The engine must find that total.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_core.money import Money
from pos_core.promotions import PromoLine, PromotionBook, price_basket
from pos_core.protocol.rows import PromotionRow

PRODUCTS = [UUID(int=1), UUID(int=2), UUID(int=3), UUID(int=4)]
FOOD, DRINK, ROOT = UUID(int=101), UUID(int=102), UUID(int=100)
CATEGORY = {PRODUCTS[0]: FOOD, PRODUCTS[1]: FOOD, PRODUCTS[2]: DRINK, PRODUCTS[3]: DRINK}
AT = datetime(2026, 6, 1, 4, tzinfo=UTC)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Unit:
    product: UUID
    value: int  # fen
    weight: Decimal | None
    member_value: int | None  # fen, from the price row


def _cats(unit: Unit) -> set[UUID]:
    return {CATEGORY[unit.product], ROOT}


def _in_scope(rule: dict[str, Any], unit: Unit) -> bool:
    products = {UUID(p) for p in rule.get("product_ids", [])}
    categories = {UUID(c) for c in rule.get("category_ids", [])}
    if not products and not categories:
        return True
    return unit.product in products or bool(_cats(unit) & categories)


def _fen(yuan: str) -> int:
    return _round(Decimal(yuan) * 100)


def _per_kg(unit: Unit, yuan: str) -> int:
    return _fen(yuan) if unit.weight is None else _round(Decimal(yuan) * unit.weight * 100)


# --- each kind valued on a tuple of units, straight from its definition ------------------


def _unit_value(kind: str, rule: dict[str, Any], unit: Unit, member: bool) -> int | None:
    """The discount on one unit, or None if the promotion cannot take it."""
    if not _in_scope(rule, unit):
        return None
    if kind == "percent_off":
        return _round(Decimal(unit.value) * Decimal(rule["percent"]) / 100)
    if kind == "amount_off":
        return min(unit.value, _per_kg(unit, rule["amount"]))
    if not member:
        return None
    prices = {UUID(p): v for p, v in rule.get("prices", {}).items()}
    if unit.product in prices:
        member_value: int | None = _per_kg(unit, prices[unit.product])
    else:
        member_value = unit.member_value if rule.get("price_rows", True) else None
    return None if member_value is None else max(0, unit.value - member_value)


def _bundle(rule: dict[str, Any], units: Sequence[Unit]) -> int:
    items = [(UUID(i["product_id"]), i["quantity"]) for i in rule["items"]]
    pools = {p: [u.value for u in units if u.product == p and u.weight is None] for p, _ in items}
    best, sets = 0, 1
    while all(len(pools[p]) >= q * sets for p, q in items):
        worth = sum(max(map(sum, itertools.combinations(pools[p], q * sets))) for p, q in items)
        best = max(best, worth - sets * _fen(rule["price"]))
        sets += 1
    return best


def _cheapest_free(rule: dict[str, Any], units: Sequence[Unit]) -> int:
    buy, get, percent = rule["buy"], rule["get"], Decimal(rule.get("percent", "100"))

    @cache
    def best(values: tuple[int, ...]) -> int:
        found = 0
        for chosen in itertools.combinations(range(len(values)), buy + get):
            in_set = sorted(values[i] for i in chosen)
            rest = tuple(v for i, v in enumerate(values) if i not in chosen)
            off = sum(_round(Decimal(v) * percent / 100) for v in in_set[:get])
            found = max(found, off + best(rest))
        return found

    return best(tuple(sorted(u.value for u in units if u.weight is None)))


def _named_free(rule: dict[str, Any], units: Sequence[Unit]) -> int:
    buy, get, percent = rule["buy"], rule["get"], Decimal(rule.get("percent", "100"))
    free_ids = {UUID(p) for p in rule["free_product_ids"]}
    bought = sum(1 for u in units if u.weight is None and u.product not in free_ids)
    free = tuple(u.value for u in units if u.weight is None and u.product in free_ids)

    @cache
    def best(bought: int, free: tuple[int, ...]) -> int:
        found = 0
        if bought >= buy:
            for chosen in itertools.combinations(range(len(free)), get):
                off = sum(_round(Decimal(free[i]) * percent / 100) for i in chosen)
                rest = tuple(v for i, v in enumerate(free) if i not in chosen)
                found = max(found, off + best(bought - buy, rest))
        return found

    return best(bought, free)


def _threshold(rule: dict[str, Any], units: Sequence[Unit]) -> int:
    spent = sum(u.value for u in units)
    if "tiers" in rule:
        off = max(
            (_fen(t["amount"]) for t in rule["tiers"] if spent >= _fen(t["threshold"])), default=0
        )
    elif rule.get("repeat"):
        times = spent // _fen(rule["threshold"])
        if rule.get("max_times") is not None:
            times = min(times, rule["max_times"])
        off = times * _fen(rule["amount"])
    else:
        off = _fen(rule["amount"]) if spent >= _fen(rule["threshold"]) else 0
    return min(off, spent)


def _can_take(kind: str, rule: dict[str, Any], unit: Unit) -> bool:
    if kind == "bundle":
        return unit.weight is None and unit.product in {
            UUID(i["product_id"]) for i in rule["items"]
        }
    if kind == "buy_x_get_y":
        if unit.weight is not None:
            return False
        return _in_scope(rule, unit) or unit.product in {
            UUID(p) for p in rule.get("free_product_ids", [])
        }
    return _in_scope(rule, unit)


def oracle(
    units: Sequence[Unit], promos: Sequence[tuple[str, dict[str, Any]]], member: bool
) -> int:
    """The best total discount over every assignment of units to promotions."""
    valuers: list[Callable[[tuple[int, ...]], int | None]] = []
    for kind, rule in promos:

        def value(
            idx: tuple[int, ...], kind: str = kind, rule: dict[str, Any] = rule
        ) -> int | None:
            chosen = [units[i] for i in idx]
            if not all(_can_take(kind, rule, u) for u in chosen):
                return None
            if kind in ("percent_off", "amount_off", "member_price"):
                offs = [_unit_value(kind, rule, u, member) for u in chosen]
                return None if None in offs else sum(o for o in offs if o is not None)
            if kind == "bundle":
                return _bundle(rule, chosen)
            if kind == "buy_x_get_y":
                named = bool(rule.get("free_product_ids"))
                return _named_free(rule, chosen) if named else _cheapest_free(rule, chosen)
            return _threshold(rule, chosen)

        valuers.append(cache(value))
    best = 0
    for assignment in itertools.product(range(len(promos) + 1), repeat=len(units)):
        total = 0
        for p, valuer in enumerate(valuers):
            got = valuer(tuple(i for i, a in enumerate(assignment) if a == p + 1))
            if got is None:
                break
            total += got
        else:
            best = max(best, total)
    return best


# --- random baskets and promotions -------------------------------------------------------

prices = st.sampled_from([100, 250, 399, 500, 999, 1000, 1250, 2000, 3333])


@st.composite
def baskets(draw: st.DrawFn) -> list[PromoLine]:
    """Lines holding up to 6 units in all; the last product is sometimes sold by weight."""
    lines: list[PromoLine] = []
    units = 0
    wanted = draw(st.integers(1, 6))
    while units < wanted:
        product = draw(st.sampled_from(PRODUCTS))
        weighed = product == PRODUCTS[3] and draw(st.booleans())
        price = Money.from_minor(draw(prices))
        share = draw(st.one_of(st.none(), st.sampled_from([80, 90, 95])))
        member = None if share is None else Money.round(price.amount * share / 100)
        if weighed:
            quantity = Decimal(draw(st.integers(100, 2500))) / 1000
            units += 1
        else:
            quantity = Decimal(draw(st.integers(1, wanted - units)))
            units += int(quantity)
        lines.append(
            PromoLine(
                line_id=UUID(int=10_000 + len(lines)),
                product_id=product,
                category_ids=frozenset({CATEGORY[product], ROOT}),
                quantity=quantity,
                unit_price=price,
                member_price=member,
                weighed=weighed,
            )
        )
    return lines


def units_of(lines: Sequence[PromoLine]) -> list[Unit]:
    """The oracle's units: a piece each, or one per weighed line at its weighed amount."""
    units = []
    for line in lines:
        if line.weighed:
            member = None if line.member_price is None else line.member_price.times(line.quantity)
            units.append(
                Unit(
                    line.product_id,
                    line.unit_price.times(line.quantity).minor,
                    line.quantity,
                    None if member is None else member.minor,
                )
            )
        else:
            member_value = None if line.member_price is None else line.member_price.minor
            unit = Unit(line.product_id, line.unit_price.minor, None, member_value)
            units.extend([unit] * int(line.quantity))
    return units


def _ids(draw: st.DrawFn) -> list[str]:
    return [
        str(p)
        for p in draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True))
    ]


def _scope(draw: st.DrawFn) -> dict[str, Any]:
    choice = draw(st.sampled_from(["products", "category", "everything"]))
    if choice == "products":
        return {"product_ids": _ids(draw)}
    if choice == "category":
        return {"category_ids": [str(draw(st.sampled_from([FOOD, DRINK])))]}
    return {}


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@st.composite
def promotions(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind = draw(
        st.sampled_from(
            [
                "percent_off",
                "amount_off",
                "member_price",
                "bundle",
                "buy_x_get_y",
                "spend_threshold",
            ]
        )
    )
    if kind == "percent_off":
        return kind, _scope(draw) | {
            "percent": draw(st.sampled_from(["5", "10", "12.5", "33", "50", "100"]))
        }
    if kind == "amount_off":
        return kind, _scope(draw) | {"amount": _yuan(draw(st.integers(10, 1500)))}
    if kind == "member_price":
        rule = _scope(draw) | {"price_rows": draw(st.booleans())}
        listed = draw(st.lists(st.sampled_from(PRODUCTS), max_size=2, unique=True))
        rule["prices"] = {str(p): _yuan(draw(st.integers(50, 2500))) for p in listed}
        return kind, rule
    if kind == "bundle":
        chosen = draw(st.lists(st.sampled_from(PRODUCTS[:3]), min_size=1, max_size=2, unique=True))
        items = [{"product_id": str(p), "quantity": draw(st.integers(1, 2))} for p in chosen]
        return kind, {"items": items, "price": _yuan(draw(st.integers(0, 4000)))}
    if kind == "buy_x_get_y":
        rule = _scope(draw) | {"buy": draw(st.integers(1, 2)), "get": draw(st.integers(1, 2))}
        rule["percent"] = draw(st.sampled_from(["100", "50"]))
        if draw(st.booleans()):
            free = draw(st.sampled_from(PRODUCTS[:3]))
            rule["free_product_ids"] = [str(free)]
            if "product_ids" in rule:
                rule["product_ids"] = [p for p in rule["product_ids"] if p != str(free)] or [
                    str(next(p for p in PRODUCTS if p != free))
                ]
        return kind, rule
    threshold = draw(st.integers(200, 6000))
    amount = draw(st.integers(50, threshold))
    form = draw(st.sampled_from(["once", "repeat", "capped", "tiers"]))
    rule = _scope(draw)
    if form == "tiers":
        second = threshold + draw(st.integers(100, 3000))
        return kind, rule | {
            "tiers": [
                {"threshold": _yuan(threshold), "amount": _yuan(amount)},
                {"threshold": _yuan(second), "amount": _yuan(draw(st.integers(amount, second)))},
            ]
        }
    rule |= {"threshold": _yuan(threshold), "amount": _yuan(amount), "repeat": form != "once"}
    if form == "capped":
        rule["max_times"] = draw(st.integers(1, 2))
    return kind, rule


def _book(promos: Sequence[tuple[str, dict[str, Any]]]) -> PromotionBook:
    rows = [
        PromotionRow(
            id=UUID(int=500 + i),
            name=f"{kind} {i}",
            kind=kind,
            priority=i % 2,
            exclusive_group="one",
            rule=rule,
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i, (kind, rule) in enumerate(promos)
    ]
    book = PromotionBook.from_rows(rows)
    assert not book.rejected, book.rejected
    return book


@settings(max_examples=600, deadline=None)
@given(
    lines=baskets(),
    promos=st.lists(promotions(), min_size=2, max_size=4),
    member=st.booleans(),
)
def test_engine_matches_exhaustive_search_within_a_group(
    lines: list[PromoLine], promos: list[tuple[str, dict[str, Any]]], member: bool
) -> None:
    priced = price_basket(lines, _book(promos), at=AT, time_zone="Asia/Shanghai", member=member)
    assert priced.exact
    assert priced.discount_total.minor == oracle(units_of(lines), promos, member)
