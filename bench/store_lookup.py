"""Barcode look-up and store open time with a large catalog (issue 2's targets).

    .venv/bin/python bench/store_lookup.py             # 1,000,000 SKUs (built once, cached)
    .venv/bin/python bench/store_lookup.py --skus 100000

Targets on this machine: a look-up (scan classified, product found, price in force) under
1 ms at the median, 2x weighed barcodes included; the store file opened and ready to sell
in under 1 s. "Ready to sell" = the file opened with its pragmas and migration check, the
store's settings read, the scan router configured and the first look-up answered. It is
timed in a fresh process each round (the interpreter's imports are timed separately), so no
connection or page of SQLite's own cache carries over.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cached_till_store, header, summary_ms
from sqlalchemy import text

from pos_app.store.catalog import Catalog
from pos_app.store.db import Store, open_store
from pos_app.store.replica import StoreSettings
from pos_core.demo_data import weighed_barcode
from pos_core.protocol.rows import StoreSettingsRow
from pos_core.scan import (
    ScanConfig,
    classify,
)
from pos_core.store_settings import scan_config

READY_SCRIPT = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {bench!r})
from store_lookup import ready_to_sell
from pathlib import Path
t1 = time.perf_counter()
ready_to_sell(Path({path!r}), {code!r})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def settings_of(store: Store) -> StoreSettingsRow:
    with store.read() as session:
        row = session.query(StoreSettings).first()
        if row is None:
            raise SystemExit("the store has no settings: was it seeded?")
        return StoreSettingsRow.model_validate(row.data)


def look_up(store: Store, config: ScanConfig, store_id: object, code: str) -> Decimal:
    """What the till does for one scan: classify, find the product, find its price."""
    scan = classify(code, config)
    with store.read() as session:
        catalog = Catalog(session)
        item = catalog.find(scan)
        if item is None:
            raise SystemExit(f"{code}: not found ({scan!r})")
        price = catalog.price_at(item.product_id, store_id, datetime.now(UTC))  # type: ignore[arg-type]
        if price is None:
            raise SystemExit(f"{code}: no price")
        return price.price


def ready_to_sell(path: Path, code: str) -> None:
    store = open_store(path)
    settings = settings_of(store)
    look_up(store, scan_config(settings), settings.store_id, code)
    store.close()


def sample_codes(store: Store, n: int, seed: int) -> list[tuple[str, str]]:
    """Real codes from the store: EAN-13 and UPC-A as scanned, 2x labels, product codes."""
    rng = random.Random(seed)
    with store.read() as session:
        gtins = list(
            session.scalars(text("SELECT gtin FROM barcodes ORDER BY random() LIMIT :n"), {"n": n})
        )
        weighed = list(session.scalars(text("SELECT item_ref FROM products WHERE unit = 'kg'")))
        codes = list(
            session.scalars(text("SELECT code FROM products ORDER BY random() LIMIT :n"), {"n": n})
        )
    samples: list[tuple[str, str]] = []
    for index in range(n):
        kind = index % 4
        if kind in (0, 1) and gtins:
            gtin = rng.choice(gtins)
            scanned = gtin[2:] if gtin.startswith("00") else gtin[1:]  # UPC-A or EAN-13
            samples.append(("gtin", scanned))
        elif kind == 2 and weighed:
            grams = Decimal(rng.randrange(100, 3000)) / 1000
            samples.append(("weighed 2x", weighed_barcode(rng.choice(weighed), grams)))
        elif codes:
            samples.append(("product code", rng.choice(codes)))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=20_000)
    parser.add_argument("--opens", type=int, default=15)
    args = parser.parse_args()

    path = cached_till_store(args.skus)
    header(f"store look-up and open, {args.skus:,} SKUs", path)
    store = open_store(path)
    with store.reader.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    print(f"   durability  journal_mode={mode} synchronous={sync} (2 = FULL)")
    print(f"   file size   {path.stat().st_size / 2**20:,.0f} MiB")

    settings = settings_of(store)
    config = scan_config(settings)
    samples = sample_codes(store, args.scans, seed=7)
    for _, code in samples[:200]:  # warm the OS page cache and SQLite's statement cache
        look_up(store, config, settings.store_id, code)
    timings: dict[str, list[float]] = {}
    for kind, code in samples:
        started = time.perf_counter()
        look_up(store, config, settings.store_id, code)
        timings.setdefault(kind, []).append(time.perf_counter() - started)
    store.close()
    every = [t for ts in timings.values() for t in ts]
    print(summary_ms("look-up, every kind", every))
    for kind, ts in sorted(timings.items()):
        print(summary_ms(f"look-up, {kind}", ts))

    first_code = samples[0][1]
    imports, opens = [], []
    for _ in range(args.opens):
        script = READY_SCRIPT.format(
            bench=str(Path(__file__).parent), path=str(path), code=first_code
        )
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout.split()
        imports.append(float(out[0]))
        opens.append(float(out[1]))
    print(summary_ms("open → ready to sell (fresh process)", opens))
    print(summary_ms("  (python imports before it, not counted)", imports))
    print(
        json.dumps({"skus": args.skus, "lookup_median_ms": sorted(every)[len(every) // 2] * 1000})
    )


if __name__ == "__main__":
    main()
