"""Ids and document numbers.

- `new_id()` gives a time-ordered UUID version 7 (RFC 9562): 48 bits of Unix milliseconds,
  a 12-bit counter that keeps ids from one process strictly increasing within a
  millisecond, and 62 random bits. Ids sort roughly by creation time, which keeps database
  indexes compact; order that matters comes from per-device `seq` and the server's stream
  counters, never from ids or till clocks (DESIGN §7).
- Receipt numbers are `STORE-TILL-NNNNNN`, unique without asking the server. Training
  mode has its own series, `STORE-TILL-TNNNNNN`, so a practice receipt can never be
  mistaken for a real one.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Final


class IdGenerator:
    """UUIDv7s, strictly increasing for this generator (one per process is the norm)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._counter = 0

    def new(self, now_ms: int | None = None) -> uuid.UUID:
        with self._lock:
            ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
            if ms <= self._last_ms:
                # Same millisecond (or the clock stepped back): count on from the last id.
                ms = self._last_ms
                self._counter += 1
                if self._counter > 0xFFF:
                    ms += 1
                    self._counter = 0
            else:
                self._counter = int.from_bytes(os.urandom(2), "big") & 0x3FF  # room to count
            self._last_ms = ms
            counter = self._counter
        rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand
        return uuid.UUID(int=value)


_ids = IdGenerator()


def new_id(now_ms: int | None = None) -> uuid.UUID:
    """A new UUIDv7 from the process's generator; strictly increasing within this process."""
    return _ids.new(now_ms)


def id_timestamp_ms(value: uuid.UUID) -> int:
    """The Unix milliseconds inside a UUIDv7."""
    if value.version != 7:
        raise ValueError(f"{value} is not a UUID version 7")
    return value.int >> 80


class ReceiptNumberError(ValueError):
    """A receipt number that does not read as STORE-TILL-NNNNNN."""


_STORE_CODE = re.compile(r"^[A-Z0-9]{1,12}$")
_RECEIPT = re.compile(
    r"^(?P<store>[A-Z0-9]{1,12})-(?P<till>\d{2,4})-(?P<training>T?)(?P<n>\d{6,})$"
)
RECEIPT_DIGITS: Final = 6


@dataclass(frozen=True, slots=True, order=True)
class ReceiptNumber:
    store_code: str
    till_number: int
    counter: int
    training: bool = False

    def __post_init__(self) -> None:
        if not _STORE_CODE.match(self.store_code):
            raise ReceiptNumberError(
                f"store code {self.store_code!r} must be 1-12 capital letters or digits"
            )
        if not 1 <= self.till_number <= 9999:
            raise ReceiptNumberError(f"till number {self.till_number} must be 1-9999")
        if self.counter < 1:
            raise ReceiptNumberError(f"receipt counter {self.counter} must be at least 1")

    def __str__(self) -> str:
        series = "T" if self.training else ""
        return f"{self.store_code}-{self.till_number:02d}-{series}{self.counter:0{RECEIPT_DIGITS}d}"

    def next(self) -> ReceiptNumber:
        return ReceiptNumber(self.store_code, self.till_number, self.counter + 1, self.training)

    @classmethod
    def parse(cls, text: str) -> ReceiptNumber:
        match = _RECEIPT.match(text.strip().upper())
        if match is None:
            raise ReceiptNumberError(
                f"{text!r} is not a receipt number "
                "(expected STORE-TILL-NNNNNN, e.g. S001-02-000123)"
            )
        return cls(
            match["store"], int(match["till"]), int(match["n"]), training=bool(match["training"])
        )
