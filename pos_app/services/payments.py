"""Taking payment: cash, card and wallets, split across tenders, and voiding a basket.

- **Prices** are fixed when the first tender is taken: that call re-reads every line's
  price in force at that moment (a future-dated price that has started applies, also
  offline), so the price used is the one in force when the sale completes — for a one-tender
  sale, the very moment it completes. Overridden lines and priced labels keep their price.
- **Cash** (`tender_cash`): change, and cash rounding by the store's rule, applied by the
  cash tender that settles the basket (see `pos_core.tender`). A settling cash tender
  completes the sale in the same transaction.
- **Card and wallets** (`pay_by_terminal`, `pay_by_code`): the attempt and the basket are
  committed before the terminal is called, the outcome after. Declined: the basket is
  intact. Unknown: `PaymentUnknown`, and no further payment is taken until `retry` (or
  start-up `recovery`) learns the truth from the terminal. A customer's payment code goes
  to the terminal only.
- **Void basket** reverses every attempt that may have charged the customer, then records
  the void; cash already handed over is given back from the hand, not the drawer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pos_app.payments.terminal import ChargeRequest, Outcome, TerminalResult
from pos_app.services import attempts, audit, completion, recovery
from pos_app.services.auth import Approval, authorize
from pos_app.services.completion import CompletedSale
from pos_app.services.errors import (
    BasketRefused,
    InvalidCode,
    NotSellable,
    PaymentDeclined,
    PaymentRefused,
    PaymentUnknown,
)
from pos_app.services.till import StoreContext, Till
from pos_app.services.views import BasketView, basket_view
from pos_app.store.documents import PaymentAttempt
from pos_app.store.prices import prices_in_force
from pos_core.basket import Basket, TenderLine
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.permissions import Action
from pos_core.protocol.events import TenderKind
from pos_core.scan import PaymentCode, Wallet, classify
from pos_core.tender import TenderError, check_electronic, settle_cash

_WALLET_KIND = {Wallet.WECHAT: TenderKind.WECHAT, Wallet.ALIPAY: TenderKind.ALIPAY}


@dataclass(frozen=True, slots=True)
class TenderResult:
    basket: BasketView | None  # None once the sale is complete
    completed: CompletedSale | None
    repriced: tuple[str, ...] = ()  # lines whose price changed since they were scanned
    message: str = ""


def _reprice(
    session: Session, context: StoreContext, basket: Basket, now: datetime
) -> tuple[Basket, tuple[str, ...]]:
    if basket.being_paid:
        return basket, ()
    wanted = {
        line.product_id: line
        for line in basket.active_lines
        if line.override is None and line.label_amount is None
    }
    found = prices_in_force(session, wanted, context.store_id, now)
    for product_id, line in wanted.items():
        if product_id not in found:
            raise NotSellable(f"{line.name} no longer has a price in force: void the line.")
    prices = {product_id: Money.of(price) for product_id, price in found.items()}
    repriced, changed = basket.repriced(prices)
    return repriced, tuple(line.name for line in changed)


def _refuse_unresolved(session: Session, basket: Basket) -> None:
    for attempt in attempts.of_basket(session, basket.id):
        if attempt.state in attempts.UNRESOLVED:
            raise PaymentUnknown(
                attempt.id, attempt.amount, "a payment of this basket is still unresolved"
            )


def _ready(till: Till) -> Basket:
    till.shift_id()
    basket = till.basket()
    if basket.is_empty:
        raise BasketRefused("The basket is empty: scan something first.")
    return basket


def _complete(
    till: Till, session: Session, context: StoreContext, basket: Basket, now: datetime
) -> completion.WrittenSale:
    cashier = till.cashier()
    return completion.write_sale(
        session,
        till,
        context,
        basket,
        cashier_id=cashier.id,
        cashier_label=cashier.label,
        shift_id=till.shift_id(),
        now=now,
        training=till.state.training,
    )


def _done(till: Till, written: completion.WrittenSale, repriced: tuple[str, ...]) -> TenderResult:
    till.state.basket = None
    till.state.unresolved_attempt = None
    return TenderResult(None, completion.after_sale(till, written), repriced)


def tender_cash(till: Till, tendered: Money) -> TenderResult:
    """Cash handed over. Completes the sale when it covers what is left (rounded)."""
    with till.lock:
        basket = _ready(till)
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            _refuse_unresolved(session, basket)
            basket, repriced = _reprice(session, context, basket, now)
            remaining = basket.summary(context.tax_mode).remaining
            try:
                settlement = settle_cash(
                    remaining, tendered, context.rounding_mode, context.rounding_step
                )
            except TenderError as exc:
                raise PaymentRefused(str(exc)) from exc
            tender = TenderLine(
                tender_id=new_id(),
                kind=TenderKind.CASH,
                amount=settlement.applied,
                tendered=settlement.tendered,
                change=settlement.change,
            )
            basket = basket.with_tender(tender, settlement.rounding)
            written = None
            if settlement.settles:
                written = _complete(till, session, context, basket, now)
            else:
                attempts.save_basket(
                    session,
                    basket,
                    status="tendering",
                    cashier_id=till.cashier().id,
                    shift_id=till.shift_id(),
                    now=now,
                    training=till.state.training,
                )
        if written is not None:
            return _done(till, written, repriced)
        till.state.basket = basket
        view = basket_view(basket, context.tax_mode, till.state.training)
        return TenderResult(view, None, repriced, f"{view.totals.remaining} still to pay.")


def pay_by_terminal(
    till: Till,
    kind: TenderKind,
    amount: Money | None = None,
    *,
    payment_code: str | None = None,
    reference: str | None = None,
) -> TenderResult:
    """A card or wallet payment of `amount` (default: all that is left). `reference` is the
    slip's reference when the cashier confirms a standalone terminal's approval."""
    if kind in (TenderKind.CASH, TenderKind.POINTS, TenderKind.ONLINE):
        raise PaymentRefused(f"{kind.value} is not paid through a terminal.")
    with till.lock:
        basket = _ready(till)
        cashier = till.cashier()
        shift_id = till.shift_id()
        training = till.state.training
        terminal_name = attempts.TRAINING_TERMINAL if training else till.terminal(kind).name
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            _refuse_unresolved(session, basket)
            basket, repriced = _reprice(session, context, basket, now)
            remaining = basket.summary(context.tax_mode).remaining
            try:
                charge = check_electronic(remaining, remaining if amount is None else amount)
            except TenderError as exc:
                raise PaymentRefused(str(exc)) from exc
            attempts.save_basket(
                session,
                basket,
                status="tendering",
                cashier_id=cashier.id,
                shift_id=shift_id,
                now=now,
                training=training,
            )
            attempt_id = new_id()
            session.add(
                PaymentAttempt(
                    id=attempt_id,
                    basket_id=basket.id,
                    shift_id=shift_id,
                    kind=kind.value,
                    terminal=terminal_name,
                    amount=charge.amount,
                    state=attempts.STARTED,
                    created_at=now,
                    updated_at=now,
                )
            )
        till.state.basket = basket
        till.mark("payment.calling", attempt_id)
        if training:
            result = TerminalResult(Outcome.APPROVED, "TRAINING", "Training: no money taken.")
        else:
            request = ChargeRequest(attempt_id, kind, charge, payment_code, reference)
            try:
                result = till.terminal(kind).charge(request)
            except Exception as exc:
                result = TerminalResult(Outcome.UNKNOWN, message=f"the terminal failed: {exc}")
        till.mark(f"payment.{result.outcome.value}", attempt_id)
        return _apply_answer(till, attempt_id, result, repriced)


def pay_by_code(till: Till, raw: str, amount: Money | None = None) -> TenderResult:
    """A wallet payment from the customer's payment code (付款码), scanned at the tender step."""
    with till.lock:
        with till.store.read() as session:
            context = till.context(session)
        scanned = classify(raw, context.scan_config)
        if not isinstance(scanned, PaymentCode):
            raise InvalidCode("That is not a WeChat Pay or Alipay payment code: scan it again.")
        kind = _WALLET_KIND[scanned.wallet]
        return pay_by_terminal(till, kind, amount, payment_code=scanned.code)


def _apply_answer(
    till: Till, attempt_id: uuid.UUID, result: TerminalResult, repriced: tuple[str, ...] = ()
) -> TenderResult:
    """Record a terminal's answer about an attempt of the current basket, and act on it."""
    basket = till.basket()
    now = till.now()
    written = None
    with till.store.write() as session:
        context = till.context(session)
        attempt = attempts.record_outcome(session, attempt_id, result, now)
        if attempt.state == attempts.APPROVED:
            basket = basket.with_tender(
                TenderLine(
                    tender_id=new_id(),
                    kind=attempt.kind,
                    amount=attempt.amount,
                    reference=attempt.reference,
                    attempt_id=attempt.id,
                )
            )
            attempts.save_basket(
                session,
                basket,
                status="tendering",
                cashier_id=till.cashier().id,
                shift_id=till.shift_id(),
                now=now,
                training=attempt.training,
            )
    till.state.basket = basket
    unresolved = attempt.state in attempts.UNRESOLVED
    till.state.unresolved_attempt = attempt.id if unresolved else None
    if attempt.state == attempts.DECLINED:
        raise PaymentDeclined(
            f"Declined: {result.message or 'the payment did not go through'} The basket is "
            "unchanged: take another payment."
        )
    if attempt.state in attempts.UNRESOLVED:
        raise PaymentUnknown(attempt.id, attempt.amount, result.message or "no answer")
    if attempt.state != attempts.APPROVED:
        raise PaymentRefused(f"The payment is {attempt.state}: take another payment.")
    if basket.summary(context.tax_mode).remaining:
        view = basket_view(basket, context.tax_mode, till.state.training)
        return TenderResult(view, None, repriced, f"{view.totals.remaining} still to pay.")
    with till.store.write() as session:
        context = till.context(session)
        written = _complete(till, session, context, basket, now)
    return _done(till, written, repriced)


def _attempt_of_current(till: Till, attempt_id: uuid.UUID) -> attempts.AttemptInfo:
    basket = till.basket()
    with till.store.read() as session:
        row = session.get(PaymentAttempt, attempt_id)
        if row is None or row.basket_id != basket.id:
            raise PaymentRefused("That payment is not on the basket being paid.")
        return attempts.info(row)


def retry(till: Till, attempt_id: uuid.UUID) -> TenderResult:
    """Ask the terminal again about a payment whose outcome was unknown."""
    with till.lock:
        _ready(till)
        attempt = _attempt_of_current(till, attempt_id)
        if attempt.state not in attempts.UNRESOLVED:
            raise PaymentRefused(f"That payment is already {attempt.state}.")
        return _apply_answer(till, attempt_id, attempts.ask(till, attempt, "query"))


def confirm_attempt(
    till: Till, attempt_id: uuid.UUID, approved: bool, reference: str | None = None
) -> TenderResult:
    """The cashier settles an unknown payment on a standalone terminal from its slip: it was
    approved (with the slip's reference) or it was not. For the basket on screen the payment
    goes on as usual; for a basket left by a restart, recovery then completes or parks it."""
    with till.lock:
        till.shift_id()
        with till.store.read() as session:
            row = session.get(PaymentAttempt, attempt_id)
            attempt = None if row is None else attempts.info(row)
        if attempt is None:
            raise PaymentRefused("No such payment on this till.")
        if attempt.state not in attempts.UNRESOLVED:
            raise PaymentRefused(f"That payment is already {attempt.state}.")
        if approved and not (reference or "").strip():
            raise PaymentRefused("Type the reference printed on the terminal's slip.")
        if approved:
            result = TerminalResult(Outcome.APPROVED, reference, "Confirmed from the slip.")
        else:
            result = TerminalResult(Outcome.DECLINED, None, "Not on the terminal's slips.")
        current = till.state.basket
        if current is not None and current.id == attempt.basket_id:
            return _apply_answer(till, attempt_id, result)
        with till.store.write() as session:
            attempts.record_outcome(session, attempt_id, result, till.now())
        report = recovery.recover(till)
        done = next((sale for sale in report.completed if sale.tenders), None)
        return TenderResult(None, done, message="The payment is settled.")


@dataclass(frozen=True, slots=True)
class VoidedBasket:
    basket_id: uuid.UUID
    cash_to_return: Money  # cash the customer handed over, to give back
    reversed: tuple[attempts.Reversal, ...]


def void_basket(till: Till, reason: str = "", approval: Approval | None = None) -> VoidedBasket:
    """Cancel the basket being rung up (整单取消), reversing any card or wallet payment."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        basket = till.state.basket
        if basket is None or (basket.is_empty and not basket.tenders):
            raise BasketRefused("There is no basket to void.")
        approver = authorize(till, Action.VOID_BASKET, approval)
        training = till.state.training
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            business_date = till.business_date(session, context, now)
            taken = attempts.of_basket(session, basket.id)
            if taken:
                attempts.save_basket(
                    session,
                    basket,
                    status="voiding",
                    cashier_id=cashier.id,
                    shift_id=shift_id,
                    now=now,
                    training=training,
                )
        reversals = attempts.reverse(
            till, taken, reason="basket voided", business_date=business_date
        )
        pending = [r for r in reversals if not r.done]
        if pending:
            raise PaymentRefused(
                f"The {pending[0].amount} {pending[0].kind.value} payment could not be reversed "
                f"yet ({pending[0].message}). Try the void again; the basket is kept."
            )
        cash = sum((t.amount for t in basket.tenders if t.kind is TenderKind.CASH), Money.zero())
        totals = basket.summary(context.tax_mode)
        with till.store.write() as session:
            attempts.save_basket(
                session,
                basket,
                status="voided",
                cashier_id=cashier.id,
                shift_id=shift_id,
                now=now,
                training=training,
            )
            audit.record(
                session,
                action="void_basket",
                actor=cashier.id,
                approver=approver,
                subject=str(basket.id),
                details={
                    "reason": reason,
                    "lines": totals.line_count,
                    "total": totals.total,
                    "cash_returned": cash,
                    "reversed": len([r for r in reversals if r.done]),
                },
                now=now,
                business_date=business_date,
                with_event=not training,
            )
        till.state.basket = None
        till.state.unresolved_attempt = None
        return VoidedBasket(basket.id, cash, tuple(reversals))
