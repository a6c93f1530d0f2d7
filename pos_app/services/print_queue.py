"""The print queue: documents wait here durably and print through the `ReceiptPrinter`.

A job is written in the same transaction as its document (the sale, the void, the Z
report), and printed after that commits. Before any byte goes to the printer the job is
marked `may_have_printed` (committed); so if the till dies, or the printer fails half-way,
the next attempt prints it marked 重印/COPY — a receipt is never silently printed twice.
Only a failure the driver knows came before any byte left (a printer unreachable, or one
reporting paper out or its cover open before the job; `HardwareError.may_have_printed` is
False) clears the mark again: nothing can have printed, so the retry is the original. A
failed job stays in the queue, failed, for `print_pending` (when the printer is back) or for
the cashier to retry or cancel; a failed print never fails or undoes the sale.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hardware.errors import HardwareError
from pos_app.services.errors import ServiceError
from pos_app.services.till import Till
from pos_app.store.queues import PrintJob
from pos_core.ids import new_id
from pos_core.printing import PrintDocument

PENDING = "pending"
PRINTED = "printed"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    job_id: uuid.UUID
    printed: bool
    as_copy: bool  # printed (or tried) marked 重印/COPY
    message: str = ""


@dataclass(frozen=True, slots=True)
class JobView:
    id: uuid.UUID
    kind: str
    status: str
    created_at: datetime
    reprint: bool
    may_have_printed: bool
    attempts: int
    last_error: str | None
    document_id: uuid.UUID | None


def enqueue(
    session: Session,
    document: PrintDocument,
    now: datetime,
    *,
    document_id: uuid.UUID | None = None,
    reprint: bool = False,
    data: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Queue `document` inside the caller's transaction; returns the job id. `data` is the
    document already dumped to JSON-ready data, when the caller has it."""
    job_id = new_id()
    session.add(
        PrintJob(
            id=job_id,
            created_at=now,
            kind=document.kind.value,
            document=document.model_dump(mode="json") if data is None else data,
            status=PENDING,
            reprint=reprint or document.reprint,
            may_have_printed=False,
            attempts=0,
            document_id=document_id,
        )
    )
    return job_id


@dataclass(frozen=True, slots=True)
class Claim:
    """A job taken for printing: marked `may_have_printed` (committed) before any byte goes."""

    job_id: uuid.UUID
    document: PrintDocument  # as it will print: marked COPY when it may have printed before
    as_copy: bool
    was_marked: bool


def claim(
    session: Session, job_id: uuid.UUID, document: PrintDocument | None = None
) -> Claim | PrintOutcome:
    """Take a job for printing, inside the caller's transaction (which must commit before the
    job is sent). A printed or cancelled job comes back as its outcome instead. `document` is
    the job's document when the caller holds it already (it is then not read back)."""
    row = session.execute(
        select(PrintJob.status, PrintJob.reprint, PrintJob.may_have_printed).where(
            PrintJob.id == job_id
        )
    ).first()
    if row is None:
        raise ServiceError("No such print job.")
    status, reprint, was_marked = row
    if status in (PRINTED, CANCELLED):
        return PrintOutcome(job_id, status == PRINTED, reprint, status)
    as_copy = reprint or was_marked
    session.execute(
        update(PrintJob)
        .where(PrintJob.id == job_id)
        .values(reprint=as_copy, may_have_printed=True, attempts=PrintJob.attempts + 1)
    )
    if document is None:
        data = session.execute(select(PrintJob.document).where(PrintJob.id == job_id)).scalar()
        document = PrintDocument.model_validate(data)
    return Claim(job_id, document.as_reprint() if as_copy else document, as_copy, was_marked)


def send(till: Till, claimed: Claim) -> Exception | None:
    """Send a claimed job to the printer; the failure, if it failed (never raised)."""
    till.mark("print.sending", claimed.document.id)
    try:
        till.printer.print_document(claimed.document)
    except Exception as exc:
        return exc
    till.mark("print.sent", claimed.document.id)
    return None


def settle(
    session: Session, claimed: Claim, failure: Exception | None, now: datetime
) -> PrintOutcome:
    """Record how a sent job went, inside the caller's transaction."""
    values: dict[str, object]
    if failure is None:
        values = {"status": PRINTED, "last_error": None, "printed_at": now}
    else:
        values = {"status": FAILED, "last_error": str(failure)[:300] or type(failure).__name__}
        if (
            isinstance(failure, HardwareError)
            and not failure.may_have_printed
            and not claimed.was_marked
        ):
            values["may_have_printed"] = False  # no byte left the till: nothing printed
    session.execute(update(PrintJob).where(PrintJob.id == claimed.job_id).values(**values))
    if failure is None:
        return PrintOutcome(claimed.job_id, True, claimed.as_copy)
    return PrintOutcome(claimed.job_id, False, claimed.as_copy, f"Not printed: {failure}")


def print_job(till: Till, job_id: uuid.UUID) -> PrintOutcome:
    """Print one queued job now (a no-op for a printed or cancelled job)."""
    with till.print_lock:
        with till.store.write() as session:
            claimed = claim(session, job_id)
        if isinstance(claimed, PrintOutcome):
            return claimed
        failure = send(till, claimed)
        with till.store.write() as session:
            return settle(session, claimed, failure, till.now())


def print_now(till: Till, job_ids: Iterable[uuid.UUID]) -> list[PrintOutcome]:
    return [print_job(till, job_id) for job_id in job_ids]


def print_pending(till: Till) -> list[PrintOutcome]:
    """Print every pending or failed job, oldest first (on start-up, when the printer is back)."""
    with till.store.read() as session:
        job_ids = list(
            session.execute(
                select(PrintJob.id)
                .where(PrintJob.status.in_((PENDING, FAILED)))
                .order_by(PrintJob.created_at, PrintJob.id)
            ).scalars()
        )
    return print_now(till, job_ids)


def cancel(till: Till, job_id: uuid.UUID) -> None:
    """Give up on a job that has not printed (the cashier reprints the document if needed)."""
    with till.print_lock, till.store.write() as session:
        job = session.get(PrintJob, job_id)
        if job is None:
            raise ServiceError("No such print job.")
        if job.status == PRINTED:
            raise ServiceError("That job has printed already; reprint the document instead.")
        job.status = CANCELLED


def jobs(till: Till, statuses: Iterable[str] = (PENDING, FAILED)) -> list[JobView]:
    """Queued jobs for the manager's printer-queue screen, oldest first."""
    with till.store.read() as session:
        rows = session.execute(
            select(PrintJob)
            .where(PrintJob.status.in_(tuple(statuses)))
            .order_by(PrintJob.created_at, PrintJob.id)
        ).scalars()
        return [
            JobView(
                id=row.id,
                kind=row.kind,
                status=row.status,
                created_at=row.created_at,
                reprint=row.reprint,
                may_have_printed=row.may_have_printed,
                attempts=row.attempts,
                last_error=row.last_error,
                document_id=row.document_id,
            )
            for row in rows
        ]
