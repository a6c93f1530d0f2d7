"""The till process is killed (SIGKILL) right after the gateway approved a card payment,
before the till could record it. After a restart, every approved payment is on a completed
sale or reversed: the customer is never charged without a sale."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from pos_app.services import auth, parking
from pos_app.services.startup import start_till
from pos_app.store.documents import PaymentAttempt, Sale
from pos_core.money import Money
from pos_core.protocol.events import TenderKind

CHILD = Path(__file__).with_name("till_process.py")


def kill_after_approval(folder, barcode, amount):
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(folder), barcode, amount],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline().strip()
        assert line.startswith("APPROVED "), line
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stdin.close()
    return line.split()[1]


@pytest.fixture
def shop_with_shift(shop, kit):
    kit.ready(shop)  # a shift is open on the drawer
    shop.store.close()
    return shop


def restarted(shop):
    shop.reopen()
    return start_till(shop.store, shop.printer, shop.drawer, shop.terminals, clock=shop.clock)


def test_killed_after_a_full_card_approval_the_sale_completes_on_restart(shop_with_shift, kit):
    shop = shop_with_shift
    attempt = kill_after_approval(shop.path.parent, kit.code("WINE"), "all")
    (order,) = shop.gateway.orders()
    assert (str(order.order_id), order.state) == (attempt, "approved")  # the customer paid
    _, report = restarted(shop)
    (sale,) = report.completed
    assert [(t.kind, str(t.amount), t.reference) for t in sale.tenders] == [
        (TenderKind.CARD, "168.00", order.reference)
    ]
    with shop.store.read() as session:
        stored = session.get(Sale, sale.sale_id)
        attempt_row = session.execute(select(PaymentAttempt)).scalar_one()
    assert (stored.status, str(stored.total)) == ("completed", "168.00")
    assert (attempt_row.state, attempt_row.sale_id) == ("completed", sale.sale_id)
    assert [d.id for d in shop.printer.printed] == [sale.sale_id]


def test_killed_after_a_partial_card_approval_the_card_is_reversed(shop_with_shift, kit):
    shop = shop_with_shift
    kill_after_approval(shop.path.parent, kit.code("WINE"), "100.00")
    assert shop.gateway.charged() == Money.of("100.00")
    till, report = restarted(shop)
    (parked,) = report.parked
    assert [(r.kind, str(r.amount)) for r in parked.reversed] == [(TenderKind.CARD, "100.00")]
    assert shop.gateway.charged() == Money.zero()
    auth.log_in(till, "001", "1111")
    assert [str(p.total) for p in parking.parked(till)] == ["168.00"]
    with shop.store.read() as session:
        assert session.execute(select(PaymentAttempt.state)).scalar_one() == "reversed"
