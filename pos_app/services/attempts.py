"""Card and wallet payment attempts: the records that keep promise 2.

An attempt is committed (`started`) before its terminal is called, with the basket it pays
written beside it (`tendering`), and its outcome is committed after:
`started → approved | declined | unknown → completed (on the sale) | reversed`. The helpers
here ask a terminal about an attempt, record what it said, and reverse attempts whose basket
will not become a sale. Training attempts never reach a terminal.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_app.payments.terminal import Outcome, TerminalResult
from pos_app.services.till import Till
from pos_app.store import outbox
from pos_app.store.documents import Basket as BasketRow
from pos_app.store.documents import PaymentAttempt
from pos_core.basket import Basket
from pos_core.basket_data import basket_from_data, basket_to_data
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.protocol.events import PaymentReversedV1, TenderKind, make_event

STARTED: Final = "started"
APPROVED: Final = "approved"
DECLINED: Final = "declined"
UNKNOWN: Final = "unknown"
COMPLETED: Final = "completed"
REVERSED: Final = "reversed"
UNRESOLVED: Final = (STARTED, UNKNOWN)
TRAINING_TERMINAL: Final = "training"

_STATE: Final = {
    Outcome.APPROVED: APPROVED,
    Outcome.DECLINED: DECLINED,
    Outcome.NOT_FOUND: DECLINED,
    Outcome.UNKNOWN: UNKNOWN,
    Outcome.REVERSED: REVERSED,
}


@dataclass(frozen=True, slots=True)
class AttemptInfo:
    id: uuid.UUID
    basket_id: uuid.UUID
    kind: TenderKind
    amount: Money
    terminal: str
    state: str
    reference: str | None

    @property
    def training(self) -> bool:
        return self.terminal == TRAINING_TERMINAL


def info(row: PaymentAttempt) -> AttemptInfo:
    return AttemptInfo(
        id=row.id,
        basket_id=row.basket_id,
        kind=TenderKind(row.kind),
        amount=Money.of(row.amount),
        terminal=row.terminal,
        state=row.state,
        reference=row.reference,
    )


def of_basket(session: Session, basket_id: uuid.UUID) -> list[AttemptInfo]:
    rows = session.execute(
        select(PaymentAttempt)
        .where(PaymentAttempt.basket_id == basket_id)
        .order_by(PaymentAttempt.created_at, PaymentAttempt.id)
    ).scalars()
    return [info(row) for row in rows]


# --- the stored basket ----------------------------------------------------------------------


def save_basket(
    session: Session,
    basket: Basket,
    *,
    status: str,
    cashier_id: uuid.UUID,
    shift_id: uuid.UUID,
    now: datetime,
    training: bool,
) -> None:
    """Write (or rewrite) the basket's row: suspended, being paid, being reversed…"""
    data: dict[str, Any] = {"basket": basket_to_data(basket), "training": training}
    row = session.get(BasketRow, basket.id)
    if row is None:
        session.add(
            BasketRow(
                id=basket.id,
                shift_id=shift_id,
                cashier_id=cashier_id,
                status=status,
                label=basket.label,
                created_at=basket.created_at,
                updated_at=now,
                data=data,
            )
        )
        session.flush()
        return
    row.status = status
    row.shift_id = shift_id
    row.cashier_id = cashier_id
    row.label = basket.label
    row.updated_at = now
    row.data = data


def load_basket(row: BasketRow) -> tuple[Basket, bool]:
    """The stored basket and whether it was rung in training mode."""
    return basket_from_data(row.data["basket"]), bool(row.data.get("training", False))


# --- talking to terminals -------------------------------------------------------------------


def ask(till: Till, attempt: AttemptInfo, how: Literal["query", "reverse"]) -> TerminalResult:
    """Query or reverse an attempt at its terminal; any failure to get an answer is UNKNOWN."""
    if attempt.training:
        if how == "reverse":
            return TerminalResult(Outcome.REVERSED, attempt.reference, "Training: nothing taken.")
        if attempt.state == STARTED:
            return TerminalResult(Outcome.DECLINED, None, "Training payment not confirmed.")
        return TerminalResult(Outcome.APPROVED, attempt.reference, "Training payment.")
    try:
        terminal = till.terminal(attempt.kind)
        if how == "query":
            return terminal.query(attempt.id)
        return terminal.reverse(attempt.id)
    except Exception as exc:
        return TerminalResult(Outcome.UNKNOWN, message=f"the terminal did not answer: {exc}")


def record_outcome(
    session: Session, attempt_id: uuid.UUID, result: TerminalResult, now: datetime
) -> AttemptInfo:
    """Store what the terminal said about an attempt (a reference is kept once known)."""
    row = session.get(PaymentAttempt, attempt_id)
    if row is None:
        raise LookupError(f"payment attempt {attempt_id} is not on this till")
    if row.state in (COMPLETED, REVERSED):
        return info(row)  # settled for good: a late answer changes nothing
    row.state = _STATE[result.outcome]
    if result.reference:
        row.reference = result.reference[:100]
    row.message = result.message[:300]
    row.updated_at = now
    return info(row)


@dataclass(frozen=True, slots=True)
class Reversal:
    attempt_id: uuid.UUID
    kind: TenderKind
    amount: Money
    reference: str | None
    done: bool  # False: the terminal did not confirm; the attempt is kept to try again
    message: str


def reverse(
    till: Till,
    attempts: Sequence[AttemptInfo],
    *,
    reason: str,
    business_date: date,
) -> list[Reversal]:
    """Give back every attempt that may have charged the customer (approved, started or
    unknown). Each reversal is recorded as it is confirmed, with a `payment.reversed` event
    for money that had been taken."""
    done: list[Reversal] = []
    for attempt in attempts:
        if attempt.state in (DECLINED, REVERSED, COMPLETED):
            continue
        result = ask(till, attempt, "reverse")
        confirmed = result.outcome in (Outcome.REVERSED, Outcome.NOT_FOUND)
        now = till.now()
        if confirmed:
            with till.store.write() as session:
                row = session.get(PaymentAttempt, attempt.id)
                assert row is not None
                row.state = REVERSED if result.outcome is Outcome.REVERSED else DECLINED
                row.message = result.message[:300]
                row.updated_at = now
                reference = result.reference or attempt.reference
                if result.outcome is Outcome.REVERSED and not attempt.training:
                    event = make_event(
                        PaymentReversedV1(
                            attempt_id=attempt.id,
                            kind=attempt.kind,
                            amount=attempt.amount.amount,
                            reference=reference,
                            reason=reason,
                        ),
                        event_id=new_id(),
                        occurred_at=now,
                        business_date=business_date,
                    )
                    outbox.append(session, event, now)
        done.append(
            Reversal(
                attempt.id,
                attempt.kind,
                attempt.amount,
                result.reference or attempt.reference,
                confirmed,
                result.message,
            )
        )
    return done
