from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from sync_server.store.migrate import upgrade_to_head
from sync_server.store.models import metadata


def test_server_migrations_apply_from_empty_and_match_the_models(server_db_url):
    engine = create_engine(server_db_url)
    try:
        with engine.connect() as conn:
            upgrade_to_head(conn)
            upgrade_to_head(conn)  # and again: a no-op
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == [], f"the models and the migrations disagree: {diff}"
    assert {"stores", "devices", "changes", "stream_counters", "alembic_version"} <= tables
