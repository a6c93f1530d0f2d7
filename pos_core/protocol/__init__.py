"""Sync protocol v1, the messages both sides share (DESIGN §4).

- `messages`: the header and limits, enrolment, push, pull, error bodies.
- `events`: till events with a typed, versioned payload per type.
- `rows`: the replicated rows a pull carries.
- `types`: exact amounts and quantities as JSON strings.
"""

from pos_core.protocol.messages import (
    MAX_EVENT_BYTES,
    MAX_PUSH_BYTES,
    MAX_PUSH_EVENTS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
)

__all__ = [
    "MAX_EVENT_BYTES",
    "MAX_PUSH_BYTES",
    "MAX_PUSH_EVENTS",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
]
