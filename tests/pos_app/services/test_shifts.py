import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from pos_app.payments.simulated import Behaviour
from pos_app.services import auth, payments, reports, selling, shifts, voids
from pos_app.services.errors import (
    BasketRefused,
    NeedsApproval,
    NoOpenShift,
    PaymentRefused,
    PaymentUnknown,
    ShiftError,
)
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import Shift
from pos_app.store.queues import DrawerKick
from pos_app.store.sync import OutboxEvent, SyncState
from pos_core.money import Money
from pos_core.permissions import Action, Role
from pos_core.protocol.events import DenominationCount, TenderKind


def count(**notes):
    """count(n100=4, n0_5=2) → 4 × 100 and 2 × 0.5."""
    return [
        DenominationCount(denomination=Decimal(name[1:].replace("_", ".")), count=n)
        for name, n in notes.items()
    ]


def events(shop, kind):
    with shop.store.read() as session:
        bodies = session.execute(
            select(OutboxEvent.body).where(OutboxEvent.type == kind).order_by(OutboxEvent.seq)
        ).scalars()
        return [json.loads(body) for body in bodies]


def test_a_shift_opens_on_a_counted_float(shop, kit):
    till = shop.till()
    auth.log_in(till, "001", "1111")
    opened = shifts.open_shift(till, count(n100=4, n50=1, n10=4, n1=8, n0_5=4))
    assert str(opened.opening_float) == "500.00"
    assert str(opened.business_date) == "2026-11-22"
    (event,) = events(shop, "shift.opened")
    assert (event["payload"]["opening_float"], event["business_date"]) == ("500.00", "2026-11-22")
    with pytest.raises(ShiftError, match="already open"):
        shifts.open_shift(till, count(n100=5))


def test_a_float_in_notes_the_till_does_not_know_is_refused(shop):
    till = shop.till()
    auth.log_in(till, "001", "1111")
    with pytest.raises(ShiftError, match="3 is not a note"):
        shifts.open_shift(till, count(n3=1))
    with pytest.raises(NoOpenShift):
        reports.x_report(till)


def test_cash_movements_need_reasons_open_the_drawer_and_send_events(shop, till, kit):
    shifts.pay_in(till, Money.of("100.00"), "补充零钱")
    with pytest.raises(NeedsApproval) as needed:
        shifts.pay_out(till, Money.of("20.00"), "买胶带")
    assert needed.value.required is Role.SUPERVISOR
    shifts.pay_out(till, Money.of("20.00"), "买胶带", kit.SUPERVISOR.approval)
    shifts.safe_drop(till, Money.of("300.00"), "大额投库")
    with pytest.raises(Exception, match="reason"):
        shifts.safe_drop(till, Money.of("1.00"), "  ")
    moved = [(e["payload"]["kind"], e["payload"]["amount"]) for e in events(shop, "cash.moved")]
    assert moved == [("pay_in", "100.00"), ("pay_out", "20.00"), ("safe_drop", "300.00")]
    assert events(shop, "cash.moved")[1]["payload"]["approved_by"] == str(kit.SUPERVISOR.id)
    assert shop.drawer.kicks == 3


def test_the_x_report_keeps_expected_cash_from_the_cashier(shop, till, kit):
    selling.scan(till, kit.code("BREAD"))
    payments.tender_cash(till, Money.of("10.00"))
    report = reports.x_report(till)
    assert report.expected_cash is None
    assert report.figures.sales_count == 1
    printed = shop.printer.printed[-1]
    rows = {b.left: b.right for b in printed.blocks if b.type == "row"}
    assert rows["应有 Expected 现金 Cash"] == "—"
    with pytest.raises(Exception, match="manager"):
        reports.x_report(till, approval=kit.SUPERVISOR.approval)
    shown = reports.x_report(till, print_it=False, approval=kit.MANAGER.approval)
    assert str(shown.expected_cash) == "508.80"
    with shop.store.read() as session:
        seen = session.execute(
            select(AuditEntry.approver_id).where(AuditEntry.action == "see_expected_cash")
        ).scalars()
        assert list(seen) == [kit.MANAGER.id]


def test_the_z_report_is_blind_then_shows_each_variance(shop, till, kit):
    selling.scan(till, kit.code("WATER"), quantity=2)
    selling.scan(till, kit.code("BREAD"))
    payments.tender_cash(till, Money.of("20.00"))  # 12.80 cash, 7.20 change
    selling.scan(till, kit.code("WINE"))
    payments.pay_by_terminal(till, TenderKind.CARD)  # 168.00 card
    selling.scan(till, kit.code("MILK"))
    voided = payments.tender_cash(till, Money.of("5.00")).completed  # 3.50, then voided
    voids.void_sale(till, voided.receipt_no, "收银错误", kit.SUPERVISOR.approval)
    shifts.pay_in(till, Money.of("100.00"), "补充零钱")
    shifts.pay_out(till, Money.of("20.00"), "买胶带", kit.SUPERVISOR.approval)
    shifts.safe_drop(till, Money.of("300.00"), "投库")
    selling.scan(till, kit.code("COLA"))
    with pytest.raises(BasketRefused, match="before closing"):
        reports.close_shift(till, count(n100=2))
    payments.void_basket(till)
    # expected cash: 500 + 12.80 + 3.50 − 3.50 + 100 − 20 − 300 = 292.80; the drawer holds 289.80
    z = reports.close_shift(
        till, count(n100=2, n50=1, n20=1, n10=1, n5=1, n1=4, n0_5=1, n0_1=3), {}
    )
    assert [(c.kind, str(c.expected), str(c.counted), str(c.variance)) for c in z.checks] == [
        (TenderKind.CASH, "292.80", "289.80", "-3.00"),
        (TenderKind.CARD, "168.00", "168.00", "0.00"),
    ]
    assert (z.figures.sales_count, str(z.figures.net_sales)) == (3, "180.80")
    (closed,) = events(shop, "shift.closed")
    assert closed["payload"]["z_number"] == 1
    assert closed["payload"]["tenders"][0] == {
        "kind": "cash",
        "expected": "292.80",
        "counted": "289.80",
        "variance": "-3.00",
    }
    assert shop.printer.printed[-1].kind.value == "z_report"
    with shop.store.read() as session:
        shift = session.get(Shift, z.shift_id)
        assert (shift.status, shift.z_number) == ("closed", 1)
    with pytest.raises(NoOpenShift):
        selling.scan(till, kit.code("COLA"))


def test_a_shift_cannot_close_over_an_unsettled_payment(shop, till, kit):
    selling.scan(till, kit.code("WINE"))
    shop.gateway.script(Behaviour.APPROVE_THEN_LOSE_ANSWER)
    with pytest.raises(PaymentUnknown):
        payments.pay_by_terminal(till, TenderKind.CARD)
    till.state.basket = None  # the cashier walks away from the screen; the attempt stays
    with pytest.raises(PaymentRefused, match="not settled"):
        reports.close_shift(till, count(n100=5))


def test_the_business_day_is_the_shift_s_even_after_midnight(shop, kit):
    shop.clock.set(datetime(2026, 11, 22, 22, 0, tzinfo=kit.SHANGHAI))
    till = kit.ready(shop)
    shop.clock.set(datetime(2026, 11, 23, 0, 30, tzinfo=kit.SHANGHAI))
    selling.scan(till, kit.code("COLA"))
    payments.tender_cash(till, Money.of("3.00"))
    reports.close_shift(till, count(n100=5, n1=3))
    shop.clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=kit.SHANGHAI))
    shifts.open_shift(till, count(n100=5))
    (sale,) = events(shop, "sale.completed")
    assert (sale["business_date"], sale["occurred_at"][:10]) == ("2026-11-22", "2026-11-22")
    assert sale["payload"]["completed_at"] == "2026-11-22T16:30:00Z"  # 00:30 in Shanghai
    assert [e["business_date"] for e in events(shop, "shift.opened")] == [
        "2026-11-22",
        "2026-11-23",
    ]
    assert [e["business_date"] for e in events(shop, "shift.closed")] == ["2026-11-22"]


def test_a_clock_too_far_off_needs_a_manager_to_open_a_shift(shop, kit):
    with shop.store.write() as session:
        session.add(
            SyncState(id=1, clock_offset_ms=-int(timedelta(minutes=20).total_seconds() * 1000))
        )
    till = shop.till()
    auth.log_in(till, "001", "1111")
    with pytest.raises(NeedsApproval) as needed:
        shifts.open_shift(till, count(n100=5))
    assert (needed.value.action, needed.value.required) == (Action.CLOCK_OVERRIDE, Role.MANAGER)
    assert "1200 s off" in str(needed.value)
    shifts.open_shift(till, count(n100=5), kit.MANAGER.approval)
    with shop.store.read() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "clock_override")
        ).scalar_one()
        assert entry.approver_id == kit.MANAGER.id
        kicks = session.execute(select(DrawerKick)).scalars().all()
    assert kicks == []
