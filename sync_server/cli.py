"""`omnitill-server`: the server's command line. Bad input gets one line, not a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from sync_server.settings import DB_ENV, Settings, SettingsError
from sync_server.store.migrate import upgrade_to_head


class CliError(Exception):
    """A failure to report in one line, with exit status 1."""


def _init(settings: Settings) -> str:
    url = make_url(settings.db_url)
    if settings.is_sqlite and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.db_url)
    try:
        with engine.connect() as conn:
            upgrade_to_head(conn)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CliError(
            f"cannot reach the database at {url.render_as_string(hide_password=True)}: {reason}"
        ) from None
    finally:
        engine.dispose()
    return f"database ready: {url.render_as_string(hide_password=True)}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omnitill-server", description="OmniTill's central sync server."
    )
    parser.add_argument(
        "--db", help=f"database URL (default: ${DB_ENV}, else SQLite in the data dir)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(args.db)
        if args.command == "init":
            print(_init(settings))
    except (SettingsError, CliError) as exc:
        print(f"omnitill-server: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
