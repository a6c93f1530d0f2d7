"""X and Z reports: the mid-shift read and the blind close.

- The X report hides expected cash from anyone who may not see it (`SEE_EXPECTED_CASH`),
  so it never gives away the figure a blind close hides; a manager's approval shows it, and
  is audited.
- The Z report is blind: `close_shift` takes the count by denomination first and only then
  returns expected, counted and the variance per tender. It refuses while a basket is on
  screen or a payment of the shift is unsettled, sends `shift.closed`, prints the report
  and leaves the till without a shift.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos_app.services import audit, print_queue
from pos_app.services.attempts import UNRESOLVED
from pos_app.services.auth import Approval, authorize, require_approval
from pos_app.services.errors import BasketRefused, PaymentRefused
from pos_app.services.shifts import count_float
from pos_app.services.till import StoreContext, Till
from pos_app.store import outbox
from pos_app.store.audit import AuditEntry
from pos_app.store.counters import Z_REPORT, advance
from pos_app.store.documents import Basket as BasketRow
from pos_app.store.documents import (
    CashMovement,
    PaymentAttempt,
    Sale,
    SaleTender,
    SaleVoid,
    Shift,
    ShiftCashier,
)
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.permissions import Action, may_act_alone
from pos_core.protocol.events import (
    CashMovementKind,
    DenominationCount,
    ShiftClosedV1,
    TenderCount,
    TenderKind,
    make_event,
)
from pos_core.shift_report import (
    ReportHeading,
    ShiftFigures,
    TenderCheck,
    build_x_report,
    build_z_report,
    check_tenders,
)


def _print_later(till: Till, job_id: uuid.UUID) -> None:
    def work() -> None:
        print_queue.print_job(till, job_id)

    till.devices.submit(work)


# --- figures ---------------------------------------------------------------------------------


def shift_figures(session: Session, shift: Shift) -> ShiftFigures:
    """Sum a shift's documents (training sales left out)."""
    real = (Sale.shift_id == shift.id, Sale.training.is_(False))
    count, total, discounts, tax, rounding = session.execute(
        select(
            func.count(Sale.id),
            func.coalesce(func.sum(Sale.total), 0),
            func.coalesce(func.sum(Sale.discount_total), 0),
            func.coalesce(func.sum(Sale.tax_total), 0),
            func.coalesce(func.sum(Sale.rounding), 0),
        ).where(*real)
    ).one()
    taken = {
        TenderKind(kind): Money.of(amount)
        for kind, amount in session.execute(
            select(SaleTender.kind, func.sum(SaleTender.amount))
            .join(Sale, Sale.id == SaleTender.sale_id)
            .where(*real)
            .group_by(SaleTender.kind)
        )
    }
    voids = session.execute(
        select(SaleVoid.refunds, Sale.total)
        .join(Sale, Sale.id == SaleVoid.sale_id)
        .where(SaleVoid.shift_id == shift.id, Sale.training.is_(False))
    ).all()
    paid_back: dict[TenderKind, Money] = {}
    voids_total = Money.zero()
    for refunds, sale_total in voids:
        voids_total = voids_total + Money.of(sale_total)
        for refund in refunds:
            kind = TenderKind(refund["kind"])
            if kind is TenderKind.CASH or not refund["instruction"]:
                paid_back[kind] = paid_back.get(kind, Money.zero()) + Money.of(refund["amount"])
    movements = {
        CashMovementKind(kind): Money.of(amount)
        for kind, amount in session.execute(
            select(CashMovement.kind, func.sum(CashMovement.amount))
            .where(CashMovement.shift_id == shift.id)
            .group_by(CashMovement.kind)
        )
    }
    no_sales = session.execute(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "no_sale", AuditEntry.subject == str(shift.id)
        )
    ).scalar_one()
    return ShiftFigures(
        opening_float=Money.of(shift.opening_float),
        sales_count=int(count),
        sales_total=Money.of(total),
        voids_count=len(voids),
        voids_total=voids_total,
        discount_total=Money.of(discounts),
        tax_total=Money.of(tax),
        rounding_total=Money.of(rounding),
        taken=taken,
        paid_back=paid_back,
        movements=movements,
        no_sales=int(no_sales),
    )


def _heading(context: StoreContext, shift: Shift, cashier: str, now: datetime) -> ReportHeading:
    return ReportHeading(
        store_name=context.store_name,
        till_number=context.till_number,
        shift_label=f"{shift.business_date} {context.local(shift.opened_at):%H:%M}",
        cashier=cashier,
        time_text=context.local_text(now),
    )


@dataclass(frozen=True, slots=True)
class XReport:
    figures: ShiftFigures
    expected_cash: Money | None  # None: hidden (blind close)
    job_id: uuid.UUID | None


def x_report(till: Till, *, print_it: bool = True, approval: Approval | None = None) -> XReport:
    """The mid-shift read. Expected cash shows only to a manager (or with their approval)."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        authorize(till, Action.X_REPORT)
        approver = None
        show_cash = may_act_alone(cashier.role, Action.SEE_EXPECTED_CASH)
        if not show_cash and approval is not None:
            approver = require_approval(till, Action.SEE_EXPECTED_CASH, approval)
            show_cash = True
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            shift = session.get(Shift, shift_id)
            assert shift is not None
            figures = shift_figures(session, shift)
            job_id = None
            if print_it:
                document = build_x_report(
                    new_id(), _heading(context, shift, cashier.label, now), figures, show_cash
                )
                job_id = print_queue.enqueue(session, document, now, document_id=shift_id)
            if show_cash:
                audit.record(
                    session,
                    action="see_expected_cash",
                    actor=cashier.id,
                    approver=approver,
                    subject=str(shift_id),
                    now=now,
                    business_date=shift.business_date,
                )
        if job_id is not None:
            _print_later(till, job_id)
        expected = figures.expected(TenderKind.CASH) if show_cash else None
        return XReport(figures, expected, job_id)


@dataclass(frozen=True, slots=True)
class ZReport:
    shift_id: uuid.UUID
    z_number: int
    figures: ShiftFigures
    checks: tuple[TenderCheck, ...]
    job_id: uuid.UUID

    @property
    def cash(self) -> TenderCheck:
        return next(c for c in self.checks if c.kind is TenderKind.CASH)


def close_shift(
    till: Till,
    cash_count: Sequence[DenominationCount],
    other_counts: Mapping[TenderKind, Money] | None = None,
) -> ZReport:
    """Close the shift blind: the drawer counted first, then expected vs counted is shown."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        authorize(till, Action.CLOSE_SHIFT)
        basket = till.state.basket
        if basket is not None and not basket.is_empty:
            raise BasketRefused("Finish, suspend or void the basket before closing the shift.")
        counted = count_float(cash_count)
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            busy = session.execute(
                select(BasketRow.id).where(
                    BasketRow.shift_id == shift_id,
                    BasketRow.status.in_(("tendering", "reversing", "voiding")),
                )
            ).first()
            unknown = session.execute(
                select(PaymentAttempt.id).where(
                    PaymentAttempt.shift_id == shift_id, PaymentAttempt.state.in_(UNRESOLVED)
                )
            ).first()
            if busy or unknown:
                raise PaymentRefused(
                    "A payment of this shift is not settled yet: restart recovery or retry "
                    "it before closing."
                )
            shift = session.get(Shift, shift_id)
            assert shift is not None
            figures = shift_figures(session, shift)
            checks = check_tenders(figures, counted, other_counts or {})
            z_number = advance(session, Z_REPORT)
            report = {
                "z_number": z_number,
                "tenders": [
                    {
                        "kind": c.kind.value,
                        "expected": str(c.expected),
                        "counted": str(c.counted),
                        "variance": str(c.variance),
                    }
                    for c in checks
                ],
                "denominations": [
                    {"denomination": str(c.denomination), "count": c.count} for c in cash_count
                ],
            }
            shift.status = "closed"
            shift.closed_by = cashier.id
            shift.closed_at = now
            shift.z_number = z_number
            shift.close_report = report
            event = make_event(
                ShiftClosedV1(
                    shift_id=shift_id,
                    closed_by=cashier.id,
                    closed_at=now,
                    z_number=z_number,
                    tenders=[
                        TenderCount(
                            kind=c.kind,
                            expected=c.expected.amount,
                            counted=c.counted.amount,
                            variance=c.variance.amount,
                        )
                        for c in checks
                    ],
                    denominations=list(cash_count),
                ),
                event_id=new_id(),
                occurred_at=now,
                business_date=shift.business_date,
            )
            outbox.append(session, event, now)
            session.execute(
                update(ShiftCashier)
                .where(ShiftCashier.shift_id == shift_id, ShiftCashier.logged_out_at.is_(None))
                .values(logged_out_at=now)
            )
            document = build_z_report(
                new_id(),
                _heading(context, shift, cashier.label, now),
                figures,
                z_number,
                checks,
                cash_count,
            )
            job_id = print_queue.enqueue(session, document, now, document_id=shift_id)
        till.state.shift_id = None
        till.state.basket = None
        _print_later(till, job_id)
        return ZReport(shift_id, z_number, figures, checks, job_id)
