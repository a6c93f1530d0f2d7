"""Writing the outbox: the one way an event leaves a till.

`append` runs inside the transaction that writes the documents the event describes: it
takes the next gap-free `seq`, stores the event's JSON body (never rewritten) and the
pending deltas the event carries (stock, points…), which the till adds to the replica until
a pull shows the server has applied the event. A rolled-back transaction leaves neither the
event nor its seq behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import insert
from sqlalchemy.orm import Session

from pos_app.store.counters import OUTBOX_SEQ, advance
from pos_app.store.sync import OutboxEvent, PendingDelta
from pos_core.protocol.events import Event

STOCK: Final = "stock"
POINTS: Final = "points"


@dataclass(frozen=True, slots=True)
class Delta:
    """A change to a quantity the replica holds: `delta` in thousandths (stock) or whole
    units (points, uses)."""

    kind: str
    key: str
    delta: int


def stock_delta(product_id: object, quantity: Decimal) -> Delta:
    """A stock change of `quantity` (pieces or kg; negative when sold)."""
    milli = quantity.scaleb(3)
    if milli != milli.to_integral_value():
        raise ValueError(f"{quantity} is finer than a thousandth")
    return Delta(STOCK, str(product_id), int(milli))


def append(session: Session, event: Event, now: datetime, deltas: Iterable[Delta] = ()) -> int:
    """Store `event` as the next outbox entry, with its pending deltas; returns its seq."""
    seq = advance(session, OUTBOX_SEQ)
    body = event.to_json()
    session.execute(
        insert(OutboxEvent).values(
            id=event.id,
            seq=seq,
            type=event.type.value,
            v=event.v,
            business_date=event.business_date,
            occurred_at=event.occurred_at,
            body=body,
            size=len(body.encode()),
            created_at=now,
        )
    )
    rows = [{"kind": d.kind, "key": d.key, "delta": d.delta, "event_id": event.id} for d in deltas]
    if rows:
        session.execute(insert(PendingDelta), rows)
    return seq
