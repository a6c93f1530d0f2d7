"""Training mode (练习模式): practice sales that write no events, move no stock, use their own
receipt series (S001-02-T000001) and print marked 练习/TRAINING. Terminals are not called
and the drawer stays shut. Switching it on or off needs a supervisor and is audited."""

from __future__ import annotations

from pos_app.services import audit
from pos_app.services.auth import Approval, authorize
from pos_app.services.errors import BasketRefused
from pos_app.services.till import Till
from pos_core.permissions import Action


def set_training(till: Till, on: bool, approval: Approval | None = None) -> bool:
    """Switch training mode; returns the new mode."""
    with till.lock:
        cashier = till.cashier()
        if till.state.training == on:
            return on
        basket = till.state.basket
        if basket is not None and (not basket.is_empty or basket.being_paid):
            raise BasketRefused("Finish, suspend or void the basket before switching mode.")
        approver = authorize(till, Action.TRAINING_MODE, approval)
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            audit.record(
                session,
                action="training_mode",
                actor=cashier.id,
                approver=approver,
                subject="on" if on else "off",
                now=now,
                business_date=till.business_date(session, context, now),
            )
        till.state.training = on
        till.state.basket = None
        return on
