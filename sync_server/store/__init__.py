"""The server's tables and repositories (SQLAlchemy; PostgreSQL, or SQLite embedded)."""
