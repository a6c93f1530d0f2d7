import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from pos_app.store.db import StoreError, open_store
from pos_app.store.documents import Sale, Shift
from pos_app.store.migrate import current_revision, head_revision
from pos_app.store.models import metadata
from pos_app.store.replica import Barcode, Price, StockLevel

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "till.db")
    yield opened
    opened.close()


def test_every_migration_applies_from_empty_and_matches_the_models(store):
    with store.writer.connect() as conn:
        assert current_revision(conn) == head_revision()
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"the models and the migrations disagree: {diff}"


def test_durability_pragmas_on_every_connection(store):
    for engine in (store.writer, store.reader):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reopening_is_a_no_op(tmp_path):
    open_store(tmp_path / "till.db").close()
    again = open_store(tmp_path / "till.db")
    with again.reader.connect() as conn:
        assert current_revision(conn) == head_revision()
    again.close()


def test_money_and_quantities_are_exact_and_times_aware(store):
    product = uuid.uuid4()
    shanghai = timezone(timedelta(hours=8))
    with store.write() as s:
        s.add(
            Price(
                id=uuid.uuid4(),
                product_id=product,
                price=Decimal("12.34"),
                effective_from=datetime(2026, 1, 1, 0, 0, tzinfo=shanghai),
            )
        )
        s.add(StockLevel(product_id=product, quantity=Decimal("1.235")))
    with store.read() as s:
        price = s.scalars(select(Price)).one()
        assert price.price == Decimal("12.34")
        assert price.effective_from == datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
        assert s.get(StockLevel, product).quantity == Decimal("1.235")
    with store.reader.connect() as conn:  # stored as integer fen / thousandths
        assert conn.execute(text("SELECT price FROM prices")).scalar() == 1234
        assert conn.execute(text("SELECT quantity FROM stock_levels")).scalar() == 1235


def test_amounts_finer_than_a_cent_never_reach_the_disk(store):
    with pytest.raises(Exception, match="more than 2 decimals"), store.write() as s:
        s.add(
            Price(
                id=uuid.uuid4(),
                product_id=uuid.uuid4(),
                price=Decimal("1.005"),
                effective_from=NOW,
            )
        )
    with store.read() as s:
        assert s.scalars(select(Price)).all() == []


def test_local_documents_enforce_foreign_keys_replica_does_not(store):
    with store.write() as s:  # a barcode may arrive before its product
        s.add(Barcode(gtin="06901234567892", product_id=uuid.uuid4()))
    with pytest.raises(IntegrityError), store.write() as s:
        s.add(
            Sale(
                id=uuid.uuid4(),
                receipt_no="S001-01-000001",
                shift_id=uuid.uuid4(),  # no such shift
                cashier_id=uuid.uuid4(),
                business_date=date(2026, 11, 22),
                completed_at=NOW,
                status="completed",
                subtotal=Decimal(0),
                discount_total=Decimal(0),
                tax_total=Decimal(0),
                rounding=Decimal(0),
                total=Decimal(0),
                change_given=Decimal(0),
                receipt={},
            )
        )


def test_a_failed_write_leaves_nothing(store):
    shift_id = uuid.uuid4()
    with pytest.raises(RuntimeError), store.write() as s:
        s.add(
            Shift(
                id=shift_id,
                business_date=date(2026, 11, 22),
                opened_by=uuid.uuid4(),
                opened_at=NOW,
                opening_float=Decimal("200.00"),
                status="open",
            )
        )
        s.flush()
        raise RuntimeError("the cashier's action failed half-way")
    with store.read() as s:
        assert s.get(Shift, shift_id) is None


def test_naive_times_are_refused(store):
    with pytest.raises(Exception, match="no time zone"), store.write() as s:
        s.add(
            Price(
                id=uuid.uuid4(),
                product_id=uuid.uuid4(),
                price=Decimal(1),
                effective_from=datetime(2026, 1, 1),  # noqa: DTZ001 - naive on purpose
            )
        )


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path):
    bad = tmp_path / "till.db"
    bad.write_text("these are somebody's notes, not a database")
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(bad)


def test_a_database_from_somewhere_else_gets_a_clear_error(tmp_path):
    other = tmp_path / "till.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.execute("INSERT INTO alembic_version VALUES ('not-ours')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="cannot open the till database"):
        open_store(other)
