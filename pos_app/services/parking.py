"""Suspend and resume (挂单 / 取单): park baskets to serve the next customer, several at once.

A parked basket is written whole to the till's database, so it survives a restart and can
be resumed in a later shift. Its prices are re-read when payment starts. A basket being
paid cannot be parked; one parked by start-up recovery may carry cash already handed over.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pos_app.services import attempts
from pos_app.services.auth import authorize
from pos_app.services.errors import BasketRefused
from pos_app.services.recovery import RECOVERED_LABEL
from pos_app.services.till import Till
from pos_app.services.views import BasketView, basket_view
from pos_app.store.documents import Basket as BasketRow
from pos_core.money import Money
from pos_core.permissions import Action


@dataclass(frozen=True, slots=True)
class ParkedBasket:
    basket_id: uuid.UUID
    label: str
    parked_at: datetime
    cashier_id: uuid.UUID
    line_count: int
    total: Money
    paid: Money  # cash already handed over (a basket parked by recovery)
    training: bool


def suspend(till: Till, label: str = "") -> ParkedBasket:
    """Park the basket being rung up; the till is ready for the next customer."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        basket = till.basket()
        if basket.is_empty:
            raise BasketRefused("The basket is empty: nothing to suspend.")
        basket = till.editable_basket("suspend it")
        authorize(till, Action.SUSPEND_BASKET)
        basket = basket.with_label(label.strip() or basket.label)
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            attempts.save_basket(
                session,
                basket,
                status="suspended",
                cashier_id=cashier.id,
                shift_id=shift_id,
                now=now,
                training=till.state.training,
            )
        till.state.basket = None
        totals = basket.summary(context.tax_mode)
        return ParkedBasket(
            basket.id,
            basket.label,
            now,
            cashier.id,
            totals.line_count,
            totals.total,
            totals.paid,
            till.state.training,
        )


def parked(till: Till) -> list[ParkedBasket]:
    """Every parked basket on this till, oldest first."""
    with till.store.read() as session:
        context = till.context(session)
        rows = session.execute(
            select(BasketRow)
            .where(BasketRow.status == "suspended")
            .order_by(BasketRow.updated_at, BasketRow.id)
        ).scalars()
        result = []
        for row in rows:
            basket, training = attempts.load_basket(row)
            totals = basket.summary(context.tax_mode)
            result.append(
                ParkedBasket(
                    row.id,
                    row.label,
                    row.updated_at,
                    row.cashier_id,
                    totals.line_count,
                    totals.total,
                    totals.paid,
                    training,
                )
            )
        return result


def resume(till: Till, basket_id: uuid.UUID) -> BasketView:
    """Take a parked basket back as the one being rung up."""
    with till.lock:
        cashier = till.cashier()
        shift_id = till.shift_id()
        current = till.state.basket
        if current is not None and not current.is_empty:
            raise BasketRefused("Suspend or finish the basket on screen first.")
        now = till.now()
        with till.store.write() as session:
            context = till.context(session)
            row = session.get(BasketRow, basket_id)
            if row is None or row.status != "suspended":
                raise BasketRefused("That basket is no longer parked (resumed or voided).")
            basket, training = attempts.load_basket(row)
            if training != till.state.training:
                mode = "training" if training else "normal"
                raise BasketRefused(f"That basket was rung in {mode} mode: switch mode first.")
            if basket.label == RECOVERED_LABEL:
                basket = basket.with_label("")
            row.status = "resumed"
            row.shift_id = shift_id
            row.cashier_id = cashier.id
            row.updated_at = now
        till.state.basket = basket
        return basket_view(basket, context.tax_mode, till.state.training)
