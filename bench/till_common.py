"""What the till benchmarks share: a till over a large cached catalog, ready to sell.

The catalog comes from `common.cached_till_store` (the demo chain loaded through
`apply_changes`, cached under bench/out/ by size and seed). A cached file whose schema no
longer matches the till's models (a migration changed since it was built) is rebuilt. Each
run works on a copy, so the cache never holds a sale.
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from common import OUT, cached_till_store, header
from sqlalchemy import text

from hardware.devices import RecordingDrawer, RecordingPrinter
from pos_app.services import auth, shifts
from pos_app.services.devices import DeviceRunner
from pos_app.services.till import Till, open_till
from pos_app.store.db import Store, open_store
from pos_app.store.models import metadata
from pos_app.store.replica import StoreSettings
from pos_app.store.sync import TillIdentity
from pos_core.demo_data import CASHIER_PIN, DEFAULT_SEED, weighed_barcode
from pos_core.protocol.events import DenominationCount
from pos_core.protocol.rows import StoreSettingsRow


def _drifted(path: Path) -> bool:
    store = open_store(path)
    try:
        with store.writer.connect() as conn:
            return bool(compare_metadata(MigrationContext.configure(conn), metadata))
    finally:
        store.close()


def catalog_copy(skus: int, seed: int = DEFAULT_SEED) -> Path:
    """A fresh working copy of the cached catalog database of `skus` products."""
    cached = cached_till_store(skus, seed)
    if _drifted(cached):
        print("   the cached store predates the current schema: rebuilding it")
        for stale in (cached, cached.with_suffix(".ready")):
            stale.unlink(missing_ok=True)
        cached = cached_till_store(skus, seed)
    work = OUT / f"till-bench-{skus}-{seed}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, work)
    return work


@dataclass
class Bench:
    till: Till
    store: Store
    path: Path
    printer: RecordingPrinter
    drawer: RecordingDrawer


def ready_till(skus: int, title: str, devices: DeviceRunner | None = None) -> Bench:
    """The till enrolled to the catalog's store, cashier 001 logged in, a shift open."""
    path = catalog_copy(skus)
    header(title, path)
    store = open_store(path)
    with store.write() as session:
        data = session.execute(text("SELECT data FROM store_settings")).scalar_one()
        settings = StoreSettingsRow.model_validate_json(data)
        session.add(
            TillIdentity(
                device_id=settings.store_id,
                token="bench",
                server_url="https://bench.invalid",
                store_id=settings.store_id,
                store_code=settings.code,
                store_name=settings.name,
                till_number=1,
                enrolled_at=datetime.now(UTC),
            )
        )
        products = session.execute(text("SELECT count(*) FROM products")).scalar_one()
        assert session.get(StoreSettings, settings.store_id) is not None
    with store.writer.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    print(f"   catalog     {products:,} products in the store")
    print(f"   durability  journal_mode={mode} synchronous={sync} (2 = FULL)")
    printer, drawer = RecordingPrinter(), RecordingDrawer()
    till = open_till(store, printer, drawer, devices=devices)
    auth.log_in(till, "001", CASHIER_PIN)
    shifts.open_shift(till, [DenominationCount(denomination=Decimal(100), count=5)])
    return Bench(till, store, path, printer, drawer)


def sample_scans(store: Store, n: int, seed: int = 7) -> list[str]:
    """Codes as a scanner reads them: EAN-13/UPC-A of random products, one in ten a 2x
    weight label from the scale."""
    rng = random.Random(seed)
    with store.read() as session:
        gtins = list(
            session.scalars(text("SELECT gtin FROM barcodes ORDER BY random() LIMIT :n"), {"n": n})
        )
        weighed = list(session.scalars(text("SELECT item_ref FROM products WHERE unit = 'kg'")))
    scans = []
    for index in range(n):
        if index % 10 == 9 and weighed:
            grams = Decimal(rng.randrange(100, 3000)) / 1000
            scans.append(weighed_barcode(rng.choice(weighed), grams))
        else:
            gtin = gtins[index % len(gtins)]
            scans.append(gtin[2:] if gtin.startswith("00") else gtin[1:])
    return scans
