"""Reading promotion rules, and when a promotion is on (period, store, hours, weekdays)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from pos_core.demo_data import DemoChain, DemoSizes
from pos_core.money import Money
from pos_core.promotions import (
    PromoLine,
    PromotionBook,
    PromotionKind,
    PromotionRuleError,
    PromotionTimeError,
    parse_promotion,
    price_basket,
)
from pos_core.promotions.rules import BuyXGetYRule, MemberPriceRule, SpendThresholdRule
from pos_core.protocol.rows import PromotionRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRODUCT = UUID(int=1)
PROMO = UUID("018f0000-0000-7000-8000-0000000000aa")


def _row(kind: str, rule: dict[str, Any], **extra: Any) -> PromotionRow:
    fields: dict[str, Any] = {
        "id": PROMO,
        "name": "测试促销",
        "kind": kind,
        "rule": rule,
        "valid_from": datetime(2026, 1, 1, tzinfo=SHANGHAI),
    }
    return PromotionRow(**(fields | extra))


# --- rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule", "message"),
    [
        ("percent_off", {"percent": "0"}, "rule.percent: Value error, a percent must be above 0"),
        ("percent_off", {"percent": "120"}, "at most 100"),
        ("percent_off", {"percent": "10", "percnt": "10"}, "rule.percnt: Extra inputs"),
        ("percent_off", {"percent": 9.5}, "never a float"),
        ("amount_off", {"amount": "-1.00"}, "rule.amount: Value error, must be above 0"),
        ("amount_off", {"amount": "1.005"}, "more than 2 decimals"),
        ("amount_off", {"product_ids": ["not-a-uuid"], "amount": "1"}, "rule.product_ids.0"),
        ("member_price", {"prices": {str(PRODUCT): "-1"}}, "must not be negative"),
        ("bundle", {"items": [], "price": "10"}, "rule.items: List should have at least 1"),
        (
            "bundle",
            {"items": [{"product_id": str(PRODUCT)}, {"product_id": str(PRODUCT)}], "price": "9"},
            "a product appears twice",
        ),
        (
            "bundle",
            {"items": [{"product_id": str(PRODUCT), "quantity": 0}], "price": "9"},
            "rule.items.0.quantity: Input should be greater than or equal to 1",
        ),
        ("buy_x_get_y", {"buy": 0, "get": 1}, "rule.buy"),
        (
            "buy_x_get_y",
            {"product_ids": [str(PRODUCT)], "buy": 1, "get": 1, "free_product_ids": [str(PRODUCT)]},
            "a free product is also among product_ids",
        ),
        ("spend_threshold", {"threshold": "100"}, "give threshold and amount"),
        ("spend_threshold", {"threshold": "100", "amount": "120"}, "more than threshold"),
        ("spend_threshold", {"threshold": "100", "amount": "20", "max_times": 2}, "needs repeat"),
        (
            "spend_threshold",
            {"tiers": [{"threshold": "200", "amount": "30"}, {"threshold": "100", "amount": "10"}]},
            "rise strictly",
        ),
        (
            "spend_threshold",
            {"threshold": "100", "amount": "20", "tiers": [{"threshold": "50", "amount": "5"}]},
            "not both",
        ),
        ("percent_off", {"percent": "10", "hours": [{"start": "25:00", "end": "26:00"}]}, "HH:MM"),
        ("percent_off", {"percent": "10", "hours": [{"start": "10:00", "end": "10:00"}]}, "empty"),
        ("percent_off", {"percent": "10", "weekdays": [0]}, "rule.weekdays.0"),
        ("half_price", {}, "unknown kind; known kinds: percent_off, amount_off"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_promotion(
    kind: str, rule: dict[str, Any], message: str
) -> None:
    with pytest.raises(PromotionRuleError) as caught:
        parse_promotion(_row(kind, rule))
    text = str(caught.value)
    assert text.startswith(f"promotion {PROMO} «测试促销» ({kind}): ")
    assert message in text


def test_rules_read_with_their_defaults() -> None:
    bogo = parse_promotion(_row("buy_x_get_y", {"product_ids": [str(PRODUCT)], "buy": 2, "get": 1}))
    assert bogo.kind is PromotionKind.BUY_X_GET_Y
    assert isinstance(bogo.rule, BuyXGetYRule)
    assert bogo.rule.percent == Decimal(100)
    assert bogo.group == f"#{PROMO}"  # no exclusive group: a group of its own
    assert not bogo.members_only
    member = parse_promotion(_row("member_price", {}))
    assert member.members_only
    assert isinstance(member.rule, MemberPriceRule)
    assert member.rule.price_rows
    tiers = parse_promotion(
        _row("spend_threshold", {"tiers": [{"threshold": "50", "amount": "5"}]}, priority=3)
    )
    assert isinstance(tiers.rule, SpendThresholdRule)
    assert [(t.threshold, t.amount) for t in tiers.rule.levels()] == [
        (Decimal("50.00"), Decimal("5.00"))
    ]
    assert tiers.rank == (-3, str(PROMO))


def test_a_book_sets_bad_rows_aside_and_keeps_the_good_ones() -> None:
    good = _row("percent_off", {"percent": "10"})
    bad = _row("percent_off", {"percent": "abc"}, id=UUID(int=2), name="坏规则")
    book = PromotionBook.from_rows([good, bad])
    assert [p.id for p in book.promotions] == [PROMO]
    assert [(r.promotion_id, r.name) for r in book.rejected] == [(UUID(int=2), "坏规则")]
    assert "rule.percent" in book.rejected[0].reason


def test_every_demo_promotion_reads_and_prices() -> None:
    chain = DemoChain.generate(
        sizes=DemoSizes(products=100, members=0, cashiers=3, coupons=0, pickup_orders=0, stores=1)
    )
    book = PromotionBook.from_rows(chain.promotions)
    assert book.rejected == ()
    assert {p.kind for p in book.promotions} == set(PromotionKind)
    # The demo's "item" promotions run before its "basket" 满减 (higher priority first).
    assert book.group_order["item"] < book.group_order["basket"]
    products = {row["id"]: row for row in chain.iter_products()}
    prices = {row["product_id"]: row for row in chain.iter_prices() if row["store_id"] is None}
    lines = []
    for i, (product_id, price) in enumerate(list(prices.items())[:40]):
        product = products[product_id]
        lines.append(
            PromoLine(
                line_id=UUID(int=i + 1),
                product_id=UUID(product_id),
                category_ids=frozenset({UUID(product["category_id"])}),
                quantity=Decimal("0.5") if product["unit"] == "kg" else Decimal(2),
                unit_price=Money.of(price["price"]),
                member_price=Money.of(price["member_price"]) if price["member_price"] else None,
                weighed=product["unit"] == "kg",
            )
        )
    at = datetime(2026, 6, 1, 12, tzinfo=SHANGHAI)
    guest = price_basket(lines, book, at=at, time_zone="Asia/Shanghai")
    member = price_basket(lines, book, at=at, time_zone="Asia/Shanghai", member=True)
    assert guest.exact
    assert member.exact
    assert Money.zero() < guest.discount_total <= member.discount_total
    assert "满 100 减 20" in {p.name for p in guest.promotions}


# --- when a promotion is on ------------------------------------------------------------------


def _priced_off(row: PromotionRow, at: datetime, **kwargs: Any) -> Money:
    line = PromoLine(UUID(int=9), PRODUCT, frozenset(), Decimal(1), Money.of("10.00"))
    book = PromotionBook.from_rows([row])
    options: dict[str, Any] = {"time_zone": "Asia/Shanghai"} | kwargs
    return price_basket([line], book, at=at, **options).discount_total


def test_the_period_includes_its_start_and_excludes_its_end() -> None:
    start = datetime(2026, 6, 1, 14, tzinfo=SHANGHAI)
    row = _row("amount_off", {"amount": "1"}, valid_from=start, valid_to=start + timedelta(hours=2))
    one = Money.of("1.00")
    assert _priced_off(row, start - timedelta(microseconds=1)) == Money.zero()
    assert _priced_off(row, start) == one
    assert _priced_off(row, start + timedelta(hours=2) - timedelta(microseconds=1)) == one
    assert _priced_off(row, start + timedelta(hours=2)) == Money.zero()
    # Instants compare whatever zone they are written in: 06:00Z is 14:00 in Shanghai.
    assert _priced_off(row, datetime(2026, 6, 1, 6, tzinfo=UTC)) == one


def test_hours_and_weekdays_are_read_on_the_store_clock() -> None:
    # Friday evenings 22:00 to 02:00; 2026-06-05 is a Friday.
    rule = {
        "amount": "1",
        "hours": [{"start": "22:00", "end": "02:00"}],
        "weekdays": [5],
    }
    row = _row("amount_off", rule)
    one, zero = Money.of("1.00"), Money.zero()
    friday = datetime(2026, 6, 5, tzinfo=SHANGHAI)
    assert _priced_off(row, friday.replace(hour=21, minute=59)) == zero
    assert _priced_off(row, friday.replace(hour=22)) == one
    assert _priced_off(row, friday + timedelta(days=1, hours=1, minutes=59)) == one  # Sat 01:59
    assert _priced_off(row, friday + timedelta(days=1, hours=2)) == zero  # Sat 02:00
    assert _priced_off(row, friday + timedelta(days=1, hours=22)) == zero  # Saturday evening
    assert _priced_off(row, friday - timedelta(hours=23)) == zero  # Thu 01:00: Wed's night
    # 14:00Z on Friday is 22:00 Friday in Shanghai, but only 16:00 in Berlin.
    at = datetime(2026, 6, 5, 14, tzinfo=UTC)
    assert _priced_off(row, at) == one
    assert _priced_off(row, at, time_zone="Europe/Berlin") == zero


def test_store_list_members_only_and_inactive_rows() -> None:
    at = datetime(2026, 6, 1, 12, tzinfo=SHANGHAI)
    ours, theirs = UUID(int=501), UUID(int=502)
    row = _row("amount_off", {"amount": "1"}, store_ids=[ours])
    assert _priced_off(row, at, store_id=ours) == Money.of("1.00")
    assert _priced_off(row, at, store_id=theirs) == Money.zero()
    assert _priced_off(row, at) == Money.zero()  # no store given: only chain-wide promotions
    members = _row("amount_off", {"amount": "1", "members_only": True})
    assert _priced_off(members, at) == Money.zero()
    assert _priced_off(members, at, member=True) == Money.of("1.00")
    assert _priced_off(_row("amount_off", {"amount": "1"}, active=False), at) == Money.zero()


def test_a_naive_time_or_an_unknown_zone_is_refused() -> None:
    row = _row("amount_off", {"amount": "1"})
    with pytest.raises(PromotionTimeError, match="no time zone"):
        _priced_off(row, datetime(2026, 6, 1, 12))  # noqa: DTZ001 - the point of the test
    with pytest.raises(PromotionTimeError, match="unknown time zone"):
        _priced_off(row, datetime(2026, 6, 1, 12, tzinfo=UTC), time_zone="Mars/Olympus")
