"""Completing a sale: one transaction writes everything, then the devices run.

`write_sale` runs inside the caller's transaction (the tender that settles the basket, or
start-up recovery) and writes, all or nothing: the sale with its lines, discounts, tax and
tenders; its receipt number from the gap-free counter; the `sale.completed` event in the
outbox with its pending stock deltas; an audit entry for every price override, manual
discount and approved late void; the payment attempts marked completed; the receipt as a
print job; and, for cash, the drawer kick, recorded before it is sent.

`after_sale` then opens the drawer and prints, through the till's device runner. A failure
there leaves the job queued and never touches the sale.

Training mode: the receipt number comes from the training series, and no event, stock delta
or drawer kick is written; the receipt is marked 练习/TRAINING.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from pos_app.services import audit, drawer, print_queue
from pos_app.services.errors import BasketRefused, NotFullyTendered
from pos_app.services.till import StoreContext, Till
from pos_app.services.views import TenderView, tender_view
from pos_app.store import outbox
from pos_app.store.counters import RECEIPT, TRAINING_RECEIPT, advance
from pos_app.store.documents import Basket as BasketRow
from pos_app.store.documents import PaymentAttempt, Sale, SaleLine, SaleTender, Shift
from pos_core.basket import Basket
from pos_core.basket_totals import LineTotal, Totals
from pos_core.ids import ReceiptNumber, new_id
from pos_core.money import Money
from pos_core.printing import PrintDocument
from pos_core.protocol.events import (
    LineDiscount,
    MemberRef,
    PriceOverride,
    SaleCompletedV1,
    TaxSummary,
    Tender,
    TenderKind,
    make_event,
)
from pos_core.protocol.events import SaleLine as EventLine
from pos_core.receipts import SaleReceipt, build_sale_receipt


@dataclass(frozen=True, slots=True)
class WrittenSale:
    sale_id: uuid.UUID
    receipt_no: str
    totals: Totals
    tenders: tuple[TenderView, ...]
    training: bool
    job_id: uuid.UUID
    kick_id: uuid.UUID | None
    receipt: PrintDocument


@dataclass(frozen=True, slots=True)
class CompletedSale:
    """What the cashier sees when a sale is done."""

    sale_id: uuid.UUID
    receipt_no: str
    total_due: Money
    rounding: Money
    paid: Money
    change: Money
    tenders: tuple[TenderView, ...]
    training: bool
    printed: bool | None  # None: handed to the device thread
    drawer_opened: bool | None  # None: no cash, or handed to the device thread
    device_message: str = ""


def _event_line(lt: LineTotal) -> EventLine:
    line = lt.line
    override = None
    if line.override is not None:
        override = PriceOverride(
            original_price=line.override.original_price.amount,
            approved_by=line.override.approved_by,
        )
    return EventLine(
        line_id=line.line_id,
        product_id=line.product_id,
        code=line.code,
        name=line.name,
        category_id=line.category_id,
        quantity=line.quantity,
        unit=line.unit.value,
        unit_price=line.unit_price.amount,
        list_amount=lt.list_amount.amount,
        discounts=[
            LineDiscount(kind=d.kind, ref=d.ref, label=d.label, amount=d.amount.amount)
            for d in lt.discounts
        ],
        amount=lt.amount.amount,
        tax_code=line.tax_rate.code,
        tax_rate=line.tax_rate.rate,
        tax=lt.tax.amount,
        price_override=override,
    )


def _audit_approvals(
    session: Session,
    basket: Basket,
    totals: Totals,
    cashier_id: uuid.UUID,
    subject: str,
    now: datetime,
    business_date: date,
    with_event: bool,
) -> None:
    """Every override, manual discount and late void on the basket, with who approved it."""

    def record(action: str, approver: uuid.UUID | None, details: dict[str, object]) -> None:
        audit.record(
            session,
            action=action,
            actor=cashier_id,
            approver=approver,
            subject=subject,
            details=details,
            now=now,
            business_date=business_date,
            with_event=with_event,
        )

    for line in basket.lines:
        if line.voided is not None and line.voided.approved_by is not None:
            record(
                "void_line_late",
                line.voided.approved_by,
                {"line": line.name, "quantity": line.quantity, "amount": line.list_amount},
            )
    for lt in totals.lines:
        line = lt.line
        if line.override is not None:
            record(
                "price_override",
                line.override.approved_by,
                {
                    "line": line.name,
                    "original_price": line.override.original_price,
                    "price": line.unit_price,
                    "quantity": line.quantity,
                },
            )
        if line.discount is not None:
            record(
                "line_discount",
                line.discount.approved_by,
                {"line": line.name, "discount": line.discount.off(lt.list_amount)},
            )
    if basket.basket_discount is not None:
        record(
            "basket_discount",
            basket.basket_discount.approved_by,
            {"label": basket.basket_discount.label},
        )


def write_sale(
    session: Session,
    till: Till,
    context: StoreContext,
    basket: Basket,
    *,
    cashier_id: uuid.UUID,
    cashier_label: str,
    shift_id: uuid.UUID,
    now: datetime,
    training: bool,
) -> WrittenSale:
    """Write the completed sale and everything that goes with it, in the caller's transaction."""
    totals = basket.totals(context.tax_mode)
    if not totals.lines:
        raise BasketRefused("The basket is empty.")
    if totals.remaining:
        raise NotFullyTendered(totals.remaining)
    business_date = session.execute(
        select(Shift.business_date).where(Shift.id == shift_id)
    ).scalar()
    if business_date is None:
        raise BasketRefused("The basket's shift is not on this till.")
    number = advance(session, TRAINING_RECEIPT if training else RECEIPT)
    receipt_no = str(ReceiptNumber(context.store_code, context.till_number, number, training))
    sale_id = new_id()

    event_id: uuid.UUID | None = None
    if not training:
        payload = SaleCompletedV1(
            sale_id=sale_id,
            receipt_no=receipt_no,
            store_id=context.store_id,
            till_number=context.till_number,
            shift_id=shift_id,
            cashier_id=cashier_id,
            completed_at=now,
            lines=[_event_line(lt) for lt in totals.lines],
            subtotal=totals.subtotal.amount,
            discount_total=totals.discount_total.amount,
            taxes=[
                TaxSummary(code=r.rate.code, rate=r.rate.rate, net=r.net.amount, tax=r.tax.amount)
                for r in totals.taxes
            ],
            rounding=totals.rounding.amount,
            total=totals.total_due.amount,
            tenders=[
                Tender(
                    tender_id=t.tender_id,
                    kind=t.kind,
                    amount=t.amount.amount,
                    tendered=None if t.tendered is None else t.tendered.amount,
                    change=t.change.amount,
                    reference=t.reference,
                    attempt_id=t.attempt_id,
                )
                for t in basket.tenders
            ],
            member=None
            if basket.member is None
            else MemberRef(member_id=basket.member.member_id, card_no=basket.member.card_no),
        )
        event = make_event(payload, event_id=new_id(), occurred_at=now, business_date=business_date)
        deltas = [outbox.stock_delta(lt.line.product_id, -lt.line.quantity) for lt in totals.lines]
        outbox.append(session, event, now, deltas)
        event_id = event.id

    document = build_sale_receipt(
        SaleReceipt(
            document_id=sale_id,
            receipt_no=receipt_no,
            till_number=context.till_number,
            cashier=cashier_label,
            time_text=context.local_text(now),
            totals=totals,
            tenders=basket.tenders,
            store=context.store_lines,
            member=basket.member,
            training=training,
        )
    )
    # Core inserts, not the ORM's unit of work: a sale is written on every customer.
    receipt = document.model_dump(mode="json")
    session.execute(
        insert(Sale).values(
            id=sale_id,
            receipt_no=receipt_no,
            shift_id=shift_id,
            cashier_id=cashier_id,
            business_date=business_date,
            completed_at=now,
            status="completed",
            subtotal=totals.subtotal.amount,
            discount_total=totals.discount_total.amount,
            tax_total=totals.tax_total.amount,
            rounding=totals.rounding.amount,
            total=totals.total_due.amount,
            change_given=totals.change.amount,
            member_id=None if basket.member is None else basket.member.member_id,
            points_earned=0,
            points_redeemed=0,
            training=training,
            event_id=event_id,
            receipt=receipt,
            basket_id=basket.id,
        )
    )
    session.execute(
        insert(SaleLine),
        [
            {
                "id": lt.line.line_id,
                "sale_id": sale_id,
                "position": position,
                "product_id": lt.line.product_id,
                "code": lt.line.code,
                "name": lt.line.name,
                "category_id": lt.line.category_id,
                "quantity": lt.line.quantity,
                "unit": lt.line.unit.value,
                "unit_price": lt.line.unit_price.amount,
                "list_amount": lt.list_amount.amount,
                "discount": lt.discount.amount,
                "discounts": [
                    {"kind": d.kind.value, "label": d.label, "ref": d.ref, "amount": str(d.amount)}
                    for d in lt.discounts
                ],
                "amount": lt.amount.amount,
                "tax_code": lt.line.tax_rate.code,
                "tax_rate": lt.line.tax_rate.rate,
                "tax": lt.tax.amount,
            }
            for position, lt in enumerate(totals.lines, start=1)
        ],
    )
    session.execute(
        insert(SaleTender),
        [
            {
                "id": t.tender_id,
                "sale_id": sale_id,
                "position": position,
                "kind": t.kind.value,
                "amount": t.amount.amount,
                "tendered": None if t.tendered is None else t.tendered.amount,
                "change": t.change.amount,
                "reference": t.reference,
                "attempt_id": t.attempt_id,
                "points": None,
            }
            for position, t in enumerate(basket.tenders, start=1)
        ],
    )
    attempt_ids = [t.attempt_id for t in basket.tenders if t.attempt_id is not None]
    if attempt_ids:
        session.execute(
            update(PaymentAttempt)
            .where(PaymentAttempt.id.in_(attempt_ids))
            .values(state="completed", sale_id=sale_id, updated_at=now)
        )
    session.execute(
        update(BasketRow)
        .where(BasketRow.id == basket.id)
        .values(status="completed", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    _audit_approvals(
        session,
        basket,
        totals,
        cashier_id,
        receipt_no,
        now,
        business_date,
        with_event=not training,
    )
    job_id = print_queue.enqueue(session, document, now, document_id=sale_id, data=receipt)
    # The drawer opens when cash changed hands (not for a 0.00 cash tender that only
    # settles fen rounded away).
    has_cash = any(t.kind is TenderKind.CASH and t.tendered for t in basket.tenders)
    kick_id = None
    if has_cash and not training:
        kick_id = drawer.record_kick(session, drawer.SALE, sale_id, now)
    return WrittenSale(
        sale_id=sale_id,
        receipt_no=receipt_no,
        totals=totals,
        tenders=tuple(tender_view(t) for t in basket.tenders),
        training=training,
        job_id=job_id,
        kick_id=kick_id,
        receipt=document,
    )


def after_sale(till: Till, written: WrittenSale) -> CompletedSale:
    """Open the drawer (cash) and print the receipt, after the sale is durable: the drawer
    first (the customer waits for change), then the receipt, its job marked before any byte
    goes; how both went is recorded together afterwards."""
    outcomes: dict[str, object] = {}

    def work() -> None:
        with till.print_lock:
            if written.kick_id is not None:
                outcomes["drawer"] = drawer.open_drawer(till, written.sale_id)
            with till.store.write() as session:
                claimed = print_queue.claim(session, written.job_id, written.receipt)
            failure = None
            if isinstance(claimed, print_queue.Claim):
                failure = print_queue.send(till, claimed)
            with till.store.write() as session:
                if isinstance(claimed, print_queue.Claim):
                    outcomes["print"] = print_queue.settle(session, claimed, failure, till.now())
                if written.kick_id is not None:
                    drawer.settle(session, written.kick_id, bool(outcomes["drawer"]))

    till.devices.submit(work)
    printed: bool | None = None
    message = ""
    result = outcomes.get("print")
    if isinstance(result, print_queue.PrintOutcome):
        printed = result.printed
        message = result.message
    opened = outcomes.get("drawer")
    totals = written.totals
    return CompletedSale(
        sale_id=written.sale_id,
        receipt_no=written.receipt_no,
        total_due=totals.total_due,
        rounding=totals.rounding,
        paid=totals.paid,
        change=totals.change,
        tenders=written.tenders,
        training=written.training,
        printed=printed,
        drawer_opened=opened if isinstance(opened, bool) else None,
        device_message=message,
    )
