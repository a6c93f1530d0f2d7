"""What an event's effects run with: the session, the change log, the till, the event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final
from uuid import UUID

from sqlalchemy.orm import Session

from pos_core.protocol.events import Event
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.conflicts import raise_conflict
from sync_server.services.effects.batch import Batch

REPLICATED_DAYS: Final = 90
"""Tills hold their store's sales of the last 90 days, for returns without the server."""


@dataclass
class Effect:
    session: Session
    log: ChangeLog
    device_id: UUID
    store_id: UUID
    till_number: int
    settings: dict[str, Any]  # the till's store settings
    event: Event
    now: datetime  # received_at
    batch: Batch
    conflicts: list[UUID] = field(default_factory=list)

    @property
    def stream(self) -> str:
        return store_stream(self.store_id)

    def conflict(
        self,
        kind: str,
        summary: str,
        *,
        about: str = "",
        store_id: UUID | None = None,
        **details: Any,
    ) -> UUID:
        """Raise a conflict for this event; the event still counts as stored for good."""
        cid = raise_conflict(
            self.session,
            self.log,
            store_id=store_id or self.store_id,
            kind=kind,
            summary=summary,
            event_key=self.event.id,
            event_id=self.event.id,
            about=about,
            details={k: str(v) for k, v in details.items()},
            now=self.now,
        )
        if cid not in self.conflicts:
            self.conflicts.append(cid)
        return cid


def replicated(business_date: date, now: datetime) -> bool:
    """Whether a sale of that day is still inside the tills' 90 days."""
    return business_date >= now.date() - timedelta(days=REPLICATED_DAYS)
