"""The golden baskets (tests/pos_core/test_basket_golden.py) rung through the services.

Each basket is scanned, edited and paid as a cashier would, against a real till database
set up with the basket's store rules; then the figures are read back from everything the
customer and head office get: the result on screen, the stored sale, the sale event and
the printed receipt.
"""

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from pos_app.services import basket_edits, payments, selling
from pos_app.services.errors import NeedsApproval
from pos_app.store.audit import AuditEntry
from pos_app.store.documents import Sale
from pos_app.store.queues import DrawerKick
from pos_app.store.sync import OutboxEvent
from pos_core.money import Money
from pos_core.protocol.events import EventType, SaleCompletedV1, TenderKind, read_event
from pos_core.tax import TaxMode

WECHAT_CODE = "134567890123456789"


def _golden():
    """The table module, as the shop's conftest loaded it (one copy, one set of classes)."""
    import sys

    return sys.modules["golden_baskets"].GOLDEN


GOLDEN = _golden()


def approve_if_needed(kit, approved, change):
    """Try as the cashier; an approved step must first be refused, then pass with a PIN."""
    if not approved:
        return change(None)
    with pytest.raises(NeedsApproval):
        change(None)
    return change(kit.SUPERVISOR.approval)


def ring(kit, till, case):
    g = kit.golden
    for step in case.steps:
        lines = selling.current(till).lines
        if isinstance(step, g.Scan):
            selling.scan(till, kit.code(step.product), step.quantity)
        elif isinstance(step, g.Weigh):
            selling.scan(till, kit.label(step.product, step.kg))
        elif isinstance(step, g.PriceLabel):
            selling.scan(till, kit.price_label(step.product, step.price))
        elif isinstance(step, g.DiscountLine):
            target = lines[step.line].line_id
            percent = None if step.percent is None else Decimal(step.percent)
            amount = None if step.amount is None else Money.of(step.amount)
            approve_if_needed(
                kit,
                step.approved,
                lambda a, t=target, p=percent, m=amount: basket_edits.discount_line(
                    till, t, percent=p, amount=m, approval=a
                ),
            )
        elif isinstance(step, g.Override):
            target = lines[step.line].line_id
            approve_if_needed(
                kit,
                step.approved,
                lambda a, t=target, p=step.price: basket_edits.override_price(
                    till, t, Money.of(p), approval=a
                ),
            )
        else:
            percent = None if step.percent is None else Decimal(step.percent)
            amount = None if step.amount is None else Money.of(step.amount)
            approve_if_needed(
                kit,
                step.approved,
                lambda a, p=percent, m=amount: basket_edits.discount_basket(
                    till, percent=p, amount=m, approval=a
                ),
            )
    result = None
    for pay in case.pays:
        assert result is None or result.completed is None, "paid after the sale completed"
        if isinstance(pay, g.Cash):
            result = payments.tender_cash(till, Money.of(pay.handed))
        elif isinstance(pay, g.Card):
            amount = None if pay.amount is None else Money.of(pay.amount)
            result = payments.pay_by_terminal(till, TenderKind.CARD, amount)
        else:
            amount = None if pay.amount is None else Money.of(pay.amount)
            result = payments.pay_by_code(till, WECHAT_CODE, amount)
    assert result is not None
    return result.completed


@pytest.mark.parametrize("case", GOLDEN, ids=[g.name for g in GOLDEN])
def test_golden_basket_through_the_services(tmp_path, kit, case):
    shop = kit.make_shop(
        tmp_path,
        cash_rounding=case.rounding_mode,
        prices_include_tax=case.tax_mode is TaxMode.INCLUSIVE,
    )
    till = kit.ready(shop)
    done = ring(kit, till, case)

    # what the cashier sees
    assert done is not None
    assert str(done.total_due) == case.total
    assert str(done.rounding) == case.rounding
    assert str(done.change) == case.change
    assert tuple((t.kind.value, str(t.amount)) for t in done.tenders) == case.tenders
    assert done.printed is True

    # what was stored, and what head office gets
    with shop.store.read() as session:
        sale = session.get(Sale, done.sale_id)
        assert (str(sale.subtotal), str(sale.discount_total)) == (case.subtotal, case.discounts)
        assert (str(sale.rounding), str(sale.total), str(sale.change_given)) == (
            case.rounding,
            case.total,
            case.change,
        )
        assert sale.tax_total == sum((Decimal(t) for t in case.taxes.values()), Decimal(0))
        if case.quantities:
            assert tuple(f"{line.quantity.normalize():f}" for line in sale.lines) == tuple(
                f"{Decimal(q).normalize():f}" for q in case.quantities
            )
        body = session.execute(
            select(OutboxEvent.body).where(OutboxEvent.type == EventType.SALE_COMPLETED.value)
        ).scalar_one()
        kicks = session.execute(select(DrawerKick.status)).scalars().all()
        approvals = session.execute(
            select(AuditEntry.action, AuditEntry.approver_id).where(
                AuditEntry.subject == done.receipt_no
            )
        ).all()
    payload = read_event(json.loads(body)).payload
    assert isinstance(payload, SaleCompletedV1)
    assert (str(payload.subtotal), str(payload.discount_total)) == (case.subtotal, case.discounts)
    assert {t.code: str(t.tax) for t in payload.taxes} == case.taxes
    assert (str(payload.rounding), str(payload.total)) == (case.rounding, case.total)
    assert tuple((t.kind.value, str(t.amount)) for t in payload.tenders) == case.tenders
    assert sum(line.amount for line in payload.lines) == payload.total - payload.rounding

    # the drawer opened only for cash
    has_cash = any(kind == "cash" for kind, _ in case.tenders)
    assert kicks == (["sent"] if has_cash else [])
    assert shop.drawer.kicks == (1 if has_cash else 0)

    # the receipt says the same
    (receipt,) = shop.printer.printed
    rows = {b.left: b.right for b in receipt.blocks if b.type == "row"}
    assert rows["合计 TOTAL"] == case.total
    assert rows["小计 Subtotal"] == case.subtotal

    # every approval is in the audit log with the supervisor who gave it
    g = kit.golden
    approved = [s for s in case.steps if getattr(s, "approved", False)]
    assert [a for a in approvals if a.approver_id is not None] == [
        (
            {g.DiscountLine: "line_discount", g.Override: "price_override"}.get(
                type(s), "basket_discount"
            ),
            kit.SUPERVISOR.id,
        )
        for s in approved
    ]
