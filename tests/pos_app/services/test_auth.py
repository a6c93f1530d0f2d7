from datetime import timedelta

import pytest
from sqlalchemy import select

from pos_app.services import auth, payments, selling
from pos_app.services.errors import (
    ApprovalRefused,
    BasketRefused,
    LockedOut,
    LoginFailed,
    NeedsApproval,
    NoOpenShift,
    NotLoggedIn,
)
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import Sale, ShiftCashier
from pos_app.store.sync import OutboxEvent
from pos_core.money import Money
from pos_core.permissions import Action, Role


def test_a_cashier_logs_in_with_number_and_pin(shop, kit):
    till = shop.till()
    result = auth.log_in(till, "001", "1111")
    assert (result.cashier.name, result.cashier.role, result.shift_id) == (
        "李娜",
        Role.CASHIER,
        None,
    )
    with pytest.raises(NoOpenShift, match="open a shift"):
        selling.scan(till, kit.code("WATER"))


def test_wrong_pins_and_unknown_numbers_get_the_same_answer(shop):
    till = shop.till()
    with pytest.raises(LoginFailed, match="Wrong cashier number or PIN"):
        auth.log_in(till, "001", "0000")
    with pytest.raises(LoginFailed, match="Wrong cashier number or PIN"):
        auth.log_in(till, "777", "1111")
    with pytest.raises(NotLoggedIn):
        selling.current(till)


def test_five_wrong_pins_lock_the_cashier_out_for_five_minutes(shop, kit):
    till = shop.till()
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.log_in(till, "001", "0000")
    with pytest.raises(LockedOut, match="locked out until 2026-11-22 10:05:00"):
        auth.log_in(till, "001", "0000")
    # the right PIN does not help while locked; nor does it reveal anything
    shop.clock.advance(timedelta(minutes=4, seconds=59))
    with pytest.raises(LockedOut):
        auth.log_in(till, "001", "1111")
    # other cashiers are not affected
    assert auth.log_in(till, "002", "1212").cashier.number == "002"
    shop.clock.advance(timedelta(seconds=2))
    assert auth.log_in(till, "001", "1111").cashier.number == "001"
    with shop.store.read() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "cashier_locked_out")
        ).scalar_one()
        assert (entry.actor_id, entry.subject) == (kit.CASHIER.id, "001")
        assert entry.event_id is not None
        assert session.get(OutboxEvent, entry.event_id).type == "audit.recorded"


def test_the_count_restarts_after_a_good_pin(shop):
    till = shop.till()
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.log_in(till, "001", "0000")
    auth.log_in(till, "001", "1111")
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.log_in(till, "001", "0000")
    auth.log_in(till, "001", "1111")


def test_an_action_above_the_cashier_needs_a_supervisor_pin(till, kit):
    with pytest.raises(NeedsApproval) as needed:
        auth.authorize(till, Action.VOID_AFTER_TENDER)
    assert (needed.value.action, needed.value.required) == (
        Action.VOID_AFTER_TENDER,
        Role.SUPERVISOR,
    )
    assert "supervisor's approval" in str(needed.value)
    with pytest.raises(ApprovalRefused, match="Wrong approver"):
        auth.authorize(till, Action.VOID_AFTER_TENDER, auth.Approval("801", "0000"))
    with pytest.raises(ApprovalRefused, match="supervisor or above"):
        auth.authorize(till, Action.VOID_AFTER_TENDER, kit.CASHIER_2.approval)
    with pytest.raises(ApprovalRefused, match="your own"):
        auth.authorize(till, Action.VOID_AFTER_TENDER, kit.CASHIER.approval)
    with pytest.raises(ApprovalRefused, match="manager or above"):
        auth.authorize(till, Action.SEE_EXPECTED_CASH, kit.SUPERVISOR.approval)
    assert auth.authorize(till, Action.VOID_AFTER_TENDER, kit.SUPERVISOR.approval) == (
        kit.SUPERVISOR.id
    )
    assert auth.authorize(till, Action.SEE_EXPECTED_CASH, kit.MANAGER.approval) == kit.MANAGER.id
    assert auth.authorize(till, Action.REPRINT) is None  # a cashier reprints alone


def test_a_supervisor_acts_alone(shop, kit):
    till = kit.ready(shop, kit.SUPERVISOR)
    assert auth.authorize(till, Action.VOID_AFTER_TENDER) is None


def test_wrong_approver_pins_lock_the_approver_out(till, kit):
    for _ in range(5):
        with pytest.raises((ApprovalRefused, LockedOut)):
            auth.authorize(till, Action.NO_SALE, auth.Approval("801", "0000"))
    with pytest.raises(LockedOut):
        auth.authorize(till, Action.NO_SALE, kit.SUPERVISOR.approval)


def test_changeover_keeps_the_shift_and_its_cash(shop, kit):
    till = kit.ready(shop)
    shift_id = till.state.shift_id
    selling.scan(till, kit.code("WATER"))
    with pytest.raises(BasketRefused, match="李娜 has a basket open"):
        auth.log_in(till, "002", "1212")
    payments.tender_cash(till, Money.of("2.00"))
    handover = auth.log_in(till, "002", "1212")
    assert handover.shift_id == shift_id
    assert handover.changeover_from.number == "001"
    selling.scan(till, kit.code("COLA"))
    done = payments.tender_cash(till, Money.of("5.00")).completed
    with shop.store.read() as session:
        assert session.get(Sale, done.sale_id).cashier_id == kit.CASHIER_2.id
        attendance = session.execute(
            select(ShiftCashier.cashier_id, ShiftCashier.logged_out_at).order_by(
                ShiftCashier.logged_in_at
            )
        ).all()
    assert [(a.cashier_id, a.logged_out_at is not None) for a in attendance] == [
        (kit.CASHIER.id, True),
        (kit.CASHIER_2.id, False),
    ]


def test_logging_out_needs_an_empty_basket(till, kit):
    selling.scan(till, kit.code("WATER"))
    with pytest.raises(BasketRefused, match="before logging out"):
        auth.log_out(till)
    payments.void_basket(till)
    auth.log_out(till)
    with pytest.raises(NotLoggedIn):
        selling.scan(till, kit.code("WATER"))
