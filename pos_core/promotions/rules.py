"""Promotion rules: what head office writes in `PromotionRow.rule`, one schema per `kind`.

Amounts are yuan as strings ("20.00"), percents are strings ("10" = 10 % off, up to two
decimals), ids are UUID strings. Unknown fields are refused, so a typo never silently
turns a promotion into another one. A rule that does not validate raises
`PromotionRuleError` naming the promotion, its kind and each bad field.

Fields every kind accepts (all optional):
    hours         [{"start": "17:00", "end": "21:00"}, ...]  daily hours, store time; end is
                  exclusive, "24:00" allowed; start > end runs over midnight (22:00–02:00)
    weekdays      [1, ..., 7]  ISO weekdays, 1 = Monday; an over-midnight window belongs to
                  the day it starts
    members_only  true: only when a member is attached (member_price always is)

Scope (every kind but bundle): which products take part. Empty product_ids and category_ids
mean every product; category_ids match a product's category or any of its parents.
    product_ids, category_ids, exclude_product_ids, exclude_category_ids   [id, ...]

Kinds:
    percent_off      scope + {"percent": "10"}
                     each unit in scope costs 10 % less (rounded half-up per unit)
    amount_off       scope + {"amount": "2.00"}
                     each unit in scope costs ¥2 less (per kg for weighed goods), never < 0
    member_price     scope + {"prices": {product_id: "8.80", ...}, "price_rows": true}
                     members pay the rule's price for a listed product, else (price_rows)
                     the member price of the product's price row; only with a member
    bundle           {"items": [{"product_id": ..., "quantity": 1}, ...], "price": "15.00"}
                     each complete set costs `price` together (3 for ¥10: one item, qty 3)
    buy_x_get_y      scope + {"buy": 2, "get": 1, "percent": "100", "free_product_ids": []}
                     no free_product_ids: of every buy+get units in scope, the `get`
                     cheapest are `percent` off (100: free); with free_product_ids: for
                     every `buy` units in scope (the free products excepted), `get` units
                     of the free products are `percent` off
    spend_threshold  scope + {"threshold": "100.00", "amount": "20.00", "repeat": false,
                              "max_times": null}
                     or scope + {"tiers": [{"threshold": "100.00", "amount": "10.00"}, ...]}
                     满减 on the units in scope: ¥20 off once the amount reaches ¥100;
                     repeat: ¥20 per full ¥100 (每满100减20), at most max_times; tiers: the
                     best tier reached

Weighed goods (sold by kg) count as one unit worth their weighed amount; they never take
part in a bundle or a buy_x_get_y, which count pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from pos_core.protocol.rows import PromotionRow
from pos_core.protocol.types import Amount


class PromotionKind(StrEnum):
    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    MEMBER_PRICE = "member_price"
    BUNDLE = "bundle"
    BUY_X_GET_Y = "buy_x_get_y"
    SPEND_THRESHOLD = "spend_threshold"


class PromotionRuleError(ValueError):
    """A promotion row whose kind or rule cannot be read; the message names the promotion."""


def _percent(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= Decimal(100):
        raise ValueError(f"a percent must be above 0 and at most 100, not {value}")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError(f"must be above 0, not {value}")
    return value


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"must not be negative, not {value}")
    return value


Percent = Annotated[Amount, AfterValidator(_percent)]
PositiveAmount = Annotated[Amount, AfterValidator(_positive)]
Price = Annotated[Amount, AfterValidator(_not_negative)]

_CLOCK: Final = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DailyHours(_Strict):
    """Hours of the day, store time: [start, end); start > end runs over midnight."""

    start: str
    end: str

    @model_validator(mode="after")
    def _check(self) -> Self:
        for name, text in (("start", self.start), ("end", self.end)):
            if not _CLOCK.match(text):
                raise ValueError(f"{name} {text!r} is not a time of day HH:MM (00:00-24:00)")
        if self.start == "24:00":
            raise ValueError("start 24:00 is not a time of day; use 00:00")
        if self.start_minute == self.end_minute:
            raise ValueError(f"hours {self.start}-{self.end} are empty")
        return self

    @property
    def start_minute(self) -> int:
        hours, minutes = self.start.split(":")
        return int(hours) * 60 + int(minutes)

    @property
    def end_minute(self) -> int:
        hours, minutes = self.end.split(":")
        return int(hours) * 60 + int(minutes)


class RuleBase(_Strict):
    """Fields every kind accepts."""

    hours: list[DailyHours] = Field(default_factory=list)
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(default_factory=list)
    members_only: bool = False


class ScopedRule(RuleBase):
    """A rule over a scope of products; empty product_ids and category_ids: every product."""

    product_ids: list[UUID] = Field(default_factory=list)
    category_ids: list[UUID] = Field(default_factory=list)
    exclude_product_ids: list[UUID] = Field(default_factory=list)
    exclude_category_ids: list[UUID] = Field(default_factory=list)

    def scope(self) -> Scope:
        return Scope(
            frozenset(self.product_ids),
            frozenset(self.category_ids),
            frozenset(self.exclude_product_ids),
            frozenset(self.exclude_category_ids),
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """The products a scoped rule covers, as sets for quick matching."""

    products: frozenset[UUID]
    categories: frozenset[UUID]
    exclude_products: frozenset[UUID] = frozenset()
    exclude_categories: frozenset[UUID] = frozenset()

    @property
    def everything(self) -> bool:
        return not self.products and not self.categories

    def covers(self, product_id: UUID, category_ids: frozenset[UUID]) -> bool:
        """Whether a product (with its category and the category's parents) is in scope."""
        if product_id in self.exclude_products:
            return False
        if not category_ids.isdisjoint(self.exclude_categories):
            return False
        if self.everything:
            return True
        return product_id in self.products or not category_ids.isdisjoint(self.categories)


class PercentOffRule(ScopedRule):
    percent: Percent


class AmountOffRule(ScopedRule):
    amount: PositiveAmount


class MemberPriceRule(ScopedRule):
    prices: dict[UUID, Price] = Field(default_factory=dict)
    price_rows: bool = True


class BundleItem(_Strict):
    product_id: UUID
    quantity: Annotated[int, Field(ge=1)] = 1


class BundleRule(RuleBase):
    items: Annotated[list[BundleItem], Field(min_length=1)]
    price: Price

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        ids = [item.product_id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("a product appears twice in items; give it one item with a quantity")
        return self


class BuyXGetYRule(ScopedRule):
    buy: Annotated[int, Field(ge=1)]
    get: Annotated[int, Field(ge=1)]
    percent: Percent = Decimal(100)
    free_product_ids: list[UUID] = Field(default_factory=list)


class ThresholdTier(_Strict):
    threshold: PositiveAmount
    amount: PositiveAmount

    @model_validator(mode="after")
    def _within(self) -> Self:
        if self.amount > self.threshold:
            raise ValueError(f"amount {self.amount} is more than its threshold {self.threshold}")
        return self


class SpendThresholdRule(ScopedRule):
    threshold: PositiveAmount | None = None
    amount: PositiveAmount | None = None
    repeat: bool = False
    max_times: Annotated[int, Field(ge=1)] | None = None
    tiers: list[ThresholdTier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        flat = self.threshold is not None or self.amount is not None
        if flat and self.tiers:
            raise ValueError("give either threshold and amount, or tiers, not both")
        if not self.tiers:
            if self.threshold is None or self.amount is None:
                raise ValueError("give threshold and amount (or tiers)")
            if self.amount > self.threshold:
                raise ValueError(f"amount {self.amount} is more than threshold {self.threshold}")
        else:
            if self.repeat or self.max_times is not None:
                raise ValueError("repeat and max_times go with threshold and amount, not tiers")
            steps = [tier.threshold for tier in self.tiers]
            if steps != sorted(set(steps)):
                raise ValueError("tier thresholds must rise strictly")
        if self.max_times is not None and not self.repeat:
            raise ValueError("max_times needs repeat: true")
        return self

    def levels(self) -> list[ThresholdTier]:
        """The tiers, the flat form being one tier."""
        if self.tiers:
            return list(self.tiers)
        assert self.threshold is not None  # checked by _one_form
        assert self.amount is not None
        return [ThresholdTier(threshold=self.threshold, amount=self.amount)]


Rule = (
    PercentOffRule
    | AmountOffRule
    | MemberPriceRule
    | BundleRule
    | BuyXGetYRule
    | SpendThresholdRule
)

RULE_MODELS: Final[dict[PromotionKind, type[RuleBase]]] = {
    PromotionKind.PERCENT_OFF: PercentOffRule,
    PromotionKind.AMOUNT_OFF: AmountOffRule,
    PromotionKind.MEMBER_PRICE: MemberPriceRule,
    PromotionKind.BUNDLE: BundleRule,
    PromotionKind.BUY_X_GET_Y: BuyXGetYRule,
    PromotionKind.SPEND_THRESHOLD: SpendThresholdRule,
}


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion row with its rule read and checked."""

    id: UUID
    name: str
    kind: PromotionKind
    priority: int
    exclusive_group: str
    rule: Rule
    valid_from: datetime
    valid_to: datetime | None
    store_ids: frozenset[UUID] | None
    active: bool
    scope: Scope | None  # None for a bundle, whose items say which products take part

    @property
    def group(self) -> str:
        """The exclusive group; a promotion without one is a group of its own."""
        return self.exclusive_group or f"#{self.id}"

    @property
    def members_only(self) -> bool:
        return self.kind is PromotionKind.MEMBER_PRICE or self.rule.members_only

    @property
    def rank(self) -> tuple[int, str]:
        """Sort key within a group: higher priority first, then the promotion id."""
        return (-self.priority, str(self.id))


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        parts.append(f"rule.{where}: {item['msg']}" if where else f"rule: {item['msg']}")
    return "; ".join(parts)


def parse_promotion(row: PromotionRow) -> Promotion:
    """Read a promotion row's rule by its kind; `PromotionRuleError` says what is wrong."""
    who = f"promotion {row.id} «{row.name}» ({row.kind})"
    try:
        kind = PromotionKind(row.kind)
    except ValueError:
        known = ", ".join(k.value for k in PromotionKind)
        raise PromotionRuleError(f"{who}: unknown kind; known kinds: {known}") from None
    try:
        rule: Any = RULE_MODELS[kind].model_validate(row.rule)
    except ValidationError as exc:
        raise PromotionRuleError(f"{who}: {_describe(exc)}") from None
    if (
        isinstance(rule, BuyXGetYRule)
        and rule.free_product_ids
        and not set(rule.free_product_ids).isdisjoint(rule.product_ids)
    ):
        raise PromotionRuleError(f"{who}: a free product is also among product_ids to buy")
    return Promotion(
        id=row.id,
        name=row.name,
        kind=kind,
        priority=row.priority,
        exclusive_group=row.exclusive_group,
        rule=rule,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        store_ids=frozenset(row.store_ids) if row.store_ids is not None else None,
        active=row.active,
        scope=rule.scope() if isinstance(rule, ScopedRule) else None,
    )
