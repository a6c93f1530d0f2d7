"""Serial barcode scanners (pyserial): a reader thread per scanner that survives unplugging.

    scanner = SerialScanner(config, on_scan=router.take, on_status=status_bar.show)
    scanner.start()      # returns at once; the thread opens the port when it can
    ...
    scanner.stop()       # ends the thread and releases the port

The thread reads bytes, cuts them into codes at the terminator (CR, LF, CR LF, Tab, or
a pause when the scanner sends none), strips the configured prefix and suffix, and calls
`on_scan(ScanEvent(code, "serial:<name>"))`. Both callbacks run on the reader thread: the
till hands them to its UI thread (a Qt signal). A callback that raises is logged and the
scanner carries on.

When the port fails (unplugged, the USB-serial adapter gone) it reports `disconnected`
with the reason and reopens it with exponential backoff, capped; when it opens again it
reports `connected`. A half-read code at a disconnect is dropped, never glued to the next.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import serial

from hardware.devices import DeviceState, DeviceStatus, ScanCallback, ScanEvent
from hardware.errors import HardwareError
from hardware.transports import open_serial

__all__ = [
    "ScanEvent",
    "ScanFramer",
    "ScannerState",
    "ScannerStatus",
    "SerialScanner",
    "SerialScannerConfig",
    "Terminator",
]

log = logging.getLogger(__name__)


class Terminator(StrEnum):
    CR = "cr"
    LF = "lf"
    CRLF = "crlf"
    TAB = "tab"
    NONE = "none"  # the scanner sends no terminator: a pause of `frame_gap_s` ends a code


TERMINATOR_BYTES = {
    Terminator.CR: b"\r",
    Terminator.LF: b"\n",
    Terminator.CRLF: b"\r\n",
    Terminator.TAB: b"\t",
}


@dataclass(frozen=True, slots=True)
class SerialScannerConfig:
    port: str
    name: str = "scanner"
    baud: int = 9600
    bytesize: int = 8
    parity: str = "none"
    stopbits: float = 1
    terminator: Terminator = Terminator.CR
    prefix: str = ""
    suffix: str = ""
    encoding: str = "utf-8"
    frame_gap_s: float = 0.3  # a code's bytes never pause this long; a fragment is dropped
    reconnect_initial_s: float = 0.25
    reconnect_max_s: float = 5.0
    read_timeout_s: float = 0.1  # how soon the thread notices stop()


class ScannerState(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class ScannerStatus:
    name: str
    port: str
    state: ScannerState
    reason: str = ""

    def as_device_status(self) -> DeviceStatus:
        if self.state is ScannerState.CONNECTED:
            return DeviceStatus(DeviceState.READY, f"scanner {self.name} on {self.port}")
        detail = f"scanner {self.name} on {self.port}: {self.state}"
        return DeviceStatus(
            DeviceState.OFFLINE, f"{detail} ({self.reason})" if self.reason else detail
        )


StatusCallback = Callable[[ScannerStatus], None]


class ScanFramer:
    """Bytes in, codes out: terminator, prefix and suffix as configured. Pure."""

    def __init__(self, config: SerialScannerConfig) -> None:
        self.config = config
        self._buffer = b""
        self._last_byte_at = 0.0

    def feed(self, data: bytes, now: float) -> list[str]:
        config = self.config
        if self._buffer and now - self._last_byte_at > config.frame_gap_s:
            codes = self.flush() if config.terminator is Terminator.NONE else self._drop()
        else:
            codes = []
        self._buffer += data
        self._last_byte_at = now
        if config.terminator is Terminator.NONE:
            return codes
        separator = TERMINATOR_BYTES[config.terminator]
        *frames, self._buffer = self._buffer.split(separator)
        for frame in frames:
            code = self._code(frame)
            if code:
                codes.append(code)
        return codes

    def idle(self, now: float) -> list[str]:
        """Called when no byte came: ends a code of a scanner without a terminator."""
        if self._buffer and now - self._last_byte_at > self.config.frame_gap_s:
            return self.flush() if self.config.terminator is Terminator.NONE else self._drop()
        return []

    def flush(self) -> list[str]:
        frame, self._buffer = self._buffer, b""
        code = self._code(frame)
        return [code] if code else []

    def _drop(self) -> list[str]:
        if self._buffer:  # its length only: a fragment may be part of a payment code
            log.warning(
                "scanner %s: dropped %d bytes that never got a terminator",
                self.config.name,
                len(self._buffer),
            )
        self._buffer = b""
        return []

    def _code(self, frame: bytes) -> str:
        # Strip stray CR/LF (a CR LF scanner set to CR) before prefix and suffix.
        text = frame.decode(self.config.encoding, errors="replace").strip("\r\n")
        prefix, suffix = self.config.prefix, self.config.suffix
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        if suffix and text.endswith(suffix):
            text = text[: len(text) - len(suffix)]
        return text.strip()


class SerialScanner:
    """One serial scanner on its own daemon thread; fills the Scanner Protocol."""

    def __init__(
        self,
        config: SerialScannerConfig,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
    ) -> None:
        self.config = config
        self.on_scan = on_scan
        self.on_status = on_status
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Any = None
        self._status = ScannerStatus(config.name, config.port, ScannerState.STOPPED)

    @property
    def source(self) -> str:
        return f"serial:{self.config.name}"

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"scanner-{self.config.name}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self._close()
        self._report(ScannerState.STOPPED, "")

    def status(self) -> DeviceStatus:
        return self._status.as_device_status()

    @property
    def scanner_status(self) -> ScannerStatus:
        return self._status

    def _run(self) -> None:
        delay = self.config.reconnect_initial_s
        while not self._stop.is_set():
            try:
                self._port = open_serial(
                    self.config.port,
                    baud=self.config.baud,
                    bytesize=self.config.bytesize,
                    parity=self.config.parity,
                    stopbits=self.config.stopbits,
                    timeout=self.config.read_timeout_s,
                )
            except HardwareError as exc:
                self._report(ScannerState.DISCONNECTED, str(exc))
                self._stop.wait(delay)
                delay = min(delay * 2, self.config.reconnect_max_s)
                continue
            delay = self.config.reconnect_initial_s
            self._report(ScannerState.CONNECTED, "")
            reason = self._read_until_failure()
            self._close()
            if reason is not None:
                self._report(ScannerState.DISCONNECTED, reason)
                self._stop.wait(delay)

    def _read_until_failure(self) -> str | None:
        """Read codes until stop() (None) or the port fails (the reason)."""
        framer = ScanFramer(self.config)
        port = self._port
        while not self._stop.is_set():
            try:
                data: bytes = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError) as exc:
                return None if self._stop.is_set() else f"read failed: {exc}"
            now = time.monotonic()
            codes = framer.feed(data, now) if data else framer.idle(now)
            for code in codes:
                self._deliver(code)
        return None

    def _deliver(self, code: str) -> None:
        try:
            self.on_scan(ScanEvent(code, self.source))
        except Exception:
            log.exception("scanner %s: the scan callback failed for a code", self.config.name)

    def _report(self, state: ScannerState, reason: str) -> None:
        status = ScannerStatus(self.config.name, self.config.port, state, reason)
        changed = (status.state, status.reason) != (self._status.state, self._status.reason)
        self._status = status
        if changed and self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("scanner %s: the status callback failed", self.config.name)

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()  # a port that vanished has nothing left to release
