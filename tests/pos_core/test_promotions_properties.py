"""Properties of any priced basket, on random baskets and random promotions in several groups.

- nothing goes below zero, and every figure adds up exactly: each line is its list amount
  less its discounts, each promotion's line parts add up to its total;
- the scan order does not matter: permuting the lines, splitting a line of n pieces into
  n lines of one, or merging lines of one product gives the same total and the same
  discount per promotion.
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_core.money import Money
from pos_core.promotions import PricedBasket, PromoLine, PromotionBook, price_basket
from pos_core.protocol.rows import PromotionRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRODUCTS = [UUID(int=i) for i in range(1, 7)]
WEIGHED = PRODUCTS[5]  # sold by kg
LABELLED = PRODUCTS[4]  # packs priced by an in-store label, each its own amount
Spec = tuple[UUID, Decimal, int, int | None, int | None]  # …, price, member, label (fen)
CATS = [UUID(int=101), UUID(int=102)]
ROOT = UUID(int=100)


def _category(product: UUID) -> frozenset[UUID]:
    return frozenset({CATS[product.int % 2], ROOT})


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@st.composite
def line_specs(draw: st.DrawFn) -> list[Spec]:
    """(product, quantity, price in fen, member price in fen); a product keeps its prices."""
    # Few distinct prices, so that equal values (and ties to break) are common.
    fen = st.one_of(st.sampled_from([500, 999]), st.integers(1, 6000))
    prices = {p: draw(fen) for p in PRODUCTS}
    members = {p: draw(st.one_of(st.none(), st.integers(0, prices[p]))) for p in PRODUCTS}
    specs = []
    for _ in range(draw(st.integers(0, 10))):
        product = draw(st.sampled_from(PRODUCTS))
        label = None
        if product == WEIGHED:
            quantity = Decimal(draw(st.integers(1, 3000))) / 1000
        elif product == LABELLED:
            quantity, label = Decimal(1), draw(st.integers(1, 6000))
        else:
            quantity = Decimal(draw(st.integers(0, 5)))
        specs.append((product, quantity, prices[product], members[product], label))
    return specs


def _lines(specs: list[Spec]) -> list[PromoLine]:
    return [
        PromoLine(
            line_id=UUID(int=10_000 + i),
            product_id=product,
            category_ids=_category(product),
            quantity=quantity,
            unit_price=Money.from_minor(price),
            member_price=None if member is None else Money.from_minor(member),
            weighed=product == WEIGHED,
            label_amount=None if label is None else Money.from_minor(label),
        )
        for i, (product, quantity, price, member, label) in enumerate(specs)
    ]


def _scope(draw: st.DrawFn) -> dict[str, Any]:
    choice = draw(st.sampled_from(["products", "category", "everything"]))
    if choice == "products":
        chosen = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True))
        return {"product_ids": [str(p) for p in chosen]}
    if choice == "category":
        return {"category_ids": [str(draw(st.sampled_from(CATS)))]}
    return {}


@st.composite
def rules(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(
        ["percent_off", "amount_off", "member_price", "bundle", "buy_x_get_y", "spend_threshold"]
    ))  # fmt: skip
    if kind == "percent_off":
        return kind, _scope(draw) | {"percent": draw(st.sampled_from(["5", "12.5", "50", "100"]))}
    if kind == "amount_off":
        return kind, _scope(draw) | {"amount": _yuan(draw(st.integers(1, 9000)))}
    if kind == "member_price":
        listed = draw(st.lists(st.sampled_from(PRODUCTS), max_size=2, unique=True))
        prices = {str(p): _yuan(draw(st.integers(0, 5000))) for p in listed}
        return kind, _scope(draw) | {"prices": prices, "price_rows": draw(st.booleans())}
    if kind == "bundle":
        chosen = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=3, unique=True))
        items = [{"product_id": str(p), "quantity": draw(st.integers(1, 3))} for p in chosen]
        return kind, {"items": items, "price": _yuan(draw(st.integers(0, 9000)))}
    if kind == "buy_x_get_y":
        rule = _scope(draw) | {"buy": draw(st.integers(1, 3)), "get": draw(st.integers(1, 2))}
        rule["percent"] = draw(st.sampled_from(["100", "50"]))
        if draw(st.booleans()):
            free = draw(st.sampled_from(PRODUCTS))
            rule["free_product_ids"] = [str(free)]
            rule.pop("product_ids", None)
        return kind, rule
    threshold = draw(st.integers(1, 20000))
    rule = _scope(draw) | {
        "threshold": _yuan(threshold),
        "amount": _yuan(draw(st.integers(1, threshold))),
        "repeat": draw(st.booleans()),
    }
    return kind, rule


@st.composite
def books(draw: st.DrawFn) -> PromotionBook:
    rows = []
    for i, (kind, rule) in enumerate(draw(st.lists(rules(), max_size=8))):
        rows.append(
            PromotionRow(
                id=UUID(int=500 + i),
                name=f"{kind} {i}",
                kind=kind,
                priority=draw(st.integers(0, 3)),
                exclusive_group=draw(st.sampled_from(["", "item", "basket", "extra"])),
                rule=rule,
                valid_from=datetime(2026, 1, 1, tzinfo=SHANGHAI),
            )
        )
    book = PromotionBook.from_rows(rows)
    assert not book.rejected, book.rejected
    return book


AT = datetime(2026, 6, 1, 12, tzinfo=SHANGHAI)
budgets = st.sampled_from([50_000, 0])  # the full search, and the greedy seeds alone


def _price(lines: list[PromoLine], book: PromotionBook, member: bool, budget: int) -> PricedBasket:
    return price_basket(
        lines, book, at=AT, time_zone="Asia/Shanghai", member=member, search_budget=budget
    )


def _by_promotion(priced: PricedBasket) -> dict[UUID, Money]:
    return {p.promotion_id: p.amount for p in priced.promotions}


@settings(max_examples=300, deadline=None)
@given(specs=line_specs(), book=books(), member=st.booleans(), budget=budgets)
def test_nothing_negative_and_every_allocation_adds_up(
    specs: list[Spec],
    book: PromotionBook,
    member: bool,
    budget: int,
) -> None:
    lines = _lines(specs)
    priced = _price(lines, book, member, budget)
    assert not priced.total.is_negative
    zero = Money.zero()
    for line, given_line in zip(priced.lines, lines, strict=True):
        assert line.line_id == given_line.line_id
        assert line.list_amount == given_line.list_amount
        assert not line.amount.is_negative
        assert all(d.amount > zero for d in line.discounts)
        assert line.amount == line.list_amount - sum((d.amount for d in line.discounts), zero)
    assert priced.total == sum((line.amount for line in priced.lines), zero)
    assert priced.total == priced.list_total - priced.discount_total
    parts: dict[UUID, Money] = {}
    for line in priced.lines:
        for d in line.discounts:
            parts[d.promotion_id] = parts.get(d.promotion_id, zero) + d.amount
    assert parts == _by_promotion(priced)
    assert sum(parts.values(), zero) == priced.discount_total


@settings(max_examples=400, deadline=None)
@given(
    specs=line_specs(),
    book=books(),
    member=st.booleans(),
    budget=budgets,
    seed=st.integers(0, 2**32 - 1),
)
def test_scan_order_and_line_splitting_never_change_the_result(
    specs: list[Spec],
    book: PromotionBook,
    member: bool,
    budget: int,
    seed: int,
) -> None:
    reference = _price(_lines(specs), book, member, budget)

    shuffled = list(specs)
    random.Random(seed).shuffle(shuffled)
    permuted = _price(_lines(shuffled), book, member, budget)

    # A line of n pieces scanned as n lines of one.
    single = (WEIGHED, LABELLED)
    split = [
        (product, Decimal(1), price, member_price, None)
        for product, quantity, price, member_price, _ in specs
        if product not in single
        for _ in range(int(quantity))
    ] + [spec for spec in specs if spec[0] in single]
    split_priced = _price(_lines(split), book, member, budget)

    # Every product's pieces on one line (what a basket that merges scans would send).
    merged: dict[UUID, Decimal] = {}
    for product, quantity, _, _, _ in specs:
        if product not in single:
            merged[product] = merged.get(product, Decimal(0)) + quantity
    prices = {product: (price, member_price) for product, _, price, member_price, _ in specs}
    merged_specs: list[Spec] = [(p, q, *prices[p], None) for p, q in merged.items()]
    merged_specs += [spec for spec in specs if spec[0] in single]
    merged_priced = _price(_lines(merged_specs), book, member, budget)

    for other in (permuted, split_priced, merged_priced):
        assert other.total == reference.total
        assert other.list_total == reference.list_total
        assert _by_promotion(other) == _by_promotion(reference)


def test_splitting_a_line_of_three_keeps_the_total_for_a_rounding_sensitive_percent() -> None:
    # 33% of 0.10 is 0.033 → 0.03 per unit whatever the lines; a per-line rounding would give
    # 0.10 on one line of three (0.099 → 0.10) and 0.09 on three lines of one.
    row = PromotionRow(
        id=UUID(int=900),
        name="33% off",
        kind="percent_off",
        rule={"percent": "33"},
        valid_from=datetime(2026, 1, 1, tzinfo=SHANGHAI),
    )
    book = PromotionBook.from_rows([row])
    one = _price(_lines([(PRODUCTS[0], Decimal(3), 10, None, None)]), book, False, 50_000)
    three = _price(_lines([(PRODUCTS[0], Decimal(1), 10, None, None)] * 3), book, False, 50_000)
    assert one.total == three.total == Money.of("0.21")


@st.composite
def tied_baskets(draw: st.DrawFn) -> list[Spec]:
    """Pieces of several products all at one price: which units a deal takes is a tie."""
    price = draw(st.sampled_from([500, 999, 1000]))
    chosen = draw(st.lists(st.sampled_from(PRODUCTS[:5]), min_size=2, max_size=6))
    return [(p, Decimal(draw(st.integers(1, 3))), price, None, None) for p in chosen]


@st.composite
def tie_breaking_books(draw: st.DrawFn) -> PromotionBook:
    """A set deal over every product first; then a promotion for one product only."""
    first_kind, first_rule = draw(rules().filter(lambda r: r[0] in ("buy_x_get_y", "bundle")))
    if first_kind == "buy_x_get_y":
        first_rule = {
            k: v for k, v in first_rule.items() if k not in ("product_ids", "category_ids")
        }
    then_kind, then_rule = draw(
        rules().filter(lambda r: r[0] in ("percent_off", "amount_off", "spend_threshold"))
    )
    then_rule = then_rule | {"product_ids": [str(draw(st.sampled_from(PRODUCTS[:5])))]}
    then_rule.pop("category_ids", None)
    rows = [
        PromotionRow(
            id=UUID(int=700 + i),
            name=kind,
            kind=kind,
            priority=1 - i,
            exclusive_group=f"group {i}",
            rule=rule,
            valid_from=datetime(2026, 1, 1, tzinfo=SHANGHAI),
        )
        for i, (kind, rule) in enumerate([(first_kind, first_rule), (then_kind, then_rule)])
    ]
    return PromotionBook.from_rows(rows)


@settings(max_examples=300, deadline=None)
@given(specs=tied_baskets(), book=tie_breaking_books(), seed=st.integers(0, 2**32 - 1))
def test_ties_are_broken_the_same_way_in_any_scan_order(
    specs: list[Spec], book: PromotionBook, seed: int
) -> None:
    # Which of several equal units the first group's deal takes decides what the second
    # group sees; that choice must depend on the products, never on the scan order.
    reference = _price(_lines(specs), book, False, 50_000)
    shuffled = list(specs)
    random.Random(seed).shuffle(shuffled)
    permuted = _price(_lines(shuffled), book, False, 50_000)
    assert permuted.total == reference.total
    assert _by_promotion(permuted) == _by_promotion(reference)
