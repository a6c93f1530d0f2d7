"""The fixed demo dates, the seeded random streams and the deterministic ids.

Nothing here reads the clock, the global `random` or `uuid4`: the same seed gives the same
chain on any machine. Each part of the chain draws from its own named stream, so adding
members does not change the coupons, and a catalog of 500 products is the first 500
products of the catalog of a million.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from enum import IntEnum
from typing import Final

CHINA_TIME: Final = timezone(timedelta(hours=8))
"""UTC+8 as a fixed offset (Asia/Shanghai has had no DST since 1991; no tz database needed)."""

DEMO_EPOCH: Final = datetime(2026, 1, 1, tzinfo=CHINA_TIME)
"""When the demo chain's prices, promotions and coupons start."""
FUTURE_PRICES_FROM: Final = datetime(2027, 6, 1, tzinfo=CHINA_TIME)
"""When the future-dated price rows take over."""
DEMO_HORIZON: Final = datetime(2030, 12, 31, 23, 59, 59, tzinfo=CHINA_TIME)
"""When open-ended demo things (coupons, pickup orders) expire: far enough for any demo."""

DEMO_EPOCH_JSON: Final = DEMO_EPOCH.isoformat()  # "2026-01-01T00:00:00+08:00"
FUTURE_PRICES_FROM_JSON: Final = FUTURE_PRICES_FROM.isoformat()


def stream(seed: int, name: str) -> random.Random:
    """The random stream `name` of chain `seed`; a str seed is hashed the same everywhere."""
    return random.Random(f"omnitill-demo:{seed}:{name}")


class IdKind(IntEnum):
    """What an id names; its number sits in the id, so two kinds never share an id."""

    STORE = 1
    CATEGORY = 2
    PRODUCT = 3
    PRICE = 4
    FUTURE_PRICE = 5
    PROMOTION = 6
    CASHIER = 7
    MEMBER = 8
    COUPON = 9
    PICKUP_ORDER = 10
    PICKUP_LINE = 11


_EPOCH_MS: Final = int(DEMO_EPOCH.timestamp()) * 1000
_INDEX_BITS: Final = 32


class IdMint:
    """Deterministic ids shaped as UUIDv7 (RFC 9562), like the system's own ids.

    Bits: the demo epoch in Unix milliseconds (48) | version 7 | the kind (4) and 8 bits of
    the seed | variant | 30 bits of the seed | the index (32). Ids of one kind therefore
    sort by index, and are unique per kind and index by construction.
    """

    def __init__(self, seed: int) -> None:
        rng = stream(seed, "ids")
        seed_a = rng.getrandbits(8)
        seed_b = rng.getrandbits(30)
        self._prefixes: dict[IdKind, str] = {}
        for kind in IdKind:
            value = (
                _EPOCH_MS << 80
                | 0x7 << 76
                | (kind << 8 | seed_a) << 64
                | 0b10 << 62
                | seed_b << _INDEX_BITS
            )
            self._prefixes[kind] = str(uuid.UUID(int=value))[:-8]

    def prefix(self, kind: IdKind) -> str:
        """The text every id of `kind` starts with; append the index as 8 hex digits."""
        return self._prefixes[kind]

    def text(self, kind: IdKind, index: int) -> str:
        if not 0 <= index < 1 << _INDEX_BITS:
            raise ValueError(f"id index {index} out of range")
        return f"{self._prefixes[kind]}{index:08x}"

    def id(self, kind: IdKind, index: int) -> uuid.UUID:
        return uuid.UUID(self.text(kind, index))
