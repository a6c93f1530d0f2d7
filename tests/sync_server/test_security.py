"""Each device sees only its own store (DESIGN promise 8): store A's till can neither read
store B's data nor push events that change it; revoked tokens get 401; head-office routes
refuse till tokens and till routes refuse API users."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pos_core.ids import new_id
from pos_core.protocol.events import (
    CollectedLine,
    PickupCollectedV1,
    Refund,
    ReturnCompletedV1,
    ReturnLine,
    SaleVoidedV1,
    TenderKind,
    make_event,
)
from pos_core.protocol.messages import Entity, PullPage
from pos_core.protocol.rows import CouponKind
from sync_server.services import cashiers, catalog, coupons, members, orders, views

PULL = "/api/v1/sync/pull"
PUSH = "/api/v1/sync/push"
NOW = datetime.now(UTC)
STORE_ENTITIES = {
    Entity.STORE_SETTINGS,
    Entity.CASHIER,
    Entity.MEMBER,
    Entity.COUPON,
    Entity.PICKUP_ORDER,
    Entity.STOCK_LEVEL,
    Entity.SALE,
    Entity.CONFLICT,
    Entity.PRICE,
    Entity.PROMOTION,
}


def event(payload):
    return make_event(payload, event_id=new_id(), occurred_at=NOW, business_date=NOW.date())


def push(client, till, *events):
    response = client.post(PUSH, json=till.push_body(till.envelopes(*events)), headers=till.headers)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def pull_everything(client, till):
    replica, cursor = {}, None
    while True:
        response = client.get(
            PULL, params={"cursor": cursor} if cursor else {}, headers=till.headers
        )
        page = PullPage.model_validate(response.json())
        for change in page.changes:
            if change.op == "upsert":
                replica[(change.entity.value, change.key)] = change.data
            else:
                replica.pop((change.entity.value, change.key), None)
        cursor = page.cursor
        if not page.has_more:
            return replica, cursor


@pytest.fixture
def store_b(client, chain, make_sale):
    """Store S2 with a row of every kind that only S2 may see."""
    b = chain.tills["S2-1"]
    s2 = chain.stores["S2"]
    only_here = catalog.create_product(
        chain.db, catalog.ProductIn(code="B1", name="本店特供", tax_code="VAT13")
    )
    cashiers.create_cashier(
        chain.db, s2, cashiers.CashierCreate(number="009", name="王五", role="cashier", pin="2468")
    )
    member = members.create_member(
        chain.db, members.MemberCreate(phone="13600000009", consent_version="v1", home_store_id=s2)
    ).member
    [issued] = coupons.issue(
        chain.db,
        coupons.CouponIssue(kind=CouponKind.AMOUNT, value=Decimal("9.00"),
                            valid_from=NOW - timedelta(days=1), valid_to=NOW + timedelta(days=9),
                            store_ids=[s2]),
        by="test",
    )  # fmt: skip
    order = orders.create_order(
        chain.db,
        orders.OrderCreate(store_id=s2, phone="13600000010", lines=[orders.OrderLineIn(
            product_id=only_here.id, quantity=Decimal(2), unit_price=Decimal(3))]),
    )  # fmt: skip
    price = catalog.create_price(
        chain.db,
        catalog.PriceIn(
            product_id=only_here.id, store_id=s2, price=Decimal("1.00"), effective_from=NOW
        ),
    )
    promotion = catalog.save_promotion(
        chain.db,
        catalog.PromotionIn(
            name="本店满减", kind="spend_threshold", valid_from=NOW, store_ids=[s2]
        ),
    )
    sale = make_sale(
        b, [(only_here.id, "1")], member=(member.id, member.card_no), receipt="S2-01-000001"
    )
    push(client, b, sale, make_sale(b, [(only_here.id, "1")], store_id=chain.stores["S1"]))
    return {
        "till": b, "member": member, "coupon": issued, "order": order, "sale": sale,
        "product": only_here.id, "price": price.id, "promotion": promotion.id,
    }  # fmt: skip


def test_a_till_pulls_nothing_of_another_store(client, chain, store_b):
    a, b = chain.tills["S1-1"], store_b["till"]
    replica_a, _ = pull_everything(client, a)
    view_a = views.store_view(chain.db, a.store_id)
    view_b = views.store_view(chain.db, b.store_id)
    assert replica_a == view_a
    for entity in STORE_ENTITIES:
        only_b = {key for key in view_b if key[0] == entity.value} - set(view_a)
        assert only_b, f"the test needs a {entity} row only store B may see"
        assert not only_b & set(replica_a), f"store A's till received store B's {entity} rows"


def test_a_till_cannot_change_another_stores_data_by_pushing(
    client, chain, store_b, stock_for, make_sale
):
    a = chain.tills["S1-1"]
    sale, order = store_b["sale"].payload, store_b["order"]
    s2 = chain.stores["S2"]
    before = views.store_view(chain.db, s2)
    void = SaleVoidedV1(
        void_id=new_id(), sale_id=sale.sale_id, receipt_no=sale.receipt_no, shift_id=new_id(),
        cashier_id=new_id(), approved_by=new_id(), reason="x",
        refunds=[Refund(tender_id=new_id(), kind=TenderKind.CASH, amount=Decimal("2.00"))],
    )  # fmt: skip
    line = sale.lines[0]
    ret = ReturnCompletedV1(
        return_id=new_id(), return_no="S1-01-R000001", original_sale_id=sale.sale_id,
        original_receipt_no=sale.receipt_no, shift_id=new_id(), cashier_id=new_id(),
        lines=[ReturnLine(return_line_id=new_id(), original_line_id=line.line_id,
                          product_id=line.product_id, quantity=Decimal(1), amount=Decimal(2),
                          tax=Decimal("0.23"))],
        refunds=[Refund(tender_id=new_id(), kind=TenderKind.CASH, amount=Decimal("2.00"))],
        member_id=store_b["member"].id, points_restored=5,
    )  # fmt: skip
    handover = PickupCollectedV1(
        handover_id=new_id(), order_id=order.order.id, order_no=order.order.order_no, complete=True,
        lines=[CollectedLine(order_line_id=ln.line_id, product_id=ln.product_id,
                             quantity=ln.quantity) for ln in order.order.lines],
    )  # fmt: skip

    claiming_b = make_sale(a, [(store_b["product"], "5")], store_id=s2)
    results = push(client, a, claiming_b, event(void), event(ret), event(handover))
    assert [r["status"] for r in results] == ["conflict"] * 4
    after = views.store_view(chain.db, s2)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    # Only the member row moved (the points given back are store A's return's); nothing else of B.
    assert {k[0] for k in changed} <= {"member"}
    assert after[("pickup_order", str(order.order.id))]["status"] == "ready"
    assert stock_for(chain.db, s2, store_b["product"]) == Decimal("-1.000")


def test_device_routes_never_show_another_stores_data(client, chain, store_b):
    a = chain.tills["S1-1"]
    b = store_b["till"]
    check = client.post(
        f"/api/v1/coupons/{store_b['coupon'].code}/check",
        json={"sale_id": str(new_id()), "basket_amount": "100.00"},
        headers=a.headers,
    ).json()
    assert check["ok"] is False
    assert check["reason"] == "wrong_store"
    assert check["coupon"] is None
    held = client.post(
        f"/api/v1/coupons/{store_b['coupon'].code}/check",
        json={"sale_id": str(new_id()), "basket_amount": "100.00"},
        headers=b.headers,
    ).json()
    assert held["ok"] is True
    release = client.post(
        f"/api/v1/coupons/reservations/{held['reservation_id']}/release", headers=a.headers
    )
    assert release.status_code == 404
    member = store_b["member"]
    assert client.get(f"/api/v1/members/{member.id}/balance", headers=a.headers).status_code == 404
    assert client.get(f"/api/v1/members/{member.id}/balance", headers=b.headers).status_code == 200
    receipt = store_b["sale"].payload.receipt_no
    assert client.get(f"/api/v1/sales/by-receipt/{receipt}", headers=a.headers).status_code == 404
    own = client.get(f"/api/v1/sales/by-receipt/{receipt}", headers=b.headers).json()
    assert own["member_id"] == str(member.id)
    client.patch(
        f"/api/v1/stores/{chain.stores['S1']}",
        json={"settings": {"allow_cross_store_returns": True}},
        headers=chain.admin,
    )
    other = client.get(f"/api/v1/sales/by-receipt/{receipt}", headers=a.headers).json()
    assert other["lines"] == own["lines"]
    assert other["member_id"] is None
    assert other["points_earned"] == 0
    assert all(t["reference"] is None for t in other["tenders"])
    _, cursor_b = pull_everything(client, b)
    assert client.get(PULL, params={"cursor": cursor_b}, headers=a.headers).status_code == 422


def _routes(app):
    """(method, path, is a till's route) for every API operation but enrolment."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/api/") or path.endswith("/enrol"):
            continue
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            found.append((method.upper(), path, "OmniTill-Protocol" in headers))
    return found


def _url(path):
    return re.sub(
        r"\{[^}]+\}", lambda m: "ABCD2345" if m.group(0) == "{code}" else str(new_id()), path
    )


def test_tokens_of_the_wrong_kind_revoked_tokens_and_no_tokens_are_refused(client, chain):
    till = chain.tills["S1-1"]
    routes = _routes(client.app)
    device_routes = [r for r in routes if r[2]]
    office_routes = [r for r in routes if not r[2]]
    assert len(device_routes) >= 7
    assert len(office_routes) >= 25
    for method, path, _ in office_routes:
        response = client.request(method, _url(path), headers=till.headers, json={})
        assert response.status_code == 403, (method, path, response.text)
        response = client.request(method, _url(path), json={})
        assert response.status_code == 401, (method, path, response.text)
    for method, path, _ in device_routes:
        response = client.request(
            method, _url(path), headers={**chain.admin, "OmniTill-Protocol": "1"}, json={}
        )
        assert response.status_code == 403, (method, path, response.text)
    client.post(f"/api/v1/tills/{till.device_id}/revoke", headers=chain.admin)
    for method, path, _ in device_routes:
        response = client.request(method, _url(path), headers=till.headers, json={})
        assert response.status_code == 401, (method, path, response.text)
