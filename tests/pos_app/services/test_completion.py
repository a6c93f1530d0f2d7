"""What completing a sale writes, all in one transaction, and what it leaves if it fails."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from pos_app.services import auth, basket_edits, payments, selling
from pos_app.store.counters import OUTBOX_SEQ, RECEIPT, current
from pos_app.store.documents import Sale
from pos_app.store.queues import DrawerKick, PrintJob
from pos_app.store.sync import OutboxEvent, PendingDelta
from pos_core.money import Money
from pos_core.printing import PrintDocument
from pos_core.protocol.events import TenderKind


def test_a_sale_event_carries_everything_head_office_needs(shop, till, kit):
    selling.scan(till, kit.code("WINE"))
    bread = selling.scan(till, kit.code("BREAD")).line
    basket_edits.override_price(till, bread.line_id, Money.of("7.80"), kit.SUPERVISOR.approval)
    selling.scan(till, kit.label("APPLES", "0.756"))
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("100.00"))
    done = payments.tender_cash(till, Money.of("100.00")).completed
    with shop.store.read() as session:
        sale = session.get(Sale, done.sale_id)
        event = session.get(OutboxEvent, sale.event_id)
        deltas = session.execute(
            select(PendingDelta.key, PendingDelta.delta, PendingDelta.kind).where(
                PendingDelta.event_id == sale.event_id
            )
        ).all()
        job = session.execute(select(PrintJob).where(PrintJob.document_id == sale.id)).scalar_one()
        kick = session.execute(select(DrawerKick)).scalar_one()
    body = json.loads(event.body)
    payload = body["payload"]
    assert (body["type"], body["v"], event.seq) == ("sale.completed", 1, 2)  # after shift.opened
    assert (payload["store_id"], payload["till_number"]) == (str(kit.STORE_ID), 2)
    assert (payload["shift_id"], payload["cashier_id"]) == (
        str(till.state.shift_id),
        str(kit.CASHIER.id),
    )
    assert payload["receipt_no"] == "S001-02-000001"
    wine, bread_line, apples = payload["lines"]
    assert (wine["code"], wine["quantity"], wine["unit"], wine["tax"]) == (
        kit.code("WINE"),
        "1.000",
        "pcs",
        "19.32",  # VAT13: 175.80 × 13/113 = 20.22, of which 168/175.80 → 19.32
    )
    assert bread_line["price_override"] == {
        "original_price": "8.80",
        "approved_by": str(kit.SUPERVISOR.id),
    }
    assert (apples["quantity"], apples["unit"], apples["unit_price"], apples["amount"]) == (
        "0.756",
        "kg",
        "12.80",
        "9.68",
    )
    assert [(t["kind"], t["amount"], t["tendered"], t["change"]) for t in payload["tenders"]] == [
        ("card", "100.00", None, "0.00"),
        ("cash", "85.48", "100.00", "14.52"),
    ]
    assert payload["tenders"][0]["reference"] == "SIM0000000001"
    assert sorted((k, d) for k, d, _ in deltas) == sorted(
        [
            (str(kit.product_id("WINE")), -1000),
            (str(kit.product_id("BREAD")), -1000),
            (str(kit.product_id("APPLES")), -756),
        ]
    )
    assert {kind for _, _, kind in deltas} == {"stock"}
    assert (job.status, job.kind, job.reprint) == ("printed", "receipt", False)
    assert PrintDocument.model_validate(sale.receipt) == shop.printer.printed[-1]
    assert (kick.reason, kick.document_id, kick.status) == ("sale", sale.id, "sent")


def test_a_sale_that_fails_to_commit_leaves_no_trace_and_no_gap(shop, till, kit):
    selling.scan(till, kit.code("COLA"))

    def refuse(point):
        if point == "before_commit":
            raise OSError("disk full")

    shop.store.fault_hook = refuse
    with pytest.raises(OSError, match="disk full"):
        payments.tender_cash(till, Money.of("5.00"))
    shop.store.fault_hook = None
    with shop.store.read() as session:
        assert session.execute(select(Sale)).scalars().all() == []
        assert current(session, RECEIPT) == 0
        seq_before = current(session, OUTBOX_SEQ)
    assert shop.printer.printed == []
    assert shop.drawer.kicks == 0
    # the basket is still on screen, unpaid; the next try takes the same numbers
    assert str(selling.current(till).totals.remaining) == "3.00"
    done = payments.tender_cash(till, Money.of("5.00")).completed
    assert done.receipt_no == "S001-02-000001"
    with shop.store.read() as session:
        assert current(session, OUTBOX_SEQ) == seq_before + 1


def test_receipt_numbers_follow_on_across_restarts(shop, kit):
    till = kit.ready(shop)
    numbers = []
    for _ in range(3):
        selling.scan(till, kit.code("WATER"))
        numbers.append(payments.tender_cash(till, Money.of("2.00")).completed.receipt_no)
        shop.reopen()
        till = shop.till()
        auth.log_in(till, "001", "1111")
        shop.clock.advance(timedelta(minutes=1))
    assert numbers == ["S001-02-000001", "S001-02-000002", "S001-02-000003"]


def test_a_weighed_item_weighed_at_the_till(shop, till, kit):
    selling.add_weighed(till, "1000102", Decimal("0.5"))
    done = payments.tender_cash(till, Money.of("5.00")).completed
    assert (str(done.total_due), str(done.change)) == ("3.49", "1.51")
