import uuid

from pos_app.payments.manual import ManualTerminal
from pos_app.payments.simulated import Behaviour, SimulatedGateway
from pos_app.payments.terminal import ChargeRequest, Outcome, PaymentTerminal
from pos_core.money import Money
from pos_core.protocol.events import TenderKind

CODE = "134567890123456789"


def charge(gateway, amount="10.00", kind=TenderKind.CARD, order=None, code=None):
    request = ChargeRequest(order or uuid.uuid4(), kind, Money.of(amount), code)
    return request.attempt_id, gateway.charge(request)


def test_both_fill_the_protocol(tmp_path):
    assert isinstance(SimulatedGateway(tmp_path / "g.db"), PaymentTerminal)
    assert isinstance(ManualTerminal(), PaymentTerminal)


def test_scripted_answers_and_a_query_that_tells_the_truth(tmp_path):
    gateway = SimulatedGateway(tmp_path / "g.db")
    gateway.script(Behaviour.DECLINE, Behaviour.TIME_OUT, Behaviour.APPROVE_THEN_LOSE_ANSWER)
    declined, result = charge(gateway)
    assert result.outcome is Outcome.DECLINED
    lost, result = charge(gateway)
    assert result.outcome is Outcome.UNKNOWN
    assert gateway.query(lost).outcome is Outcome.NOT_FOUND  # it never arrived
    charged, result = charge(gateway, "25.50")
    assert result.outcome is Outcome.UNKNOWN  # approved, but the answer was lost
    truth = gateway.query(charged)
    assert (truth.outcome, truth.reference) == (Outcome.APPROVED, "SIM0000000001")
    _, result = charge(gateway, "4.50")  # the script is used up: approve
    assert (result.outcome, result.reference) == (Outcome.APPROVED, "SIM0000000002")
    assert gateway.charged() == Money.of("30.00")
    assert gateway.query(declined).outcome is Outcome.DECLINED


def test_the_books_survive_a_new_process(tmp_path):
    order, _ = charge(SimulatedGateway(tmp_path / "g.db"), "8.80")
    reopened = SimulatedGateway(tmp_path / "g.db")
    assert reopened.query(order).outcome is Outcome.APPROVED
    assert reopened.charged() == Money.of("8.80")


def test_a_repeated_order_never_charges_twice(tmp_path):
    gateway = SimulatedGateway(tmp_path / "g.db")
    order, first = charge(gateway)
    _, again = charge(gateway, order=order)
    assert (again.outcome, again.reference) == (first.outcome, first.reference)
    assert gateway.charged() == Money.of("10.00")


def test_reversing_gives_the_money_back_and_closes_unseen_orders(tmp_path):
    gateway = SimulatedGateway(tmp_path / "g.db")
    order, _ = charge(gateway)
    assert gateway.reverse(order).outcome is Outcome.REVERSED
    assert gateway.reverse(order).outcome is Outcome.REVERSED  # safe to repeat
    assert gateway.charged() == Money.zero()
    unseen = uuid.uuid4()
    assert gateway.reverse(unseen).outcome is Outcome.NOT_FOUND
    _, late = charge(gateway, order=unseen)  # the lost request turns up after all
    assert late.outcome is Outcome.DECLINED
    assert gateway.charged() == Money.zero()


def test_an_unreachable_gateway_answers_unknown(tmp_path):
    gateway = SimulatedGateway(tmp_path / "g.db")
    order, _ = charge(gateway)
    gateway.set_reachable(False)
    assert charge(gateway)[1].outcome is Outcome.UNKNOWN
    assert gateway.query(order).outcome is Outcome.UNKNOWN
    assert gateway.reverse(order).outcome is Outcome.UNKNOWN
    gateway.set_reachable(True)
    assert gateway.query(order).outcome is Outcome.APPROVED


def test_a_wallet_charge_needs_the_code_and_never_keeps_it(tmp_path):
    gateway = SimulatedGateway(tmp_path / "g.db")
    assert charge(gateway, kind=TenderKind.WECHAT)[1].outcome is Outcome.DECLINED
    order, result = charge(gateway, kind=TenderKind.WECHAT, code=CODE)
    assert result.outcome is Outcome.APPROVED
    request = ChargeRequest(order, TenderKind.WECHAT, Money.of("1.00"), CODE)
    assert CODE not in repr(request)
    assert CODE not in str(request)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("g.db*"))
    assert CODE.encode() not in raw


def test_a_standalone_terminal_is_confirmed_by_the_cashier():
    terminal = ManualTerminal()
    order = uuid.uuid4()
    unconfirmed = terminal.charge(ChargeRequest(order, TenderKind.CARD, Money.of("5.00")))
    assert unconfirmed.outcome is Outcome.DECLINED
    typo = terminal.charge(
        ChargeRequest(order, TenderKind.CARD, Money.of("5.00"), confirmed_reference="ab c")
    )
    assert typo.outcome is Outcome.DECLINED
    approved = terminal.charge(
        ChargeRequest(order, TenderKind.CARD, Money.of("5.00"), confirmed_reference="882301-0042")
    )
    assert (approved.outcome, approved.reference) == (Outcome.APPROVED, "882301-0042")
    assert terminal.query(order).outcome is Outcome.UNKNOWN  # the slip says; the till cannot
    assert "standalone terminal" in terminal.query(order).message
    assert "card terminal itself" in terminal.reverse(order).message
