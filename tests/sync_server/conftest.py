"""Shared parts for the server's tests: a migrated database, the app, and a small chain.

`server_db_url` (tests/conftest.py) gives a fresh database, once on SQLite and once on
PostgreSQL. `db_url` migrates it: SQLite by copying a template file migrated once per
session, PostgreSQL by cloning a template database migrated once per session — both are
the real Alembic migrations, run once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine

from pos_core.ids import new_id
from pos_core.protocol.events import (
    CouponDecision,
    CouponUse,
    Event,
    MemberRef,
    SaleCompletedV1,
    SaleLine,
    TaxSummary,
    Tender,
    TenderKind,
    make_event,
)
from pos_core.protocol.messages import PROTOCOL_HEADER
from sync_server.main import create_app
from sync_server.services import auth, catalog, stores, tills
from sync_server.services.auth import ApiRole
from sync_server.settings import Settings
from sync_server.store.db import Database, open_database
from sync_server.store.migrate import upgrade_to_head

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 under its TestClient; httpx 0.28 is what we pin.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.now(UTC).date()


def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            upgrade_to_head(conn)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "server.db"
    _migrate(f"sqlite:///{path}")
    return path


_PG_TEMPLATE: dict[str, str] = {}


def _pg_template(pg_url: str) -> str:
    """A migrated template database on the PostgreSQL server, made once per session."""
    if "name" not in _PG_TEMPLATE:
        import psycopg

        name = f"omnitill_tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = pg_url.rpartition("/")[0].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(f"{admin}/test", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        _migrate(f"{pg_url.rpartition('/')[0]}/{name}")
        _PG_TEMPLATE["name"] = name
        _PG_TEMPLATE["admin"] = f"{admin}/test"
    return _PG_TEMPLATE["name"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    if "name" in _PG_TEMPLATE:
        import psycopg

        with psycopg.connect(_PG_TEMPLATE["admin"], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_PG_TEMPLATE["name"]}" WITH (FORCE)')


def _from_template(pg_url: str) -> str:
    """Replace the fresh database at `pg_url` by a clone of the migrated template."""
    import psycopg

    template = _pg_template(pg_url)
    name = pg_url.rpartition("/")[2]
    admin = pg_url.rpartition("/")[0].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{admin}/test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return pg_url


@pytest.fixture
def db_url(server_db_url: str, sqlite_template: Path) -> str:
    """A fresh, migrated server database (SQLite file, or PostgreSQL database)."""
    if server_db_url.startswith("sqlite"):
        target = Path(server_db_url.removeprefix("sqlite:///"))
        shutil.copy(sqlite_template, target)
        return server_db_url
    return _from_template(server_db_url)


@pytest.fixture
def pg_db_url(pg_url: str) -> str:
    """A fresh, migrated PostgreSQL database, for what only PostgreSQL can show."""
    return _from_template(pg_url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings.from_env(db_url))) as test_client:
        yield test_client


# --- a small chain ------------------------------------------------------------------------


@dataclass
class Till:
    device_id: uuid.UUID
    store_id: uuid.UUID
    store_code: str
    till_number: int
    token: str
    seq: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", PROTOCOL_HEADER: "1"}

    def envelopes(self, *events: Event | dict[str, Any]) -> list[dict[str, Any]]:
        """Number events as this till's next seqs."""
        out = []
        for event in events:
            self.seq += 1
            body = event.to_dict() if isinstance(event, Event) else event
            out.append({"seq": self.seq, "event": body})
        return out

    def push_body(self, envelopes: list[dict[str, Any]]) -> dict[str, Any]:
        return {"device_id": str(self.device_id), "events": envelopes}


@dataclass
class Chain:
    """Two stores (S1, S2) with a till each, an admin, and a few products with stock."""

    db: Database
    admin_token: str
    stores: dict[str, uuid.UUID] = field(default_factory=dict)
    tills: dict[str, Till] = field(default_factory=dict)
    products: list[uuid.UUID] = field(default_factory=list)

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def add_store(self, code: str, **settings: Any) -> uuid.UUID:
        row = stores.create_store(
            self.db, stores.StoreCreate(code=code, name=f"门店 {code}", settings=settings)
        )
        self.stores[code] = row.store_id
        return row.store_id

    def add_till(self, store_code: str, till_number: int = 1, name: str = "") -> Till:
        from pos_core.protocol.messages import EnrolRequest

        created = tills.create_till(self.db, store=store_code, till_number=till_number)
        enrolled = tills.enrol(self.db, EnrolRequest(code=created.enrolment_code, device_name=name))
        till = Till(
            enrolled.device_id, enrolled.store.store_id, store_code, till_number, enrolled.token
        )
        self.tills[name or f"{store_code}-{till_number}"] = till
        return till

    def add_product(self, code: str, name: str = "可口可乐 330ml") -> uuid.UUID:
        row = catalog.create_product(
            self.db, catalog.ProductIn(code=code, name=name, tax_code="VAT13")
        )
        self.products.append(row.id)
        return row.id


def build_chain(db: Database) -> Chain:
    _, token = auth.create_user(db, name="admin", role=ApiRole.ADMIN)
    world = Chain(db=db, admin_token=token)
    world.add_store("S1")
    world.add_store("S2")
    world.add_till("S1", 1)
    world.add_till("S2", 1)
    for i in range(3):
        world.add_product(f"P{i}")
    return world


@pytest.fixture
def chain(db: Database) -> Chain:
    return build_chain(db)


@pytest.fixture
def pg_db(pg_db_url: str) -> Iterator[Database]:
    database = open_database(pg_db_url)
    yield database
    database.dispose()


@pytest.fixture
def pg_chain(pg_db: Database) -> Chain:
    """The small chain on PostgreSQL only."""
    return build_chain(pg_db)


# --- events -------------------------------------------------------------------------------


def sale_event(
    till: Till,
    lines: list[tuple[uuid.UUID, str]] | None = None,
    *,
    products: list[uuid.UUID] | None = None,
    member: tuple[uuid.UUID, str] | None = None,
    points_earned: int = 0,
    points_redeemed: int = 0,
    coupons: list[tuple[uuid.UUID, CouponDecision, uuid.UUID | None]] | None = None,
    store_id: uuid.UUID | None = None,
    receipt: str | None = None,
    business_date: date | None = None,
    event_id: uuid.UUID | None = None,
) -> Event:
    """A completed sale: one line per (product, quantity), 2.00 a unit, paid cash."""
    if lines is None:
        lines = [(p, "1") for p in (products or [])]
    sale_lines = []
    for product_id, quantity in lines:
        amount = (Decimal("2.00") * Decimal(quantity)).quantize(Decimal("0.01"))
        sale_lines.append(
            SaleLine(
                line_id=new_id(),
                product_id=product_id,
                code="1000001",
                name="可口可乐 330ml",
                quantity=Decimal(quantity),
                unit_price=Decimal("2.00"),
                list_amount=amount,
                amount=amount,
                tax_code="VAT13",
                tax_rate=Decimal("0.13"),
                tax=(amount * Decimal("0.13") / Decimal("1.13")).quantize(Decimal("0.01")),
            )
        )
    total = sum((line.amount for line in sale_lines), Decimal("0.00"))
    number = receipt or f"{till.store_code}-{till.till_number:02d}-{new_id().int % 10**6:06d}"
    payload = SaleCompletedV1(
        sale_id=new_id(),
        receipt_no=number,
        store_id=store_id or till.store_id,
        till_number=till.till_number,
        shift_id=new_id(),
        cashier_id=new_id(),
        completed_at=datetime.now(UTC),
        lines=sale_lines,
        subtotal=total,
        discount_total=Decimal("0.00"),
        taxes=[
            TaxSummary(
                code="VAT13",
                rate=Decimal("0.13"),
                net=total - sum((line.tax for line in sale_lines), Decimal("0.00")),
                tax=sum((line.tax for line in sale_lines), Decimal("0.00")),
            )
        ],
        rounding=Decimal("0.00"),
        total=total,
        tenders=[Tender(tender_id=new_id(), kind=TenderKind.CASH, amount=total)],
        member=MemberRef(member_id=member[0], card_no=member[1]) if member else None,
        points_earned=points_earned,
        points_redeemed=points_redeemed,
        coupons=[
            CouponUse(coupon_id=c, decision=d, reservation_id=r, amount=Decimal("1.00"))
            for c, d, r in (coupons or [])
        ],
    )
    return make_event(
        payload,
        event_id=event_id or new_id(),
        occurred_at=datetime.now(UTC),
        business_date=business_date or TODAY,
    )


@pytest.fixture
def make_sale() -> Callable[..., Event]:
    return sale_event


# --- a real server on a loopback port -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command() -> list[str]:
    return [sys.executable, "-m", "sync_server.cli"]


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(db_url: str, tmp_path: Path, *, workers: int = 1) -> RunningServer:
    """`omnitill-server serve` on a free loopback port, once /health answers."""
    port = free_port()
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [*server_command(), "--db", db_url, "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log_path.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return RunningServer(url, process, log_path)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not answer /health: {log_path.read_text()}")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def stock_for() -> Callable[[Database, uuid.UUID, uuid.UUID], Decimal]:
    """The on-hand quantity of a product at a store (0 without a level)."""
    from sync_server.services import tx
    from sync_server.store.stock import StockLevel

    def level(db: Database, store_id: uuid.UUID, product_id: uuid.UUID) -> Decimal:
        found = tx.read(db, lambda s: s.get(StockLevel, (store_id, product_id)))
        return found.quantity if found is not None else Decimal("0.000")

    return level


ONE_DAY = timedelta(days=1)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start real `omnitill-server serve` processes; all are stopped after the test."""
    started: list[RunningServer] = []

    def start(db_url: str, *, workers: int = 1) -> RunningServer:
        server = start_server(db_url, tmp_path, workers=workers)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)
