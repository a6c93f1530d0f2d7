"""Log-in, lock-out, approvals and cashier changeover.

- A cashier logs in with their number and PIN. Five wrong PINs in a row lock that cashier
  out for five minutes (the lock-out is audited). A locked-out cashier is refused without
  the PIN even being checked.
- `authorize` checks an action against the permissions table (`pos_core.permissions`):
  a cashier whose role may act alone goes ahead; otherwise a supervisor or manager approves
  with their own number and PIN (their wrong PINs count towards their own lock-out). The
  caller records both people in the audit log with the action.
- Changeover: the next cashier logs in on the same drawer; the shift and its cash carry
  on, and `shift_cashiers` records who worked when.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pos_app.services import audit
from pos_app.services.errors import (
    ApprovalRefused,
    BasketRefused,
    LockedOut,
    LoginFailed,
    NeedsApproval,
)
from pos_app.services.till import CashierOnDuty, StoreContext, Till
from pos_app.store.audit import CashierLockout
from pos_app.store.documents import ShiftCashier
from pos_app.store.replica import Cashier
from pos_core.ids import new_id
from pos_core.permissions import PERMISSIONS, Action, Role, may_act_alone, may_approve
from pos_core.pins import PinError, verify_pin

MAX_FAILURES: Final = 5
LOCKOUT: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class Approval:
    """A supervisor's or manager's number and PIN, typed at the till to approve an action."""

    number: str
    pin: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class LoginResult:
    cashier: CashierOnDuty
    shift_id: uuid.UUID | None  # the open shift the cashier joins, if any
    changeover_from: CashierOnDuty | None  # who handed the drawer over


@dataclass(frozen=True, slots=True)
class _PinCheck:
    cashier: CashierOnDuty | None
    locked_until: datetime | None = None


def _check_pin(till: Till, number: str, pin: str) -> tuple[_PinCheck, StoreContext]:
    """Verify a PIN and keep the lock-out count. The scrypt check runs outside any write
    transaction; only a failure (or clearing old failures) writes."""
    now = till.now()
    with till.store.read() as session:
        context = till.context(session)
        row = session.execute(
            select(Cashier).where(Cashier.number == number.strip(), Cashier.active.is_(True))
        ).scalar()
        if row is None:
            return _PinCheck(None), context
        lock = session.get(CashierLockout, row.id)
        if lock is not None and lock.locked_until is not None and lock.locked_until > now:
            return _PinCheck(None, lock.locked_until), context
        failures = 0 if lock is None else lock.failures
        cashier = CashierOnDuty(row.id, row.number, row.name, Role(row.role))
        pin_hash = row.pin_hash
    try:
        ok = verify_pin(pin, pin_hash)
    except PinError:
        ok = False
    if ok:
        if failures:
            with till.store.write() as session:
                session.execute(
                    update(CashierLockout)
                    .where(CashierLockout.cashier_id == cashier.id)
                    .values(failures=0, locked_until=None)
                )
        return _PinCheck(cashier), context
    with till.store.write() as session:
        locked_until = _count_failure(session, till, context, cashier, now)
    return _PinCheck(None, locked_until), context


def _count_failure(
    session: Session, till: Till, context: StoreContext, cashier: CashierOnDuty, now: datetime
) -> datetime | None:
    lock = session.get(CashierLockout, cashier.id)
    if lock is None:
        lock = CashierLockout(cashier_id=cashier.id, failures=0)
        session.add(lock)
    lock.failures += 1
    if lock.failures < MAX_FAILURES:
        return None
    lock.failures = 0
    lock.locked_until = now + LOCKOUT
    audit.record(
        session,
        action="cashier_locked_out",
        actor=cashier.id,
        subject=cashier.number,
        details={"failures": MAX_FAILURES, "until": lock.locked_until.isoformat()},
        now=now,
        business_date=till.business_date(session, context, now),
    )
    return lock.locked_until


def _refuse_locked(until: datetime | None, context: StoreContext) -> None:
    if until is not None:
        raise LockedOut(until, context.local_text(until))


def log_in(till: Till, number: str, pin: str) -> LoginResult:
    """Log a cashier in; on a till whose cashier is still logged in this is a changeover."""
    with till.lock:
        previous = till.state.cashier
        basket = till.state.basket
        if previous is not None and basket is not None and not basket.is_empty:
            raise BasketRefused(
                f"{previous.name} has a basket open: finish, suspend or void it before "
                "the next cashier logs in."
            )
        check, context = _check_pin(till, number, pin)
        _refuse_locked(check.locked_until, context)
        if check.cashier is None:
            raise LoginFailed()
        cashier = check.cashier
        now = till.now()
        with till.store.write() as session:
            if till.state.shift_id is not None:
                if previous is not None:
                    _close_attendance(session, till.state.shift_id, previous.id, now)
                session.add(
                    ShiftCashier(
                        id=new_id(),
                        shift_id=till.state.shift_id,
                        cashier_id=cashier.id,
                        logged_in_at=now,
                    )
                )
        till.state.cashier = cashier
        till.state.basket = None
        till.state.unresolved_attempt = None
        till.state.training = False
        return LoginResult(cashier, till.state.shift_id, previous)


def _close_attendance(
    session: Session, shift_id: uuid.UUID, cashier_id: uuid.UUID, now: datetime
) -> None:
    session.execute(
        update(ShiftCashier)
        .where(
            ShiftCashier.shift_id == shift_id,
            ShiftCashier.cashier_id == cashier_id,
            ShiftCashier.logged_out_at.is_(None),
        )
        .values(logged_out_at=now)
    )


def log_out(till: Till) -> None:
    """Log the cashier out; the shift stays open for the next one (changeover)."""
    with till.lock:
        cashier = till.cashier()
        basket = till.state.basket
        if basket is not None and not basket.is_empty:
            raise BasketRefused("Finish, suspend or void the basket before logging out.")
        if till.state.shift_id is not None:
            with till.store.write() as session:
                _close_attendance(session, till.state.shift_id, cashier.id, till.now())
        till.state.cashier = None
        till.state.basket = None
        till.state.training = False


def approver_role(action: Action) -> Role:
    """Who can approve `action` for someone who may not do it alone."""
    needed = PERMISSIONS[action]
    return needed if needed.rank >= Role.SUPERVISOR.rank else Role.SUPERVISOR


def authorize(
    till: Till, action: Action, approval: Approval | None = None, why: str = ""
) -> uuid.UUID | None:
    """None when the cashier may do `action` alone; else the approver's id once their PIN
    and role check out. Raises NeedsApproval when an approval is needed and missing."""
    cashier = till.cashier()
    if may_act_alone(cashier.role, action):
        return None
    return require_approval(till, action, approval, why)


def require_approval(
    till: Till, action: Action, approval: Approval | None, why: str = ""
) -> uuid.UUID:
    """An approver for `action`, whoever is logged in (e.g. an above-threshold change)."""
    cashier = till.cashier()
    if approval is None:
        raise NeedsApproval(action, approver_role(action), why)
    check, context = _check_pin(till, approval.number, approval.pin)
    _refuse_locked(check.locked_until, context)
    approver = check.cashier
    if approver is None:
        raise ApprovalRefused("Wrong approver number or PIN.")
    if approver.id == cashier.id:
        raise ApprovalRefused("Someone else must approve: you cannot approve your own action.")
    if not may_approve(approver.role, action):
        raise ApprovalRefused(
            f"{approver.name} is a {approver.role.value}; this needs a "
            f"{approver_role(action).value} or above."
        )
    return approver.id
