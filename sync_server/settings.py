"""Server settings: where the database is. Built by the CLI or a test, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DB_ENV = "OMNITILL_SERVER_DB"


class SettingsError(ValueError):
    """A setting that cannot work, said in one line."""


def default_db_url() -> str:
    data = Path(user_data_dir("omnitill-server", appauthor=False))
    return f"sqlite:///{data / 'server.db'}"


def check_db_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(
            f"{url!r} is not a database URL; use sqlite:///path/server.db or "
            "postgresql+psycopg://user@host:5432/dbname"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise SettingsError(
            f"{parsed.get_backend_name()!r} databases are not supported; use SQLite or PostgreSQL"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise SettingsError("use the psycopg driver: postgresql+psycopg://…")
    return url


@dataclass(frozen=True)
class Settings:
    db_url: str

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        return cls(db_url=check_db_url(db_url or os.environ.get(DB_ENV) or default_db_url()))

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")
