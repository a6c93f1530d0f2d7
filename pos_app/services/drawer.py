"""The cash drawer: opened only after a durable sale, a cash refund, a cash movement or an
audited no-sale — and recorded before it is opened.

`record_kick` writes the kick in the transaction of the document that allows it, so a kick
can always be traced to it and never exists without it. `kick` then opens the drawer (after
the commit) and marks the kick sent, or failed if the drawer did not answer; a kick left
`requested` after a crash may or may not have opened the drawer, and is not sent again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from pos_app.services import audit
from pos_app.services.auth import Approval, authorize
from pos_app.services.errors import BasketRefused, ServiceError
from pos_app.services.till import Till
from pos_app.store.queues import DrawerKick
from pos_core.ids import new_id
from pos_core.permissions import Action

SALE = "sale"
VOID = "void"
NO_SALE = "no_sale"
CASH_MOVEMENT = "cash_movement"

log = logging.getLogger("omnitill.drawer")


def record_kick(session: Session, reason: str, document_id: uuid.UUID, now: datetime) -> uuid.UUID:
    """Record a kick inside the transaction of the document that allows it."""
    kick_id = new_id()
    session.add(
        DrawerKick(id=kick_id, at=now, reason=reason, document_id=document_id, status="requested")
    )
    return kick_id


def open_drawer(till: Till, document_id: uuid.UUID) -> bool:
    """Send a recorded kick to the drawer; True if the drawer took it (never raises)."""
    till.mark("drawer.kick", document_id)
    try:
        till.drawer.kick()
    except Exception:
        log.warning("the cash drawer did not open for %s", document_id, exc_info=True)
        till.mark("drawer.failed", document_id)
        return False
    till.mark("drawer.kicked", document_id)
    return True


def settle(session: Session, kick_id: uuid.UUID, sent: bool) -> None:
    """Record how a kick went, inside the caller's transaction."""
    session.execute(
        update(DrawerKick)
        .where(DrawerKick.id == kick_id)
        .values(status="sent" if sent else "failed")
    )


def kick(till: Till, kick_id: uuid.UUID, document_id: uuid.UUID) -> bool:
    """Open the drawer for a recorded kick and record how it went; True if it opened."""
    sent = open_drawer(till, document_id)
    with till.store.write() as session:
        settle(session, kick_id, sent)
    return sent


@dataclass(frozen=True, slots=True)
class NoSaleResult:
    audit_id: uuid.UUID
    drawer_opened: bool | None  # None: handed to the device thread


def no_sale(till: Till, reason: str, approval: Approval | None = None) -> NoSaleResult:
    """Open the drawer without a sale (开钱箱): permission-checked, audited with the reason."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        reason = reason.strip()
        if not reason:
            raise ServiceError("Say why the drawer is opened.")
        basket = till.state.basket
        if basket is not None and basket.being_paid:
            raise BasketRefused("Finish the payment first; the drawer opens with the sale.")
        approver = authorize(till, Action.NO_SALE, approval)
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            audit_id = audit.record(
                session,
                action="no_sale",
                actor=cashier.id,
                approver=approver,
                subject=str(shift_id),
                details={"reason": reason},
                now=now,
                business_date=till.business_date(session, context, now),
            )
            kick_id = record_kick(session, NO_SALE, audit_id, now)
        opened: list[bool] = []
        till.devices.submit(lambda: opened.append(kick(till, kick_id, audit_id)))
        return NoSaleResult(audit_id, opened[0] if opened else None)
