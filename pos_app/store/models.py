"""Every till table, imported in one place so the metadata is complete (Alembic, tests)."""

from pos_app.store import audit, documents, queues, replica, sync
from pos_app.store.base import Base

metadata = Base.metadata

__all__ = ["audit", "documents", "metadata", "queues", "replica", "sync"]
