"""When a promotion is on: its validity period, store list, daily hours and weekdays.

The period `[valid_from, valid_to)` compares instants, so it means the same in any time
zone. Daily hours and weekdays are read on the store's wall clock: the evaluation instant
is converted to the store's time zone (zoneinfo) before it is compared, so 17:00 means
17:00 in the shop whatever the till's own clock zone is, summer time included.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pos_core.promotions.rules import DailyHours, Promotion


class PromotionTimeError(ValueError):
    """A naive evaluation time or an unknown time zone."""


def store_time(at: datetime, time_zone: str) -> datetime:
    """The instant `at` on the store's wall clock."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise PromotionTimeError(f"{at!r} has no time zone; promotions need an aware time")
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise PromotionTimeError(f"unknown time zone {time_zone!r}") from None
    return at.astimezone(zone)


def _within_hours(hours: DailyHours, local: datetime, weekdays: list[int]) -> bool:
    minute = local.hour * 60 + local.minute
    start, end = hours.start_minute, hours.end_minute
    if start < end:
        inside, started = start <= minute < end, local
    elif minute >= start:  # over midnight, before it
        inside, started = True, local
    else:  # over midnight, after it: the window started the day before
        inside, started = minute < end, local - timedelta(days=1)
    return inside and (not weekdays or started.isoweekday() in weekdays)


def is_on(promotion: Promotion, at: datetime, local: datetime, store_id: UUID | None) -> bool:
    """Whether the promotion runs at instant `at` (`local`: the same on the store's clock)."""
    if not promotion.active or at < promotion.valid_from:
        return False
    if promotion.valid_to is not None and at >= promotion.valid_to:
        return False
    if promotion.store_ids is not None and store_id not in promotion.store_ids:
        return False
    rule = promotion.rule
    if rule.hours:
        return any(_within_hours(h, local, rule.weekdays) for h in rule.hours)
    return not rule.weekdays or local.isoweekday() in rule.weekdays
