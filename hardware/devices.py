"""The small Protocols the till drives, and recording fakes of each.

A fake records exactly what it was asked to do and can be told to fail the way a real
device fails, so the till's tests assert outcomes ("the receipt printed once, marked
COPY") without a device. The real drivers (printers over python-escpos, serial scanners,
the pole display) implement the same Protocols.

    ReceiptPrinter   print_document(), status()       RecordingPrinter
    CashDrawer       kick(), is_open()                RecordingDrawer
    Scanner          start(), stop(), status()        ScriptedScanner   (delivers ScanEvent)
    CustomerDisplay  show_item(), show_lines(), clear()  RecordingDisplay
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from hardware.errors import DeviceOffline, HardwareError
from pos_core.printing import PrintDocument


class DeviceState(StrEnum):
    READY = "ready"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    ERROR = "error"
    NOT_CONFIGURED = "not_configured"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    state: DeviceState
    detail: str = ""  # in words, for the status bar and the hardware check

    @property
    def ok(self) -> bool:
        return self.state is DeviceState.READY


@runtime_checkable
class ReceiptPrinter(Protocol):
    """Prints a whole document, then cuts. Raises a HardwareError subclass on failure."""

    def print_document(self, document: PrintDocument) -> None: ...

    def status(self) -> DeviceStatus: ...


@runtime_checkable
class CashDrawer(Protocol):
    """Kicks the drawer open; `is_open` is None where the hardware cannot tell."""

    def kick(self) -> None: ...

    def is_open(self) -> bool | None: ...


@dataclass
class RecordingPrinter:
    """A printer that keeps every document it printed; `fail_with` makes it fail."""

    printed: list[PrintDocument] = field(default_factory=list)
    fail_with: HardwareError | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def print_document(self, document: PrintDocument) -> None:
        with self._lock:
            if self.fail_with is not None:
                raise self.fail_with
            self.printed.append(document)

    def status(self) -> DeviceStatus:
        if isinstance(self.fail_with, DeviceOffline):
            return DeviceStatus(DeviceState.OFFLINE, str(self.fail_with))
        if self.fail_with is not None:
            return DeviceStatus(DeviceState.ERROR, str(self.fail_with))
        return DeviceStatus(DeviceState.READY)


@dataclass
class RecordingDrawer:
    """A drawer that counts its kicks; `fail_with` makes the kick fail."""

    kicks: int = 0
    open: bool = False
    fail_with: HardwareError | None = None

    def kick(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.kicks += 1
        self.open = True

    def is_open(self) -> bool | None:
        return self.open


@dataclass(frozen=True, slots=True)
class ScanEvent:
    """One code read by a scanner, without its prefix, suffix or terminator.

    `source` says which scanner: "serial:<name>" for a serial scanner, "wedge" for the
    keyboard-wedge detector."""

    code: str
    source: str


ScanCallback = Callable[[ScanEvent], None]


@runtime_checkable
class Scanner(Protocol):
    """Delivers ScanEvents to the callback it was built with, from its own thread.

    `start` returns at once; `stop` ends the thread and releases the port."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def status(self) -> DeviceStatus: ...


@runtime_checkable
class CustomerDisplay(Protocol):
    """The customer-facing pole display: the last item and the running total.

    Text the display cannot show (Chinese on a 2×20 VFD) is the driver's problem: it
    transliterates, so the till passes names as it has them."""

    def show_item(self, name: str, amount: Decimal, total: Decimal) -> None: ...

    def show_lines(self, top: str, bottom: str) -> None: ...

    def clear(self) -> None: ...


@dataclass
class ScriptedScanner:
    """A scanner a test drives: `scan(code)` delivers a ScanEvent to the callback at once."""

    on_scan: ScanCallback
    name: str = "scripted"
    running: bool = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def status(self) -> DeviceStatus:
        if self.running:
            return DeviceStatus(DeviceState.READY, f"{self.name}: scripted")
        return DeviceStatus(DeviceState.OFFLINE, f"{self.name}: stopped")

    def scan(self, code: str) -> None:
        if not self.running:
            raise DeviceOffline(f"scanner {self.name} is not started")
        self.on_scan(ScanEvent(code, f"serial:{self.name}"))


@dataclass
class RecordingDisplay:
    """A pole display that keeps what it was asked to show; `fail_with` makes it fail."""

    items: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)
    clears: int = 0
    fail_with: HardwareError | None = None

    def show_item(self, name: str, amount: Decimal, total: Decimal) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.items.append((name, amount, total))

    def show_lines(self, top: str, bottom: str) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.lines.append((top, bottom))

    def clear(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.clears += 1
