import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from pos_app.store.apply import ReplicaRowError, apply_changes
from pos_app.store.catalog import Catalog
from pos_app.store.db import open_store
from pos_app.store.replica import Barcode, Product
from pos_core.protocol.messages import Change, ChangeOp, Entity

STORE = uuid.uuid4()
OTHER_STORE = uuid.uuid4()
WATER = uuid.uuid4()
APPLES = uuid.uuid4()


def product(pid, code, name, **extra):
    return {"id": str(pid), "code": code, "name": name, "tax_code": "VAT13", **extra}


def price(pid, amount, start, end=None, store=None, member=None):
    return {
        "id": str(uuid.uuid4()),
        "product_id": str(pid),
        "store_id": None if store is None else str(store),
        "price": amount,
        "member_price": member,
        "effective_from": start,
        "effective_to": end,
    }


def up(entity, key, data):
    return Change(entity=entity, key=key, op=ChangeOp.UPSERT, data=data)


@pytest.fixture
def store(tmp_path):
    opened = open_store(tmp_path / "till.db")
    changes = [
        up(Entity.BARCODE, "06901234567892", {"gtin": "06901234567892", "product_id": str(WATER)}),
        up(Entity.PRODUCT, str(WATER), product(WATER, "1000001", "农夫山泉 饮用天然水 550ml")),
        up(
            Entity.PRODUCT,
            str(APPLES),
            product(APPLES, "1000002", "红富士苹果 散装", unit="kg", item_ref="00123"),
        ),
        up(Entity.PRICE, "p1", price(WATER, "2.00", "2026-01-01T00:00:00+08:00")),
        up(Entity.PRICE, "p2", price(WATER, "1.80", "2026-12-01T00:00:00+08:00")),  # future
        up(
            Entity.PRICE,
            "p3",
            price(
                WATER, "1.50", "2026-11-20T00:00:00+08:00", "2026-11-23T00:00:00+08:00", store=STORE
            ),
        ),
        up(
            Entity.PRICE, "p4", price(WATER, "1.00", "2026-01-01T00:00:00+08:00", store=OTHER_STORE)
        ),
        up(Entity.PRICE, "p5", price(APPLES, "12.80", "2026-01-01T00:00:00+08:00", member="11.80")),
    ]
    with opened.write() as s:
        assert apply_changes(s, changes) == len(changes)
    yield opened
    opened.close()


def test_a_product_by_each_kind_of_code(store):
    with store.read() as s:
        catalog = Catalog(s)
        assert catalog.by_gtin(["06901234567892"]).name == "农夫山泉 饮用天然水 550ml"
        # the first key that resolves wins (an 8-digit code read both ways)
        assert catalog.by_gtin(["00000096385074", "06901234567892"]).product_id == WATER
        assert catalog.by_gtin(["00000000000000"]) is None
        assert catalog.by_item_ref("00123").sold_by_weight
        assert catalog.by_code("1000001").product_id == WATER
        assert catalog.by_code("9999999") is None


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2026, 11, 19, 0, 0, tzinfo=UTC), "2.00"),  # chain price
        (datetime(2026, 11, 21, 0, 0, tzinfo=UTC), "1.50"),  # this store's promotion window
        (datetime(2026, 11, 22, 15, 59, 59, tzinfo=UTC), "1.50"),  # last second of it
        (datetime(2026, 11, 22, 16, 0, tzinfo=UTC), "2.00"),  # it has ended
        (datetime(2026, 11, 30, 16, 0, tzinfo=UTC), "1.80"),  # the future price switched on
    ],
)
def test_the_price_in_force(store, at, expected):
    with store.read() as s:
        assert str(Catalog(s).price_at(WATER, STORE, at).price) == expected


def test_member_price_and_no_price(store):
    with store.read() as s:
        found = Catalog(s).price_at(APPLES, STORE, datetime(2026, 11, 22, tzinfo=UTC))
        assert (str(found.price), str(found.member_price)) == ("12.80", "11.80")
        assert Catalog(s).price_at(APPLES, STORE, datetime(2025, 1, 1, tzinfo=UTC)) is None


def test_replaying_changes_is_harmless_and_deletes_remove(store):
    with store.write() as s:
        apply_changes(
            s,
            [
                up(Entity.PRODUCT, str(WATER), product(WATER, "1000001", "农夫山泉 550ml")),
                up(Entity.PRODUCT, str(WATER), product(WATER, "1000001", "农夫山泉 550ml")),
                Change(entity=Entity.BARCODE, key="06901234567892", op=ChangeOp.DELETE),
            ],
        )
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 2
        assert s.get(Product, WATER).name == "农夫山泉 550ml"
        assert s.scalar(select(func.count()).select_from(Barcode)) == 0
        assert Catalog(s).by_gtin(["06901234567892"]) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (up(Entity.PRODUCT, "x", {"id": str(WATER), "name": "no code"}), "product x: code"),
        (up(Entity.PRICE, "x", price(WATER, 2.5, "2026-01-01T00:00:00+08:00")), "float"),
        (up(Entity.BARCODE, "1", {"gtin": "1", "product_id": str(WATER)}), "barcode 1: gtin"),
        (Change(entity=Entity.PRODUCT, key="not-a-uuid", op=ChangeOp.DELETE), "not a UUID"),
        (Change(entity=Entity.PRODUCT, key=str(WATER), op=ChangeOp.UPSERT), "without data"),
    ],
)
def test_a_malformed_row_is_refused_and_nothing_of_the_page_is_written(store, change, message):
    good = up(Entity.PRODUCT, str(uuid.uuid4()), product(uuid.uuid4(), "2", "好的"))
    with pytest.raises(ReplicaRowError, match=message), store.write() as s:
        apply_changes(s, [good, change])
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 2
