"""Opening the till's SQLite file: durability pragmas, migrations, and two kinds of session.

- Every connection runs `journal_mode=WAL`, `synchronous=FULL` (a committed sale survives
  power loss) and `foreign_keys=ON` (local documents; replica tables declare none).
- `Store.write()` begins with `BEGIN IMMEDIATE`: a writer takes the write lock up front,
  so two writers (a sale on the UI's worker, a pull page on the sync worker) queue on the
  busy timeout instead of failing half-way through a lock upgrade.
- `Store.read()` begins a deferred transaction: in WAL mode a reader never waits for a
  writer, so a scan stays fast while a long pull page is being applied.

Nothing here is built at import time; `open_store(path)` is the one way in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from pos_app.store.migrate import upgrade_to_head

BUSY_TIMEOUT_MS = 10_000

FaultHook = Callable[[str], None]
"""Called at named points of a write ("before_commit", "after_commit") by crash tests."""


class StoreError(Exception):
    """The till's database cannot be opened or used (a clear message for IT, no traceback)."""


def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Autocommit at the driver: SQLAlchemy's begin event below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _engine(path: Path, begin: str) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _pragmas)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)

    return engine


@dataclass
class Store:
    """An open till database."""

    path: Path
    writer: Engine
    reader: Engine
    fault_hook: FaultHook | None = None
    _write_sessions: sessionmaker[Session] = field(init=False)
    _read_sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self._write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.reader, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that commits on success and rolls back on any error."""
        with self._write_sessions() as session, session.begin():
            yield session
            if self.fault_hook is not None:
                session.flush()
                self.fault_hook("before_commit")
        if self.fault_hook is not None:
            self.fault_hook("after_commit")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent read-only snapshot."""
        with self._read_sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def open_store(path: Path | str, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the till database at `path`, migrated to the latest schema."""
    db_path = Path(path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the till database: {exc}") from exc
    if db_path.exists() and db_path.stat().st_size > 0:
        with db_path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{db_path} is not a SQLite database (was it overwritten?)")
    writer = _engine(db_path, "BEGIN IMMEDIATE")
    reader = _engine(db_path, "BEGIN")
    try:
        if migrate:
            with writer.connect() as conn:
                upgrade_to_head(conn)
    except Exception as exc:
        writer.dispose()
        reader.dispose()
        raise StoreError(f"cannot open the till database {db_path}: {exc}") from exc
    return Store(db_path, writer, reader)
