import json

import pytest
from sqlalchemy import select

from pos_app.payments.manual import ManualTerminal
from pos_app.payments.simulated import Behaviour
from pos_app.services import basket_edits, parking, payments, selling
from pos_app.services.errors import (
    BasketRefused,
    InvalidCode,
    PaymentDeclined,
    PaymentRefused,
    PaymentUnknown,
)
from pos_app.services.startup import start_till
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import Basket, PaymentAttempt, Sale
from pos_app.store.sync import OutboxEvent
from pos_core.money import CashRoundingMode, Money
from pos_core.protocol.events import TenderKind

WECHAT_CODE = "134567890123456789"


def attempts(shop):
    with shop.store.read() as session:
        return [
            (a.kind, str(a.amount), a.state)
            for a in session.execute(select(PaymentAttempt).order_by(PaymentAttempt.created_at))
            .scalars()
            .all()
        ]


def every_approval_is_on_a_sale_or_reversed(shop):
    """Promise 2, as the gateway's own books see it."""
    with shop.store.read() as session:
        on_sales = {
            str(a.id): a.sale_id
            for a in session.execute(select(PaymentAttempt)).scalars()
            if a.state == "completed"
        }
        sales = {s.id for s in session.execute(select(Sale)).scalars()}
    for order in shop.gateway.orders():
        if order.state == "approved":
            assert on_sales.get(str(order.order_id)) in sales, order
    return True


def test_a_declined_card_leaves_the_basket_intact(shop, till, kit):
    selling.scan(till, kit.code("WINE"))
    selling.scan(till, kit.code("BREAD"))
    shop.gateway.script(Behaviour.DECLINE)
    with pytest.raises(PaymentDeclined, match=r"Declined by the bank.*basket is unchanged"):
        payments.pay_by_terminal(till, TenderKind.CARD)
    view = selling.current(till)
    assert [line.name for line in view.lines] == ["长城 干红葡萄酒 750ml", "桃李 醇熟切片面包"]
    assert (view.tenders, str(view.totals.remaining)) == ((), "176.80")
    done = payments.pay_by_terminal(till, TenderKind.CARD).completed
    assert str(done.total_due) == "176.80"
    assert attempts(shop) == [("card", "176.80", "declined"), ("card", "176.80", "completed")]
    assert shop.gateway.charged() == Money.of("176.80")
    assert shop.drawer.kicks == 0  # no cash: the drawer stays shut


def test_approved_then_timed_out_is_settled_by_asking_again(shop, till, kit):
    selling.scan(till, kit.code("WINE"))
    shop.gateway.script(Behaviour.APPROVE_THEN_LOSE_ANSWER)
    with pytest.raises(PaymentUnknown, match="not known yet") as unknown:
        payments.pay_by_terminal(till, TenderKind.CARD)
    attempt_id = unknown.value.attempt_id
    assert attempts(shop) == [("card", "168.00", "unknown")]
    # the goods are fixed: the unknown payment was for this total
    wine = selling.current(till).lines[0].line_id
    for change in (
        lambda: selling.scan(till, kit.code("WATER")),
        lambda: basket_edits.void_line(till, wine),
        lambda: parking.suspend(till),
    ):
        with pytest.raises(BasketRefused, match="being paid"):
            change()
    # no second charge while the first is unresolved, whatever the tender
    for tender in (
        lambda: payments.pay_by_terminal(till, TenderKind.CARD),
        lambda: payments.tender_cash(till, Money.of("200.00")),
    ):
        with pytest.raises(PaymentUnknown):
            tender()
    done = payments.retry(till, attempt_id).completed
    assert done.tenders[0].reference == "SIM0000000001"
    assert shop.gateway.charged() == Money.of("168.00")
    assert every_approval_is_on_a_sale_or_reversed(shop)


def test_approved_then_timed_out_and_the_till_restarts(shop, till, kit):
    """The issue's payment test: the simulator approves, the answer is lost, the till is
    restarted; recovery asks the gateway and completes the sale."""
    selling.scan(till, kit.code("WINE"))
    selling.scan(till, kit.code("COLA"))
    payments.tender_cash(till, Money.of("50.00"))
    shop.gateway.script(Behaviour.APPROVE_THEN_LOSE_ANSWER)
    with pytest.raises(PaymentUnknown):
        payments.pay_by_terminal(till, TenderKind.CARD)
    shop.reopen()
    shop.printer.printed.clear()
    restarted, report = start_till(
        shop.store, shop.printer, shop.drawer, shop.terminals, clock=shop.clock
    )
    assert [a.state for a in report.learnt] == ["approved"]
    (sale,) = report.completed
    assert [(t.kind, str(t.amount)) for t in sale.tenders] == [
        (TenderKind.CASH, "50.00"),
        (TenderKind.CARD, "121.00"),
    ]
    assert report.clean
    assert [d.kind.value for d in shop.printer.printed] == ["receipt"]
    assert shop.drawer.kicks == 1  # cash was taken
    assert attempts(shop) == [("card", "121.00", "completed")]
    assert every_approval_is_on_a_sale_or_reversed(shop)
    assert restarted.state.cashier is None  # the next cashier logs in


def test_a_time_out_that_never_reached_the_gateway_can_be_paid_again(shop, till, kit):
    selling.scan(till, kit.code("BREAD"))
    shop.gateway.script(Behaviour.TIME_OUT)
    with pytest.raises(PaymentUnknown) as unknown:
        payments.pay_by_terminal(till, TenderKind.CARD)
    with pytest.raises(PaymentDeclined, match="never received"):
        payments.retry(till, unknown.value.attempt_id)
    done = payments.pay_by_terminal(till, TenderKind.CARD).completed
    assert done is not None
    assert shop.gateway.charged() == Money.of("8.80")


def test_an_unreachable_gateway_keeps_the_payment_unknown_until_it_answers(shop, till, kit):
    selling.scan(till, kit.code("BREAD"))
    shop.gateway.script(Behaviour.APPROVE_THEN_LOSE_ANSWER)
    with pytest.raises(PaymentUnknown) as unknown:
        payments.pay_by_terminal(till, TenderKind.CARD)
    shop.gateway.set_reachable(False)
    with pytest.raises(PaymentUnknown, match="cannot be reached"):
        payments.retry(till, unknown.value.attempt_id)
    shop.gateway.set_reachable(True)
    assert payments.retry(till, unknown.value.attempt_id).completed is not None


def test_wallet_payments_take_the_customer_code_and_never_keep_it(shop, till, kit):
    selling.scan(till, kit.code("WINE"))
    with pytest.raises(InvalidCode, match="not a WeChat Pay or Alipay"):
        payments.pay_by_code(till, kit.code("WATER"))
    result = payments.pay_by_code(till, WECHAT_CODE, Money.of("100.00"))
    assert (str(result.basket.totals.remaining), result.completed) == ("68.00", None)
    done = payments.tender_cash(till, Money.of("100.00")).completed
    assert [(t.kind, str(t.amount)) for t in done.tenders] == [
        (TenderKind.WECHAT, "100.00"),
        (TenderKind.CASH, "68.00"),
    ]
    shop.store.close()
    raw = b"".join(p.read_bytes() for p in shop.path.parent.glob("*.db*"))
    assert WECHAT_CODE.encode() not in raw  # neither in the till's files nor the gateway's


def test_amounts_a_terminal_cannot_take(till, kit):
    selling.scan(till, kit.code("BREAD"))
    with pytest.raises(PaymentRefused, match=r"more than the 8\.80 left"):
        payments.pay_by_terminal(till, TenderKind.CARD, Money.of("9.00"))
    with pytest.raises(PaymentRefused, match="not paid through a terminal"):
        payments.pay_by_terminal(till, TenderKind.CASH)
    with pytest.raises(PaymentRefused, match="does not pay"):
        payments.tender_cash(till, Money.zero())


def test_a_standalone_terminal_confirmed_by_the_cashier(shop, kit):
    till = kit.ready(shop, terminals={TenderKind.CARD: ManualTerminal()})
    selling.scan(till, kit.code("WINE"))
    with pytest.raises(PaymentDeclined, match="confirm it here"):
        payments.pay_by_terminal(till, TenderKind.CARD)
    done = payments.pay_by_terminal(till, TenderKind.CARD, reference="882301-0042").completed
    assert done.tenders[0].reference == "882301-0042"
    with shop.store.read() as session:
        assert session.execute(select(PaymentAttempt.terminal)).scalars().all() == [
            "manual",
            "manual",
        ]


def test_voiding_a_basket_reverses_its_payments(shop, till, kit):
    selling.scan(till, kit.code("WINE"))
    payments.tender_cash(till, Money.of("20.00"))
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("100.00"))
    assert shop.gateway.charged() == Money.of("100.00")
    shop.gateway.set_reachable(False)
    with pytest.raises(PaymentRefused, match="could not be reversed"):
        payments.void_basket(till, "顾客不要了")
    assert str(selling.current(till).totals.paid) == "120.00"  # kept, to try again
    shop.gateway.set_reachable(True)
    voided = payments.void_basket(till, "顾客不要了")
    assert str(voided.cash_to_return) == "20.00"
    assert [(r.kind, str(r.amount), r.done) for r in voided.reversed] == [
        (TenderKind.CARD, "100.00", True)
    ]
    assert shop.gateway.charged() == Money.zero()
    assert selling.current(till).lines == ()
    with shop.store.read() as session:
        assert session.get(Basket, voided.basket_id).status == "voided"
        events = session.execute(select(OutboxEvent.type, OutboxEvent.body)).all()
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "void_basket")
        ).scalar_one()
    reversal = [json.loads(b) for t, b in events if t == "payment.reversed"]
    assert [(e["payload"]["amount"], e["payload"]["reason"]) for e in reversal] == [
        ("100.00", "basket voided")
    ]
    assert entry.details["cash_returned"] == "20.00"
    assert attempts(shop) == [("card", "100.00", "reversed")]
    assert shop.drawer.kicks == 0


def test_fen_left_after_a_card_are_rounded_away_in_cash(tmp_path, kit):
    """抹零 on a split payment: the card pays 12.30 of 12.34; the 0.04 left is due as 0.00
    in cash under rounding down, and the sale records the rounding."""
    shop = kit.make_shop(tmp_path, cash_rounding=CashRoundingMode.DOWN)
    till = kit.ready(shop)
    selling.scan(till, kit.code("WATER"))
    selling.scan(till, kit.label("APPLES", "0.8"))  # 2.00 + 10.24 = 12.24
    selling.scan(till, kit.code("MILK"))  # 15.74
    payments.pay_by_terminal(till, TenderKind.CARD, Money.of("15.70"))
    done = payments.tender_cash(till, Money.zero()).completed
    assert (str(done.total_due), str(done.rounding), str(done.change)) == ("15.70", "-0.04", "0.00")
    assert [(t.kind, str(t.amount)) for t in done.tenders] == [
        (TenderKind.CARD, "15.70"),
        (TenderKind.CASH, "0.00"),
    ]
    assert shop.drawer.kicks == 0  # no cash changed hands
