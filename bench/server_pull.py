"""Pull throughput: a new till's first pull of the whole catalog from a real
`omnitill-server serve` on PostgreSQL (target: 1,000,000 products in under 60 s).

    .venv/bin/python bench/server_pull.py                  # 1,000,000 demo products
    .venv/bin/python bench/server_pull.py --size 100000    # a quick run

The catalog is the demo chain's (`pos_core.demo_data`), loaded through the server's bulk
catalog load (timed separately, not part of the figure). The till side is a plain httpx
client that parses every page as JSON and counts its rows, so the figure is the server's
pages, over HTTP on loopback, as a till receives them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server_common import (
    DEFAULT_PG,
    ROOT,
    header,
    running_server,
    scratch_database,
    summary_ms,
)
from sqlalchemy import create_engine

from pos_core.demo_data import DemoChain, DemoSizes
from pos_core.protocol.messages import PULL_MAX_ROWS, EnrolRequest, Entity
from sync_server.services import imports, stores, tills
from sync_server.store.db import open_database
from sync_server.store.migrate import upgrade_to_head


def load(db_url: str, size: int) -> tuple[str, float]:
    """Migrate, load `size` demo products, enrol a till; returns its token and the load time."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        upgrade_to_head(conn)
    engine.dispose()
    db = open_database(db_url, pool_size=2)
    chain = DemoChain.generate(sizes=DemoSizes(products=size, members=0, coupons=0))
    started = time.perf_counter()

    def counted():
        for n, row in enumerate(chain.iter_products(), start=1):
            if n % 50_000 == 0:
                print(f"\r   loading      {n:,} products", end="", flush=True)
            yield row

    imports.load_rows(db, Entity.PRODUCT, counted())
    elapsed = time.perf_counter() - started
    print()
    store = stores.create_store(db, stores.StoreCreate(code="P01", name="拉取压测店"))
    till = tills.create_till(db, store=store.store_id, till_number=1)
    token = tills.enrol(db, EnrolRequest(code=till.enrolment_code)).token
    db.dispose()
    return token, elapsed


def pull_all(url: str, token: str, limit: int) -> tuple[float, list[float], dict[str, int], int]:
    headers = {"Authorization": f"Bearer {token}", "OmniTill-Protocol": "1"}
    latencies: list[float] = []
    counts: dict[str, int] = {}
    size = 0
    cursor = None
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=120, headers=headers) as client:
        while True:
            began = time.perf_counter()
            params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
            response = client.get("/api/v1/sync/pull", params=params)
            response.raise_for_status()
            page = json.loads(response.content)
            latencies.append(time.perf_counter() - began)
            size += len(response.content)
            for change in page["changes"]:
                counts[change["entity"]] = counts.get(change["entity"], 0) + 1
            cursor = page["cursor"]
            if not page["has_more"]:
                break
    return time.perf_counter() - started, latencies, counts, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="products (100 to 1,000,000)")
    parser.add_argument("--limit", type=int, default=PULL_MAX_ROWS, help="rows asked per page")
    parser.add_argument("--pg", default=DEFAULT_PG, help="an admin URL on the PostgreSQL server")
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    with scratch_database(args.pg) as db_url:
        header("pull throughput: a new till's first pull of the catalog", db_url)
        token, load_seconds = load(db_url, args.size)
        print(f"   loaded       {args.size:,} products in {load_seconds:.1f} s (not timed below)")
        with running_server(db_url, workers=1) as url:
            elapsed, latencies, counts, size = pull_all(url, token, args.limit)
        rows = sum(counts.values())
        print(summary_ms("page", latencies))
        print(f"   pull         {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s, "
              f"{len(latencies)} pages, {size / 1e6:,.0f} MB of JSON")  # fmt: skip
        print(f"   rows         {counts}")
        if counts.get("product") != args.size:
            print(f"   FAILED: {counts.get('product')} products pulled, {args.size} loaded")
            return 1
        verdict = "under" if elapsed < 60 else "OVER"
        print(f"   target       {args.size:,} products {verdict} 60 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
