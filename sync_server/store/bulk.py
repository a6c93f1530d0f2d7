"""Bulk inserts: COPY on PostgreSQL, executemany elsewhere — same rows, same transaction.

A push of a thousand sales writes thousands of rows (events, seq slots, sales, stock
movements, change-log entries). On PostgreSQL they go in with `COPY … FROM STDIN` on the
session's own connection, so they are part of its transaction like any insert; each
column's SQLAlchemy type still prepares the value (amounts to fen, quantities to
thousandths, times to UTC). SQLite takes a plain executemany.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import JSON, Table, insert
from sqlalchemy.orm import Session

from sync_server.store.base import Base


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _same(value: Any) -> Any:
    return value


def bulk_insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `model`'s table."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    prepare: list[Callable[[Any], Any]] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            prepare.append(_json)
        else:
            prepare.append(column_type.bind_processor(connection.dialect) or _same)
    driver = connection.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{name}"' for name in columns)
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([fix(row[name]) for fix, name in zip(prepare, columns, strict=True)])
