"""Start-up recovery: no customer is charged without a sale, even after a crash.

Run when the till starts (and whenever the UI wants: the basket on screen is left alone):

1. every attempt whose outcome is not known (`started`, `unknown`) is asked about at its
   terminal, and the answer recorded;
2. every basket that was being paid is settled, once all its attempts are known:
   - fully paid (the approvals cover it) → the sale completes now, receipt and all;
   - not fully paid → its card and wallet payments are reversed and the basket is parked
     (suspended, labelled 恢复 Recovered), cash handed over kept on it, so the cashier can
     resume it and take payment again, or void it;
   - being voided when the till stopped → the reversals are finished and the void recorded;
3. print jobs left pending or failed are printed (a job that may have printed: as COPY).

An attempt the terminal still cannot answer for stays `unknown` and is reported; its basket
waits for the next recovery or a `payments.retry`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pos_app.services import attempts, audit, completion, print_queue
from pos_app.services.completion import CompletedSale
from pos_app.services.print_queue import PrintOutcome
from pos_app.services.till import Till
from pos_app.store.documents import Basket as BasketRow
from pos_app.store.documents import PaymentAttempt, Shift
from pos_app.store.replica import Cashier
from pos_core.basket import Basket, TenderLine
from pos_core.ids import new_id

RECOVERED_LABEL = "恢复 Recovered"


@dataclass(frozen=True, slots=True)
class ParkedAfterCrash:
    basket_id: uuid.UUID
    reversed: tuple[attempts.Reversal, ...]


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    learnt: tuple[attempts.AttemptInfo, ...]  # attempts whose outcome was asked and recorded
    completed: tuple[CompletedSale, ...]
    parked: tuple[ParkedAfterCrash, ...]
    voided: tuple[uuid.UUID, ...]
    unresolved: tuple[attempts.AttemptInfo, ...]  # the terminal still cannot say
    printed: tuple[PrintOutcome, ...]

    @property
    def clean(self) -> bool:
        return not self.unresolved


def _learn(till: Till, skip: uuid.UUID | None) -> list[attempts.AttemptInfo]:
    with till.store.read() as session:
        rows = session.execute(
            select(PaymentAttempt)
            .where(PaymentAttempt.state.in_(attempts.UNRESOLVED))
            .order_by(PaymentAttempt.created_at, PaymentAttempt.id)
        ).scalars()
        unknown = [attempts.info(row) for row in rows if row.basket_id != skip]
    learnt = []
    for attempt in unknown:
        result = attempts.ask(till, attempt, "query")
        with till.store.write() as session:
            learnt.append(attempts.record_outcome(session, attempt.id, result, till.now()))
    return learnt


def _approved_tenders(found: list[attempts.AttemptInfo]) -> list[TenderLine]:
    return [
        TenderLine(
            tender_id=new_id(),
            kind=a.kind,
            amount=a.amount,
            reference=a.reference,
            attempt_id=a.id,
        )
        for a in found
        if a.state == attempts.APPROVED
    ]


def _cashier_label(till: Till, cashier_id: uuid.UUID) -> str:
    with till.store.read() as session:
        row = session.get(Cashier, cashier_id)
        return "—" if row is None else f"{row.name} ({row.number})"


def recover(till: Till) -> RecoveryReport:
    """Resolve every unfinished payment and basket left by a crash or a time-out."""
    with till.lock:
        skip = None if till.state.basket is None else till.state.basket.id
        learnt = _learn(till, skip)
        with till.store.read() as session:
            stored = [
                (row.id, row.status, row.cashier_id, row.shift_id, *attempts.load_basket(row))
                for row in session.execute(
                    select(BasketRow)
                    .where(BasketRow.status.in_(("tendering", "reversing", "voiding")))
                    .order_by(BasketRow.created_at, BasketRow.id)
                ).scalars()
                if row.id != skip
            ]
        completed: list[CompletedSale] = []
        parked: list[ParkedAfterCrash] = []
        voided: list[uuid.UUID] = []
        unresolved: list[attempts.AttemptInfo] = []
        for basket_id, status, cashier_id, shift_id, basket, training in stored:
            with till.store.read() as session:
                found = attempts.of_basket(session, basket_id)
                context = till.context(session)
                business_date = session.execute(
                    select(Shift.business_date).where(Shift.id == shift_id)
                ).scalar_one()
            waiting = [a for a in found if a.state in attempts.UNRESOLVED]
            if waiting:
                unresolved += waiting
                continue
            basket = basket.with_attempt_tenders(_approved_tenders(found))
            owing = basket.summary(context.tax_mode).remaining
            if status == "tendering" and not owing:
                now = till.now()
                with till.store.write() as session:
                    written = completion.write_sale(
                        session,
                        till,
                        context,
                        basket,
                        cashier_id=cashier_id,
                        cashier_label=_cashier_label(till, cashier_id),
                        shift_id=shift_id,
                        now=now,
                        training=training,
                    )
                completed.append(completion.after_sale(till, written))
                continue
            final = "voided" if status == "voiding" else "suspended"
            done = _reverse_and_settle(
                till, basket, found, cashier_id, shift_id, training, business_date, final
            )
            if done is None:
                unresolved += [a for a in found if a.state == attempts.APPROVED]
            elif final == "voided":
                voided.append(basket_id)
            else:
                parked.append(ParkedAfterCrash(basket_id, done))
        printed = print_queue.print_pending(till)
        return RecoveryReport(
            learnt=tuple(learnt),
            completed=tuple(completed),
            parked=tuple(parked),
            voided=tuple(voided),
            unresolved=tuple(unresolved),
            printed=tuple(printed),
        )


def _reverse_and_settle(
    till: Till,
    basket: Basket,
    found: list[attempts.AttemptInfo],
    cashier_id: uuid.UUID,
    shift_id: uuid.UUID,
    training: bool,
    business_date: date,
    final: str,
) -> tuple[attempts.Reversal, ...] | None:
    """Reverse the basket's approved payments, then park it (or finish its void). None when
    a reversal is not confirmed yet: the basket waits for the next recovery."""
    if final == "suspended":
        with till.store.write() as session:
            attempts.save_basket(
                session,
                basket,
                status="reversing",
                cashier_id=cashier_id,
                shift_id=shift_id,
                now=till.now(),
                training=training,
            )
    reason = "basket voided" if final == "voided" else "till restarted before the sale completed"
    reversals = attempts.reverse(till, found, reason=reason, business_date=business_date)
    if any(not r.done for r in reversals):
        return None
    now = till.now()
    kept = basket.without_attempt_tenders()
    if final == "suspended":
        kept = kept.with_label(RECOVERED_LABEL)
    with till.store.write() as session:
        attempts.save_basket(
            session,
            kept,
            status=final,
            cashier_id=cashier_id,
            shift_id=shift_id,
            now=now,
            training=training,
        )
        if final == "voided":
            audit.record(
                session,
                action="void_basket",
                actor=cashier_id,
                subject=str(basket.id),
                details={"reason": "finished after a restart", "reversed": len(reversals)},
                now=now,
                business_date=business_date,
                with_event=not training,
            )
    return tuple(reversals)
