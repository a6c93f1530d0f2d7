"""Void after tender (整单作废): a supervisor-approved full reversal of a sale of this shift.

Every tender goes back the way it came: cash from the drawer (the drawer opens), card and
wallet payments reversed at their terminal. A payment the terminal cannot reverse now (the
gateway unreachable, a standalone terminal) becomes a recorded refund instruction for head
office, named in the `sale.voided` event. The stock comes back (pending deltas), a void
slip prints, and the audit log names the cashier and the approver.

The reversals are asked for before the void is written; if the till stops in between, the
sale still stands and the reversal is already done at the gateway: voiding it again asks
again (reversing is safe to repeat) and records the void.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from pos_app.payments.terminal import Outcome
from pos_app.services import attempts, audit, drawer, print_queue
from pos_app.services.auth import Approval, authorize
from pos_app.services.errors import SaleNotFound, ServiceError, VoidRefused
from pos_app.services.till import Till
from pos_app.store import outbox
from pos_app.store.documents import PaymentAttempt, Sale, SaleVoid
from pos_app.store.replica import Cashier
from pos_core.ids import ReceiptNumber, ReceiptNumberError, new_id
from pos_core.money import Money
from pos_core.permissions import Action
from pos_core.protocol.events import Refund, SaleVoidedV1, TenderKind, make_event
from pos_core.receipts import VoidReceipt, VoidRefund, build_void_receipt


@dataclass(frozen=True, slots=True)
class SaleVoided:
    void_id: uuid.UUID
    sale_id: uuid.UUID
    receipt_no: str
    refunds: tuple[VoidRefund, ...]
    cash_back: Money  # hand this back from the drawer
    drawer_opened: bool | None
    printed: bool | None


def normalise_receipt_no(text: str) -> str:
    try:
        return str(ReceiptNumber.parse(text))
    except ReceiptNumberError as exc:
        raise SaleNotFound(str(exc)) from exc


def void_sale(
    till: Till, receipt_no: str, reason: str, approval: Approval | None = None
) -> SaleVoided:
    """Reverse a whole paid sale of this shift, refunding each tender the way it was paid."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        reason = reason.strip()
        if not reason:
            raise ServiceError("Say why the sale is voided.")
        number = normalise_receipt_no(receipt_no)
        with till.store.read() as session:
            sale = session.execute(select(Sale).where(Sale.receipt_no == number)).scalar()
            if sale is None:
                raise SaleNotFound(f"No sale {number} on this till.")
            if sale.shift_id != shift_id:
                raise VoidRefused(
                    f"{number} is from another shift: only this shift's sales can be voided. "
                    "Take it back as a return."
                )
            if sale.status != "completed":
                raise VoidRefused(f"{number} is already voided.")
            sale_id, training, total = sale.id, sale.training, Money.of(sale.total)
            tenders = [
                (t.id, TenderKind(t.kind), Money.of(t.amount), t.reference, t.attempt_id)
                for t in sale.tenders
            ]
            lines = [(line.product_id, line.quantity) for line in sale.lines]
            attempt_rows = {
                row.id: attempts.info(row)
                for row in session.execute(
                    select(PaymentAttempt).where(PaymentAttempt.sale_id == sale_id)
                ).scalars()
            }
        approver = authorize(till, Action.VOID_AFTER_TENDER, approval)
        refunds: list[VoidRefund] = []
        event_refunds: list[Refund] = []
        reversed_ids: list[uuid.UUID] = []
        for tender_id, kind, amount, reference, attempt_id in tenders:
            instruction = False
            if attempt_id is not None:
                result = attempts.ask(till, attempt_rows[attempt_id], "reverse")
                if result.outcome is Outcome.REVERSED:
                    reversed_ids.append(attempt_id)
                else:
                    instruction = True
            refunds.append(VoidRefund(kind, amount, reference, instruction))
            event_refunds.append(
                Refund(
                    tender_id=tender_id,
                    kind=kind,
                    amount=amount.amount,
                    original_reference=reference,
                    instruction=instruction,
                )
            )
        cash_back = sum((r.amount for r in refunds if r.kind is TenderKind.CASH), Money.zero())
        now = till.now()
        void_id = new_id()
        approved_by = approver or cashier.id
        with till.store.write() as session:
            context = till.context(session)
            sale_row = session.get(Sale, sale_id)
            assert sale_row is not None
            if sale_row.status != "completed":
                raise VoidRefused(f"{number} is already voided.")
            event_id = None
            if not training:
                event = make_event(
                    SaleVoidedV1(
                        void_id=void_id,
                        sale_id=sale_id,
                        receipt_no=number,
                        shift_id=shift_id,
                        cashier_id=cashier.id,
                        approved_by=approved_by,
                        reason=reason[:200],
                        refunds=event_refunds,
                    ),
                    event_id=new_id(),
                    occurred_at=now,
                    business_date=sale_row.business_date,
                )
                deltas = [outbox.stock_delta(product, quantity) for product, quantity in lines]
                outbox.append(session, event, now, deltas)
                event_id = event.id
            sale_row.status = "voided"
            session.add(
                SaleVoid(
                    id=void_id,
                    sale_id=sale_id,
                    shift_id=shift_id,
                    cashier_id=cashier.id,
                    approved_by=approved_by,
                    reason=reason[:200],
                    at=now,
                    refunds=[
                        {
                            "kind": r.kind.value,
                            "amount": str(r.amount),
                            "reference": r.reference,
                            "instruction": r.instruction,
                        }
                        for r in refunds
                    ],
                    event_id=event_id,
                )
            )
            for attempt_id in reversed_ids:
                row = session.get(PaymentAttempt, attempt_id)
                assert row is not None
                row.state = attempts.REVERSED
                row.updated_at = now
            audit.record(
                session,
                action="void_after_tender",
                actor=cashier.id,
                approver=approver,
                subject=number,
                details={"reason": reason, "total": total},
                now=now,
                business_date=sale_row.business_date,
                with_event=not training,
            )
            approver_row = None if approver is None else session.get(Cashier, approver)
            document = build_void_receipt(
                VoidReceipt(
                    document_id=void_id,
                    receipt_no=number,
                    till_number=context.till_number,
                    cashier=cashier.label,
                    approver=cashier.label
                    if approver_row is None
                    else f"{approver_row.name} ({approver_row.number})",
                    time_text=context.local_text(now),
                    reason=reason,
                    total=total,
                    refunds=tuple(refunds),
                    store=context.store_lines,
                    training=training,
                )
            )
            job_id = print_queue.enqueue(session, document, now, document_id=void_id)
            kick_id = None
            if cash_back and not training:
                kick_id = drawer.record_kick(session, drawer.VOID, void_id, now)
        outcomes: dict[str, bool] = {}

        def work() -> None:
            if kick_id is not None:
                outcomes["drawer"] = drawer.kick(till, kick_id, void_id)
            outcomes["printed"] = print_queue.print_job(till, job_id).printed

        till.devices.submit(work)
        return SaleVoided(
            void_id,
            sale_id,
            number,
            tuple(refunds),
            cash_back,
            outcomes.get("drawer"),
            outcomes.get("printed"),
        )
