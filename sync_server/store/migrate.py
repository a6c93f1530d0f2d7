"""Alembic for the server: the scripts live in `migrations/server/`, for PostgreSQL and SQLite."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations" / "server"


def alembic_config(connection: Connection | None = None) -> Config:
    if not MIGRATIONS_DIR.is_dir():
        raise FileNotFoundError(f"the server's migrations are missing: {MIGRATIONS_DIR}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
    connection.commit()


def is_current(connection: Connection) -> bool:
    """Whether the database is migrated to the head revision (the server refuses otherwise)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return set(MigrationContext.configure(connection).get_current_heads()) == set(heads)
