"""The till: config, the local SQLite store, services, the sync client and the Qt UI."""
