"""`omnitill`: the till's command line. Bad input gets one line, not a traceback.

omnitill demo            a till store with demo data, and sample scans through it
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from pos_app.config import TillPaths
from pos_app.store.catalog import Catalog
from pos_app.store.db import Store, StoreError, open_store
from pos_app.store.replica import StoreSettings
from pos_app.store.seed import seed_replica
from pos_core.demo_data import (
    CASHIER_PIN,
    MANAGER_NUMBER,
    MANAGER_PIN,
    SUPERVISOR_NUMBER,
    SUPERVISOR_PIN,
    DemoChain,
    DemoSizes,
    weighed_barcode,
)
from pos_core.protocol.rows import StoreSettingsRow
from pos_core.scan import InvalidScan, PaymentCode, UnknownScan, classify
from pos_core.store_settings import scan_config


def _settings(store: Store) -> StoreSettingsRow | None:
    with store.read() as session:
        row = session.query(StoreSettings).first()
        return None if row is None else StoreSettingsRow.model_validate(row.data)


def _sample_scans(chain: DemoChain) -> list[str]:
    """A few codes a cashier might scan: packaged goods, a weighed label, and bad input."""
    items = list(chain.iter_products())
    packaged = next(
        (p for p in items if p["unit"] == "pcs"),
        items[0],
    )
    weighed = next((p for p in items if p["unit"] == "kg" and p.get("item_ref")), None)
    barcodes = {b["product_id"]: b["gtin"] for b in chain.iter_barcodes()}
    scans = []
    gtin = barcodes.get(packaged["id"])
    if gtin is not None:
        scans.append(gtin[1:])  # as an EAN-13 scanner sends it
    scans.append(packaged["code"])
    if weighed is not None:
        scans.append(weighed_barcode(weighed["item_ref"], Decimal("0.756")))
    scans += ["134567890123456789", "6901234567890", "NOSUCHCODE"]
    return scans


def _demo(paths: TillPaths, skus: int, store_code: str) -> None:
    chain = DemoChain.generate(sizes=DemoSizes(products=skus))
    codes = [s.code for s in chain.stores]
    if store_code not in codes:
        raise ValueError(f"there is no demo store {store_code}; choose one of {', '.join(codes)}")
    store = open_store(paths.database)
    settings = _settings(store)
    if settings is not None and settings.code != store_code:
        store.close()
        raise ValueError(
            f"the till database {paths.database} belongs to store {settings.code}; "
            "give another --data-dir for a till of another store"
        )
    if settings is None:
        started = time.perf_counter()
        rows = seed_replica(store, chain, store_code)
        print(f"loaded {rows:,} demo rows in {time.perf_counter() - started:.1f} s")
        settings = _settings(store)
    assert settings is not None
    print(f"till store: {paths.database}")
    print(f"store {settings.code} {settings.name} ({settings.time_zone})")
    print(
        f"log-in: cashier 001 PIN {CASHIER_PIN}, supervisor {SUPERVISOR_NUMBER} PIN "
        f"{SUPERVISOR_PIN}, manager {MANAGER_NUMBER} PIN {MANAGER_PIN}"
    )
    print("sample scans through the scan router and the local catalog:")
    config = scan_config(settings)
    now = datetime.now(UTC)
    for code in _sample_scans(chain):
        scan = classify(code, config)
        with store.read() as session:
            catalog = Catalog(session)
            item = catalog.find(scan)
            price = (
                None if item is None else catalog.price_at(item.product_id, settings.store_id, now)
            )
        if item is not None and price is not None:
            unit = "/kg" if item.sold_by_weight else ""
            print(f"  {code:<20} {item.name}  ¥{price.price}{unit}")
        elif isinstance(scan, PaymentCode):
            print(f"  {'(payment code)':<20} refused outside tender: {scan!r}")
        elif isinstance(scan, InvalidScan | UnknownScan):
            print(f"  {code:<20} {scan.message}")
        else:
            print(f"  {code:<20} unknown code: not in this store's catalog")
    store.close()
    print("the till window, the server and sync arrive with their issues; see README.md")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omnitill", description="OmniTill, the till.")
    parser.add_argument("--data-dir", help="where the till keeps its database")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="a till store with demo data, and sample scans")
    demo.add_argument("--skus", type=int, default=500, help="demo catalog size (100-1,000,000)")
    demo.add_argument("--store", default="S001", help="which demo store this till is in")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        paths = TillPaths.resolve(args.data_dir)
        if args.command == "demo":
            _demo(paths, args.skus, args.store)
    except (StoreError, ValueError, OSError) as exc:
        print(f"omnitill: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
