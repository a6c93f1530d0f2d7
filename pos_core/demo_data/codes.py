"""Drawing demo coupon and pickup codes from the chain's seed.

How codes are kept (only their hashes travel) is the protocol's rule, in
`pos_core.protocol.codes`; it is re-exported here for the demo's callers.

- A coupon code is 20 characters of base32 (A-Z, 2-7: 100 bits, unguessable).
- A pickup code is 6 digits, hashed together with its order id.
"""

from __future__ import annotations

import random
from typing import Final

from pos_core.protocol.codes import coupon_code_hash, normalise_coupon_code, pickup_code_hash

COUPON_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
COUPON_CODE_LENGTH: Final = 20

__all__ = [
    "COUPON_ALPHABET",
    "COUPON_CODE_LENGTH",
    "coupon_code_hash",
    "draw_coupon_code",
    "draw_pickup_code",
    "normalise_coupon_code",
    "pickup_code_hash",
]


def draw_coupon_code(rng: random.Random) -> str:
    bits = rng.getrandbits(5 * COUPON_CODE_LENGTH)
    return "".join(COUPON_ALPHABET[(bits >> (5 * i)) & 31] for i in range(COUPON_CODE_LENGTH))


def draw_pickup_code(rng: random.Random) -> str:
    return f"{rng.getrandbits(32) % 1_000_000:06d}"
