"""Alembic environment for the till's SQLite store. The till calls it with a connection."""

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import TypeDecorator

from pos_app.store.models import metadata


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    # Migrations name storage types (sa.Integer, sa.String), not our Python column types,
    # so an old migration never depends on how today's code reads a column.
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the till's migrations through pos_app.store (open_store)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    render_item=render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
