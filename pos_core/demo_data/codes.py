"""How coupon and pickup codes are kept: only their SHA-256 travels, never the code.

These two functions are domain rules that the server (which issues codes) and the till
(which matches what a customer shows) must share; they live here until the coupon and
pickup modules of `pos_core` exist, and should move there.

- A coupon code is 20 characters of base32 (A-Z, 2-7: 100 bits, unguessable), printed in
  groups of four; `coupon_code_hash` reads it without spaces or hyphens, in upper case.
- A pickup code is 6 digits, guessable on its own, so it is hashed together with its
  order id: a leaked table of hashes cannot be matched against all million codes at once.
"""

from __future__ import annotations

import hashlib
import random
from typing import Final
from uuid import UUID

COUPON_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
COUPON_CODE_LENGTH: Final = 20


def normalise_coupon_code(code: str) -> str:
    """`abcd-efgh ijkl…` → `ABCDEFGHIJKL…`: how a code is read before it is hashed."""
    return code.strip().replace("-", "").replace(" ", "").upper()


def coupon_code_hash(code: str) -> str:
    """The SHA-256 (hex) of a normalised coupon code, as `CouponRow.code_hash`."""
    return hashlib.sha256(normalise_coupon_code(code).encode("ascii")).hexdigest()


def pickup_code_hash(order_id: UUID | str, code: str) -> str:
    """The SHA-256 (hex) of `"{order_id}:{code}"`, as `PickupOrderRow.code_hash`.

    The order id is written in its canonical form (lower-case hex with hyphens)."""
    canonical = UUID(str(order_id))
    return hashlib.sha256(f"{canonical}:{code.strip()}".encode("ascii")).hexdigest()


def draw_coupon_code(rng: random.Random) -> str:
    bits = rng.getrandbits(5 * COUPON_CODE_LENGTH)
    return "".join(COUPON_ALPHABET[(bits >> (5 * i)) & 31] for i in range(COUPON_CODE_LENGTH))


def draw_pickup_code(rng: random.Random) -> str:
    return f"{rng.getrandbits(32) % 1_000_000:06d}"
