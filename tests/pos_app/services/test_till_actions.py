"""Reprint, training mode and no-sale."""

import pytest
from sqlalchemy import select

from pos_app.services import drawer, parking, payments, reports, reprints, selling, shifts, training
from pos_app.services.errors import BasketRefused, NeedsApproval, SaleNotFound, ServiceError
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import Sale
from pos_app.store.queues import DrawerKick, PrintJob
from pos_app.store.sync import OutboxEvent, PendingDelta
from pos_core.money import Money
from pos_core.protocol.events import TenderKind


def outbox_types(shop):
    with shop.store.read() as session:
        return session.execute(select(OutboxEvent.type).order_by(OutboxEvent.seq)).scalars().all()


def test_a_reprint_is_the_same_receipt_marked_copy_and_audited(shop, till, kit):
    selling.scan(till, kit.code("BREAD"))
    sale = payments.tender_cash(till, Money.of("10.00")).completed
    original = shop.printer.printed[-1]
    copy = reprints.reprint(till, sale.receipt_no)
    assert copy.printed is True
    printed = shop.printer.printed[-1]
    assert (printed.reprint, original.reprint) == (True, False)
    assert printed.blocks == original.blocks
    assert printed.id == original.id == sale.sale_id
    with shop.store.read() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "reprint")
        ).scalar_one()
        assert (entry.actor_id, entry.subject) == (kit.CASHIER.id, sale.receipt_no)
        assert session.get(PrintJob, copy.job_id).reprint
    assert outbox_types(shop)[-1] == "audit.recorded"
    reports.close_shift(till, kit.float_count(500))
    shifts.open_shift(till, kit.float_count())
    with pytest.raises(SaleNotFound, match="only its receipts reprint"):
        reprints.reprint(till, sale.receipt_no)


def test_training_mode_sells_for_practice_only(shop, till, kit):
    before = outbox_types(shop)
    with pytest.raises(NeedsApproval):
        training.set_training(till, True)
    training.set_training(till, True, kit.SUPERVISOR.approval)
    selling.scan(till, kit.code("WINE"))
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("100.00"))
    practice = payments.tender_cash(till, Money.of("100.00")).completed
    assert (practice.receipt_no, practice.training) == ("S001-02-T000001", True)
    assert shop.gateway.orders() == []  # no card was charged
    assert shop.drawer.kicks == 0
    assert shop.printer.printed[-1].training
    selling.scan(till, kit.code("COLA"))
    with pytest.raises(BasketRefused, match="before switching mode"):
        training.set_training(till, False, kit.SUPERVISOR.approval)
    assert training.set_training(till, True) is True  # already on: nothing to approve
    parked = parking.suspend(till)
    training.set_training(till, False, kit.SUPERVISOR.approval)
    with pytest.raises(BasketRefused, match="rung in training mode"):
        parking.resume(till, parked.basket_id)
    selling.scan(till, kit.code("COLA"))
    real = payments.tender_cash(till, Money.of("3.00")).completed
    assert real.receipt_no == "S001-02-000001"
    # only the two switches are events; the practice sale left no event and no stock delta
    assert outbox_types(shop)[len(before) :] == [
        "audit.recorded",
        "audit.recorded",
        "sale.completed",
    ]
    with shop.store.read() as session:
        deltas = session.execute(select(PendingDelta.key)).scalars().all()
        assert deltas == [str(kit.product_id("COLA"))]
        assert session.get(Sale, practice.sale_id).event_id is None
    figures = reports.x_report(till, print_it=False).figures
    assert (figures.sales_count, str(figures.sales_total)) == (1, "3.00")


def test_no_sale_needs_a_supervisor_a_reason_and_is_audited(shop, till, kit):
    with pytest.raises(NeedsApproval):
        drawer.no_sale(till, "找零钱")
    with pytest.raises(ServiceError, match="why"):
        drawer.no_sale(till, " ", kit.SUPERVISOR.approval)
    opened = drawer.no_sale(till, "找零钱", kit.SUPERVISOR.approval)
    assert opened.drawer_opened is True
    assert shop.drawer.kicks == 1
    with shop.store.read() as session:
        entry = session.get(AuditEntry, opened.audit_id)
        kick = session.execute(select(DrawerKick)).scalar_one()
    assert (entry.action, entry.approver_id, entry.details) == (
        "no_sale",
        kit.SUPERVISOR.id,
        {"reason": "找零钱"},
    )
    assert (kick.reason, kick.document_id, kick.status) == ("no_sale", opened.audit_id, "sent")
    assert reports.x_report(till, print_it=False).figures.no_sales == 1


def test_a_drawer_that_does_not_open_is_recorded_not_fatal(shop, till, kit):
    from hardware.errors import DeviceOffline

    shop.drawer.fail_with = DeviceOffline("printer unplugged")
    selling.scan(till, kit.code("BREAD"))
    sale = payments.tender_cash(till, Money.of("10.00")).completed
    assert (sale.drawer_opened, sale.printed) == (False, True)
    with shop.store.read() as session:
        assert session.execute(select(DrawerKick.status)).scalar_one() == "failed"
