"""The till's local SQLite store: replica tables, local documents, outbox and queues."""
