"""Member identity at the till, with as little personal data as possible (PIPL).

The till never holds the chain's phone list. A member's phone is normalised, then hashed
with the chain's member look-up key (HMAC-SHA256), and only that hash plus a masked form
(`138****5678`) are replicated. A typed phone is hashed the same way and matched.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final


class PhoneError(ValueError):
    """A phone number that is not a mainland China mobile number."""


_NON_DIGITS: Final = re.compile(r"[\s\-().]")
_MOBILE: Final = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """`+86 138-0013-8000` → `13800138000`; refuses anything that is not an 11-digit mobile."""
    text = _NON_DIGITS.sub("", raw.strip())
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.match(text):
        raise PhoneError(f"{raw!r} is not an 11-digit mobile number starting with 13-19")
    return text


def phone_hash(raw: str, key: bytes) -> str:
    """The keyed hash the replica matches on (hex)."""
    return hmac.new(key, normalise_phone(raw).encode("ascii"), hashlib.sha256).hexdigest()


def mask_phone(raw: str) -> str:
    """`13812345678` → `138****5678`, as printed on receipts and shown on screens."""
    phone = normalise_phone(raw)
    return f"{phone[:3]}****{phone[-4:]}"
