"""Engines and sessions for PostgreSQL and SQLite, built by `create_app` or the CLI.

Writers and readers get different transactions:
- PostgreSQL: writers run READ COMMITTED (row locks order them); readers run
  `REPEATABLE READ READ ONLY`, one consistent snapshot per pull page.
- SQLite (one worker, embedded): writers open `BEGIN IMMEDIATE`, so they queue on the
  database lock instead of failing half-way; readers open a deferred `BEGIN`, which in
  WAL mode is one snapshot. A busy timeout makes a waiting writer wait, not fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_MS: Final = 10_000
_READER: Final = "omnitill_reader"


@dataclass(frozen=True)
class Database:
    engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        reader = connection.get_execution_options().get(_READER, False)
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")


def open_database(url: str, *, pool_size: int = 10) -> Database:
    """An engine for `url` with a writer and a reader session factory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, hide_parameters=True
        )
        _sqlite_hooks(engine)
        reader_bind = engine.execution_options(**{_READER: True})
    else:
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
            pool_pre_ping=True,
            hide_parameters=True,  # errors and logs never carry phones or codes
        )
        reader_bind = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    return Database(
        engine=engine,
        writer=sessionmaker(engine, expire_on_commit=False, autoflush=False),
        reader=sessionmaker(reader_bind, expire_on_commit=False, autoflush=False),
    )
