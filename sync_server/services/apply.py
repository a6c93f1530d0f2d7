"""Applying a push's new events: each event's effects all or nothing, and one that cannot
be applied is quarantined without holding up the rest (DESIGN §4, promise 6).

Two ways, the same outcome:
- First the whole batch runs under one SAVEPOINT, its writes gathered (`Batch`) and made
  at the end in a few bulk statements — the common case, and what keeps a push of a
  thousand sales fast.
- If anything in it raises (a value the database refuses, a bug), that savepoint is rolled
  back and the batch runs again with a SAVEPOINT per event, writing after each; the event
  that fails is rolled back alone and quarantined with a conflict, and the others apply.
Business problems never raise: they are conflicts (see `effects`). Serialization
failures and deadlocks propagate, for `tx.write` to retry the whole transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from pos_core.protocol.messages import EventStatus
from sync_server.services import effects, tx
from sync_server.services.conflicts import raise_conflict
from sync_server.services.effects.batch import Batch
from sync_server.services.effects.context import Effect
from sync_server.services.incoming import Incoming, clean
from sync_server.store.org import Device, StoreRecord

log = logging.getLogger(__name__)

Outcome = tuple[EventStatus, list[UUID]]


def apply_events(
    unit: tx.Unit, device: Device, store: StoreRecord, items: list[Incoming], now: datetime
) -> dict[UUID, Outcome]:
    """Each new event's status and conflicts, by event key."""
    if not items:
        return {}
    mark = unit.log.mark()
    try:
        with unit.session.begin_nested():
            batch = _batch(unit, store, items)
            outcomes = {item.key: _apply(unit, batch, device, store, item, now) for item in items}
            batch.flush()
            unit.session.flush()
        return outcomes
    except Exception as exc:
        if tx.is_retryable(exc):
            raise
        unit.log.rollback(mark)
        log.warning(
            "a batch's effects failed (%s); applying its events one by one", type(exc).__name__
        )
    return {item.key: _apply_alone(unit, device, store, item, now) for item in items}


def _batch(unit: tx.Unit, store: StoreRecord, items: list[Incoming]) -> Batch:
    return Batch(unit.session, unit.log, store.id, [i.event for i in items if i.event])


def _apply_alone(
    unit: tx.Unit, device: Device, store: StoreRecord, item: Incoming, now: datetime
) -> Outcome:
    mark = unit.log.mark()
    try:
        with unit.session.begin_nested():
            batch = _batch(unit, store, [item])
            outcome = _apply(unit, batch, device, store, item, now)
            batch.flush()
            unit.session.flush()
        return outcome
    except Exception as exc:
        if tx.is_retryable(exc):
            raise
        unit.log.rollback(mark)
        reason = type(exc).__name__
        sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
        log.error(
            "effects of event %s failed (%s%s); quarantined",
            item.key,
            reason,
            f", sqlstate {sqlstate}" if sqlstate else "",
        )
        return EventStatus.QUARANTINED, [
            quarantine(unit, store, item, now, f"the server could not apply it ({reason})")
        ]


def _apply(
    unit: tx.Unit, batch: Batch, device: Device, store: StoreRecord, item: Incoming, now: datetime
) -> Outcome:
    if item.event is None:
        return EventStatus.QUARANTINED, [
            quarantine(unit, store, item, now, f"unreadable event: {item.problem}")
        ]
    fx = Effect(
        session=unit.session,
        log=unit.log,
        device_id=device.id,
        store_id=store.id,
        till_number=device.till_number,
        settings=store.settings,
        event=item.event,
        now=now,
        batch=batch,
    )
    effects.apply(fx)
    if fx.conflicts:
        return EventStatus.CONFLICT, fx.conflicts
    return EventStatus.APPLIED, []


def quarantine(unit: tx.Unit, store: StoreRecord, item: Incoming, now: datetime, why: str) -> UUID:
    """Store a conflict for an event that cannot be applied; the event itself is kept."""
    kind = item.raw.get("type") if isinstance(item.raw.get("type"), str) else "event"
    return raise_conflict(
        unit.session,
        unit.log,
        store_id=store.id,
        kind="quarantined",
        summary=f"{clean(str(kind), 40)} (seq {item.seq}) was quarantined: {why}",
        event_key=item.key,
        event_id=item.key if item.has_id else None,
        details={"seq": str(item.seq)},
        now=now,
    )
