"""Ringing up: every scan through the scan router.

`scan` classifies a code by the store's rules (`pos_core.scan`) and either adds a line, or
hands the code to the flow that owns it (a member card, a coupon, a receipt for a return, a
pickup order: `HandedOff`), or refuses it with a message. A customer's payment code scanned
here is refused and forgotten: only the tender step takes it.

The basket lives in memory (`Till.state`) while it is rung up: these calls write nothing,
so a scan costs a few indexed reads. The cashier's edits to it are
`pos_app.services.basket_edits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.orm import Session

from pos_app.services.errors import (
    BasketRefused,
    InvalidCode,
    NeedsWeight,
    NotSellable,
    PaymentCodeOutsideTender,
    QuantityNotAllowed,
    UnknownCode,
)
from pos_app.services.till import StoreContext, Till
from pos_app.services.views import (
    BasketView,
    LineView,
    TotalsView,
    basket_view,
    totals_view,
)
from pos_app.store.catalog import Catalog, CatalogItem
from pos_core.barcodes import MeasureKind, VariableMeasure
from pos_core.basket import Basket, BasketError, BasketLine, Unit, check_quantity
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.scan import (
    GtinScan,
    InvalidScan,
    MemberCard,
    OmniTillCode,
    PaymentCode,
    ProductCode,
    QrKind,
    UnknownScan,
    VariableMeasureScan,
    classify,
)

_HUNDRED = Decimal(100)
T = TypeVar("T")


class Flow(StrEnum):
    """Where a scan that is not a product goes."""

    MEMBER = "member"
    COUPON = "coupon"
    RECEIPT = "receipt"
    PICKUP = "pickup"


_FLOW_OF_QR = {
    QrKind.MEMBER: Flow.MEMBER,
    QrKind.COUPON: Flow.COUPON,
    QrKind.RECEIPT: Flow.RECEIPT,
    QrKind.PICKUP_ORDER: Flow.PICKUP,
}


@dataclass(frozen=True, slots=True)
class LineAdded:
    line: LineView
    totals: TotalsView


@dataclass(frozen=True, slots=True)
class HandedOff:
    """A code for another flow: the member card number, or an OmniTill QR body."""

    flow: Flow
    value: str


ScanResult = LineAdded | HandedOff


def _price(session: Session, context: StoreContext, item: CatalogItem, now: datetime) -> Money:
    price = Catalog(session).price_at(item.product_id, context.store_id, now)
    if price is None:
        raise NotSellable(f"{item.name} has no price in force: it cannot be sold yet.")
    return Money.of(price.price)


def _line(
    context: StoreContext,
    item: CatalogItem,
    code: str,
    unit: Unit,
    quantity: Decimal,
    unit_price: Money,
    now: datetime,
    *,
    label_amount: Money | None = None,
    weighed_at_till: bool = False,
) -> BasketLine:
    if not item.active:
        raise NotSellable(f"{item.name} is no longer sold (withdrawn by head office).")
    rate = context.tax_rates.get(item.tax_code)
    if rate is None:
        raise NotSellable(
            f"{item.name}: its tax code {item.tax_code} is not set up for this store."
        )
    try:
        return BasketLine(
            line_id=new_id(),
            product_id=item.product_id,
            code=code,
            name=item.name,
            name_en=item.name_en,
            category_id=item.category_id,
            tax_rate=rate,
            unit=unit,
            quantity=quantity,
            unit_price=unit_price,
            added_at=now,
            points_eligible=item.points_eligible,
            label_amount=label_amount,
            weighed_at_till=weighed_at_till,
        )
    except BasketError as exc:
        raise BasketRefused(str(exc)) from exc


def _labelled_line(
    session: Session, context: StoreContext, measure: VariableMeasure, now: datetime
) -> BasketLine:
    item = Catalog(session).by_item_ref(measure.item_ref)
    if item is None:
        raise UnknownCode(
            f"No weighed item has the scale code {measure.item_ref} (label {measure.code})."
        )
    if measure.kind is MeasureKind.WEIGHT:
        if not item.sold_by_weight:
            raise NotSellable(f"This label carries a weight, but {item.name} is sold by the piece.")
        if measure.value <= 0:
            raise InvalidCode(f"The label {measure.code} shows no weight: weigh it again.")
        return _line(
            context,
            item,
            measure.code,
            Unit.KG,
            measure.value,
            _price(session, context, item, now),
            now,
        )
    label_price = Money.of(measure.value)
    if label_price.amount <= 0:
        raise InvalidCode(f"The label {measure.code} shows no price: label it again.")
    in_force = Catalog(session).price_at(item.product_id, context.store_id, now)
    if item.sold_by_weight and in_force is not None and in_force.price > 0:
        # The label says what to pay; the weight it stands for moves the stock.
        per_kg = Money.of(in_force.price)
        weight = max(
            (label_price.amount / per_kg.amount).quantize(Decimal("0.001")), Decimal("0.001")
        )
        return _line(
            context, item, measure.code, Unit.KG, weight, per_kg, now, label_amount=label_price
        )
    return _line(
        context,
        item,
        measure.code,
        Unit.PCS,
        Decimal(1),
        label_price,
        now,
        label_amount=label_price,
    )


def _find(session: Session, scanned: GtinScan | ProductCode) -> CatalogItem:
    catalog = Catalog(session)
    if isinstance(scanned, GtinScan):
        item = catalog.by_gtin(scanned.keys)
        if item is None:
            raise UnknownCode(f"No product has the barcode {scanned.code}.")
        return item
    item = catalog.by_code(scanned.code)
    if item is None:
        raise UnknownCode(f"No product has the code {scanned.code}.")
    return item


def _multiplier(quantity: int | None) -> Decimal:
    if quantity is None:
        return Decimal(1)
    try:
        return check_quantity(Unit.PCS, Decimal(quantity))
    except BasketError as exc:
        raise BasketRefused(str(exc)) from exc


def scan(till: Till, raw: str, quantity: int | None = None) -> ScanResult:
    """Route one scan or typed code; `quantity` is the `3 *` typed before it."""
    with till.lock:
        till.shift_id()
        now = till.now()
        with till.store.read() as session:
            context = till.context(session)
            scanned = classify(raw, context.scan_config)
            if isinstance(scanned, PaymentCode):
                raise PaymentCodeOutsideTender()
            if isinstance(scanned, InvalidScan):
                raise InvalidCode(scanned.message)
            if isinstance(scanned, UnknownScan):
                raise UnknownCode(scanned.message)
            if isinstance(scanned, MemberCard):
                return HandedOff(Flow.MEMBER, scanned.card_no)
            if isinstance(scanned, OmniTillCode):
                return HandedOff(_FLOW_OF_QR[scanned.kind], scanned.body)
            basket = till.editable_basket("add items")
            if isinstance(scanned, VariableMeasureScan):
                if quantity is not None:
                    raise QuantityNotAllowed("Weighed items cannot be multiplied: scan each label.")
                line = _labelled_line(session, context, scanned.measure, now)
            else:
                item = _find(session, scanned)
                if item.sold_by_weight:
                    if quantity is not None:
                        raise QuantityNotAllowed(
                            f"{item.name} is sold by weight and cannot be multiplied: weigh it."
                        )
                    raise NeedsWeight(
                        f"{item.name} is sold by weight: put it on the scale, or scan its "
                        "scale label."
                    )
                line = _line(
                    context,
                    item,
                    scanned.code,
                    Unit.PCS,
                    _multiplier(quantity),
                    _price(session, context, item, now),
                    now,
                )
        return _added(till, context, basket.add(line), line)


def _added(till: Till, context: StoreContext, basket: Basket, line: BasketLine) -> LineAdded:
    till.state.basket = basket
    list_amount, discount, amount = basket.line_amounts(line.line_id, context.tax_mode)
    view = LineView(
        line_id=line.line_id,
        code=line.code,
        name=line.name,
        name_en=line.name_en,
        quantity=line.quantity,
        unit=line.unit.value,
        unit_price=line.unit_price,
        list_amount=list_amount,
        discount=discount,
        amount=amount,
        price_overridden=False,
        from_label=line.from_label or line.label_amount is not None,
    )
    return LineAdded(view, totals_view(basket.summary(context.tax_mode)))


def add_weighed(till: Till, code: str, weight_kg: Decimal) -> LineAdded:
    """A weighed item by its product code or barcode, with the weight from the till's scale
    (or typed)."""
    with till.lock:
        till.shift_id()
        basket = till.editable_basket("add items")
        now = till.now()
        with till.store.read() as session:
            context = till.context(session)
            scanned = classify(code, context.scan_config)
            if not isinstance(scanned, GtinScan | ProductCode):
                raise InvalidCode("Type or scan the weighed item's product code.")
            item = _find(session, scanned)
            if not item.sold_by_weight:
                raise BasketRefused(f"{item.name} is sold by the piece, not by weight.")
            line = _line(
                context,
                item,
                scanned.code,
                Unit.KG,
                weight_kg,
                _price(session, context, item, now),
                now,
                weighed_at_till=True,
            )
        return _added(till, context, basket.add(line), line)


def current(till: Till) -> BasketView:
    """The basket as the screen shows it."""
    with till.lock, till.store.read() as session:
        till.cashier()
        context = till.context(session)
        return basket_view(till.basket(), context.tax_mode, till.state.training)
