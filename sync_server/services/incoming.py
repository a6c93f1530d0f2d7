"""An envelope as received: the raw event, its compact text, and what could be read of it."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from pos_core.protocol.events import Event, EventError, event_id_of, read_event
from sync_server.services.conflicts import NAMESPACE

_UNPRINTABLE: Final = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Incoming:
    """One envelope as received: the raw event, its compact text, and what could be read."""

    seq: int
    raw: dict[str, Any]
    text: str
    event: Event | None
    problem: str | None  # why the event cannot be read
    key: UUID  # the event id, or a stand-in derived from the device, seq and content
    has_id: bool


def read_envelope(device_id: UUID, seq: int, raw: Any, text: str | None = None) -> Incoming:
    """Parse one event; an unreadable one is kept with the reason (it will be quarantined)."""
    text = text if text is not None else json.dumps(raw, separators=(",", ":"), ensure_ascii=False)
    event, problem = None, None
    try:
        event = read_event(raw)
    except EventError as exc:
        problem = str(exc)
    except (ArithmeticError, ValueError, TypeError) as exc:  # what a validator let slip
        problem = f"the event cannot be read ({type(exc).__name__})"
    event_id = event_id_of(raw)
    key = event_id or uuid.uuid5(NAMESPACE, f"{device_id}:{seq}:{text}")
    return Incoming(
        seq=seq,
        raw=raw if isinstance(raw, dict) else {"value": raw},
        text=text,
        event=event,
        problem=problem,
        key=key,
        has_id=event_id is not None,
    )


def clean(value: str, size: int) -> str:
    """Text from a till fit to store: control characters replaced, cut to `size`."""
    return _UNPRINTABLE.sub("?", value)[:size]
