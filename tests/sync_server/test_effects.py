"""Server effects of till events: stock, points, coupons, voids, returns, counts, pickup
orders, member merges and records — each as head office and the tills would see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos_core.ids import new_id
from pos_core.members import phone_hash
from pos_core.protocol.events import (
    CollectedLine,
    Consent,
    CountLine,
    CouponDecision,
    MemberEnrolledV1,
    PickupCollectedV1,
    ReceivedLine,
    Refund,
    ReturnCompletedV1,
    ReturnLine,
    SaleVoidedV1,
    ShiftOpenedV1,
    StockCountedV1,
    StockReceivedV1,
    TenderKind,
    make_event,
)
from pos_core.protocol.rows import CouponKind
from sync_server.services import coupons, members, orders, tx
from sync_server.services.conflicts import PointsCompensation, Resolution, StockCompensation
from sync_server.store.members import MemberMerge, MemberRecord, PointsEntry
from sync_server.store.offers import CouponRecord, CouponRedemption
from sync_server.store.records import ShiftRecord
from sync_server.store.sales import SaleRecord
from sync_server.store.stock import StockLevel, StockMovement

PUSH = "/api/v1/sync/push"
NOW = datetime.now(UTC)


def push(client, till, *events):
    response = client.post(PUSH, json=till.push_body(till.envelopes(*events)), headers=till.headers)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def event(payload):
    return make_event(payload, event_id=new_id(), occurred_at=NOW, business_date=NOW.date())


def new_member(chain, phone="13800138000", points=0, home="S1"):
    view = members.create_member(
        chain.db,
        members.MemberCreate(phone=phone, consent_version="v1", home_store_id=chain.stores[home]),
    )
    if points:
        members.adjust_points(
            chain.db, view.member.id, members.PointsAdjustment(points=points, reason="opening")
        )
    return view.member


def balance(db, member_id):
    return tx.read(db, lambda s: s.get(MemberRecord, member_id).points_balance)


def ledger_sum(db, member_id):
    return tx.read(
        db,
        lambda s: s.execute(
            select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
                PointsEntry.member_id == member_id
            )
        ).scalar_one(),
    )


def conflict_kinds(client, chain, store="S1"):
    found = client.get(
        "/api/v1/conflicts", params={"store_id": str(chain.stores[store])}, headers=chain.admin
    ).json()
    return sorted(c["kind"] for c in found), found


def issue_coupon(chain, **overrides):
    fields = {
        "kind": CouponKind.AMOUNT,
        "value": Decimal("5.00"),
        "valid_from": NOW - timedelta(days=1),
        "valid_to": NOW + timedelta(days=30),
    } | overrides
    [issued] = coupons.issue(chain.db, coupons.CouponIssue(**fields), by="test")
    return issued


def test_points_are_ledger_rows_and_an_overspend_is_a_conflict_not_a_refusal(
    client, chain, make_sale
):
    till = chain.tills["S1-1"]
    member = new_member(chain, points=100)
    sale = make_sale(
        till,
        [(chain.products[0], "1")],
        member=(member.id, member.card_no),
        points_earned=2,
        points_redeemed=60,
    )
    assert [r["status"] for r in push(client, till, sale)] == ["applied"]
    assert balance(chain.db, member.id) == 42
    overspend = make_sale(
        till, [(chain.products[0], "1")], member=(member.id, member.card_no), points_redeemed=50
    )
    [result] = push(client, till, overspend)
    assert result["status"] == "conflict"
    assert balance(chain.db, member.id) == -8  # the ledger stands; a person resolves it
    assert balance(chain.db, member.id) == ledger_sum(chain.db, member.id)
    kinds, found = conflict_kinds(client, chain)
    assert kinds == ["points_overspent"]
    resolved = client.post(
        f"/api/v1/conflicts/{found[0]['id']}/resolve",
        json=Resolution(
            resolution="written off by the store manager",
            points=[PointsCompensation(member_id=member.id, points=8)],
        ).model_dump(mode="json"),
        headers=chain.admin,
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert balance(chain.db, member.id) == 0 == ledger_sum(chain.db, member.id)
    again = client.post(
        f"/api/v1/conflicts/{found[0]['id']}/resolve",
        json={"resolution": "twice"},
        headers=chain.admin,
    )
    assert again.status_code == 409


def test_a_single_use_coupon_used_twice_numbers_one_use_and_names_both_sales(
    client, chain, make_sale
):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    coupon = issue_coupon(chain).coupon
    first = make_sale(
        a, [(chain.products[0], "1")], coupons=[(coupon.id, CouponDecision.OFFLINE_ALLOWED, None)]
    )
    second = make_sale(
        b, [(chain.products[0], "1")], coupons=[(coupon.id, CouponDecision.OFFLINE_ALLOWED, None)]
    )
    assert push(client, a, first)[0]["status"] == "applied"
    assert push(client, b, second)[0]["status"] == "conflict"
    redemptions = tx.read(
        chain.db,
        lambda s: s.execute(
            select(CouponRedemption.use_number, CouponRedemption.status).order_by(
                CouponRedemption.created_at
            )
        ).all(),
    )
    assert [tuple(r) for r in redemptions] == [(1, "used"), (None, "over_limit")]
    _, found = conflict_kinds(client, chain, "S2")
    assert found[0]["kind"] == "coupon_over_limit"
    assert first.payload.receipt_no in found[0]["summary"]
    assert second.payload.receipt_no in found[0]["summary"]


def test_an_online_reservation_keeps_its_use_against_an_offline_redemption(
    client, chain, make_sale
):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    issued = issue_coupon(chain)
    sale_a = new_id()
    check = client.post(
        f"/api/v1/coupons/{issued.code}/check",
        json={"sale_id": str(sale_a), "basket_amount": "10.00"},
        headers=a.headers,
    ).json()
    assert check["ok"] is True
    offline = make_sale(
        b,
        [(chain.products[0], "1")],
        coupons=[(issued.coupon.id, CouponDecision.OFFLINE_ALLOWED, None)],
    )
    assert push(client, b, offline)[0]["status"] == "conflict"
    online = make_sale(
        a,
        [(chain.products[0], "1")],
        coupons=[(issued.coupon.id, CouponDecision.ONLINE_RESERVED, check["reservation_id"])],
    )
    payload = online.payload.model_copy(update={"sale_id": sale_a})
    assert push(client, a, event(payload))[0]["status"] == "applied"
    assert tx.read(chain.db, lambda s: s.get(CouponRecord, issued.coupon.id).uses) == 1


def test_a_void_reverses_stock_points_and_coupon_uses(client, chain, make_sale, stock_for):
    till = chain.tills["S1-1"]
    member = new_member(chain, points=100)
    coupon = issue_coupon(chain).coupon
    sale = make_sale(
        till,
        [(chain.products[0], "3")],
        member=(member.id, member.card_no),
        points_earned=6,
        points_redeemed=10,
        coupons=[(coupon.id, CouponDecision.OFFLINE_ALLOWED, None)],
    )
    push(client, till, sale)
    assert balance(chain.db, member.id) == 96
    void = SaleVoidedV1(
        void_id=new_id(),
        sale_id=sale.payload.sale_id,
        receipt_no=sale.payload.receipt_no,
        shift_id=new_id(),
        cashier_id=new_id(),
        approved_by=new_id(),
        reason="customer changed their mind",
        refunds=[Refund(tender_id=new_id(), kind=TenderKind.CASH, amount=Decimal("6.00"))],
        points_reversed=6,
        points_restored=10,
    )
    assert push(client, till, event(void))[0]["status"] == "applied"
    assert stock_for(chain.db, till.store_id, chain.products[0]) == Decimal("0.000")
    assert balance(chain.db, member.id) == 100 == ledger_sum(chain.db, member.id)
    assert tx.read(chain.db, lambda s: s.get(CouponRecord, coupon.id).uses) == 0
    sale_row = client.get(f"/api/v1/sales/{sale.payload.sale_id}", headers=chain.admin).json()
    assert sale_row["voided"] is True
    assert (
        push(client, till, event(void.model_copy(update={"void_id": new_id()})))[0]["status"]
        == "conflict"
    )


def returned(sale, line_index, quantity, *, member=None, coupons_restored=()):
    line = sale.payload.lines[line_index]
    return ReturnCompletedV1(
        return_id=new_id(),
        return_no=f"{sale.payload.receipt_no}-R{new_id().int % 1000:03d}",
        original_sale_id=sale.payload.sale_id,
        original_receipt_no=sale.payload.receipt_no,
        shift_id=new_id(),
        cashier_id=new_id(),
        lines=[
            ReturnLine(
                return_line_id=new_id(),
                original_line_id=line.line_id,
                product_id=line.product_id,
                quantity=Decimal(quantity),
                amount=Decimal("2.00") * Decimal(quantity),
                tax=Decimal("0.23"),
            )
        ],
        refunds=[Refund(tender_id=new_id(), kind=TenderKind.CASH, amount=Decimal("2.00"))],
        member_id=member,
        coupons_restored=list(coupons_restored),
    )


def test_returning_more_than_sold_is_a_conflict_and_the_goods_still_go_back(
    client, chain, make_sale, stock_for
):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    sale = make_sale(till, [(product, "2")])
    push(client, till, sale)
    assert push(client, till, event(returned(sale, 0, "1")))[0]["status"] == "applied"
    [over] = push(client, till, event(returned(sale, 0, "2")))
    assert over["status"] == "conflict"
    assert stock_for(chain.db, till.store_id, product) == Decimal("1.000")  # -2 +1 +2
    row = client.get(f"/api/v1/sales/{sale.payload.sale_id}", headers=chain.admin).json()
    assert row["lines"][0]["returned_quantity"] == "2.000"
    kinds, found = conflict_kinds(client, chain)
    assert kinds == ["over_return"]
    assert "1.000 left to return" in found[0]["summary"]


def test_a_cross_store_return_needs_the_store_setting(client, chain, make_sale, stock_for):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    product = chain.products[0]
    sale = make_sale(a, [(product, "2")])
    push(client, a, sale)
    assert push(client, b, event(returned(sale, 0, "1")))[0]["status"] == "conflict"
    assert stock_for(chain.db, b.store_id, product) == Decimal("1.000")
    client.patch(
        f"/api/v1/stores/{chain.stores['S2']}",
        json={"settings": {"allow_cross_store_returns": True}},
        headers=chain.admin,
    )
    assert push(client, b, event(returned(sale, 0, "1")))[0]["status"] == "applied"
    row = client.get(f"/api/v1/sales/{sale.payload.sale_id}", headers=chain.admin).json()
    assert row["lines"][0]["returned_quantity"] == "1.000"


def test_a_count_applies_the_difference_and_flags_a_large_variance(
    client, chain, make_sale, stock_for
):
    till = chain.tills["S1-1"]
    small, large = chain.products[0], chain.products[1]
    push(client, till, event(StockReceivedV1(
        receipt_id=new_id(),
        lines=[ReceivedLine(product_id=small, quantity=Decimal("20")),
               ReceivedLine(product_id=large, quantity=Decimal("50"))],
    )))  # fmt: skip
    push(client, till, make_sale(till, [(small, "1")]))  # the server learns of it before the count
    count = StockCountedV1(
        count_id=new_id(),
        part=1,
        parts=1,
        cursor="",
        lines=[
            CountLine(product_id=small, counted=Decimal("18"), expected=Decimal("20")),
            CountLine(product_id=large, counted=Decimal("20"), expected=Decimal("50")),
        ],
    )
    [result] = push(client, till, event(count))
    assert result["status"] == "conflict"
    assert stock_for(chain.db, till.store_id, small) == Decimal("17.000")  # 20 - 1 - 2
    assert stock_for(chain.db, till.store_id, large) == Decimal("20.000")
    kinds, _ = conflict_kinds(client, chain)
    assert kinds == ["stock_count_variance"]


def make_order(chain, store="S1", quantity="3"):
    return orders.create_order(
        chain.db,
        orders.OrderCreate(
            store_id=chain.stores[store],
            customer_name="张三丰",
            phone="13912345678",
            lines=[
                orders.OrderLineIn(
                    product_id=chain.products[0],
                    quantity=Decimal(quantity),
                    unit_price=Decimal("2.00"),
                ),
                orders.OrderLineIn(
                    product_id=chain.products[1], quantity=Decimal("1"), unit_price=Decimal("5.00")
                ),
            ],
            paid_online=True,
        ),
    )


def collected(view, quantities, complete):
    lines = [
        CollectedLine(order_line_id=line.line_id, product_id=line.product_id, quantity=Decimal(q))
        for line, q in zip(view.order.lines, quantities, strict=True)
        if q != "0"
    ]
    return PickupCollectedV1(
        handover_id=new_id(), order_id=view.order.id, order_no=view.order.order_no,
        complete=complete, lines=lines,
    )  # fmt: skip


def reserved(db, store_id, product_id):
    return tx.read(db, lambda s: s.get(StockLevel, (store_id, product_id)).reserved)


def test_a_partial_pickup_converts_what_was_handed_over_and_releases_the_rest(
    client, chain, stock_for
):
    till = chain.tills["S1-1"]
    view = make_order(chain)
    assert view.order.code_hash
    assert view.pickup_code.isdigit()
    assert reserved(chain.db, till.store_id, chain.products[0]) == Decimal("3.000")
    assert (
        push(client, till, event(collected(view, ["2", "0"], complete=False)))[0]["status"]
        == "applied"
    )
    status = client.get(f"/api/v1/orders/{view.order.id}", headers=chain.admin).json()
    assert status["order"]["status"] == "partly_collected"
    assert [h["status"] for h in status["history"]] == ["ready", "partly_collected"]
    assert stock_for(chain.db, till.store_id, chain.products[0]) == Decimal("-2.000")
    assert reserved(chain.db, till.store_id, chain.products[0]) == Decimal("0.000")
    assert reserved(chain.db, till.store_id, chain.products[1]) == Decimal("0.000")
    [again] = push(client, till, event(collected(view, ["1", "0"], complete=False)))
    assert again["status"] == "conflict"


def test_handing_over_an_order_cancelled_online_raises_a_conflict(client, chain, stock_for):
    till = chain.tills["S1-1"]
    view = make_order(chain)
    cancel = client.post(f"/api/v1/orders/{view.order.id}/cancel", headers=chain.admin)
    assert cancel.json()["order"]["status"] == "cancelled"
    assert reserved(chain.db, till.store_id, chain.products[0]) == Decimal("0.000")
    [result] = push(client, till, event(collected(view, ["3", "1"], complete=True)))
    assert result["status"] == "conflict"
    kinds, _ = conflict_kinds(client, chain)
    assert kinds == ["pickup_cancelled"]
    full = make_order(chain)
    assert (
        push(client, till, event(collected(full, ["3", "1"], complete=True)))[0]["status"]
        == "applied"
    )
    status = client.get(f"/api/v1/orders/{full.order.id}", headers=chain.admin).json()
    assert status["order"]["status"] == "collected"


def enrolment(phone, key, card):
    return MemberEnrolledV1(
        member_id=new_id(),
        card_no=card,
        phone=phone,
        phone_hash=phone_hash(phone, key),
        name="王女士",
        consent=Consent(version="v1", given_at=NOW),
    )


def test_the_same_phone_enrolled_at_two_tills_is_merged_and_the_merge_recorded(
    client, chain, make_sale
):
    a, b = chain.tills["S1-1"], chain.tills["S2-1"]
    key = bytes.fromhex(
        client.get(f"/api/v1/stores/{chain.stores['S1']}", headers=chain.admin).json()[
            "member_lookup_key"
        ]
    )
    first = enrolment("13700001111", key, "M0000000001")
    second = enrolment("137 0000 1111", key, "M0000000002")
    assert push(client, a, event(first))[0]["status"] == "applied"
    assert push(client, b, event(second))[0]["status"] == "applied"
    earn = make_sale(
        b, [(chain.products[0], "1")], member=(second.member_id, second.card_no), points_earned=7
    )
    assert push(client, b, earn)[0]["status"] == "applied"
    merge = tx.read(chain.db, lambda s: s.get(MemberMerge, second.member_id))
    assert merge is not None
    assert merge.into_id == first.member_id
    assert balance(chain.db, first.member_id) == 7
    looked_up = client.get(
        "/api/v1/members/lookup", params={"card_no": "M0000000002"}, headers=b.headers
    )
    assert looked_up.json()["id"] == str(first.member_id)
    assert looked_up.json()["points_balance"] == 7
    assert "phone" not in looked_up.json()


def test_shifts_and_records_are_stored_once(client, chain):
    till = chain.tills["S1-1"]
    opened = ShiftOpenedV1(
        shift_id=new_id(), cashier_id=new_id(), opened_at=NOW, opening_float=Decimal("200.00")
    )
    assert push(client, till, event(opened))[0]["status"] == "applied"
    assert push(client, till, event(opened))[0]["status"] == "conflict"  # another event, same shift
    shift = tx.read(chain.db, lambda s: s.get(ShiftRecord, (till.store_id, opened.shift_id)))
    assert shift.opening_float == Decimal("200.00")


@pytest.mark.parametrize("quantity", ["1", "0.375"])
def test_levels_always_equal_the_sum_of_their_movements(client, chain, make_sale, quantity):
    till = chain.tills["S1-1"]
    for _ in range(3):
        push(client, till, make_sale(till, [(p, quantity) for p in chain.products]))

    def check(session):
        for level in session.execute(select(StockLevel)).scalars():
            total = session.execute(
                select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                    StockMovement.store_id == level.store_id,
                    StockMovement.product_id == level.product_id,
                )
            ).scalar_one()
            assert Decimal(total) == level.quantity

    tx.read(chain.db, check)
    assert (
        tx.read(
            chain.db, lambda s: s.execute(select(func.count()).select_from(SaleRecord)).scalar_one()
        )
        == 3
    )


def test_a_compensated_stock_conflict_adds_a_movement(client, chain, make_sale, stock_for):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    sale = make_sale(till, [(product, "1")])
    push(client, till, sale)
    push(client, till, event(returned(sale, 0, "3")))
    _, found = conflict_kinds(client, chain)
    body = Resolution(
        resolution="two were never returned",
        stock=[StockCompensation(product_id=product, quantity=Decimal("-2"))],
    ).model_dump(mode="json")
    assert (
        client.post(
            f"/api/v1/conflicts/{found[0]['id']}/resolve", json=body, headers=chain.admin
        ).status_code
        == 200
    )
    assert stock_for(chain.db, till.store_id, product) == Decimal("0.000")
