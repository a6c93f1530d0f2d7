import uuid

import pytest

from hardware.devices import (
    CashDrawer,
    DeviceState,
    ReceiptPrinter,
    RecordingDrawer,
    RecordingPrinter,
)
from hardware.errors import DeviceOffline, PaperOut
from pos_core.printing import DocumentKind, PrintDocument, Text


def a_document() -> PrintDocument:
    return PrintDocument(id=uuid.uuid4(), kind=DocumentKind.RECEIPT, blocks=[Text(text="谢谢")])


def test_fakes_fill_the_protocols():
    assert isinstance(RecordingPrinter(), ReceiptPrinter)
    assert isinstance(RecordingDrawer(), CashDrawer)


def test_the_recording_printer_keeps_what_it_printed_and_fails_on_request():
    printer = RecordingPrinter()
    document = a_document()
    printer.print_document(document)
    assert printer.printed == [document]
    printer.fail_with = DeviceOffline("printer at 127.0.0.1:9100 refused the connection")
    with pytest.raises(DeviceOffline):
        printer.print_document(a_document())
    assert printer.printed == [document]
    assert printer.status().state is DeviceState.OFFLINE
    printer.fail_with = PaperOut("no paper")
    assert printer.status().state is DeviceState.ERROR


def test_the_recording_drawer_counts_kicks():
    drawer = RecordingDrawer()
    drawer.kick()
    assert (drawer.kicks, drawer.is_open()) == (1, True)
    drawer.fail_with = DeviceOffline("no printer to kick through")
    with pytest.raises(DeviceOffline):
        drawer.kick()
    assert drawer.kicks == 1
