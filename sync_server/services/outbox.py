"""Importing a dead till's outbox: the events it exported from its disk, applied by an admin
with exactly the rules of a push (duplicates recognised, divergence refused, gaps stop).

The file is JSON lines, one envelope `{"seq": n, "event": {...}}` per line, in any order.
The till's device may already be revoked: its token is not needed, the admin's word is.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from pos_core.protocol.messages import MAX_PUSH_EVENTS, EventStatus
from sync_server.services import tx
from sync_server.services.errors import Invalid, NotFound
from sync_server.services.push import Incoming, push, read_envelope
from sync_server.store.db import Database
from sync_server.store.org import Device

log = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    device_id: UUID
    read: int = 0
    last_seq: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    stopped_at_gap: int | None = None

    def describe(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "nothing new"
        text = (
            f"imported {self.read} events for till {self.device_id}: {counts}; "
            f"last seq {self.last_seq}"
        )
        if self.stopped_at_gap is not None:
            text += f" — stopped: seq {self.stopped_at_gap} is missing from the file"
        return text


def read_lines(device_id: UUID, lines: list[str]) -> list[Incoming]:
    envelopes = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            envelope: Any = json.loads(line)
            seq = envelope["seq"]
            event = envelope["event"]
        except (ValueError, TypeError, KeyError):
            raise Invalid(f"line {number} is not an envelope {{seq, event}}") from None
        if type(seq) is not int or seq < 1:
            raise Invalid(f"line {number}: seq must be a whole number from 1")
        envelopes.append(read_envelope(device_id, seq, event))
    return sorted(envelopes, key=lambda item: item.seq)


def import_file(db: Database, device_id: UUID, path: Path) -> ImportSummary:
    """Apply a dead till's exported events, in batches, exactly once."""
    if tx.read(db, lambda session: session.get(Device, device_id)) is None:
        raise NotFound(f"no till {device_id}")
    batch = read_lines(device_id, path.read_text(encoding="utf-8").splitlines())
    summary = ImportSummary(device_id=device_id, read=len(batch))
    for start in range(0, len(batch), MAX_PUSH_EVENTS):
        chunk = batch[start : start + MAX_PUSH_EVENTS]
        response = push(db, device_id, chunk, allow_revoked=True)
        summary.last_seq = response.last_seq
        for result in response.results:
            status = EventStatus(result.status).value
            summary.statuses[status] = summary.statuses.get(status, 0) + 1
        if chunk and response.last_seq < chunk[-1].seq:
            summary.stopped_at_gap = response.last_seq + 1
            break
    log.info("outbox of device %s imported: %s", device_id, summary.statuses)
    return summary
