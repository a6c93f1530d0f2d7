"""Enrolling a till with the server, and re-enrolling a diverged one.

Enrolment exchanges a one-time code for the till's identity and token. The receipt counter
continues above the highest receipt number the server holds for this till, so a till that
was replaced or restored never reuses a number.

Re-enrolment (a manager's action, after divergence) gives the till a new device id. Events
the server acknowledged keep their row as history but lose their seq; every unsent event
is renumbered from 1 in its old order, keeping its id (the server answers `duplicate` for
any it had already applied). The replica is rebuilt from a fresh snapshot, since what this
till holds may be from another timeline; pending deltas of unsent events survive it.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pos_app.store.counters import OUTBOX_SEQ, RECEIPT, current
from pos_app.store.db import Store
from pos_app.store.sync import Counter, OutboxEvent, PendingDelta, SyncState, TillIdentity
from pos_app.sync.client import SyncClient
from pos_app.sync.errors import Refused
from pos_app.sync.pull import begin_rebuild, sync_state
from pos_core.ids import ReceiptNumber, ReceiptNumberError
from pos_core.protocol.messages import EnrolResponse

APP_VERSION = "0.1.0"


@dataclass(frozen=True)
class Enrolment:
    device_id: UUID
    store_code: str
    store_name: str
    till_number: int
    receipt_counter: int
    renumbered: int  # unsent events given new seqs (re-enrolment)


def _set_counter(session: Session, name: str, value: int) -> None:
    row = session.get(Counter, name)
    if row is None:
        session.add(Counter(name=name, value=value))
    else:
        row.value = value


def _continue_receipts(session: Session, answer: EnrolResponse) -> int:
    """Move the receipt counter above the server's last number for this till, never back."""
    ours = current(session, RECEIPT)
    if answer.last_receipt_number is None:
        return ours
    try:
        theirs = ReceiptNumber.parse(answer.last_receipt_number)
    except ReceiptNumberError:
        return ours
    if theirs.store_code != answer.store.code or theirs.till_number != answer.till_number:
        return ours
    counter = max(ours, theirs.counter)
    _set_counter(session, RECEIPT, counter)
    return counter


def _renumber_unsent(session: Session) -> int:
    acked = session.scalar(select(SyncState.acked_seq).where(SyncState.id == 1)) or 0
    acknowledged = select(OutboxEvent.id).where(OutboxEvent.seq <= acked)
    # Their effects reach the new replica through the snapshot: their deltas would count twice.
    session.execute(delete(PendingDelta).where(PendingDelta.event_id.in_(acknowledged)))
    session.execute(update(OutboxEvent).where(OutboxEvent.seq <= acked).values(seq=None))
    unsent = session.scalars(
        select(OutboxEvent.id).where(OutboxEvent.seq.is_not(None)).order_by(OutboxEvent.seq)
    ).all()
    # Two passes so the unique index on seq never sees two rows with one number.
    for index, event_id in enumerate(unsent, start=1):
        session.execute(update(OutboxEvent).where(OutboxEvent.id == event_id).values(seq=-index))
    session.execute(update(OutboxEvent).where(OutboxEvent.seq < 0).values(seq=-OutboxEvent.seq))
    _set_counter(session, OUTBOX_SEQ, len(unsent))
    return len(unsent)


def enrol(
    store: Store, client: SyncClient, code: str, server_url: str, device_name: str = ""
) -> Enrolment:
    """Enrol (or re-enrol) this till with the one-time `code` an admin created for it."""
    answer = client.enrol(code.strip(), device_name or platform.node(), APP_VERSION)
    with store.write() as session:
        previous = session.get(TillIdentity, 1)
        if previous is not None and previous.store_id != answer.store.store_id:
            # A till moves stores only by being set up afresh: its documents are this store's.
            raise Refused(
                f"this till belongs to store {previous.store_code}; the code is for store "
                f"{answer.store.code}. Set up a new till database for another store.",
                409,
            )
        renumbered = 0
        state = sync_state(session)
        if previous is not None:
            renumbered = _renumber_unsent(session)
            session.delete(previous)
            session.flush()
            begin_rebuild(session)
        state.acked_seq = 0
        state.cursor = None
        state.diverged_reason = None
        state.last_error = None
        session.add(
            TillIdentity(
                id=1,
                device_id=answer.device_id,
                token=answer.token,
                server_url=server_url,
                store_id=answer.store.store_id,
                store_code=answer.store.code,
                store_name=answer.store.name,
                till_number=answer.till_number,
                enrolled_at=datetime.now(UTC),
            )
        )
        counter = _continue_receipts(session, answer)
    client.set_token(answer.token)
    return Enrolment(
        device_id=answer.device_id,
        store_code=answer.store.code,
        store_name=answer.store.name,
        till_number=answer.till_number,
        receipt_counter=counter,
        renumbered=renumbered,
    )
