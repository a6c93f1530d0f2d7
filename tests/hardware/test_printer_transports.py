"""The same printer driver over a serial line (a real pty), a device file, and USB."""

from __future__ import annotations

import os
import pty
import select
import threading
import tty
from pathlib import Path

import pytest
from escpos.printer import Usb

from hardware.config import PrinterConfig, PrinterType, UsbConnection
from hardware.devices import DeviceState
from hardware.emulator import decode_job
from hardware.errors import ConfigError, DeviceOffline
from hardware.escpos_parse import (
    Cut,
    DrawerKick,
    EscPosDecoder,
    Printed,
    PrintedLine,
    StatusQuery,
    UnknownCommand,
)
from hardware.factory import build_printer
from hardware.layout import TextLine, layout_document
from hardware.printer import EscPosPrinter
from hardware.profile import PrinterProfile
from hardware.sample_receipt import sample_receipt
from hardware.transports import FileTransport, SerialTransport


class SerialPrinterOnPty:
    """The far end of a pty acting as a serial receipt printer: decodes, answers DLE EOT."""

    def __init__(self, paper_dots: int) -> None:
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.decoder = EscPosDecoder(paper_dots)
        self.items: list[Printed] = []
        self.cut = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for event in self.decoder.feed(data):
                if isinstance(event, StatusQuery):
                    os.write(self.master, b"\x12")
                elif isinstance(event, Cut):
                    self.cut.set()
                elif not isinstance(event, DrawerKick | UnknownCommand):
                    self.items.append(event)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self.master)
        os.close(self.slave)


def test_a_serial_printer_prints_the_receipt_and_answers_status() -> None:
    profile = PrinterProfile(paper_mm=58)
    far_end = SerialPrinterOnPty(profile.dots)
    try:
        printer = EscPosPrinter(SerialTransport(far_end.path, 19200, timeout=2.0), profile)
        assert printer.status().state is DeviceState.READY
        printer.print_document(sample_receipt())
        assert far_end.cut.wait(3)
        lines = [item.text.rstrip() for item in far_end.items if isinstance(item, PrintedLine)]
        expected = [
            line.text
            for line in layout_document(sample_receipt(), profile)
            if isinstance(line, TextLine)
        ]
        assert lines == expected
    finally:
        far_end.close()


def test_a_serial_printer_that_is_not_there_is_offline() -> None:
    printer = EscPosPrinter(SerialTransport("/dev/omnitill-no-such-tty", 9600), PrinterProfile())
    with pytest.raises(DeviceOffline, match="/dev/omnitill-no-such-tty cannot be opened") as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False


def test_a_file_printer_appends_each_job_and_cannot_report_paper(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()  # the usblp driver's device node exists while the printer is plugged in
    printer = EscPosPrinter(FileTransport(str(device)), PrinterProfile(paper_mm=80))
    status = printer.status()
    assert status.state is DeviceState.READY
    assert "reports no paper state" in status.detail
    printer.print_document(sample_receipt())
    job = decode_job(device.read_bytes(), paper_mm=80)
    assert job.cut
    assert "        优选超市" in job.lines
    assert job.qr_payloads[0] == "OT1:R:S001-01-000123"
    device.unlink()  # unplugged
    with pytest.raises(DeviceOffline, match="does not exist") as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False


def test_a_usb_printer_needs_pyusb_or_a_connected_device() -> None:
    config = PrinterConfig(
        type=PrinterType.USB, connection=UsbConnection(0x0416, 0x5011), profile=PrinterProfile()
    )
    printer = build_printer(config)
    expected = DeviceOffline if Usb.is_usable() else ConfigError
    message = "0416:5011 is not connected" if Usb.is_usable() else "needs pyusb"
    with pytest.raises(expected, match=message):
        printer.print_document(sample_receipt())
    state = DeviceState.OFFLINE if Usb.is_usable() else DeviceState.ERROR
    assert printer.status().state is state
