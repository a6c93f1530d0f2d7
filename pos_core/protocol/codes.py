"""How coupon and pickup codes travel: only their SHA-256, never the code itself.

The server (which issues codes) and the till (which matches what a customer shows) must
hash them the same way, so the one definition lives here.

- A coupon code is read without spaces or hyphens, in upper case, then hashed.
- A pickup code is 6 digits, guessable on its own, so it is hashed together with its
  order id: a leaked table of hashes cannot be matched against all million codes at once.
  The order id is written in its canonical form (lower-case hex with hyphens).
"""

from __future__ import annotations

import hashlib
from uuid import UUID


def normalise_coupon_code(code: str) -> str:
    """`abcd-efgh ijkl…` → `ABCDEFGHIJKL…`: how a code is read before it is hashed."""
    return code.strip().replace("-", "").replace(" ", "").upper()


def coupon_code_hash(code: str) -> str:
    """The SHA-256 (hex) of a normalised coupon code, as `CouponRow.code_hash`."""
    return hashlib.sha256(normalise_coupon_code(code).encode("utf-8")).hexdigest()


def pickup_code_hash(order_id: UUID | str, code: str) -> str:
    """The SHA-256 (hex) of `"{order_id}:{code}"`, as `PickupOrderRow.code_hash`."""
    canonical = UUID(str(order_id))
    return hashlib.sha256(f"{canonical}:{code.strip()}".encode()).hexdigest()
