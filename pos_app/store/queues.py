"""Work the till does after a sale is durable: print jobs and drawer kicks.

A print job is written in the sale's transaction, then printed outside it; a job whose
bytes may have reached the printer is never printed again unmarked (a retry says COPY).
A drawer kick is recorded before the kick is sent, so a kick can always be traced to the
sale, cash refund or audited no-sale that allowed it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pos_app.store.base import Base, JsonColumn, UtcDateTime


class PrintJob(Base):
    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_status", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(24))  # receipt | return | report | pickup_slip
    document: Mapped[dict[str, Any]] = mapped_column(JsonColumn)  # structured, not bytes
    status: Mapped[str] = mapped_column(String(16))  # pending | printed | failed | cancelled
    reprint: Mapped[bool] = mapped_column(default=False)  # print marked 重印/COPY
    may_have_printed: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)  # sale, return…


class DrawerKick(Base):
    __tablename__ = "drawer_kicks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    # sale | cash_refund | no_sale | void | cash_movement
    reason: Mapped[str] = mapped_column(String(16))
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))  # requested | sent | failed
