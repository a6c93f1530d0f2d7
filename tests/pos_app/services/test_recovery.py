"""Start-up recovery after the till stopped at the worst moments of a payment.

Here the till "dies" in-process (a checkpoint raises where the process would have been
killed) and a new till is started over the same database file; test_payment_kill.py does
the same with a real process and SIGKILL.
"""

import json

import pytest
from sqlalchemy import select

from pos_app.payments.manual import ManualTerminal
from pos_app.payments.simulated import Behaviour
from pos_app.services import auth, parking, payments, recovery, selling
from pos_app.services.errors import PaymentRefused, PaymentUnknown
from pos_app.services.startup import start_till
from pos_app.store.documents import Basket, PaymentAttempt, Sale
from pos_app.store.sync import OutboxEvent
from pos_core.money import Money
from pos_core.protocol.events import TenderKind


class Died(BaseException):
    """The process stopping at a checkpoint (nothing after it runs)."""


def dies_at(point):
    def checkpoint(reached, subject):
        if reached == point:
            raise Died(point)

    return checkpoint


def restart(shop):
    shop.reopen()
    return start_till(shop.store, shop.printer, shop.drawer, shop.terminals, clock=shop.clock)


def states(shop):
    with shop.store.read() as session:
        return session.execute(select(PaymentAttempt.state)).scalars().all()


def test_approved_but_not_yet_recorded_completes_the_sale(shop, kit):
    till = kit.ready(shop, checkpoint=dies_at("payment.approved"))
    selling.scan(till, kit.code("WINE"))
    with pytest.raises(Died):
        payments.pay_by_terminal(till, TenderKind.CARD)
    assert states(shop) == ["started"]
    _, report = restart(shop)
    (sale,) = report.completed
    assert (str(sale.total_due), sale.tenders[0].reference) == ("168.00", "SIM0000000001")
    assert states(shop) == ["completed"]
    assert shop.printer.printed[-1].id == sale.sale_id


def test_a_partly_paid_basket_is_reversed_and_parked(shop, kit):
    till = kit.ready(shop)
    selling.scan(till, kit.code("WINE"))
    payments.tender_cash(till, Money.of("20.00"))
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("100.00"))
    assert shop.gateway.charged() == Money.of("100.00")
    till, report = restart(shop)  # the till stops before the rest is paid
    (parked,) = report.parked
    assert [(r.kind, str(r.amount), r.done) for r in parked.reversed] == [
        (TenderKind.CARD, "100.00", True)
    ]
    assert shop.gateway.charged() == Money.zero()
    assert states(shop) == ["reversed"]
    with shop.store.read() as session:
        body = session.execute(
            select(OutboxEvent.body).where(OutboxEvent.type == "payment.reversed")
        ).scalar_one()
    assert json.loads(body)["payload"]["reason"] == "till restarted before the sale completed"
    # the basket waits, with the cash the customer handed over, to be paid again
    auth.log_in(till, "001", "1111")
    (waiting,) = parking.parked(till)
    assert (waiting.label, str(waiting.paid)) == (recovery.RECOVERED_LABEL, "20.00")
    view = parking.resume(till, waiting.basket_id)
    assert str(view.totals.remaining) == "148.00"
    done = payments.pay_by_terminal(till, TenderKind.CARD).completed
    assert [(t.kind, str(t.amount)) for t in done.tenders] == [
        (TenderKind.CASH, "20.00"),
        (TenderKind.CARD, "148.00"),
    ]


def test_a_void_cut_short_is_finished(shop, kit):
    till = kit.ready(shop)
    selling.scan(till, kit.code("WINE"))
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("50.00"))
    till.checkpoint = None
    shop.gateway.set_reachable(False)
    with pytest.raises(Exception, match="could not be reversed"):
        payments.void_basket(till)
    shop.gateway.set_reachable(True)
    _, report = restart(shop)
    assert len(report.voided) == 1
    assert shop.gateway.charged() == Money.zero()
    with shop.store.read() as session:
        assert session.get(Basket, report.voided[0]).status == "voided"


def test_an_unreachable_gateway_leaves_the_payment_waiting_not_guessed(shop, kit):
    till = kit.ready(shop)
    selling.scan(till, kit.code("BREAD"))
    shop.gateway.script(Behaviour.APPROVE_THEN_LOSE_ANSWER)
    with pytest.raises(PaymentUnknown):
        payments.pay_by_terminal(till, TenderKind.CARD)
    shop.gateway.set_reachable(False)
    till, report = restart(shop)
    assert [a.state for a in report.unresolved] == ["unknown"]
    assert not report.clean
    assert report.completed == report.parked == ()
    shop.gateway.set_reachable(True)
    again = recovery.recover(till)
    assert len(again.completed) == 1
    assert again.clean


def test_recovery_leaves_the_basket_on_screen_alone(shop, kit):
    till = kit.ready(shop)
    selling.scan(till, kit.code("BREAD"))
    payments.tender_cash(till, Money.of("5.00"))
    report = recovery.recover(till)
    assert report.parked == report.completed == ()
    done = payments.tender_cash(till, Money.of("5.00")).completed
    with shop.store.read() as session:
        assert session.get(Sale, done.sale_id).total == Money.of("8.80").amount


def test_a_standalone_terminal_payment_cut_short_is_settled_from_its_slip(shop, kit):
    """The till died between storing the attempt and hearing the cashier's confirmation: the
    till cannot ask a standalone terminal, so the payment waits for the cashier to read the
    terminal's slip."""
    terminals = {TenderKind.CARD: ManualTerminal()}
    till = kit.ready(shop, terminals=terminals, checkpoint=dies_at("payment.calling"))
    selling.scan(till, kit.code("WINE"))
    with pytest.raises(Died):
        payments.pay_by_terminal(till, TenderKind.CARD, reference="882301-0042")
    shop.reopen()
    till, report = start_till(shop.store, shop.printer, shop.drawer, terminals, clock=shop.clock)
    (waiting,) = report.unresolved
    assert "check its slips" in recovery_message(shop, waiting.id)
    auth.log_in(till, "001", "1111")
    with pytest.raises(PaymentRefused, match="reference printed"):
        payments.confirm_attempt(till, waiting.id, approved=True)
    result = payments.confirm_attempt(till, waiting.id, approved=True, reference="882301-0042")
    assert result.completed.tenders[0].reference == "882301-0042"
    with shop.store.read() as session:
        assert session.get(PaymentAttempt, waiting.id).state == "completed"


def recovery_message(shop, attempt_id):
    with shop.store.read() as session:
        return session.get(PaymentAttempt, attempt_id).message
