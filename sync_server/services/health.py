"""Whether the database answers (the load balancer's health check)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync_server.services import tx
from sync_server.services.errors import Busy
from sync_server.store.db import Database


def check(db: Database) -> str:
    """The database's name if it answers a query; Busy (503) if not."""
    try:
        tx.read(db, lambda session: session.execute(text("SELECT 1")).scalar_one())
    except DBAPIError:
        raise Busy("the database does not answer") from None
    return db.engine.dialect.name
