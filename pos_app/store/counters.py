"""Gap-free counters: a number is taken inside the transaction that uses it.

`advance` bumps the counter row and returns the new value in one statement; the row stays
write-locked until the caller's transaction ends (the till writes with BEGIN IMMEDIATE), so
a rolled-back sale gives its number back and two sales can never draw the same one.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from pos_app.store.sync import Counter

OUTBOX_SEQ: Final = "outbox_seq"
RECEIPT: Final = "receipt"
TRAINING_RECEIPT: Final = "receipt_training"
Z_REPORT: Final = "z_report"


_ADVANCE: Final = (
    insert(Counter)
    .values(name=bindparam("counter"), value=1)
    .on_conflict_do_update(index_elements=[Counter.name], set_={"value": Counter.value + 1})
    .returning(Counter.value)
)


def advance(session: Session, name: str) -> int:
    """The next value of counter `name` (1 for a counter never used)."""
    return int(session.execute(_ADVANCE, {"counter": name}).scalar_one())


def current(session: Session, name: str) -> int:
    """The last value handed out (0 if none)."""
    value = session.execute(select(Counter.value).where(Counter.name == name)).scalar()
    return 0 if value is None else int(value)
