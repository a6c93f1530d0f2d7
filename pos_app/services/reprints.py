"""Reprint any receipt of the shift (重印): the stored receipt, marked COPY, and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from pos_app.services import audit, print_queue
from pos_app.services.auth import authorize
from pos_app.services.errors import SaleNotFound
from pos_app.services.till import Till
from pos_app.services.voids import normalise_receipt_no
from pos_app.store.documents import Sale
from pos_core.permissions import Action
from pos_core.printing import PrintDocument


@dataclass(frozen=True, slots=True)
class Reprinted:
    receipt_no: str
    job_id: uuid.UUID
    printed: bool | None  # None: handed to the device thread


def reprint(till: Till, receipt_no: str) -> Reprinted:
    """Print a copy of a receipt of the open shift, marked 重印/COPY."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        authorize(till, Action.REPRINT)
        number = normalise_receipt_no(receipt_no)
        now = till.now()
        with till.store.write() as session:
            sale = session.execute(select(Sale).where(Sale.receipt_no == number)).scalar()
            if sale is None or sale.shift_id != shift_id:
                raise SaleNotFound(f"No receipt {number} in this shift: only its receipts reprint.")
            document = PrintDocument.model_validate(sale.receipt).as_reprint()
            job_id = print_queue.enqueue(session, document, now, document_id=sale.id, reprint=True)
            audit.record(
                session,
                action="reprint",
                actor=cashier.id,
                subject=number,
                now=now,
                business_date=sale.business_date,
                with_event=not sale.training,
            )
        printed: list[bool] = []
        till.devices.submit(lambda: printed.append(print_queue.print_job(till, job_id).printed))
        return Reprinted(number, job_id, printed[0] if printed else None)
