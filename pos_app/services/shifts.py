"""Shifts and cash: open the drawer's shift with a counted float, and move cash in it.

- The shift defines the business day: its date in the store's time zone when it opens,
  kept for every sale of the shift even after midnight.
- Opening is refused while the till's clock is further from the server's than the store
  allows (the offset the sync client last measured), unless a manager approves.
- Pay-in, pay-out and safe drop each carry a reason, open the drawer, and send `cash.moved`.

The X and Z reports (and closing the shift) are `pos_app.services.reports`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pos_app.services import audit, drawer
from pos_app.services.auth import Approval, authorize, require_approval
from pos_app.services.errors import BasketRefused, ServiceError, ShiftError
from pos_app.services.till import Till
from pos_app.store import outbox
from pos_app.store.documents import (
    CashMovement,
    Shift,
    ShiftCashier,
)
from pos_app.store.sync import SyncState
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.permissions import Action, may_act_alone
from pos_core.protocol.events import (
    CashMovedV1,
    CashMovementKind,
    DenominationCount,
    ShiftOpenedV1,
    make_event,
)
from pos_core.shift_report import (
    CountError,
    counted_cash,
)


@dataclass(frozen=True, slots=True)
class ShiftOpened:
    shift_id: uuid.UUID
    business_date: date
    opening_float: Money


def count_float(counts: Sequence[DenominationCount]) -> Money:
    """The cash a count by denomination adds up to, or the cashier's error."""
    try:
        return counted_cash(counts)
    except CountError as exc:
        raise ShiftError(str(exc)) from exc


def open_shift(
    till: Till, float_count: Sequence[DenominationCount], approval: Approval | None = None
) -> ShiftOpened:
    """Open the drawer's shift with its float counted by denomination."""
    with till.lock:
        cashier = till.cashier()
        if till.state.shift_id is not None:
            raise ShiftError("A shift is already open on this till.")
        authorize(till, Action.OPEN_SHIFT)
        opening_float = count_float(float_count)
        with till.store.read() as session:
            context = till.context(session)
            state = session.get(SyncState, 1)
            offset_ms = None if state is None else state.clock_offset_ms
        limit = context.settings.max_clock_offset_seconds
        clock_approver = None
        if offset_ms is not None and abs(offset_ms) > limit * 1000:
            why = f"the till's clock is {abs(offset_ms) // 1000} s off the server's"
            clock_approver = (
                None
                if may_act_alone(cashier.role, Action.CLOCK_OVERRIDE)
                else require_approval(till, Action.CLOCK_OVERRIDE, approval, why)
            )
        now = till.now()
        shift_id = new_id()
        business_date = context.local_date(now)
        with till.store.write() as session:
            if session.execute(select(Shift.id).where(Shift.status == "open")).first():
                raise ShiftError("A shift is already open on this till.")
            session.add(
                Shift(
                    id=shift_id,
                    business_date=business_date,
                    opened_by=cashier.id,
                    opened_at=now,
                    opening_float=opening_float.amount,
                    status="open",
                    training=False,
                )
            )
            session.add(
                ShiftCashier(
                    id=new_id(), shift_id=shift_id, cashier_id=cashier.id, logged_in_at=now
                )
            )
            event = make_event(
                ShiftOpenedV1(
                    shift_id=shift_id,
                    cashier_id=cashier.id,
                    opened_at=now,
                    opening_float=opening_float.amount,
                ),
                event_id=new_id(),
                occurred_at=now,
                business_date=business_date,
            )
            outbox.append(session, event, now)
            if offset_ms is not None and abs(offset_ms) > limit * 1000:
                audit.record(
                    session,
                    action="clock_override",
                    actor=cashier.id,
                    approver=clock_approver,
                    subject=str(shift_id),
                    details={"offset_ms": offset_ms, "allowed_seconds": limit},
                    now=now,
                    business_date=business_date,
                )
        till.state.shift_id = shift_id
        return ShiftOpened(shift_id, business_date, opening_float)


@dataclass(frozen=True, slots=True)
class CashMoved:
    movement_id: uuid.UUID
    kind: CashMovementKind
    amount: Money
    drawer_opened: bool | None


_MOVEMENT_ACTION = {
    CashMovementKind.PAY_IN: Action.PAY_IN,
    CashMovementKind.PAY_OUT: Action.PAY_OUT,
    CashMovementKind.SAFE_DROP: Action.SAFE_DROP,
}


def move_cash(
    till: Till,
    kind: CashMovementKind,
    amount: Money,
    reason: str,
    approval: Approval | None = None,
) -> CashMoved:
    """A pay-in (存入), pay-out (支出) or safe drop (投库), with its reason."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        reason = reason.strip()
        if not reason:
            raise ServiceError("Give a reason for the cash movement.")
        if amount.amount <= 0:
            raise ServiceError("The amount must be more than zero.")
        basket = till.state.basket
        if basket is not None and basket.being_paid:
            raise BasketRefused("Finish the payment first.")
        approver = authorize(till, _MOVEMENT_ACTION[kind], approval)
        now = till.now()
        movement_id = new_id()
        with till.store.write() as session:
            context = till.context(session)
            business_date = till.business_date(session, context, now)
            session.add(
                CashMovement(
                    id=movement_id,
                    shift_id=shift_id,
                    kind=kind.value,
                    amount=amount.amount,
                    reason=reason[:200],
                    cashier_id=cashier.id,
                    approved_by=approver,
                    at=now,
                )
            )
            event = make_event(
                CashMovedV1(
                    movement_id=movement_id,
                    shift_id=shift_id,
                    cashier_id=cashier.id,
                    approved_by=approver,
                    kind=kind,
                    amount=amount.amount,
                    reason=reason[:200],
                ),
                event_id=new_id(),
                occurred_at=now,
                business_date=business_date,
            )
            outbox.append(session, event, now)
            if approver is not None:
                audit.record(
                    session,
                    action=kind.value,
                    actor=cashier.id,
                    approver=approver,
                    subject=str(movement_id),
                    details={"amount": amount, "reason": reason},
                    now=now,
                    business_date=business_date,
                )
            kick_id = drawer.record_kick(session, drawer.CASH_MOVEMENT, movement_id, now)
        opened: list[bool] = []
        till.devices.submit(lambda: opened.append(drawer.kick(till, kick_id, movement_id)))
        return CashMoved(movement_id, kind, amount, opened[0] if opened else None)


def pay_in(till: Till, amount: Money, reason: str, approval: Approval | None = None) -> CashMoved:
    return move_cash(till, CashMovementKind.PAY_IN, amount, reason, approval)


def pay_out(till: Till, amount: Money, reason: str, approval: Approval | None = None) -> CashMoved:
    return move_cash(till, CashMovementKind.PAY_OUT, amount, reason, approval)


def safe_drop(
    till: Till, amount: Money, reason: str, approval: Approval | None = None
) -> CashMoved:
    return move_cash(till, CashMovementKind.SAFE_DROP, amount, reason, approval)
