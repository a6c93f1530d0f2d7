"""Pull: pages, cursors, device_last_seq, visibility deletes, compaction and must_refetch."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from pos_core.ids import new_id
from pos_core.protocol.messages import PullPage
from pos_core.protocol.rows import CouponKind
from sync_server.services import cashiers, catalog, coupons, housekeeping, views

PULL = "/api/v1/sync/pull"
CHINA = timezone(timedelta(hours=8))
PUSH = "/api/v1/sync/push"


def pull_all(client, till, replica=None, cursor=None, limit=1000):
    """Pull until has_more is false, applying each page to `replica`; returns the pages."""
    replica = {} if replica is None else replica
    pages = []
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = client.get(PULL, params=params, headers=till.headers)
        assert response.status_code == 200, response.text
        page = PullPage.model_validate(response.json())
        assert not page.must_refetch
        for change in page.changes:
            if change.op == "upsert":
                replica[(change.entity.value, change.key)] = change.data
            else:
                replica.pop((change.entity.value, change.key), None)
        pages.append(page)
        cursor = page.cursor
        if not page.has_more:
            return replica, cursor, pages


def push(client, till, *events):
    response = client.post(PUSH, json=till.push_body(till.envelopes(*events)), headers=till.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_replica_rebuilt_from_small_pages_equals_the_servers_view(client, chain, make_sale):
    till = chain.tills["S1-1"]
    for i in range(5):
        push(
            client, till, make_sale(till, [(chain.products[i % 3], "1"), (chain.products[0], "2")])
        )
    replica, _, pages = pull_all(client, till, limit=3)
    assert len(pages) > 5
    assert replica == views.store_view(chain.db, till.store_id)
    entities = {entity for entity, _ in replica}
    assert {"product", "store_settings", "stock_level", "sale", "cashier"} <= entities | {"cashier"}


def test_a_page_never_splits_a_transactions_changes(client, chain, make_sale):
    till = chain.tills["S1-1"]
    _, cursor, _ = pull_all(client, till)
    push(client, till, make_sale(till, [(p, "1") for p in chain.products]))
    page = client.get(PULL, params={"cursor": cursor, "limit": 1}, headers=till.headers).json()
    # One sale row and three stock levels, written together: all on the one page.
    assert sorted(c["entity"] for c in page["changes"]) == [
        "sale",
        "stock_level",
        "stock_level",
        "stock_level",
    ]
    assert page["has_more"] is False


def test_device_last_seq_covers_an_event_only_once_its_effects_are_on_the_page(
    client, chain, make_sale
):
    till = chain.tills["S1-1"]
    other = chain.tills["S2-1"]
    _, cursor, pages = pull_all(client, till)
    assert pages[-1].device_last_seq == 0
    push(client, till, make_sale(till, [(chain.products[0], "1")]))
    push(client, till, make_sale(till, [(chain.products[1], "1")]))
    first = client.get(PULL, params={"cursor": cursor, "limit": 1}, headers=till.headers).json()
    assert first["has_more"] is True
    assert first["device_last_seq"] == 1
    second = client.get(PULL, params={"cursor": first["cursor"]}, headers=till.headers).json()
    assert second["device_last_seq"] == 2
    assert second["has_more"] is False
    # Another till's pull never reports this till's seqs.
    assert pull_all(client, other)[2][-1].device_last_seq == 0


def test_a_cursor_that_cannot_be_read_or_belongs_to_another_store_is_refused(client, chain):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    _, cursor_b, _ = pull_all(client, b)
    for bad in (cursor_b, "%%%", "bm90IGpzb24", base64.urlsafe_b64encode(b'{"c": -1}').decode()):
        response = client.get(PULL, params={"cursor": bad}, headers=a.headers)
        assert response.status_code == 422, bad
        assert response.json()["error"] == "invalid"


def test_a_pull_whose_high_seq_is_below_the_servers_last_seq_is_diverged(client, chain, make_sale):
    till = chain.tills["S1-1"]
    push(
        client,
        till,
        make_sale(till, [(chain.products[0], "1")]),
        make_sale(till, [(chain.products[0], "1")]),
    )
    ok = client.get(PULL, params={"high_seq": 2}, headers=till.headers)
    assert ok.status_code == 200
    diverged = client.get(PULL, params={"high_seq": 1}, headers=till.headers)
    assert diverged.status_code == 409
    assert diverged.json()["error"] == "device_diverged"


def test_data_that_stops_being_visible_arrives_as_a_delete(client, chain, make_sale):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    cashier = cashiers.create_cashier(
        chain.db,
        chain.stores["S1"],
        cashiers.CashierCreate(number="007", name="李四", role="cashier", pin="1234"),
    )
    [issued] = coupons.issue(
        chain.db,
        coupons.CouponIssue(
            kind=CouponKind.AMOUNT,
            value=Decimal("3.00"),
            valid_from=datetime.now(UTC),
            valid_to=datetime.now(UTC) + timedelta(days=3),
            store_ids=[chain.stores["S1"]],
        ),
        by="test",
    )
    product = catalog.create_product(
        chain.db,
        catalog.ProductIn(code="X1", name="旺仔牛奶", tax_code="VAT13", barcodes=["6901234567892"]),
    )
    old_sale = make_sale(
        a, [(chain.products[0], "1")], business_date=(datetime.now(UTC) - timedelta(days=85)).date()
    )
    push(client, a, old_sale)
    replica_a, cursor_a, _ = pull_all(client, a)
    replica_b, cursor_b, _ = pull_all(client, b)
    assert ("cashier", str(cashier.id)) in replica_a
    assert ("cashier", str(cashier.id)) not in replica_b
    assert ("coupon", str(issued.coupon.id)) in replica_a
    assert ("coupon", str(issued.coupon.id)) not in replica_b
    assert ("sale", str(old_sale.payload.sale_id)) in replica_a
    assert replica_a[("product", str(product.id))]["pinyin"] == "wznn"
    assert ("barcode", "06901234567892") in replica_a

    cashiers.update_cashier(
        chain.db, cashier.id, cashiers.CashierPatch(store_id=chain.stores["S2"])
    )
    coupons.withdraw(chain.db, issued.coupon.id)
    catalog.delete_product(chain.db, product.id)
    housekeeping.expire(chain.db, now=datetime.now(UTC) + timedelta(days=10))  # 95 days on

    replica_a, _, _ = pull_all(client, a, replica_a, cursor_a)
    replica_b, _, _ = pull_all(client, b, replica_b, cursor_b)
    assert ("cashier", str(cashier.id)) not in replica_a
    assert ("cashier", str(cashier.id)) in replica_b
    assert ("coupon", str(issued.coupon.id)) not in replica_a
    assert ("product", str(product.id)) not in replica_a
    assert ("barcode", "06901234567892") not in replica_a
    assert ("sale", str(old_sale.payload.sale_id)) not in replica_a
    assert replica_a == views.store_view(chain.db, a.store_id)
    assert replica_b == views.store_view(chain.db, b.store_id)


def test_a_cursor_below_the_compacted_log_must_refetch_and_the_snapshot_is_whole(
    client, chain, make_sale
):
    till = chain.tills["S1-1"]
    for _ in range(3):
        push(client, till, make_sale(till, [(chain.products[0], "1")]))
    first = client.get(PULL, params={"limit": 2}, headers=till.headers).json()
    assert first["has_more"] is True
    for _ in range(3):
        push(client, till, make_sale(till, [(chain.products[0], "1")]))
    removed = housekeeping.compact(chain.db, keep=0)
    assert sum(removed.values()) > 0  # the stock level of product 0 was published six times
    stale = client.get(PULL, params={"cursor": first["cursor"]}, headers=till.headers).json()
    assert stale["must_refetch"] is True
    assert stale["changes"] == []
    start = json.loads(base64.urlsafe_b64decode(stale["cursor"] + "=="))
    assert (start["c"], start["s"]) == (0, 0)
    replica, cursor, _ = pull_all(client, till, limit=4)
    assert replica == views.store_view(chain.db, till.store_id)
    # A till that was up to date keeps pulling normally after a compaction.
    housekeeping.compact(chain.db, keep=0)
    push(client, till, make_sale(till, [(chain.products[1], "1")]))
    replica, _, _ = pull_all(client, till, replica, cursor)
    assert replica == views.store_view(chain.db, till.store_id)


def test_a_cursor_from_beyond_the_log_must_refetch(client, chain):
    till = chain.tills["S1-1"]
    future = json.dumps({"c": 10**9, "s": 0, "store": str(till.store_id)})
    cursor = base64.urlsafe_b64encode(future.encode()).decode().rstrip("=")
    page = client.get(PULL, params={"cursor": cursor}, headers=till.headers).json()
    assert page["must_refetch"] is True


def test_store_prices_and_promotions_reach_only_their_store(client, chain):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    now = datetime.now(UTC)
    chain_price = catalog.create_price(
        chain.db,
        catalog.PriceIn(product_id=chain.products[0], price=Decimal("3.50"), effective_from=now),
    )
    future = catalog.create_price(
        chain.db,
        catalog.PriceIn(
            product_id=chain.products[0],
            price=Decimal("3.80"),
            effective_from=(now + timedelta(days=30)).astimezone(CHINA),
        ),
    )
    local = catalog.create_price(
        chain.db,
        catalog.PriceIn(
            product_id=chain.products[0],
            store_id=chain.stores["S2"],
            price=Decimal("3.20"),
            effective_from=now,
        ),
    )
    promo = catalog.save_promotion(
        chain.db,
        catalog.PromotionIn(
            name="满 100 减 20",
            kind="spend_threshold",
            valid_from=now,
            store_ids=[chain.stores["S2"]],
        ),
    )
    replica_a, cursor_a, _ = pull_all(client, a)
    replica_b, _, _ = pull_all(client, b)
    for key in (("price", str(chain_price.id)), ("price", str(future.id))):
        assert key in replica_a
        assert key in replica_b
    assert ("price", str(local.id)) in replica_b
    assert ("price", str(local.id)) not in replica_a
    assert ("promotion", str(promo.id)) in replica_b
    assert (
        "promotion",
        str(promo.id),
    ) not in replica_a
    moved = catalog.save_promotion(
        chain.db,
        catalog.PromotionIn(
            name="满 100 减 20",
            kind="spend_threshold",
            valid_from=now,
            store_ids=[chain.stores["S1"]],
        ),
        promo.id,
    )
    replica_a, _, _ = pull_all(client, a, replica_a, cursor_a)
    assert replica_a[("promotion", str(moved.id))]["store_ids"] == [str(chain.stores["S1"])]
    replica_b, _, _ = pull_all(client, b)
    assert ("promotion", str(promo.id)) not in replica_b
    assert replica_b == views.store_view(chain.db, b.store_id)
    assert replica_b[("price", str(future.id))]["effective_from"].endswith("Z")
    assert new_id() != promo.id


def test_a_bulk_catalog_load_reaches_a_new_till_whole(client, chain):
    from pos_core.demo_data import DemoChain, DemoSizes
    from pos_core.protocol.messages import Entity
    from sync_server.services import imports

    demo = DemoChain.generate(sizes=DemoSizes(products=1200, members=0, coupons=0))
    for entity, rows in (
        (Entity.CATEGORY, demo.categories),
        (Entity.PRODUCT, demo.iter_products()),
        (Entity.BARCODE, demo.iter_barcodes()),
        (Entity.PRICE, demo.iter_prices()),
        (Entity.PROMOTION, [p.model_copy(update={"store_ids": None}) for p in demo.promotions]),
    ):
        imports.load_rows(chain.db, entity, rows)
    till = chain.tills["S2-1"]
    replica, _, pages = pull_all(client, till, limit=500)
    assert len(pages) >= 4
    assert replica == views.store_view(chain.db, till.store_id)
    products = {key for entity, key in replica if entity == "product"}
    assert len(products) == 1200 + 3
    assert all(
        p["pinyin"] for (e, _), p in replica.items() if e == "product" and p["code"].isdigit()
    )
