"""Fixtures every test tree shares: PostgreSQL databases, the loop count, temp stores."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

# Headless Qt for every test, however pytest was started (scripts/test sets it too).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_URL = os.environ.get("OMNITILL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOCAL_LOOPS = 50


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--loops",
        type=int,
        default=None,
        help="iterations of the heavy loops (crash kills, races); CI runs their full count",
    )


@pytest.fixture(scope="session")
def loop_count(request: pytest.FixtureRequest) -> Callable[[int], int]:
    """`loop_count(full)`: how many times a heavy loop runs.

    CI (CI=true) runs the full count. Locally: --loops N or OMNITILL_LOOPS=N, else a small
    default, never more than the full count.
    """
    option = request.config.getoption("--loops")
    chosen = option if option is not None else os.environ.get("OMNITILL_LOOPS")
    in_ci = os.environ.get("CI") == "true"

    def count(full: int) -> int:
        if chosen is not None:
            return min(int(chosen), full) if not in_ci else max(int(chosen), full)
        return full if in_ci else min(LOCAL_LOOPS, full)

    return count


def _pg_admin_url() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://")


def _postgres_available() -> bool:
    state = os.environ.get("OMNITILL_POSTGRES")
    if state is not None:
        return state == "available"
    try:
        import psycopg

        psycopg.connect(_pg_admin_url(), connect_timeout=3).close()
    except Exception:
        return False
    return True


_SKIPPED_PG: list[str] = []


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and PostgreSQL is not reachable at " + PG_URL)
        _SKIPPED_PG.append(request.node.nodeid)
        pytest.skip("PostgreSQL is not reachable at " + PG_URL)
    import psycopg

    name = f"omnitill_t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_admin_url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(_pg_admin_url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A fresh server database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/server.db"
    url: str = request.getfixturevalue("pg_url")
    return url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _SKIPPED_PG:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(
            f"!!! {len(_SKIPPED_PG)} PostgreSQL tests were SKIPPED: no server at {PG_URL}",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(bar, red=True, bold=True)
