import uuid

import pytest

from hardware.devices import (
    CashDrawer,
    CustomerDisplay,
    DeviceState,
    ReceiptPrinter,
    RecordingDisplay,
    RecordingDrawer,
    RecordingPrinter,
    ScanEvent,
    Scanner,
    ScriptedScanner,
)
from hardware.display import SerialPoleDisplay
from hardware.errors import ConnectionLost, DeviceOffline, PaperOut
from hardware.printer import EscPosPrinter, PrinterDrawer
from hardware.profile import PrinterProfile
from hardware.scanner import SerialScanner, SerialScannerConfig
from hardware.transports import FileTransport
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


def test_the_scripted_scanner_delivers_scan_events_once_started():
    got = []
    scanner = ScriptedScanner(got.append, name="counter")
    assert isinstance(scanner, Scanner)
    with pytest.raises(DeviceOffline):
        scanner.scan("6901234567892")
    scanner.start()
    scanner.scan("6901234567892")
    assert got == [ScanEvent("6901234567892", "serial:counter")]
    assert scanner.status().state is DeviceState.READY


def test_the_real_drivers_fill_the_same_protocols(tmp_path):
    printer = EscPosPrinter(FileTransport(str(tmp_path / "lp0")), PrinterProfile())
    assert isinstance(printer, ReceiptPrinter)
    assert isinstance(PrinterDrawer(printer), CashDrawer)
    assert isinstance(SerialScanner(SerialScannerConfig(port="/dev/null"), print), Scanner)
    assert isinstance(SerialPoleDisplay("/dev/null"), CustomerDisplay)
    assert isinstance(RecordingDisplay(), CustomerDisplay)


def test_a_hardware_error_says_whether_the_job_may_have_printed():
    assert DeviceOffline("off").may_have_printed is False
    assert ConnectionLost("dropped after the job").may_have_printed is True
    assert PaperOut("ran out mid-job", may_have_printed=True).may_have_printed is True
