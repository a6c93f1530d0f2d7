"""The till's sync client (httpx)."""
