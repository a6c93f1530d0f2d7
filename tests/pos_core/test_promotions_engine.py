"""Engine behaviour beyond the golden baskets: fairness to returns, edges, ties, bounds, speed."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from pos_core.money import CURRENCIES, Money
from pos_core.promotions import (
    PricedBasket,
    PromoLine,
    PromotionBook,
    PromotionInputError,
    price_basket,
)
from pos_core.protocol.rows import PromotionRow

AT = datetime(2026, 6, 1, 4, tzinfo=UTC)  # 12:00 in Shanghai
A, B, C, D = (UUID(int=i) for i in range(1, 5))


def _row(
    n: int, kind: str, rule: dict[str, Any], group: str = "g", priority: int = 0
) -> PromotionRow:
    return PromotionRow(
        id=UUID(int=1000 + n),
        name=f"p{n}",
        kind=kind,
        priority=priority,
        exclusive_group=group,
        rule=rule,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )


def _line(n: int, product: UUID, quantity: str, price: str, **extra: Any) -> PromoLine:
    return PromoLine(
        line_id=UUID(int=100 + n),
        product_id=product,
        category_ids=frozenset(),
        quantity=Decimal(quantity),
        unit_price=Money.of(price),
        **extra,
    )


def _price(lines: list[PromoLine], rows: list[PromotionRow], **kwargs: Any) -> PricedBasket:
    return price_basket(
        lines, PromotionBook.from_rows(rows), at=AT, time_zone="Asia/Shanghai", **kwargs
    )


def _off(priced: PricedBasket) -> dict[str, dict[str, str]]:
    return {
        str(line.line_id.int - 100): {d.label: str(d.amount) for d in line.discounts}
        for line in priced.lines
        if line.discounts
    }


def test_buy_2_get_1_spreads_the_free_unit_so_any_return_refunds_what_was_paid() -> None:
    lines = [_line(1, A, "1", "30.00"), _line(2, B, "1", "20.00"), _line(3, C, "1", "10.00")]
    priced = _price(lines, [_row(1, "buy_x_get_y", {"buy": 2, "get": 1})])
    # The 10.00 saving is shared by value (3 : 2 : 1), the cheapest line is not free on its own:
    # returning it refunds 8.33, and returning the other two refunds 41.67.
    assert _off(priced) == {"1": {"p1": "5.00"}, "2": {"p1": "3.33"}, "3": {"p1": "1.67"}}
    assert [str(line.amount) for line in priced.lines] == ["25.00", "16.67", "8.33"]
    assert priced.total == Money.of("50.00")


def test_weighed_lines_take_unit_promotions_but_never_sets() -> None:
    apples = [
        _line(1, A, "0.500", "10.00", weighed=True),
        _line(2, A, "0.500", "10.00", weighed=True),
    ]
    sets = [
        _row(1, "bundle", {"items": [{"product_id": str(A), "quantity": 2}], "price": "1.00"}),
        _row(2, "buy_x_get_y", {"buy": 1, "get": 1}),
    ]
    assert _price(apples, sets).discount_total == Money.zero()
    percent = _row(3, "percent_off", {"percent": "10"})
    assert _off(_price(apples, [*sets, percent])) == {"1": {"p3": "0.50"}, "2": {"p3": "0.50"}}


def test_empty_and_zero_quantity_lines() -> None:
    rows = [_row(1, "percent_off", {"percent": "100"})]
    empty = _price([], rows)
    assert (empty.total, empty.lines, empty.promotions) == (Money.zero(), (), ())
    priced = _price([_line(1, A, "0", "9.99"), _line(2, B, "2", "1.50")], rows)
    assert _off(priced) == {"2": {"p1": "3.00"}}
    assert priced.lines[0].amount == Money.zero()
    assert priced.lines[1].amount == Money.zero()  # free, never below zero
    assert priced.total == Money.zero()


def test_lines_the_engine_cannot_price_are_refused() -> None:
    with pytest.raises(PromotionInputError, match="only weighed lines take fractional"):
        _line(1, A, "1.5", "2.00")
    with pytest.raises(PromotionInputError, match="quantity -1 < 0"):
        _line(1, A, "-1", "2.00")
    with pytest.raises(PromotionInputError, match="quantity must be a Decimal"):
        PromoLine(UUID(int=1), A, frozenset(), 1.5, Money.of("2.00"))  # type: ignore[arg-type]
    hkd = PromoLine(UUID(int=2), B, frozenset(), Decimal(1), Money.of("2.00", CURRENCIES["HKD"]))
    with pytest.raises(PromotionInputError, match="several currencies"):
        _price([_line(1, A, "1", "2.00"), hkd], [])


def test_equal_discounts_go_to_the_higher_priority_then_the_lower_id() -> None:
    lines = [_line(1, A, "1", "10.00")]
    low = _row(1, "amount_off", {"amount": "1"}, priority=1)
    high = _row(2, "amount_off", {"amount": "1"}, priority=2)
    assert _off(_price(lines, [low, high])) == {"1": {"p2": "1.00"}}
    same = _row(2, "amount_off", {"amount": "1"}, priority=1)
    assert _off(_price(lines, [same, low])) == {"1": {"p1": "1.00"}}


def test_promotions_without_a_group_stack_in_priority_order() -> None:
    lines = [_line(1, A, "1", "10.00")]
    percent_first = [
        _row(1, "percent_off", {"percent": "10"}, group="", priority=2),
        _row(2, "amount_off", {"amount": "1"}, group="", priority=1),
    ]
    # 10% of 10.00, then ¥1 off the 9.00 left.
    assert _off(_price(lines, percent_first)) == {"1": {"p1": "1.00", "p2": "1.00"}}
    amount_first = [
        _row(1, "percent_off", {"percent": "10"}, group="", priority=1),
        _row(2, "amount_off", {"amount": "1"}, group="", priority=2),
    ]
    # ¥1 off, then 10% of the 9.00 left; the line lists them in the order applied.
    priced = _price(lines, amount_first)
    assert [(d.label, str(d.amount)) for d in priced.lines[0].discounts] == [
        ("p2", "1.00"),
        ("p1", "0.90"),
    ]


def test_a_group_keeps_its_place_when_its_top_promotion_is_not_on() -> None:
    later = _row(1, "percent_off", {"percent": "50"}, group="X", priority=5)
    later = later.model_copy(update={"valid_from": datetime(2027, 1, 1, tzinfo=UTC)})
    rows = [
        later,
        _row(2, "percent_off", {"percent": "50"}, group="X", priority=0),
        _row(3, "spend_threshold", {"threshold": "10", "amount": "5"}, group="Y", priority=3),
    ]
    # X (rank 5) runs before Y (rank 3): 50% first leaves 5.00, below the ¥10 threshold.
    priced = _price([_line(1, A, "1", "10.00")], rows)
    assert _off(priced) == {"1": {"p2": "5.00"}}


@pytest.mark.parametrize(
    ("rule", "off"),
    [
        ({"threshold": "100", "amount": "20", "repeat": True}, "60.00"),
        ({"threshold": "100", "amount": "20", "repeat": True, "max_times": 2}, "40.00"),
        ({"threshold": "100", "amount": "20"}, "20.00"),
        (
            {
                "tiers": [
                    {"threshold": "50", "amount": "5"},
                    {"threshold": "300", "amount": "45"},
                    {"threshold": "400", "amount": "80"},
                ]
            },
            "45.00",
        ),
        ({"threshold": "400", "amount": "80"}, "0.00"),
    ],
)
def test_spend_threshold_forms(rule: dict[str, Any], off: str) -> None:
    lines = [_line(1, A, "7", "50.00")]  # 350.00
    assert str(_price(lines, [_row(1, "spend_threshold", rule)]).discount_total) == off


def test_second_at_half_price_and_a_named_gift_at_half_price() -> None:
    half = _row(1, "buy_x_get_y", {"buy": 1, "get": 1, "percent": "50"})
    assert str(_price([_line(1, A, "3", "10.00")], [half]).discount_total) == "5.00"
    gift = _row(
        2,
        "buy_x_get_y",
        {
            "product_ids": [str(A)],
            "buy": 2,
            "get": 1,
            "percent": "50",
            "free_product_ids": [str(B)],
        },
    )
    lines = [_line(1, A, "2", "10.00"), _line(2, B, "2", "8.00")]
    # One set: two A buy one B at half price (4.00), spread over 20.00 + 8.00.
    assert _off(_price(lines, [gift])) == {"1": {"p2": "2.86"}, "2": {"p2": "1.14"}}


def test_member_prices_from_the_rule_per_kg_and_without_price_rows() -> None:
    rule = {"prices": {str(A): "16.00", str(C): "8.00"}, "price_rows": False}
    lines = [
        _line(1, A, "1.500", "20.00", weighed=True),  # 30.00; members 24.00
        _line(2, B, "1", "10.00", member_price=Money.of("9.00")),  # row price unused
        _line(3, C, "2", "9.00", member_price=Money.of("7.00")),  # the rule's 8.00 wins
    ]
    rows = [_row(1, "member_price", rule)]
    assert _off(_price(lines, rows, member=True)) == {"1": {"p1": "6.00"}, "3": {"p1": "2.00"}}
    assert _price(lines, rows).discount_total == Money.zero()  # no member, no member price
    with_rows = [_row(1, "member_price", {"prices": {str(A): "16.00"}})]
    assert _off(_price(lines, with_rows, member=True)) == {
        "1": {"p1": "6.00"},
        "2": {"p1": "1.00"},
        "3": {"p1": "4.00"},
    }


def test_a_bundle_never_raises_a_price() -> None:
    bundle = _row(
        1,
        "bundle",
        {"items": [{"product_id": str(A)}, {"product_id": str(B)}], "price": "50.00"},
    )
    priced = _price([_line(1, A, "1", "10.00"), _line(2, B, "1", "20.00")], [bundle])
    assert priced.total == Money.of("30.00")


# --- the search bound and speed -------------------------------------------------------------


def _big_basket(rng: random.Random, lines: int) -> list[PromoLine]:
    basket = []
    for i in range(lines):
        product = UUID(int=rng.randrange(1, 201))
        price = Money.from_minor(rng.randint(100, 5000))
        basket.append(
            PromoLine(
                line_id=UUID(int=100_000 + i),
                product_id=product,
                category_ids=frozenset({UUID(int=10_000 + product.int % 20)}),
                quantity=Decimal(rng.randint(1, 3)),
                unit_price=price,
                member_price=Money.from_minor(price.minor * 9 // 10),
            )
        )
    return basket


def _fifty_promotions(rng: random.Random) -> list[PromotionRow]:
    """Fifty promotions, shaped like a supermarket's week: mostly items, a few sets, 满减."""

    def ids(n: int) -> list[str]:
        return [str(UUID(int=i)) for i in rng.sample(range(1, 201), n)]

    shapes: list[tuple[str, dict[str, Any], str, int]] = [
        ("percent_off", {"product_ids": ids(5), "percent": "10"}, "item", 10),
        ("percent_off", {"product_ids": ids(5), "percent": "15"}, "item", 10),
        ("amount_off", {"product_ids": ids(4), "amount": "1.00"}, "item", 10),
        ("percent_off", {"category_ids": [str(UUID(int=10_000 + rng.randrange(20)))],
                         "percent": "15"}, "item", 10),
        ("bundle", {"items": [{"product_id": p} for p in ids(2)], "price": "9.90"}, "item", 30),
        ("buy_x_get_y", {"product_ids": ids(4), "buy": 2, "get": 1}, "item", 30),
        ("member_price", {"product_ids": ids(10)}, "item", 20),
        ("spend_threshold", {"category_ids": [str(UUID(int=10_000 + rng.randrange(20)))],
                             "threshold": "50", "amount": "5", "repeat": True}, "category", 5),
        ("percent_off", {"product_ids": ids(3), "percent": "20",
                         "hours": [{"start": "09:00", "end": "21:00"}]}, "", 1),
        ("amount_off", {"product_ids": ids(3), "amount": "0.50"}, "item", 10),
    ]  # fmt: skip
    rows = []
    for i in range(49):
        kind, rule, group, priority = shapes[i % len(shapes)]
        rows.append(_row(i, kind, rule if i < 10 else _reshuffled(rule, ids), group, priority))
    rows.append(_row(99, "spend_threshold", {"threshold": "100", "amount": "20", "repeat": True},
                     "basket", 0))  # fmt: skip
    return rows


def _reshuffled(rule: dict[str, Any], ids: Any) -> dict[str, Any]:
    fresh = dict(rule)
    if "category_ids" in fresh:
        fresh["category_ids"] = [str(UUID(int=10_000 + int(ids(1)[0][-4:], 16) % 20))]
    if "product_ids" in fresh:
        fresh["product_ids"] = ids(len(fresh["product_ids"]))
    if "items" in fresh:
        fresh["items"] = [{"product_id": p} for p in ids(len(fresh["items"]))]
    return fresh


def test_a_hundred_lines_and_fifty_promotions_price_exactly() -> None:
    # Its speed is measured by bench/promotions_price.py, not here: timings flake.
    rng = random.Random(2026)
    basket = _big_basket(rng, 100)
    book = PromotionBook.from_rows(_fifty_promotions(rng))
    assert len(book.promotions) == 50
    priced = price_basket(basket, book, at=AT, time_zone="Asia/Shanghai", member=True)
    assert priced.exact
    assert len(priced.promotions) > 10
    again = price_basket(
        list(reversed(basket)), book, at=AT, time_zone="Asia/Shanghai", member=True
    )
    assert again.total == priced.total


def test_a_group_too_big_to_search_keeps_a_good_answer_and_says_so() -> None:
    rng = random.Random(7)
    basket = _big_basket(rng, 100)
    rows = [
        _row(1, "spend_threshold", {"threshold": "100", "amount": "20", "repeat": True}),
        _row(2, "spend_threshold", {"threshold": "200", "amount": "50"}),
        _row(3, "percent_off", {"percent": "5"}),
    ]
    priced = _price(basket, rows, search_budget=50_000)
    assert not priced.exact  # 200 contested stacks, three ways each: beyond the bound
    alone = [_price(basket, [row]).discount_total for row in rows]
    assert priced.discount_total >= max(alone)
    assert _price(list(reversed(basket)), rows).total == priced.total  # still deterministic
    # The same group on a few lines is searched to the end; with no budget at all, only the
    # seeds are tried, unless the contested units are so few (≤ 6) that the search is free.
    few = basket[:5]
    assert sum(line.quantity for line in few) > 6
    assert _price(few, rows).exact
    assert not _price(few, rows, search_budget=0).exact
    assert _price(basket[:2], rows, search_budget=0).exact


def test_a_line_priced_by_a_label_is_one_unit_worth_the_label() -> None:
    # A 2x label priced the pack at 12.34 whatever unit price × quantity would say.
    labelled = _line(1, A, "1", "9.99", label_amount=Money.of("12.34"))
    weighed = _line(2, A, "0.750", "10.00", weighed=True, label_amount=Money.of("7.49"))
    assert labelled.list_amount == Money.of("12.34")
    rows = [
        _row(1, "percent_off", {"percent": "10"}, group="a"),
        _row(2, "buy_x_get_y", {"buy": 1, "get": 1}, group="b"),
        _row(3, "amount_off", {"amount": "1.00"}, group="c"),
    ]
    priced = _price([labelled, weighed], rows)
    # 10% of 12.34 → 1.23, of 7.49 → 0.75; no buy-1-get-1 on labelled goods; then ¥1 a
    # piece for the labelled pack and ¥1/kg × 0.750 kg → 0.75 for the weighed one.
    assert _off(priced) == {"1": {"p1": "1.23", "p3": "1.00"}, "2": {"p1": "0.75", "p3": "0.75"}}
    assert priced.list_total == Money.of("19.83")
