"""The service's transaction: begin, work, publish the change log, commit — retried when the
database says another transaction got in the way.

Retried, with jittered backoff: PostgreSQL serialization failures (40001) and deadlocks
(40P01), SQLite "database is locked", and `RetryTransaction` raised by a service that lost
a race on a unique key (the retry then sees the winner's row). Everything else propagates.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sync_server.services.changelog import ChangeLog
from sync_server.services.errors import Busy
from sync_server.store.db import Database

T = TypeVar("T")
log = logging.getLogger(__name__)

ATTEMPTS: Final = 8
_RETRY_SQLSTATES: Final = frozenset({"40001", "40P01"})


class RetryTransaction(Exception):
    """Raised inside a unit of work to run it again from the start."""


@dataclass
class Unit:
    """One transaction: its session and the changes it publishes."""

    session: Session
    log: ChangeLog


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, RetryTransaction):
        return True
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        if getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES:
            return True
        text = str(exc.orig).lower()
        return "database is locked" in text or "database table is locked" in text
    return False


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.01 * 2**attempt))


def write(db: Database, work: Callable[[Unit], T], *, what: str = "write") -> T:
    """Run `work` in one write transaction, publishing its changes before the commit."""
    for attempt in range(ATTEMPTS):
        session = db.writer()
        try:
            with session.begin():
                unit = Unit(session, ChangeLog(session))
                result = work(unit)
                unit.log.flush()
            return result
        except Exception as exc:
            if not is_retryable(exc):
                raise
            log.info("retrying %s after %s (attempt %d)", what, type(exc).__name__, attempt + 1)
        finally:
            session.close()
        _backoff(attempt)
    raise Busy(f"the database stayed busy; {what} was not done — try again")


def read(db: Database, work: Callable[[Session], T]) -> T:
    """Run `work` in one read-only snapshot (REPEATABLE READ READ ONLY on PostgreSQL)."""
    for attempt in range(ATTEMPTS):
        session = db.reader()
        try:
            with session.begin():
                return work(session)
        except Exception as exc:
            if not is_retryable(exc):
                raise
        finally:
            session.close()
        _backoff(attempt)
    raise Busy("the database stayed busy; try again")
