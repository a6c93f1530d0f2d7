"""Exporting the outbox to a file, for a dead till whose disk survives.

An admin imports the file on the server (`omnitill-server import-outbox FILE`), which
applies the events with the same exactly-once rules as a push. The file is JSON lines: a
header naming the till, then one `{"seq": N, "event": {…}}` per event, each event exactly
as stored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from pos_app.store.db import Store
from pos_app.store.sync import OutboxEvent, SyncState, TillIdentity
from pos_app.sync.errors import NotEnrolled

EXPORT_FORMAT = "omnitill-outbox/1"


def export_outbox(store: Store, path: Path, *, include_acknowledged: bool = False) -> int:
    """Write the unacknowledged events (or all with a seq) to `path`; returns the count."""
    with store.read() as session:
        identity = session.get(TillIdentity, 1)
        if identity is None:
            raise NotEnrolled("this till was never enrolled: there is no device to export for")
        state = session.get(SyncState, 1)
        after = 0 if include_acknowledged or state is None else state.acked_seq
        rows = session.execute(
            select(OutboxEvent.seq, OutboxEvent.body)
            .where(OutboxEvent.seq > after)
            .order_by(OutboxEvent.seq)
        ).all()
        header = {
            "format": EXPORT_FORMAT,
            "device_id": str(identity.device_id),
            "store_code": identity.store_code,
            "till_number": identity.till_number,
            "exported_at": datetime.now(UTC).isoformat(),
            "events": len(rows),
        }
    temporary = path.with_name(path.name + ".partial")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for seq, body in rows:
            out.write(f'{{"seq":{seq},"event":{body}}}\n')
    temporary.replace(path)  # a half-written export never looks finished
    return len(rows)
