"""Push throughput: 5-line sales pushed by several tills at once through a real
`omnitill-server serve` on PostgreSQL, beside the raw insert rate of the same rows.

    .venv/bin/python bench/server_push.py                 # 20,000 sales, 4 tills, 2 workers
    .venv/bin/python bench/server_push.py --count 2000    # a quick run

The raw figure writes what the server writes for each sale — the event, its seq slot,
the sale, five stock movements, the stock levels and the change-log rows — straight
into the same tables with psycopg, one transaction per batch, from as many connections as
there are tills: the ceiling for the same durability settings.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg

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

from pos_core.ids import new_id
from pos_core.protocol.events import (
    SaleCompletedV1,
    SaleLine,
    TaxSummary,
    Tender,
    TenderKind,
    make_event,
)
from pos_core.protocol.messages import EnrolRequest, Entity
from sync_server.services import imports, stores, tills
from sync_server.store.db import open_database
from sync_server.store.migrate import upgrade_to_head

LINES = 5


def a_sale(store_id, code, till_number, products, rng, counter):
    lines = []
    for product in rng.sample(products, LINES):
        quantity = Decimal(rng.randint(1, 3))
        amount = Decimal("3.50") * quantity
        lines.append(
            SaleLine(
                line_id=new_id(), product_id=product, code="1000001", name="农夫山泉 550ml",
                quantity=quantity, unit_price=Decimal("3.50"), list_amount=amount, amount=amount,
                tax_code="VAT13", tax_rate=Decimal("0.13"),
                tax=(amount * Decimal("0.13") / Decimal("1.13")).quantize(Decimal("0.01")),
            )
        )  # fmt: skip
    total = sum((line.amount for line in lines), Decimal("0.00"))
    tax = sum((line.tax for line in lines), Decimal("0.00"))
    payload = SaleCompletedV1(
        sale_id=new_id(), receipt_no=f"{code}-{till_number:02d}-{counter:06d}", store_id=store_id,
        till_number=till_number, shift_id=new_id(), cashier_id=new_id(),
        completed_at=datetime.now(UTC), lines=lines, subtotal=total,
        discount_total=Decimal("0.00"),
        taxes=[TaxSummary(code="VAT13", rate=Decimal("0.13"), net=total - tax, tax=tax)],
        rounding=Decimal("0.00"), total=total,
        tenders=[Tender(tender_id=new_id(), kind=TenderKind.CASH, amount=total)],
    )  # fmt: skip
    now = datetime.now(UTC)
    return make_event(payload, event_id=new_id(), occurred_at=now, business_date=now.date())


def setup(db_url, args):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        upgrade_to_head(conn)
    engine.dispose()
    db = open_database(db_url, pool_size=2)
    rows = [
        {"id": str(new_id()), "code": f"{1_000_000 + i}", "name": f"商品 {i} 号",
         "tax_code": "VAT13"}
        for i in range(args.products)
    ]  # fmt: skip
    imports.load_rows(db, Entity.PRODUCT, rows)
    products = [uuid.UUID(r["id"]) for r in rows]
    devices = []
    for s in range(args.stores):
        store = stores.create_store(
            db, stores.StoreCreate(code=f"B{s + 1:02d}", name=f"压测店 {s + 1}")
        )
        for t in range(args.tills // args.stores):
            till = tills.create_till(db, store=store.store_id, till_number=t + 1)
            enrolled = tills.enrol(db, EnrolRequest(code=till.enrolment_code))
            devices.append((store, t + 1, enrolled))
    db.dispose()
    return products, devices


def bodies_for(products, devices, args):
    """Every till's batches as ready-to-send bytes (built before the clock starts)."""
    rng = random.Random(2026)
    per_till = args.count // len(devices)
    out = []
    for store, number, enrolled in devices:
        events = [
            a_sale(store.store_id, store.code, number, products, rng, n + 1).to_dict()
            for n in range(per_till)
        ]
        batches = []
        for start in range(0, per_till, args.batch):
            envelopes = [
                {"seq": start + i + 1, "event": e}
                for i, e in enumerate(events[start : start + args.batch])
            ]
            batches.append(
                json.dumps({"device_id": str(enrolled.device_id), "events": envelopes}).encode()
            )
        out.append((enrolled.token, batches, per_till))
    return out


def push_all(url, work):
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def till(token, batches, expected):
        headers = {"Authorization": f"Bearer {token}", "OmniTill-Protocol": "1",
                   "Content-Type": "application/json"}  # fmt: skip
        with httpx.Client(base_url=url, timeout=120) as client:
            last = 0
            for body in batches:
                started = time.perf_counter()
                response = client.post("/api/v1/sync/push", content=body, headers=headers)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text[:200]}")
                    return
                last = response.json()["last_seq"]
            if last != expected:
                failures.append(f"last_seq {last}, expected {expected}")

    threads = [threading.Thread(target=till, args=item) for item in work]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, failures


def raw_rows(products, count, batch, connections, store_id, device_ids):
    """The rows the server writes for `count` sales, for the same tables."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    batches = []
    for c in range(connections):
        device = device_ids[c]
        per = count // connections
        for start in range(0, per, batch):
            events, slots, sales, movements, changes, deltas = [], [], [], [], [], {}
            for n in range(start, min(start + batch, per)):
                event_id, sale_id = new_id(), new_id()
                body = json.dumps({"id": str(event_id), "payload": {"lines": ["x" * 300] * LINES}})
                events.append(
                    (
                        event_id,
                        store_id,
                        device,
                        n + 1,
                        "sale.completed",
                        1,
                        now.date(),
                        now,
                        "applied",
                        body,
                        now,
                        True,
                    )
                )
                slots.append((device, n + 1, event_id, store_id, "applied", "[]", 0, now))
                sales.append(
                    (
                        store_id,
                        sale_id,
                        f"R{c}-{n:06d}",
                        1,
                        device,
                        event_id,
                        new_id(),
                        new_id(),
                        now.date(),
                        now,
                        now,
                        3500,
                        None,
                        None,
                        False,
                        True,
                        body,
                    )
                )
                for product in rng.sample(products, LINES):
                    movements.append(
                        (store_id, new_id(), product, -1000, "sale", event_id, sale_id, now)
                    )
                    deltas[product] = deltas.get(product, 0) - 1000
                changes.append((f"store:{store_id}", "sale", str(sale_id), "upsert", body))
            batches.append((c, events, slots, sales, movements, changes, deltas))
    return batches  # fmt: skip


COPIES = {
    "events": "events (id, store_id, device_id, seq, type, v, business_date, occurred_at, status, "
    "raw, received_at, has_id)",
    "device_events": "device_events (device_id, seq, event_id, store_id, status, conflict_ids, "
    "log_position, received_at)",
    "sales": "sales (store_id, id, receipt_no, till_number, device_id, event_id, shift_id, "
    "cashier_id, business_date, completed_at, received_at, total, member_id, pickup_order_id, "
    "voided, replicated, row)",
    "stock_movements": "stock_movements (store_id, id, product_id, quantity, kind, event_id, "
    "document_id, created_at)",
}
LEVELS = (
    "INSERT INTO stock_levels (store_id, product_id, quantity, reserved) "
    "SELECT %s, p, d, 0 FROM unnest(%s::uuid[], %s::bigint[]) AS moved(p, d) "
    "ON CONFLICT (store_id, product_id) DO UPDATE "
    "SET quantity = stock_levels.quantity + excluded.quantity RETURNING product_id, quantity"
)


def copy(cur, target, rows):
    with cur.copy(f"COPY {target} FROM STDIN") as out:
        for row in rows:
            out.write_row(row)


def raw_insert(plain_url, batches, connections, store_id):
    """The same rows, written the way the server writes them (COPY, one upsert), bare."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(index):
        with psycopg.connect(plain_url) as conn:
            for c, events, slots, sales, movements, changes, deltas in batches:
                if c != index:
                    continue
                started = time.perf_counter()
                with conn.transaction(), conn.cursor() as cur:
                    copy(cur, COPIES["events"], events)
                    copy(cur, COPIES["device_events"], slots)
                    copy(cur, COPIES["sales"], sales)
                    copy(cur, COPIES["stock_movements"], movements)
                    ordered = sorted(deltas.items())
                    cur.execute(
                        LEVELS, (store_id, [p for p, _ in ordered], [d for _, d in ordered])
                    )
                    stream = changes[0][0]
                    count = len(changes) + len(ordered)
                    (last,) = cur.execute(
                        "UPDATE stream_counters SET last = last + %s WHERE stream = %s "
                        "RETURNING last",
                        (count, stream),
                    ).fetchone()
                    first = last - count + 1
                    rows = [
                        (s, first + i, first, e, k, o, d)
                        for i, (s, e, k, o, d) in enumerate(changes)
                    ]
                    rows += [
                        (
                            stream,
                            first + len(changes) + i,
                            first,
                            "stock_level",
                            str(p),
                            "upsert",
                            "{}",
                        )
                        for i, (p, _) in enumerate(ordered)
                    ]
                    copy(cur, "changes (stream, number, grp, entity, key, op, data)", rows)
                with lock:
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="sales to push (default 20,000)")
    parser.add_argument("--batch", type=int, default=200, help="events per push (default 200)")
    parser.add_argument("--tills", type=int, default=4, help="tills pushing at once (default 4)")
    parser.add_argument("--stores", type=int, default=2, help="stores they belong to (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--products", type=int, default=2000, help="catalog size (default 2,000)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="an admin URL on the PostgreSQL server")
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    with scratch_database(args.pg) as db_url:
        header("push throughput: 5-line sales through omnitill-server serve", db_url)
        products, devices = setup(db_url, args)
        work = bodies_for(products, devices, args)
        sales = sum(expected for _, _, expected in work)
        print(
            f"   run          {sales:,} sales of {LINES} lines, {len(work)} tills in "
            f"{args.stores} stores, batches of {args.batch}, {args.workers} server workers"
        )
        with running_server(db_url, args.workers) as url:
            elapsed, latencies, failures = push_all(url, work)
        if failures:
            print("   FAILED: " + "; ".join(failures[:5]))
            return 1
        print(summary_ms("push of a batch", latencies))
        print(f"   push         {sales / elapsed:10,.0f} sales/s   ({sales:,} in {elapsed:.1f} s; "
              f"{sales * LINES / elapsed:,.0f} lines/s)")  # fmt: skip
        plain = db_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as conn:
            stored = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
            level = conn.execute("SELECT coalesce(sum(quantity), 0) FROM stock_levels").fetchone()[
                0
            ]
            moved = conn.execute(
                "SELECT coalesce(sum(quantity), 0) FROM stock_movements"
            ).fetchone()[0]
        assert stored == sales, f"{stored} sales stored, {sales} pushed"
        assert level == moved, "stock levels differ from their movements"
        store_id = devices[0][0].store_id
        device_ids = [uuid.uuid4() for _ in range(len(work))]
        batches = raw_rows(products, sales, args.batch, len(work), store_id, device_ids)
        raw_elapsed, raw_latencies = raw_insert(plain, batches, len(work), store_id)
        rows = sum(
            len(b[1]) + len(b[2]) + len(b[3]) + len(b[4]) + len(b[5]) + len(b[6]) for b in batches
        )
        print(summary_ms("raw insert of a batch", raw_latencies))
        print(
            f"   raw insert   {sales / raw_elapsed:10,.0f} sales/s   "
            f"({rows / raw_elapsed:,.0f} rows/s, {rows:,} rows in {raw_elapsed:.1f} s)"
        )
        print(
            f"   ratio        the server pushes at {sales / elapsed / (sales / raw_elapsed):.0%} "
            "of the raw insert rate of the same rows"
        )
        print(
            f"   median       {statistics.median(latencies) / args.batch * 1000:.2f} ms per sale "
            "inside a batch"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
