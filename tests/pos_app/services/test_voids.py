import json

import pytest
from sqlalchemy import func, select

from pos_app.services import payments, reports, selling, shifts, voids
from pos_app.services.errors import NeedsApproval, SaleNotFound, VoidRefused
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import PaymentAttempt, Sale, SaleVoid
from pos_app.store.queues import DrawerKick
from pos_app.store.sync import OutboxEvent, PendingDelta
from pos_core.money import Money
from pos_core.protocol.events import TenderKind


def paid_sale(till, kit):
    selling.scan(till, kit.code("WINE"))
    selling.scan(till, kit.code("COLA"), quantity=2)
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("100.00"))
    return payments.tender_cash(till, Money.of("100.00")).completed  # 74.00 cash, 26.00 change


def test_void_after_tender_refunds_each_tender_the_way_it_was_paid(shop, till, kit):
    sale = paid_sale(till, kit)
    assert shop.gateway.charged() == Money.of("100.00")
    with pytest.raises(NeedsApproval):
        voids.void_sale(till, sale.receipt_no, "顾客退单")
    voided = voids.void_sale(till, sale.receipt_no.lower(), "顾客退单", kit.SUPERVISOR.approval)
    assert [(r.kind, str(r.amount), r.instruction) for r in voided.refunds] == [
        (TenderKind.CARD, "100.00", False),
        (TenderKind.CASH, "74.00", False),
    ]
    assert (str(voided.cash_back), voided.drawer_opened, voided.printed) == ("74.00", True, True)
    assert shop.gateway.charged() == Money.zero()
    assert shop.printer.printed[-1].kind.value == "void_receipt"
    with shop.store.read() as session:
        assert session.get(Sale, sale.sale_id).status == "voided"
        void = session.execute(select(SaleVoid)).scalar_one()
        assert void.approved_by == kit.SUPERVISOR.id
        body = session.execute(
            select(OutboxEvent.body).where(OutboxEvent.type == "sale.voided")
        ).scalar_one()
        stock = dict(
            session.execute(
                select(PendingDelta.key, func.sum(PendingDelta.delta)).group_by(PendingDelta.key)
            ).all()
        )
        states = session.execute(select(PaymentAttempt.state)).scalars().all()
        kicks = session.execute(select(DrawerKick.reason, DrawerKick.status)).all()
        audit = session.execute(
            select(AuditEntry.approver_id).where(AuditEntry.action == "void_after_tender")
        ).scalar_one()
    payload = json.loads(body)["payload"]
    assert (payload["receipt_no"], payload["approved_by"]) == (
        sale.receipt_no,
        str(kit.SUPERVISOR.id),
    )
    assert [(r["kind"], r["amount"], r["instruction"]) for r in payload["refunds"]] == [
        ("card", "100.00", False),
        ("cash", "74.00", False),
    ]
    assert set(stock.values()) == {0}  # sold, then put back
    assert states == ["reversed"]
    assert kicks == [("sale", "sent"), ("void", "sent")]
    assert audit == kit.SUPERVISOR.id
    with pytest.raises(VoidRefused, match="already voided"):
        voids.void_sale(till, sale.receipt_no, "again", kit.SUPERVISOR.approval)


def test_a_payment_the_gateway_cannot_reverse_becomes_a_refund_instruction(shop, till, kit):
    sale = paid_sale(till, kit)
    shop.gateway.set_reachable(False)
    voided = voids.void_sale(till, sale.receipt_no, "顾客退单", kit.SUPERVISOR.approval)
    assert [(r.kind, r.instruction) for r in voided.refunds] == [
        (TenderKind.CARD, True),
        (TenderKind.CASH, False),
    ]
    assert shop.gateway.charged() == Money.of("100.00")  # head office pays it back
    voided_rows = {b.left: b.right for b in shop.printer.printed[-1].blocks if b.type == "row"}
    assert voided_rows["退 Refund 银行卡 Card"] == "100.00"


def test_only_this_shift_s_paid_sales_can_be_voided(shop, till, kit):
    sale = paid_sale(till, kit)
    with pytest.raises(SaleNotFound, match="No sale S001-02-000099"):
        voids.void_sale(till, "S001-02-000099", "x", kit.SUPERVISOR.approval)
    with pytest.raises(SaleNotFound, match="not a receipt number"):
        voids.void_sale(till, "yesterday's", "x", kit.SUPERVISOR.approval)
    reports.close_shift(till, kit.float_count(500))
    shifts.open_shift(till, kit.float_count())
    with pytest.raises(VoidRefused, match=r"another shift.*return"):
        voids.void_sale(till, sale.receipt_no, "x", kit.SUPERVISOR.approval)


def test_a_supervisor_voids_alone(shop, kit):
    till = kit.ready(shop, kit.SUPERVISOR)
    selling.scan(till, kit.code("BREAD"))
    sale = payments.tender_cash(till, Money.of("10.00")).completed
    voids.void_sale(till, sale.receipt_no, "打错了")
    with shop.store.read() as session:
        assert session.execute(select(SaleVoid.approved_by)).scalar_one() == kit.SUPERVISOR.id
