"""Pull under concurrent writers: no change is ever skipped, whatever order writers commit in.

A change's number is taken under its stream counter's row lock, held to the commit, so a
later number can never become visible before an earlier one. A numbering that did not hold
the lock (a sequence, say) would let a writer that numbered later commit first; a till
pulling in between would move its cursor past the earlier, still invisible, change and
never see it.
"""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pos_core.ids import new_id
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import CouponKind
from sync_server.services import cashiers, catalog, coupons, orders, pull, push, stock, views
from sync_server.services.changelog import CATALOG, ChangeLog, store_stream
from sync_server.services.rows import stock_level_json


def apply(replica, page):
    for entity, key, op, data in page.changes:
        if op == "upsert":
            replica[(entity, key)] = json.loads(data)
        else:
            replica.pop((entity, key), None)


def drain(db, till, replica, cursor, limit=1000):
    while True:
        page = pull.pull(db, till.device_id, cursor=cursor, limit=limit)
        assert not page.must_refetch
        apply(replica, page)
        cursor = page.cursor
        if not page.has_more:
            return cursor


def publish(db, stream, keys, *, flushed=None, release=None, committed=None):
    """One writer: publish stock levels for `keys`, optionally holding the lock a while."""
    session = db.writer()
    with session.begin():
        log = ChangeLog(session)
        for key in keys:
            log.upsert(stream, Entity.STOCK_LEVEL, str(key), stock_level_json(key, Decimal(1)))
        log.flush()
        if flushed is not None:
            flushed.set()
        if release is not None:
            release.wait(10)
    if committed is not None:
        committed.append(time.monotonic())
    session.close()


def test_a_change_numbered_before_a_later_commit_is_never_skipped(pg_chain):
    db = pg_chain.db
    till = pg_chain.tills["S1-1"]
    stream = store_stream(till.store_id)
    replica: dict = {}
    cursor = drain(db, till, replica, None)
    first_keys, second_keys, catalog_keys = [new_id() for _ in range(3)], [new_id()], [new_id()]
    flushed, release = threading.Event(), threading.Event()
    first_done: list[float] = []
    second_done: list[float] = []
    first = threading.Thread(
        target=publish,
        args=(db, stream, first_keys),
        kwargs={"flushed": flushed, "release": release, "committed": first_done},
    )
    first.start()
    assert flushed.wait(10)  # the first writer holds numbers n..n+2, uncommitted
    second = threading.Thread(
        target=publish, args=(db, stream, second_keys), kwargs={"committed": second_done}
    )
    second.start()
    publish(db, CATALOG, catalog_keys)  # another stream commits at once, out of order
    seen_before_release = []
    for _ in range(5):  # a till pulls, a row at a time, while the first writer sleeps
        page = pull.pull(db, till.device_id, cursor=cursor, limit=1)
        apply(replica, page)
        cursor = page.cursor
        seen_before_release += [key for _, key, _, _ in page.changes]
        time.sleep(0.05)
    assert str(catalog_keys[0]) in seen_before_release
    assert not any(str(k) in seen_before_release for k in first_keys + second_keys)
    assert second.is_alive()  # the second writer waits for the first's numbers to commit
    release.set()
    first.join(10)
    second.join(10)
    assert first_done
    assert second_done
    assert second_done[0] >= first_done[0]
    drain(db, till, replica, cursor, limit=1)
    for key in first_keys + second_keys:
        assert (Entity.STOCK_LEVEL.value, str(key)) in replica
    assert (Entity.STOCK_LEVEL.value, str(catalog_keys[0])) in replica


def test_pulling_small_pages_while_writes_continue_rebuilds_the_servers_view(chain, make_sale):
    db = chain.db
    till, other = chain.tills["S1-1"], chain.tills["S2-1"]
    stop = threading.Event()
    failures: list[BaseException] = []
    now = datetime.now(UTC)

    def sales(device, seed):
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                lines = [(rng.choice(chain.products), str(rng.randint(1, 3))) for _ in range(2)]
                device.seq += 1
                event = make_sale(device, lines)
                push.push(
                    db,
                    device.device_id,
                    [push.read_envelope(device.device_id, device.seq, event.to_dict())],
                )
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    def head_office():
        rng = random.Random(7)
        made = []
        try:
            for i in range(8):
                product = catalog.create_product(
                    db, catalog.ProductIn(code=f"N{i}", name=f"新品 {i} 号", tax_code="VAT13")
                )
                made.append(product.id)
                where = rng.choice([None, chain.stores["S1"]])
                price = catalog.PriceIn(
                    product_id=product.id, price=Decimal("9.90"), effective_from=now, store_id=where
                )
                catalog.create_price(db, price)
                person = cashiers.create_cashier(
                    db, chain.stores["S1"],
                    cashiers.CashierCreate(
                        number=f"1{i:02d}", name="员工", role="cashier", pin="4321"
                    ),
                )  # fmt: skip
                if i % 3 == 0:
                    cashiers.update_cashier(
                        db, person.id, cashiers.CashierPatch(store_id=chain.stores["S2"])
                    )
                offer = coupons.CouponIssue(
                    kind=CouponKind.AMOUNT,
                    value=Decimal("2.00"),
                    valid_from=now,
                    valid_to=now + timedelta(days=1),
                )
                [issued] = coupons.issue(db, offer, by="test")
                if i % 2:
                    coupons.withdraw(db, issued.coupon.id)
                order = orders.create_order(
                    db,
                    orders.OrderCreate(store_id=chain.stores["S1"], lines=[orders.OrderLineIn(
                        product_id=product.id, quantity=Decimal(1), unit_price=Decimal("9.90"))]),
                )  # fmt: skip
                if i % 4 == 0:
                    orders.cancel_order(db, order.order.id)
                stock.receive(
                    db,
                    stock.StockReceiptIn(store_id=chain.stores["S1"], lines=[stock.StockLineIn(
                        product_id=rng.choice(chain.products), quantity=Decimal(5))]),
                    by="test",
                )  # fmt: skip
                if i % 5 == 4:
                    catalog.delete_product(db, made[rng.randrange(len(made))])
        except BaseException as exc:  # pragma: no cover - reported below
            if "no product" not in str(exc):
                failures.append(exc)

    writers = [
        threading.Thread(target=sales, args=(till, 1)),
        threading.Thread(target=sales, args=(other, 2)),
    ]
    office = threading.Thread(target=head_office)
    for thread in [*writers, office]:
        thread.start()
    replica: dict = {}
    cursor = None
    pages = 0
    while office.is_alive():
        page = pull.pull(db, till.device_id, cursor=cursor, limit=3)
        apply(replica, page)
        cursor = page.cursor
        pages += 1
    stop.set()
    for thread in writers:
        thread.join(30)
    assert not failures, failures
    drain(db, till, replica, cursor, limit=3)
    assert pages > 10
    assert replica == views.store_view(db, till.store_id)
