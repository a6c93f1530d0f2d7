"""Cashier PINs, hashed with scrypt (stdlib): never stored or compared in clear.

A hash reads `scrypt$<log2 n>$<r>$<p>$<salt b64>$<key b64>`, so the cost can be raised
later and old hashes still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from typing import Final

_PIN: Final = re.compile(r"^\d{4,8}$")
_LOG2_N: Final = 14
_R: Final = 8
_P: Final = 1


class PinError(ValueError):
    """A PIN that is not 4-8 digits, or a stored hash that cannot be read."""


def check_pin_format(pin: str) -> None:
    if not _PIN.match(pin):
        raise PinError("a PIN is 4 to 8 digits")


def hash_pin(pin: str, *, log2_n: int = _LOG2_N, salt: bytes | None = None) -> str:
    check_pin_format(pin)
    salt = os.urandom(16) if salt is None else salt
    key = hashlib.scrypt(pin.encode(), salt=salt, n=1 << log2_n, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${log2_n}${_R}${_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches `stored`, in constant time."""
    try:
        scheme, log2_n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(key_b64)
        n, r_i, p_i = 1 << int(log2_n), int(r), int(p)
    except ValueError:
        raise PinError("the stored PIN hash cannot be read") from None
    if not _PIN.match(pin):
        return False
    key = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r_i, p=p_i, dklen=len(expected))
    return hmac.compare_digest(key, expected)
