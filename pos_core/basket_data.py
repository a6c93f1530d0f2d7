"""A basket's stored form: a suspended basket, or one being paid, is written to the till's
database as JSON. Amounts and quantities are strings, so nothing passes through a float."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from pos_core.basket import (
    AutoDiscount,
    Basket,
    BasketError,
    BasketLine,
    LineVoid,
    ManualDiscount,
    MemberTag,
    PriceOverride,
    TenderLine,
    Unit,
)
from pos_core.money import Money, MoneyError
from pos_core.protocol.events import DiscountKind, TenderKind
from pos_core.tax import TaxRate


def _money(value: Money | None) -> str | None:
    return None if value is None else str(value)


def _read_money(value: Any) -> Money | None:
    return None if value is None else Money.of(str(value))


def _uuid(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))


def _discount_data(d: ManualDiscount | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "percent": None if d.percent is None else str(d.percent),
        "amount": _money(d.amount),
        "approved_by": None if d.approved_by is None else str(d.approved_by),
    }


def _read_discount(data: Any) -> ManualDiscount | None:
    if data is None:
        return None
    return ManualDiscount(
        percent=None if data["percent"] is None else Decimal(data["percent"]),
        amount=_read_money(data["amount"]),
        approved_by=_uuid(data["approved_by"]),
    )


def _line_data(line: BasketLine) -> dict[str, Any]:
    return {
        "line_id": str(line.line_id),
        "product_id": str(line.product_id),
        "code": line.code,
        "name": line.name,
        "name_en": line.name_en,
        "category_id": None if line.category_id is None else str(line.category_id),
        "tax_code": line.tax_rate.code,
        "tax_rate": str(line.tax_rate.rate),
        "unit": line.unit.value,
        "quantity": str(line.quantity),
        "unit_price": str(line.unit_price),
        "added_at": line.added_at.isoformat(),
        "points_eligible": line.points_eligible,
        "label_amount": _money(line.label_amount),
        "weighed_at_till": line.weighed_at_till,
        "override": None
        if line.override is None
        else {
            "original_price": str(line.override.original_price),
            "approved_by": None
            if line.override.approved_by is None
            else str(line.override.approved_by),
        },
        "discount": _discount_data(line.discount),
        "voided": None
        if line.voided is None
        else {
            "at": line.voided.at.isoformat(),
            "approved_by": None
            if line.voided.approved_by is None
            else str(line.voided.approved_by),
        },
    }


def _read_line(data: dict[str, Any]) -> BasketLine:
    override = data["override"]
    voided = data["voided"]
    category = data["category_id"]
    return BasketLine(
        line_id=uuid.UUID(data["line_id"]),
        product_id=uuid.UUID(data["product_id"]),
        code=data["code"],
        name=data["name"],
        name_en=data["name_en"],
        category_id=None if category is None else uuid.UUID(category),
        tax_rate=TaxRate(data["tax_code"], Decimal(data["tax_rate"])),
        unit=Unit(data["unit"]),
        quantity=Decimal(data["quantity"]),
        unit_price=Money.of(data["unit_price"]),
        added_at=datetime.fromisoformat(data["added_at"]),
        points_eligible=bool(data["points_eligible"]),
        label_amount=_read_money(data["label_amount"]),
        weighed_at_till=bool(data["weighed_at_till"]),
        override=None
        if override is None
        else PriceOverride(Money.of(override["original_price"]), _uuid(override["approved_by"])),
        discount=_read_discount(data["discount"]),
        voided=None
        if voided is None
        else LineVoid(datetime.fromisoformat(voided["at"]), _uuid(voided["approved_by"])),
    )


def basket_to_data(basket: Basket) -> dict[str, Any]:
    """The basket as JSON-ready data (amounts as strings)."""
    member = basket.member
    return {
        "id": str(basket.id),
        "created_at": basket.created_at.isoformat(),
        "label": basket.label,
        "lines": [_line_data(line) for line in basket.lines],
        "basket_discount": _discount_data(basket.basket_discount),
        "auto_discounts": [
            {
                "line_id": str(d.line_id),
                "kind": d.kind.value,
                "amount": str(d.amount),
                "label": d.label,
                "ref": d.ref,
            }
            for d in basket.auto_discounts
        ],
        "tenders": [
            {
                "tender_id": str(t.tender_id),
                "kind": t.kind.value,
                "amount": str(t.amount),
                "tendered": _money(t.tendered),
                "change": str(t.change),
                "reference": t.reference,
                "attempt_id": None if t.attempt_id is None else str(t.attempt_id),
            }
            for t in basket.tenders
        ],
        "rounding": str(basket.rounding),
        "member": None
        if member is None
        else {
            "member_id": str(member.member_id),
            "card_no": member.card_no,
            "phone_masked": member.phone_masked,
            "name": member.name,
        },
    }


def basket_from_data(data: Mapping[str, Any]) -> Basket:
    """Read back what `basket_to_data` wrote; refuses data that is not a basket."""
    try:
        member = data["member"]
        return Basket(
            id=uuid.UUID(data["id"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            label=data["label"],
            lines=tuple(_read_line(line) for line in data["lines"]),
            basket_discount=_read_discount(data["basket_discount"]),
            auto_discounts=tuple(
                AutoDiscount(
                    line_id=uuid.UUID(d["line_id"]),
                    kind=DiscountKind(d["kind"]),
                    amount=Money.of(d["amount"]),
                    label=d["label"],
                    ref=d["ref"],
                )
                for d in data["auto_discounts"]
            ),
            tenders=tuple(
                TenderLine(
                    tender_id=uuid.UUID(t["tender_id"]),
                    kind=TenderKind(t["kind"]),
                    amount=Money.of(t["amount"]),
                    tendered=_read_money(t["tendered"]),
                    change=Money.of(t["change"]),
                    reference=t["reference"],
                    attempt_id=_uuid(t["attempt_id"]),
                )
                for t in data["tenders"]
            ),
            rounding=Money.of(data["rounding"]),
            member=None
            if member is None
            else MemberTag(
                member_id=uuid.UUID(member["member_id"]),
                card_no=member["card_no"],
                phone_masked=member["phone_masked"],
                name=member["name"],
            ),
        )
    except (KeyError, TypeError, ValueError, MoneyError) as exc:
        raise BasketError(f"stored basket cannot be read: {exc}") from exc
