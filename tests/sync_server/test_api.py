"""The head-office and e-commerce API, and the tills' enrolment and online look-ups."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from sqlalchemy import update

from pos_core.protocol.codes import coupon_code_hash, pickup_code_hash
from pos_core.protocol.messages import PROTOCOL_HEADER
from sync_server.services import auth, tx
from sync_server.services.auth import ApiRole
from sync_server.store.org import Device

NOW = datetime.now(UTC)


def user(chain, role):
    _, token = auth.create_user(chain.db, name=f"{role} user", role=ApiRole(role))
    return {"Authorization": f"Bearer {token}"}


def test_health_answers_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_a_store_is_created_with_settings_and_its_tills_enrol_once(client, chain):
    created = client.post(
        "/api/v1/stores",
        json={"code": "S9", "name": "杭州店", "settings": {"cash_rounding": "down",
              "receipt_header": ["OmniTill 优选", "杭州店"], "allow_cross_store_returns": True}},
        headers=chain.admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    store = created.json()
    assert store["cash_rounding"] == "down"
    assert store["tax_rates"][0]["code"] == "VAT13"
    assert len(store["member_lookup_key"]) == 64
    assert (
        client.post(
            "/api/v1/stores", json={"code": "S9", "name": "x"}, headers=chain.admin
        ).status_code
        == 409
    )
    bad = client.patch(
        f"/api/v1/stores/{store['store_id']}",
        json={"settings": {"nonsense": 1}},
        headers=chain.admin,
    )
    assert bad.status_code == 422
    till = client.post(
        f"/api/v1/stores/{store['store_id']}/tills", json={"till_number": 3}, headers=chain.admin
    )
    assert till.status_code == 201
    code = till.json()["enrolment_code"]
    enrol = client.post(
        "/api/v1/devices/enrol",
        json={"code": code, "device_name": "前台 3"},
        headers={PROTOCOL_HEADER: "1"},
    )
    assert enrol.status_code == 200, enrol.text
    identity = enrol.json()
    assert identity["store"]["code"] == "S9"
    assert identity["till_number"] == 3
    assert identity["token"].startswith("otd_")
    assert identity["last_receipt_number"] is None
    again = client.post(
        "/api/v1/devices/enrol", json={"code": code}, headers={PROTOCOL_HEADER: "1"}
    )
    assert again.status_code == 401


def test_an_expired_enrolment_code_is_refused(client, chain):
    till = client.post(
        f"/api/v1/stores/{chain.stores['S1']}/tills", json={"till_number": 4}, headers=chain.admin
    ).json()
    tx.write(
        chain.db,
        lambda unit: unit.session.execute(
            update(Device)
            .where(Device.id == UUID(till["device_id"]))
            .values(enrolment_expires_at=NOW - timedelta(minutes=1))
        ),
    )
    response = client.post(
        "/api/v1/devices/enrol",
        json={"code": till["enrolment_code"]},
        headers={PROTOCOL_HEADER: "1"},
    )
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_a_re_enrolled_till_continues_above_the_servers_last_receipt(client, chain, make_sale):
    till = chain.tills["S1-1"]
    events = [
        make_sale(till, [(chain.products[0], "1")], receipt=f"S1-01-{n:06d}") for n in (7, 12, 9)
    ]
    client.post(
        "/api/v1/sync/push", json=till.push_body(till.envelopes(*events)), headers=till.headers
    )
    again = client.post(
        f"/api/v1/stores/{chain.stores['S1']}/tills", json={"till_number": 1}, headers=chain.admin
    )
    identity = client.post(
        "/api/v1/devices/enrol",
        json={"code": again.json()["enrolment_code"]},
        headers={PROTOCOL_HEADER: "1"},
    ).json()
    assert identity["last_receipt_number"] == "S1-01-000012"
    assert identity["device_id"] != str(till.device_id)


def test_roles_decide_who_may_do_what(client, chain):
    ecommerce, head_office = user(chain, "ecommerce"), user(chain, "head_office")
    store = chain.stores["S1"]
    assert (
        client.post(
            "/api/v1/stores", json={"code": "E1", "name": "x"}, headers=ecommerce
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/stores", json={"code": "H1", "name": "x"}, headers=head_office
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/v1/stores/{store}/tills", json={"till_number": 2}, headers=head_office
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/admin/users", json={"name": "x", "role": "admin"}, headers=head_office
        ).status_code
        == 403
    )
    made = client.post(
        "/api/v1/admin/users", json={"name": "shop", "role": "ecommerce"}, headers=chain.admin
    )
    assert made.status_code == 201
    assert made.json()["token"].startswith("otu_")
    order = {
        "store_id": str(store),
        "lines": [{"product_id": str(chain.products[0]), "quantity": "1", "unit_price": "3.00"}],
    }
    assert client.post("/api/v1/orders", json=order, headers=ecommerce).status_code == 201
    assert client.get("/api/v1/conflicts", headers=ecommerce).status_code == 403


def test_cashiers_pins_are_hashed_and_never_shown(client, chain):
    store = chain.stores["S1"]
    made = client.post(
        f"/api/v1/stores/{store}/cashiers",
        json={"number": "021", "name": "赵六", "role": "supervisor", "pin": "7788"},
        headers=chain.admin,
    )
    assert made.status_code == 201
    assert "pin" not in made.text
    assert "scrypt" not in made.text
    clash = client.post(
        f"/api/v1/stores/{store}/cashiers",
        json={"number": "021", "name": "x", "role": "cashier", "pin": "1111"},
        headers=chain.admin,
    )
    assert clash.status_code == 409
    listed = client.get(f"/api/v1/stores/{store}/cashiers", headers=chain.admin).json()
    assert [c["number"] for c in listed] == ["021"]
    assert "scrypt" not in str(listed)
    weak = client.post(
        f"/api/v1/stores/{store}/cashiers",
        json={"number": "022", "name": "x", "role": "cashier", "pin": "12"},
        headers=chain.admin,
    )
    assert weak.status_code == 422


def test_products_get_pinyin_and_barcodes_are_normalised(client, chain):
    made = client.post(
        "/api/v1/catalog/products",
        json={
            "code": "K1",
            "name": "可口可乐 330ml",
            "tax_code": "VAT13",
            "barcodes": ["036000291452"],
        },
        headers=chain.admin,
    )
    assert made.status_code == 201, made.text
    assert made.json()["pinyin"] == "kkkl"
    product = made.json()["id"]
    bad = client.post(
        "/api/v1/catalog/barcodes",
        json={"gtin": "6901234567891", "product_id": product},
        headers=chain.admin,
    )
    assert bad.status_code == 422
    assert "check digit" in bad.json()["message"]
    taken = client.post(
        "/api/v1/catalog/barcodes",
        json={"gtin": "00036000291452", "product_id": product},
        headers=chain.admin,
    )
    assert taken.status_code == 409
    renamed = client.patch(
        f"/api/v1/catalog/products/{product}", json={"name": "雪碧 500ml"}, headers=chain.admin
    )
    assert renamed.json()["pinyin"] == "xb"
    category = client.post(
        "/api/v1/catalog/categories", json={"code": "01", "name": "饮料"}, headers=chain.admin
    )
    assert category.status_code == 201
    future = client.post(
        "/api/v1/catalog/prices",
        json={
            "product_id": product,
            "price": "3.50",
            "effective_from": (NOW + timedelta(days=7)).isoformat(),
        },
        headers=chain.admin,
    )
    assert future.status_code == 201
    assert future.json()["price"] == "3.50"
    floats = client.post(
        "/api/v1/catalog/prices",
        json={"product_id": product, "price": 3.5, "effective_from": NOW.isoformat()},
        headers=chain.admin,
    )
    assert floats.status_code == 422  # money is never a float
    assert (
        client.delete(f"/api/v1/catalog/products/{product}", headers=chain.admin).status_code == 204
    )
    assert (
        client.delete(f"/api/v1/catalog/products/{product}", headers=chain.admin).status_code == 404
    )


def test_members_are_created_with_a_masked_phone_and_found_by_tills(client, chain):
    made = client.post(
        "/api/v1/members",
        json={"phone": "+86 138-0013-8000", "name": "陈女士", "consent_version": "v1",
              "home_store_id": str(chain.stores["S1"])},
        headers=user(chain, "ecommerce"),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    member = made.json()["member"]
    assert member["phone_masked"] == "138****8000"
    assert "13800138000" not in made.text
    duplicate = client.post(
        "/api/v1/members",
        json={"phone": "13800138000", "consent_version": "v1"},
        headers=chain.admin,
    )
    assert duplicate.status_code == 409
    till = chain.tills["S1-1"]
    found = client.get(
        "/api/v1/members/lookup", params={"phone_hash": member["phone_hash"]}, headers=till.headers
    )
    assert found.json()["card_no"] == member["card_no"]
    client.post(
        f"/api/v1/members/{member['id']}/points",
        json={"points": 250, "reason": "welcome"},
        headers=chain.admin,
    )
    balance = client.get(f"/api/v1/members/{member['id']}/balance", headers=till.headers)
    assert balance.json()["points_balance"] == 250
    assert (
        client.get(
            "/api/v1/members/lookup", params={"card_no": "M404"}, headers=till.headers
        ).status_code
        == 404
    )


def test_a_coupon_check_reserves_once_per_sale_and_counts_live_reservations(client, chain):
    shop = user(chain, "ecommerce")
    issued = client.post(
        "/api/v1/coupons",
        json={"kind": "amount", "value": "10.00", "min_spend": "50.00", "max_uses": 1,
              "valid_from": (NOW - timedelta(hours=1)).isoformat(),
              "valid_to": (NOW + timedelta(days=1)).isoformat(), "count": 2},
        headers=shop,
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    first, second = issued.json()
    assert len(first["code"]) == 20  # 100 bits of base32
    assert first["code"] != second["code"]
    assert first["coupon"]["code_hash"] == coupon_code_hash(first["code"])
    assert first["coupon"]["code_hash"] == hashlib.sha256(first["code"].encode()).hexdigest()
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    sale = "0190e000-0000-7000-8000-000000000001"
    url = f"/api/v1/coupons/{first['code'].lower()}/check"
    small = client.post(
        url, json={"sale_id": sale, "basket_amount": "20.00"}, headers=a.headers
    ).json()
    assert small == small | {"ok": False, "reason": "min_spend"}
    held = client.post(
        url, json={"sale_id": sale, "basket_amount": "60.00"}, headers=a.headers
    ).json()
    assert held["ok"] is True
    again = client.post(
        url, json={"sale_id": sale, "basket_amount": "60.00"}, headers=a.headers
    ).json()
    assert again["reservation_id"] == held["reservation_id"]  # idempotent per (coupon, sale)
    other = client.post(
        url, json={"sale_id": "0190e000-0000-7000-8000-000000000002", "basket_amount": "60.00"},
        headers=b.headers,
    ).json()  # fmt: skip
    assert other["reason"] == "used_up"
    released = client.post(
        f"/api/v1/coupons/reservations/{held['reservation_id']}/release", headers=a.headers
    )
    assert released.json()["released"] is True
    now_free = client.post(
        url, json={"sale_id": "0190e000-0000-7000-8000-000000000002", "basket_amount": "60.00"},
        headers=b.headers,
    ).json()  # fmt: skip
    assert now_free["ok"] is True
    unknown = client.post(
        "/api/v1/coupons/NOPE/check",
        json={"sale_id": sale, "basket_amount": "1.00"},
        headers=a.headers,
    )
    assert unknown.json()["reason"] == "not_found"


def test_an_order_is_created_read_with_its_code_and_cancelled_once(client, chain):
    shop = user(chain, "ecommerce")
    body = {
        "store_id": str(chain.stores["S1"]),
        "customer_name": "刘备",
        "phone": "13512345678",
        "paid_online": False,
        "lines": [{"product_id": str(chain.products[0]), "quantity": "2", "unit_price": "4.50"}],
    }
    made = client.post("/api/v1/orders", json=body, headers=shop)
    assert made.status_code == 201, made.text
    order = made.json()
    assert order["order"]["amount_due"] == "9.00"
    assert order["order"]["customer_name_masked"] == "刘*"
    assert order["order"]["code_hash"] == pickup_code_hash(
        order["order"]["id"], order["pickup_code"]
    )
    read = client.get(f"/api/v1/orders/{order['order']['id']}", headers=shop).json()
    assert read["pickup_code"] == order["pickup_code"]
    assert read["order"]["status"] == "ready"
    assert (
        client.post(f"/api/v1/orders/{order['order']['id']}/cancel", headers=shop).status_code
        == 200
    )
    assert (
        client.post(f"/api/v1/orders/{order['order']['id']}/cancel", headers=shop).status_code
        == 409
    )


def test_stock_receipts_and_transfers_move_stock_and_report_levels(client, chain):
    product = str(chain.products[0])
    s1, s2 = str(chain.stores["S1"]), str(chain.stores["S2"])

    def lines(quantity):
        return [{"product_id": product, "quantity": quantity}]

    receipt = client.post(
        "/api/v1/stock/receipts", json={"store_id": s1, "lines": lines("10")}, headers=chain.admin
    )
    assert receipt.status_code == 201
    moved = client.post(
        "/api/v1/stock/transfers",
        json={"from_store_id": s1, "to_store_id": s2, "lines": lines("4")},
        headers=chain.admin,
    )  # fmt: skip
    assert moved.json()["levels"] == {s1: {product: "6.000"}, s2: {product: "4.000"}}
    levels = client.get("/api/v1/stock/levels", params={"store_id": s2}, headers=chain.admin).json()
    assert levels == [
        {"product_id": product, "on_hand": "4.000", "reserved": "0.000", "available": "4.000"}
    ]
    same = client.post(
        "/api/v1/stock/transfers",
        json={"from_store_id": s1, "to_store_id": s1, "lines": lines("1")},
        headers=chain.admin,
    )  # fmt: skip
    assert same.status_code == 422


@pytest.mark.parametrize("till_filter", [None, 1])
def test_sales_are_queried_by_store_day_and_till(client, chain, make_sale, till_filter):
    till = chain.tills["S1-1"]
    events = [make_sale(till, [(chain.products[0], "1")]) for _ in range(3)]
    client.post(
        "/api/v1/sync/push", json=till.push_body(till.envelopes(*events)), headers=till.headers
    )
    params = {"store_id": str(chain.stores["S1"]), "business_date": NOW.date().isoformat()}
    if till_filter:
        params["till_number"] = till_filter
    listed = client.get("/api/v1/sales", params=params, headers=chain.admin).json()
    assert sorted(s["receipt_no"] for s in listed) == sorted(e.payload.receipt_no for e in events)
    other_day = params | {"business_date": (NOW - timedelta(days=2)).date().isoformat()}
    assert client.get("/api/v1/sales", params=other_day, headers=chain.admin).json() == []
    assert (
        client.get("/api/v1/sales", params=params | {"till_number": 2}, headers=chain.admin).json()
        == []
    )


def test_categories_change_and_an_empty_one_is_deleted(client, chain):
    drinks = client.post(
        "/api/v1/catalog/categories", json={"code": "01", "name": "饮料"}, headers=chain.admin
    ).json()
    tea = client.post(
        "/api/v1/catalog/categories",
        json={"code": "0101", "name": "茶饮", "parent_id": drinks["id"], "points_multiplier": "2"},
        headers=chain.admin,
    ).json()
    assert tea["points_multiplier"] == "2.0000"
    renamed = client.patch(
        f"/api/v1/catalog/categories/{tea['id']}", json={"name": "茶"}, headers=chain.admin
    )
    assert renamed.json()["name"] == "茶"
    busy = client.delete(f"/api/v1/catalog/categories/{drinks['id']}", headers=chain.admin)
    assert busy.status_code == 409
    assert (
        client.delete(f"/api/v1/catalog/categories/{tea['id']}", headers=chain.admin).status_code
        == 204
    )
    assert (
        client.delete(f"/api/v1/catalog/categories/{drinks['id']}", headers=chain.admin).status_code
        == 204
    )


def test_the_replica_route_shows_what_a_till_of_the_store_should_hold(client, chain, make_sale):
    till = chain.tills["S1-1"]
    client.post(
        "/api/v1/sync/push",
        json=till.push_body(till.envelopes(make_sale(till, [(chain.products[0], "1")]))),
        headers=till.headers,
    )
    rows = client.get(f"/api/v1/stores/{chain.stores['S1']}/replica", headers=chain.admin).json()
    pulled = {}
    cursor = None
    while True:
        page = client.get(
            "/api/v1/sync/pull", params={"cursor": cursor} if cursor else {}, headers=till.headers
        ).json()
        for change in page["changes"]:
            pulled[(change["entity"], change["key"])] = change["data"]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert {(r["entity"], r["key"]): r["data"] for r in rows} == pulled
    assert (
        client.get(f"/api/v1/stores/{chain.stores['S1']}/replica", headers=till.headers).status_code
        == 403
    )
