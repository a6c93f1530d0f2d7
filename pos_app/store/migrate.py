"""Alembic for the till: the scripts live in `migrations/till/`; the till upgrades on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations" / "till"


def alembic_config(connection: Connection | None = None) -> Config:
    if not MIGRATIONS_DIR.is_dir():
        raise FileNotFoundError(f"the till's migrations are missing: {MIGRATIONS_DIR}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(connection: Connection) -> None:
    """Apply every migration the database lacks; a no-op (one query) when it is current."""
    config = alembic_config(connection)
    head = ScriptDirectory.from_config(config).get_current_head()
    if current_revision(connection) == head:
        connection.rollback()
        return
    command.upgrade(config, "head")
    connection.commit()
