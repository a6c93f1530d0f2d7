"""The till's clock, injectable: services ask it the time, never `datetime.now()`.

Tests (and training) use a `SettableClock` to cross midnight, let a lock-out expire or
reach a future-dated price without waiting.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock:
    """A clock that stands still until it is set or moved on."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a till clock gives aware times: pass a time zone")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a till clock gives aware times: pass a time zone")
        with self._lock:
            self._now = moment

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now
