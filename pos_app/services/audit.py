"""Recording a sensitive action: an audit row, and its `audit.recorded` event.

Called inside the transaction of the action it records, so the audit entry exists exactly
when the action does. Actions on training documents are audited locally without an event
(training mode writes no events).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session

from pos_app.store import outbox
from pos_app.store.audit import AuditEntry
from pos_core.ids import new_id
from pos_core.protocol.events import AuditRecordedV1, make_event


def record(
    session: Session,
    *,
    action: str,
    actor: uuid.UUID | None,
    approver: uuid.UUID | None = None,
    subject: str = "",
    details: Mapping[str, object] | None = None,
    now: datetime,
    business_date: date,
    with_event: bool = True,
) -> uuid.UUID:
    """Write one audit entry (and its event unless `with_event` is False); returns its id."""
    audit_id = new_id()
    text_details = {key: str(value) for key, value in (details or {}).items()}
    event_id: uuid.UUID | None = None
    if with_event:
        event = make_event(
            AuditRecordedV1(
                audit_id=audit_id,
                action=action,
                actor_id=actor,
                approver_id=approver,
                subject=subject,
                details=text_details,
            ),
            event_id=new_id(),
            occurred_at=now,
            business_date=business_date,
        )
        outbox.append(session, event, now)
        event_id = event.id
    session.add(
        AuditEntry(
            id=audit_id,
            at=now,
            action=action,
            actor_id=actor,
            approver_id=approver,
            subject=subject[:100],
            details=text_details,
            event_id=event_id,
        )
    )
    return audit_id
