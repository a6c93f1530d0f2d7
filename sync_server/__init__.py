"""The central sync server: FastAPI app, SQLAlchemy store, services, CLI."""
