import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from pos_core.ids import new_id
from pos_core.protocol import MAX_EVENT_BYTES
from pos_core.protocol.events import (
    CURRENT_VERSION,
    PAYLOADS,
    CountLine,
    EventError,
    EventType,
    ReceivedLine,
    SaleCompletedV1,
    SaleLine,
    StockCountedV1,
    StockReceivedV1,
    TaxSummary,
    Tender,
    TenderKind,
    event_id_of,
    make_event,
    read_event,
)
from pos_core.protocol.messages import Change, Entity, PullPage, PushResponse
from pos_core.protocol.rows import ROW_MODELS, BarcodeRow, PriceRow, row_key

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
TODAY = date(2026, 11, 22)


def a_sale() -> SaleCompletedV1:
    line = SaleLine(
        line_id=new_id(),
        product_id=new_id(),
        code="06901234567892",
        name="农夫山泉 饮用天然水 550ml",
        quantity=Decimal("2"),
        unit_price=Decimal("2.00"),
        list_amount=Decimal("4.00"),
        amount=Decimal("4.00"),
        tax_code="VAT13",
        tax_rate=Decimal("0.13"),
        tax=Decimal("0.46"),
    )
    return SaleCompletedV1(
        sale_id=new_id(),
        receipt_no="S001-01-000001",
        store_id=new_id(),
        till_number=1,
        shift_id=new_id(),
        cashier_id=new_id(),
        completed_at=NOW,
        lines=[line],
        subtotal=Decimal("4.00"),
        discount_total=Decimal("0.00"),
        taxes=[
            TaxSummary(code="VAT13", rate=Decimal("0.13"), net=Decimal("3.54"), tax=Decimal("0.46"))
        ],
        rounding=Decimal("0.00"),
        total=Decimal("4.00"),
        tenders=[
            Tender(
                tender_id=new_id(),
                kind=TenderKind.CASH,
                amount=Decimal("4.00"),
                tendered=Decimal("10.00"),
                change=Decimal("6.00"),
            )
        ],
    )


def test_every_event_type_has_a_current_payload():
    assert set(CURRENT_VERSION) == set(EventType)
    assert all((t, v) in PAYLOADS for t, v in CURRENT_VERSION.items())


def test_an_event_round_trips_through_json_exactly():
    event = make_event(a_sale(), event_id=new_id(), occurred_at=NOW, business_date=TODAY)
    wire = json.loads(event.to_json())
    assert (wire["type"], wire["v"]) == ("sale.completed", 1)
    # amounts travel as strings, never JSON numbers
    assert wire["payload"]["total"] == "4.00"
    assert wire["payload"]["lines"][0]["quantity"] == "2.000"
    back = read_event(wire)
    assert back == event
    assert isinstance(back.payload, SaleCompletedV1)
    assert back.payload.lines[0].name == "农夫山泉 饮用天然水 550ml"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.update(type="sale.teleported"), "unknown event type"),
        (lambda e: e.update(v=99), "version 99"),
        (lambda e: e.update(payload="nope"), "no payload"),
        (lambda e: e["payload"].update(total=4.0), "float"),
        (lambda e: e["payload"].update(total="4.001"), "more than 2 decimals"),
        (lambda e: e["payload"].update(lines=[]), "lines"),
        (lambda e: e["payload"].update(surprise=1), "surprise"),
        (lambda e: e.update(occurred_at="2026-11-22T10:30:00"), "occurred_at"),
    ],
)
def test_unreadable_events_say_why(mutate, message):
    raw = make_event(a_sale(), event_id=new_id(), occurred_at=NOW, business_date=TODAY).to_dict()
    mutate(raw)
    with pytest.raises(EventError, match=message):
        read_event(raw)
    assert event_id_of(raw) is not None  # still quarantinable by id


def test_oversized_events_are_refused_at_the_till():
    lines = [
        CountLine(product_id=new_id(), counted=Decimal(5), expected=Decimal(4)) for _ in range(3000)
    ]
    payload = StockCountedV1(count_id=new_id(), part=1, parts=1, cursor="c", lines=lines)
    with pytest.raises(EventError, match=f"{MAX_EVENT_BYTES}-byte limit"):
        make_event(payload, event_id=new_id(), occurred_at=NOW, business_date=TODAY)


def test_messages_ignore_unknown_fields_from_a_newer_server():
    page = PullPage.model_validate(
        {
            "changes": [{"entity": "barcode", "key": "1", "op": "delete"}],
            "cursor": "c",
            "has_more": False,
            "device_last_seq": 3,
            "server_time": "2026-11-22T10:30:00Z",
            "a_future_field": True,
        }
    )
    assert page.changes == [Change(entity=Entity.BARCODE, key="1", op="delete")]
    PushResponse.model_validate({"last_seq": 0, "results": [], "server_time": NOW})


def test_rows_have_models_and_keys():
    assert set(ROW_MODELS) == set(Entity)
    row = BarcodeRow(gtin="06901234567892", product_id=new_id())
    assert row_key(Entity.BARCODE, row) == "06901234567892"
    with pytest.raises(ValidationError):
        BarcodeRow(gtin="6901234567892", product_id=new_id())  # not 14 digits
    with pytest.raises(ValidationError):
        PriceRow(
            id=new_id(),
            product_id=new_id(),
            price=Decimal("1.00"),
            effective_from=datetime(2026, 1, 1),  # noqa: DTZ001 - naive on purpose: refused
        )


def test_received_stock_needs_lines():
    with pytest.raises(ValidationError):
        StockReceivedV1(receipt_id=new_id(), lines=[])
    StockReceivedV1(
        receipt_id=new_id(), lines=[ReceivedLine(product_id=new_id(), quantity=Decimal("1.5"))]
    )
