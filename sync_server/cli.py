"""`omnitill-server`: the server's command line. Bad input gets one line, not a traceback.

    omnitill-server [--db URL] init | serve | create-store | create-till | create-user
                               | revoke-till | import-outbox | demo-data | compact

The database URL comes from --db, else $OMNITILL_SERVER_DB, else a SQLite file in the
platform's data dir.
"""

from __future__ import annotations

import argparse
import json
import logging.config
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from sync_server.logs import log_config
from sync_server.services import (
    auth,
    demo,
    errors,
    health,
    housekeeping,
    outbox,
    stores,
    tills,
)
from sync_server.settings import DB_ENV, Settings, SettingsError
from sync_server.store.db import Database, open_database
from sync_server.store.migrate import is_current, upgrade_to_head


class CliError(Exception):
    """A failure to report in one line, with exit status 1."""


def _where(settings: Settings) -> str:
    return make_url(settings.db_url).render_as_string(hide_password=True)


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or ["unknown error"])[0]


def _init(settings: Settings) -> str:
    url = make_url(settings.db_url)
    if settings.is_sqlite and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.db_url)
    try:
        with engine.connect() as conn:
            upgrade_to_head(conn)
    except OperationalError as exc:
        raise CliError(
            f"cannot reach the database at {_where(settings)}: {_first_line(exc)}"
        ) from None
    finally:
        engine.dispose()
    return f"database ready: {_where(settings)}"


def _open(settings: Settings) -> Database:
    """The database, after checking that it answers."""
    db = open_database(settings.db_url, pool_size=2)
    try:
        health.check(db)
    except errors.Busy:
        db.dispose()
        try:
            with create_engine(settings.db_url).connect():
                pass
        except OperationalError as exc:
            raise CliError(
                f"cannot reach the database at {_where(settings)}: {_first_line(exc)}"
            ) from None
        raise CliError(f"the database at {_where(settings)} does not answer") from None
    return db


def _serve(settings: Settings, args: argparse.Namespace) -> str:
    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    if settings.is_sqlite and args.workers > 1:
        raise CliError(
            "SQLite serves one worker only (one writer at a time); use PostgreSQL for --workers > 1"
        )
    db = _open(settings)
    try:
        with db.engine.connect() as connection:
            current = is_current(connection)
    finally:
        db.dispose()
    if not current:
        raise CliError(
            f"the database at {_where(settings)} is not at the current schema; "
            "run `omnitill-server init` first"
        )
    import uvicorn

    os.environ[DB_ENV] = settings.db_url  # each worker builds its app from it
    uvicorn.run(
        "sync_server.main:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=log_config(args.log_level.upper()),
        access_log=False,
    )
    return "server stopped"


def _create_store(db: Database, args: argparse.Namespace) -> str:
    try:
        settings = json.loads(args.settings) if args.settings else {}
    except ValueError:
        raise CliError("--settings must be a JSON object of store settings") from None
    if not isinstance(settings, dict):
        raise CliError("--settings must be a JSON object of store settings")
    try:
        request = stores.StoreCreate(code=args.code, name=args.name, settings=settings)
    except ValueError:
        raise CliError(
            "a store code is 1-12 capital letters or digits, and a name is needed"
        ) from None
    row = stores.create_store(db, request)
    return f"store {row.code} created: {row.store_id}"


def _create_till(db: Database, args: argparse.Namespace) -> str:
    till = tills.create_till(db, store=args.store, till_number=args.number, name=args.name)
    return (
        f"till {till.store_code}-{till.till_number:02d} created ({till.device_id})\n"
        f"enrolment code: {till.enrolment_code}  "
        f"(one-time, valid until {till.expires_at:%Y-%m-%d %H:%M} UTC)"
    )


def _create_user(db: Database, args: argparse.Namespace) -> str:
    user_id, token = auth.create_user(db, name=args.name, role=auth.ApiRole(args.role))
    return f"API user {args.name} ({args.role}) created: {user_id}\ntoken (shown once): {token}"


def _revoke_till(db: Database, args: argparse.Namespace) -> str:
    tills.revoke_till(db, _uuid(args.device, "device id"))
    return f"till {args.device} revoked; its events stay, and its outbox can be imported"


def _import_outbox(db: Database, args: argparse.Namespace) -> str:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    summary = outbox.import_file(db, _uuid(args.device, "device id"), path)
    return summary.describe()


def _demo_data(db: Database, args: argparse.Namespace) -> str:
    loaded = demo.load(db, seed=args.seed, products=args.products, stores=args.stores)
    return loaded.describe()


def _compact(db: Database, args: argparse.Namespace) -> str:
    expired, removed = housekeeping.tidy(db, keep=args.keep)
    return (
        f"expired {expired['sales']} sales (older than 90 days) and {expired['orders']} pickup "
        f"orders; removed {sum(removed.values())} superseded changes from the log"
    )


def _uuid(text: str, what: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise CliError(f"{text!r} is not a {what}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omnitill-server", description="OmniTill's central sync server."
    )
    parser.add_argument(
        "--db", help=f"database URL (default: ${DB_ENV}, else SQLite in the data dir)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database")
    serve = sub.add_parser("serve", help="run the server under uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--workers", type=int, default=1, help="PostgreSQL only for more than 1")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    store = sub.add_parser("create-store", help="create a store")
    store.add_argument("code", help="1-12 capital letters or digits, e.g. S001")
    store.add_argument("name")
    store.add_argument("--settings", help="store settings as a JSON object")
    till = sub.add_parser("create-till", help="create a till; prints its one-time enrolment code")
    till.add_argument("store", help="store code or id")
    till.add_argument("--number", type=int, required=True, help="till number, 1-9999")
    till.add_argument("--name", default="")
    user = sub.add_parser("create-user", help="create an API user; prints its token once")
    user.add_argument("name")
    user.add_argument("--role", required=True, choices=[r.value for r in auth.ApiRole])
    revoke = sub.add_parser("revoke-till", help="revoke a till's token")
    revoke.add_argument("device", help="the till's device id")
    imports = sub.add_parser("import-outbox", help="import a dead till's exported events")
    imports.add_argument("file", help="JSON lines, one envelope {seq, event} per line")
    imports.add_argument("--device", required=True, help="the dead till's device id")
    demo = sub.add_parser("demo-data", help="load the demo chain into an empty server")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--products", type=int, default=500)
    demo.add_argument("--stores", type=int, default=2)
    compact = sub.add_parser("compact", help="expire old data and compact the change log")
    compact.add_argument(
        "--keep", type=int, default=100_000, help="newest changes per stream left whole"
    )
    return parser


_WITH_DB: dict[str, Callable[[Database, argparse.Namespace], str]] = {
    "create-store": _create_store,
    "create-till": _create_till,
    "create-user": _create_user,
    "revoke-till": _revoke_till,
    "import-outbox": _import_outbox,
    "demo-data": _demo_data,
    "compact": _compact,
}


def _run(args: argparse.Namespace) -> str:
    settings = Settings.from_env(args.db)
    if args.command == "init":
        return _init(settings)
    if args.command == "serve":
        return _serve(settings, args)
    db = _open(settings)
    try:
        return _WITH_DB[args.command](db, args)
    finally:
        db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if argv is None:  # run as the command (not called by a test): JSON lines on stderr
        logging.config.dictConfig(log_config("WARNING"))
    try:
        print(_run(args))
    except (SettingsError, CliError, errors.ServiceError) as exc:
        print(f"omnitill-server: {exc}", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        hint = " (run `omnitill-server init` first?)" if _missing_table(exc) else ""
        print(f"omnitill-server: database error: {_first_line(exc)}{hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _missing_table(exc: DBAPIError) -> bool:
    text: Any = str(exc.orig).lower()
    return "no such table" in text or "does not exist" in text


if __name__ == "__main__":
    sys.exit(main())
