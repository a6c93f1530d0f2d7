import uuid
from datetime import datetime, timedelta, timezone

import pytest

from pos_app.store.apply import apply_changes
from pos_app.store.catalog import Catalog
from pos_app.store.db import open_store
from pos_app.store.prices import prices_in_force
from pos_core.protocol.messages import ChangeOp, Entity

SHANGHAI = timezone(timedelta(hours=8))
STORE, OTHER = uuid.uuid4(), uuid.uuid4()
PRODUCTS = [uuid.uuid4() for _ in range(6)]


def price(product, amount, start, end=None, store=None):
    row = {
        "id": str(uuid.uuid4()),
        "product_id": str(product),
        "store_id": None if store is None else str(store),
        "price": amount,
        "effective_from": start.isoformat(),
        "effective_to": None if end is None else end.isoformat(),
    }
    return (Entity.PRICE, row["id"], ChangeOp.UPSERT, row)


def day(d, h=0):
    return datetime(2026, 11, d, h, tzinfo=SHANGHAI)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "till.db")
    a, b, c, d, e, _ = PRODUCTS
    rows = [
        price(a, "2.00", day(1)),
        price(a, "1.80", day(23)),  # future-dated
        price(b, "3.00", day(1)),
        price(b, "2.50", day(20), day(23), store=STORE),  # this store's, for three days
        price(b, "1.00", day(1), store=OTHER),
        price(c, "9.90", day(1), day(22)),  # ended
        price(d, "5.00", day(1)),
        price(d, "4.00", day(10)),
        price(d, "6.00", day(5), store=STORE),
        price(e, "7.00", day(30)),  # not started yet
    ]
    with opened.write() as session:
        apply_changes(session, rows)
    yield opened
    opened.close()


@pytest.mark.parametrize("at", [day(1), day(15), day(21, 12), day(22), day(23), day(30, 1)])
def test_one_query_agrees_with_the_catalog_product_by_product(store, at):
    with store.read() as session:
        catalog = Catalog(session)
        one_by_one = {
            p: found.price
            for p in PRODUCTS
            if (found := catalog.price_at(p, STORE, at)) is not None
        }
        assert prices_in_force(session, PRODUCTS, STORE, at) == one_by_one
        assert prices_in_force(session, [], STORE, at) == {}


def test_the_rule_itself(store):
    a, b, c, d, _, _ = PRODUCTS
    with store.read() as session:
        found = prices_in_force(session, PRODUCTS, STORE, day(21, 12))
    assert {p: str(v) for p, v in found.items()} == {
        a: "2.00",
        b: "2.50",  # the store's own price wins
        c: "9.90",
        d: "6.00",  # the store's, though the chain's started later
    }
