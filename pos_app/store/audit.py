"""The audit log, and the cashier lock-out state that log-in keeps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from pos_app.store.base import Base, JsonColumn, UtcDateTime


class AuditEntry(Base):
    """A sensitive action and who did it — and who approved it, where someone had to."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approver_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    subject: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # None in training mode


class CashierLockout(Base):
    __tablename__ = "cashier_lockouts"

    cashier_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
