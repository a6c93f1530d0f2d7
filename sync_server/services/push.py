"""The protocol engine: apply a till's batch of events exactly once (DESIGN §4 "Push").

One transaction per push:
1. lock the device row (a retry racing the original waits here) and re-read `last_seq`;
2. lock the counter rows of every stream the batch will publish to — the till's store,
   and the stores that see its members, coupons and returned sales — in name order, then
   those members and coupons in id order: one fixed lock order, so pushes from different
   stores do not deadlock (and if they ever do, the transaction is retried);
3. walk the envelopes in seq order under the protocol's rules:
   - seq ≤ last_seq, same event as stored for that seq → `duplicate`, stored conflicts replayed;
   - seq ≤ last_seq, another event → `Diverged`: the whole batch is rolled back (409);
   - seq = last_seq + 1, an event id already applied (by any device) → `duplicate`;
   - seq = last_seq + 1 otherwise → new: last_seq = seq;
   - seq > last_seq + 1 → stop: the answer's last_seq says where to resend from;
4. apply the new events (`apply`): each one's effects all or nothing — applied, stored with
   conflicts, or, if unreadable or its effects fail, quarantined with a conflict — and a
   bad one never blocks the next;
5. publish the changes, store the events and their seq slots (results kept for good),
   advance `last_seq`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pos_core.protocol.messages import EventResult, EventStatus, PushResponse
from sync_server.services import tx
from sync_server.services.apply import apply_events
from sync_server.services.changelog import store_stream
from sync_server.services.errors import Diverged, Unauthorised
from sync_server.services.incoming import Incoming, clean, read_envelope
from sync_server.services.locks import lock_for_batch
from sync_server.store.bulk import bulk_insert
from sync_server.store.db import Database
from sync_server.store.org import Device, StoreRecord
from sync_server.store.sync import DeviceEvent, EventRecord

log = logging.getLogger(__name__)


def push(
    db: Database, device_id: UUID, batch: list[Incoming], *, allow_revoked: bool = False
) -> PushResponse:
    """Apply a till's events exactly once; answer with last_seq and a result per event."""
    ordered = sorted(batch, key=lambda item: item.seq)
    response = tx.write(
        db, lambda unit: _push(unit, device_id, ordered, allow_revoked), what="push"
    )
    counts: dict[str, int] = {}
    for result in response.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    log.info(
        "push from device %s: %d events, %s, last_seq %d",
        device_id,
        len(batch),
        counts,
        response.last_seq,
    )
    return response


def _push(
    unit: tx.Unit, device_id: UUID, batch: list[Incoming], allow_revoked: bool
) -> PushResponse:
    session, now = unit.session, datetime.now(UTC)
    device = session.execute(
        select(Device).where(Device.id == device_id).with_for_update()
    ).scalar_one_or_none()
    if device is None or (device.status != "active" and not allow_revoked):
        raise Unauthorised("this till's token is no longer valid; re-enrol the till")
    store = session.get(StoreRecord, device.store_id)
    assert store is not None
    last = device.last_seq
    slots = _stored_slots(session, device_id, [i.seq for i in batch if i.seq <= last])
    fresh = _contiguous(batch, last)
    lock_for_batch(session, unit.log, store.id, [i.event for i in fresh if i.event])
    already = _applied(session, [i.key for i in fresh])
    # First the protocol's rules, per envelope; then the effects of what is new.
    replays: list[tuple[Incoming, list[UUID] | None]] = []  # None: numbered in this batch
    numbered: list[tuple[Incoming, bool]] = []  # (envelope, new event?) for last+1, last+2…
    for item in batch:
        if item.seq <= last:
            stored = slots.get(item.seq)
            if stored is None or stored[0] != item.key:
                raise Diverged(
                    f"seq {item.seq} was another event on the server; this till's history "
                    "differs from what it sent before (restored from a backup or copied?). "
                    "Keep selling and have a manager re-enrol the till."
                )
            replays.append((item, stored[1] if item.seq <= device.last_seq else None))
            continue
        if item.seq > last + 1:
            break  # a gap: the till resends from last_seq + 1
        numbered.append((item, item.key not in already))
        slots[item.seq] = (item.key, [])
        already.add(item.key)
        last = item.seq
    outcomes = apply_events(unit, device, store, [i for i, new in numbered if new], now)
    results: list[EventResult] = []
    events: list[dict[str, Any]] = []
    seq_rows: list[dict[str, Any]] = []
    for item, new in numbered:
        status, conflicts = outcomes[item.key] if new else (EventStatus.DUPLICATE, [])
        if new:
            events.append(_event_row(item, device, status, now))
        seq_rows.append(
            {
                "device_id": device.id,
                "seq": item.seq,
                "event_id": item.key,
                "store_id": store.id,
                "status": status.value,
                "conflict_ids": [str(c) for c in conflicts],
                "received_at": now,
            }
        )
    for item, replayed in replays:
        conflicts = replayed if replayed is not None else outcomes.get(item.key, (None, []))[1]
        results.append(_result(item, EventStatus.DUPLICATE, conflicts))
    results += [
        _result(item, EventStatus(row["status"]), [UUID(c) for c in row["conflict_ids"]])
        for (item, _), row in zip(numbered, seq_rows, strict=True)
    ]
    results.sort(key=lambda result: result.seq)
    unit.log.flush()
    position = unit.log.position(store_stream(store.id))
    try:
        bulk_insert(session, EventRecord, events)
        bulk_insert(session, DeviceEvent, [{**row, "log_position": position} for row in seq_rows])
    except IntegrityError:
        # Another device stored one of these event ids first (a re-enrolled till racing
        # its old self): run again, and the id reads as a duplicate.
        raise tx.RetryTransaction() from None
    session.execute(
        update(Device).where(Device.id == device.id).values(last_seq=last, last_push_at=now)
    )
    return PushResponse(last_seq=last, results=results, server_time=now)


def _contiguous(batch: list[Incoming], last: int) -> list[Incoming]:
    """The new envelopes that will be applied: last+1, last+2, … up to the first gap."""
    fresh, expected = [], last + 1
    for item in batch:
        if item.seq == expected:
            fresh.append(item)
            expected += 1
        elif item.seq > expected:
            break
    return fresh


def _stored_slots(
    session: Session, device_id: UUID, seqs: list[int]
) -> dict[int, tuple[UUID, list[UUID]]]:
    if not seqs:
        return {}
    rows = session.execute(
        select(DeviceEvent.seq, DeviceEvent.event_id, DeviceEvent.conflict_ids).where(
            DeviceEvent.device_id == device_id, DeviceEvent.seq.in_(set(seqs))
        )
    ).all()
    return {seq: (event_id, [UUID(c) for c in conflicts]) for seq, event_id, conflicts in rows}


def _applied(session: Session, keys: list[UUID]) -> set[UUID]:
    if not keys:
        return set()
    return set(session.execute(select(EventRecord.id).where(EventRecord.id.in_(keys))).scalars())


def _event_row(
    item: Incoming, device: Device, status: EventStatus, now: datetime
) -> dict[str, Any]:
    event = item.event
    raw_type = item.raw.get("type")
    raw_v = item.raw.get("v")
    return {
        "id": item.key,
        "has_id": item.has_id,
        "store_id": device.store_id,
        "device_id": device.id,
        "seq": item.seq,
        "type": event.type.value if event else clean(str(raw_type), 40) if raw_type else None,
        "v": event.v if event else raw_v if type(raw_v) is int and abs(raw_v) < 2**31 else None,
        "business_date": event.business_date if event else None,
        "occurred_at": event.occurred_at if event else None,
        "status": status.value,
        "raw": item.text,
        "received_at": now,
    }


def _result(item: Incoming, status: EventStatus, conflicts: list[UUID]) -> EventResult:
    return EventResult(
        seq=item.seq,
        id=item.key if item.has_id else None,
        status=status,
        conflict_ids=conflicts,
    )


__all__ = ["Incoming", "push", "read_envelope"]
