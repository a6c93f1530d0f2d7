"""Done means, with the till's real print queue (pos_app/services/print_queue.py), a real
till database and the emulator on loopback:

- printer down: the sale is complete, the job stays queued; when the printer is back it
  prints once;
- lost connection: the emulator drops the line after taking the receipt; the receipt is
  never printed a second time unmarked (the retry says 重印/COPY).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hardware.emulator import PaperState, PrinterEmulator, ReceivedJob
from hardware.printer import EscPosPrinter, PrinterDrawer
from hardware.profile import PrinterProfile
from hardware.transports import TcpTransport
from pos_app.services import auth, payments, print_queue, selling, shifts
from pos_app.services.clock import SettableClock
from pos_app.services.completion import CompletedSale
from pos_app.services.till import Till, open_till
from pos_app.store.apply import apply_changes
from pos_app.store.db import Store, open_store
from pos_app.store.documents import Sale
from pos_app.store.sync import TillIdentity
from pos_core.money import Money
from pos_core.permissions import Role
from pos_core.pins import hash_pin
from pos_core.protocol.events import DenominationCount
from pos_core.protocol.messages import ChangeOp, Entity
from pos_core.protocol.rows import StoreSettingsRow, TaxRateRow

COPY = "重印 / COPY"
SHANGHAI = timezone(timedelta(hours=8))
STORE_ID = uuid.UUID("0195a000-0000-7000-8000-0000000000e8")
CASHIER_ID = uuid.UUID("0195a000-0000-7000-8000-0000000000c1")
PRODUCTS = {  # code: (EAN-13, name, price)
    "1000001": ("6901234000016", "农夫山泉 饮用天然水 550ml", "2.00"),
    "1000003": ("6901234000030", "蒙牛 纯牛奶 250ml", "3.50"),
}


def upsert(entity: Entity, key: str, data: dict[str, Any]) -> tuple[Entity, str, ChangeOp, Any]:
    return entity, key, ChangeOp.UPSERT, data


def first_pull() -> list[tuple[Entity, str, ChangeOp, Any]]:
    """Two products, one cashier and the store's settings, as a pull page brings them."""
    changes = []
    for code, (gtin, name, price) in PRODUCTS.items():
        pid = str(uuid.uuid5(uuid.NAMESPACE_OID, code))
        product = {"id": pid, "code": code, "name": name, "tax_code": "VAT13"}
        changes.append(upsert(Entity.PRODUCT, pid, product))
        changes.append(
            upsert(Entity.BARCODE, gtin.zfill(14), {"gtin": gtin.zfill(14), "product_id": pid})
        )
        price_id = str(uuid.uuid5(uuid.NAMESPACE_OID, f"price:{code}"))
        price_row = {
            "id": price_id,
            "product_id": pid,
            "price": price,
            "effective_from": "2026-01-01T00:00:00+08:00",
        }
        changes.append(upsert(Entity.PRICE, price_id, price_row))
    cashier = {
        "id": str(CASHIER_ID),
        "number": "001",
        "name": "李娜",
        "role": Role.CASHIER.value,
        "pin_hash": hash_pin("1111", log2_n=4),
    }
    changes.append(upsert(Entity.CASHIER, str(CASHIER_ID), cashier))
    settings = StoreSettingsRow(
        store_id=STORE_ID,
        code="S001",
        name="上海南京西路店",
        tax_rates=[TaxRateRow(code="VAT13", rate=Decimal("0.13"))],
        receipt_header=["OmniTill 优选超市", "上海南京西路店"],
        receipt_footer=["谢谢惠顾，欢迎再次光临！"],
    )
    changes.append(upsert(Entity.STORE_SETTINGS, str(STORE_ID), settings.model_dump(mode="json")))
    return changes


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real till database, enrolled and with its first pull applied."""
    opened = open_store(tmp_path / "till.db")
    with opened.write() as session:
        session.add(
            TillIdentity(
                device_id=uuid.UUID("0195a000-0000-7000-8000-00000000d0e8"),
                token="enrolled",
                server_url="https://omnitill.example.cn",
                store_id=STORE_ID,
                store_code="S001",
                store_name="上海南京西路店",
                till_number=2,
                enrolled_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        apply_changes(session, first_pull())
    yield opened
    opened.close()


@pytest.fixture
def till(store: Store, emulator: PrinterEmulator) -> Till:
    """A till whose printer is the emulator on loopback, and whose drawer hangs on it."""
    printer = EscPosPrinter(
        TcpTransport("127.0.0.1", emulator.port, connect_timeout=0.5, timeout=2.0),
        PrinterProfile(paper_mm=80),
        status_timeout=0.5,
    )
    clock = SettableClock(datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI))
    opened = open_till(store, printer, PrinterDrawer(printer), clock=clock)
    auth.log_in(opened, "001", "1111")
    shifts.open_shift(opened, [DenominationCount(denomination=Decimal(100), count=5)])
    return opened


def sell_for_cash(till: Till) -> CompletedSale:
    for gtin, _, _ in PRODUCTS.values():
        selling.scan(till, gtin)
    done = payments.tender_cash(till, Money.of("10.00")).completed
    assert done is not None
    return done


def stored(till: Till, done: CompletedSale) -> bool:
    with till.store.read() as session:
        return session.get(Sale, done.sale_id) is not None


def marks(job: ReceivedJob) -> list[int]:
    return [i for i, line in enumerate(job.lines) if line.strip() == COPY]


def test_printer_down_the_sale_completes_and_the_receipt_prints_once_when_it_is_back(
    till: Till, emulator: PrinterEmulator
) -> None:
    emulator.go_offline()
    done = sell_for_cash(till)
    assert stored(till, done)  # the sale is complete whatever the printer does
    assert done.printed is False
    assert "refused the connection" in done.device_message
    assert done.drawer_opened is False  # the drawer hangs on the same printer
    (queued,) = print_queue.jobs(till)
    assert (queued.status, queued.may_have_printed) == ("failed", False)

    emulator.go_online()
    (outcome,) = print_queue.print_pending(till)
    assert outcome.printed
    assert not outcome.as_copy
    (receipt,) = emulator.wait_for_jobs(1)
    assert done.receipt_no in receipt.text
    assert marks(receipt) == []
    assert receipt.cut
    assert receipt.overflowing() == []

    assert print_queue.print_pending(till) == []  # printed once, not again
    assert print_queue.jobs(till) == []
    time.sleep(0.2)
    assert len(emulator.jobs) == 1
    assert emulator.kicks == []  # and the drawer does not fly open later by itself


@pytest.mark.parametrize(
    "fault",
    [
        {"after_job": True},  # the whole receipt arrived, then the line went
        {"after_bytes": 300},  # part of it arrived
        {"after_job": True, "hang": True},  # it arrived and the printer never answered
    ],
    ids=["dropped-after-the-job", "dropped-mid-job", "hung-after-the-job"],
)
def test_lost_connection_the_receipt_is_never_printed_again_unmarked(
    till: Till, emulator: PrinterEmulator, fault: dict[str, object]
) -> None:
    emulator.drop_next(**fault)  # type: ignore[arg-type]
    done = sell_for_cash(till)
    assert stored(till, done)
    assert done.printed is False
    (first,) = emulator.wait_for_jobs(1)  # the printer got the receipt, or part of it
    assert marks(first) == []
    (queued,) = print_queue.jobs(till)
    assert queued.may_have_printed is True

    (outcome,) = print_queue.print_pending(till)
    assert outcome.printed
    assert outcome.as_copy
    second = emulator.wait_for_jobs(2)[1]
    assert done.receipt_no in second.text
    top, bottom = marks(second)[0], marks(second)[-1]
    assert top <= 2
    assert bottom >= len(second.lines) - 3
    assert print_queue.print_pending(till) == []


def test_paper_out_before_the_receipt_the_retry_prints_the_original_not_a_copy(
    till: Till, emulator: PrinterEmulator
) -> None:
    # The printer says "no paper" before any byte of the receipt is sent: nothing printed,
    # so when paper is back the customer gets the original, not a 重印/COPY.
    emulator.paper = PaperState.OUT
    done = sell_for_cash(till)
    assert stored(till, done)
    assert done.printed is False
    assert "out of paper" in done.device_message
    (queued,) = print_queue.jobs(till)
    assert (queued.status, queued.may_have_printed) == ("failed", False)

    emulator.paper = PaperState.OK
    (outcome,) = print_queue.print_pending(till)
    assert outcome.printed
    assert not outcome.as_copy
    receipts = [job for job in emulator.wait_for_jobs(1) if done.receipt_no in job.text]
    assert len(receipts) == 1
    assert marks(receipts[0]) == []
