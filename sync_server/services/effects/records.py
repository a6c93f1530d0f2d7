"""Events stored for head office to query: shifts, cash movements, payment reversals, audit.

Each names its own document id; a second event with the same document id is a conflict,
not a second document.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from pos_core.protocol.events import (
    AuditRecordedV1,
    CashMovedV1,
    PaymentReversedV1,
    ShiftClosedV1,
    ShiftOpenedV1,
)
from sync_server.services.effects.context import Effect
from sync_server.store.base import Base
from sync_server.store.records import (
    AuditEntryRecord,
    CashMovementRecord,
    PaymentReversalRecord,
    ShiftRecord,
)


def _new(fx: Effect, model: type[Base], document_id: UUID, what: str, **values: Any) -> bool:
    exists = fx.session.execute(
        select(model).where(model.id == document_id)  # type: ignore[attr-defined]
    ).first()
    if exists is not None:
        fx.conflict("duplicate_document", f"{what} {document_id} arrived twice; not applied")
        return False
    fx.session.add(model(store_id=fx.store_id, id=document_id, **values))
    return True


def shift_opened(fx: Effect) -> None:
    shift = fx.event.payload
    assert isinstance(shift, ShiftOpenedV1)
    _new(
        fx,
        ShiftRecord,
        shift.shift_id,
        "shift",
        device_id=fx.device_id,
        till_number=fx.till_number,
        cashier_id=shift.cashier_id,
        business_date=fx.event.business_date,
        opened_at=shift.opened_at,
        opening_float=shift.opening_float,
    )


def shift_closed(fx: Effect) -> None:
    close = fx.event.payload
    assert isinstance(close, ShiftClosedV1)
    shift = fx.session.get(ShiftRecord, (fx.store_id, close.shift_id), with_for_update=True)
    if shift is None:
        fx.conflict(
            "unknown_shift", f"close of shift {close.shift_id}, which never opened at this store"
        )
        return
    if shift.closed_at is not None:
        fx.conflict("duplicate_document", f"shift {close.shift_id} was closed twice")
        return
    shift.closed_at = close.closed_at
    shift.closed_by = close.closed_by
    shift.z_number = close.z_number
    shift.counts = {
        "tenders": [t.model_dump(mode="json") for t in close.tenders],
        "denominations": [d.model_dump(mode="json") for d in close.denominations],
    }


def cash_moved(fx: Effect) -> None:
    cash = fx.event.payload
    assert isinstance(cash, CashMovedV1)
    _new(
        fx,
        CashMovementRecord,
        cash.movement_id,
        "cash movement",
        shift_id=cash.shift_id,
        cashier_id=cash.cashier_id,
        approved_by=cash.approved_by,
        kind=cash.kind.value,
        amount=cash.amount,
        reason=cash.reason[:200],
        business_date=fx.event.business_date,
        event_id=fx.event.id,
    )


def payment_reversed(fx: Effect) -> None:
    reversal = fx.event.payload
    assert isinstance(reversal, PaymentReversedV1)
    _new(
        fx,
        PaymentReversalRecord,
        reversal.attempt_id,
        "payment reversal",
        kind=reversal.kind.value,
        amount=reversal.amount,
        reference=reversal.reference,
        reason=reversal.reason[:200],
        sale_id=reversal.sale_id,
        business_date=fx.event.business_date,
        event_id=fx.event.id,
    )


def audit_recorded(fx: Effect) -> None:
    audit = fx.event.payload
    assert isinstance(audit, AuditRecordedV1)
    _new(
        fx,
        AuditEntryRecord,
        audit.audit_id,
        "audit entry",
        device_id=fx.device_id,
        action=audit.action[:60],
        actor_id=audit.actor_id,
        approver_id=audit.approver_id,
        subject=audit.subject[:100],
        details=audit.details,
        business_date=fx.event.business_date,
        occurred_at=fx.event.occurred_at,
        event_id=fx.event.id,
    )
