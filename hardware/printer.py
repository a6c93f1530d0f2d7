"""The receipt printer driver and the cash drawer kicked through it.

`EscPosPrinter` fills the `ReceiptPrinter` Protocol over any transport (network, serial,
file, USB). One print is one connection:

1. open (refused, unreachable → DeviceOffline; nothing was sent);
2. where the printer answers DLE EOT: ask whether it is ready — paper out, cover open or
   another stop raises PaperOut / CoverOpen / PrinterError before a byte of the job goes;
3. send the whole job (rendered for the profile, cut included);
4. where it answers: ask again. The answer is the printer's acknowledgement that it took
   the job. No answer (DeviceTimeout), a dropped line (ConnectionLost), or a stop reported
   now raises with `may_have_printed=True`: the print queue must mark any retry 重印/COPY.

A printer that does not answer status queries (`answers_status = false`, or a device
file) prints without steps 2 and 4; then any failure after the first byte is
`may_have_printed`.

`PrinterDrawer` fills `CashDrawer`: ESC p (or the real-time DLE DC4, which still works
while the printer is stopped for paper) on pin 2 or 5, and the drawer switch from bit 2 of
DLE EOT 1, read with the polarity the config gives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

from hardware.devices import DeviceState, DeviceStatus
from hardware.errors import (
    ConfigError,
    ConnectionLost,
    CoverOpen,
    DeviceOffline,
    DeviceTimeout,
    HardwareError,
    PaperOut,
    PrinterError,
)
from hardware.escpos_render import (
    DLE,
    STATUS_OFFLINE,
    STATUS_PAPER,
    STATUS_PRINTER,
    drawer_kick,
    render_document,
    status_query,
)
from hardware.profile import PrinterProfile
from hardware.transports import Transport
from pos_core.printing import PrintDocument


@dataclass(frozen=True, slots=True)
class PrinterReport:
    """What the printer said to DLE EOT 1, 2 and 4."""

    online: bool
    drawer_pin_high: bool
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    error: bool = False


class EscPosPrinter:
    """A receipt printer over one transport; fills ReceiptPrinter. Thread-safe."""

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile,
        *,
        answers_status: bool = True,
        status_timeout: float = 2.0,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.answers_status = answers_status and transport.can_read
        self.status_timeout = status_timeout
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return self.transport.description

    def print_document(self, document: PrintDocument) -> None:
        """Render and print `document`; raises a HardwareError subclass on failure."""
        self.print_job(render_document(document, self.profile))

    def print_job(self, job: bytes) -> None:
        """Send rendered bytes as one job, with the status checks around it."""
        with self._lock:
            self.transport.open()
            try:
                if self.answers_status:
                    _refuse_unless_ready(self._report(), self.description)
                try:
                    self.transport.write(job)
                    if self.answers_status:
                        after = self._report(acknowledging=True)
                        _refuse_unless_ready(after, self.description, after_job=True)
                except HardwareError as exc:
                    raise _may_have_printed(exc) from exc
            finally:
                self.transport.close()

    def send_command(self, command: bytes) -> PrinterReport | None:
        """Send a short command (a drawer kick); the report after it where there is one."""
        with self._lock:
            self.transport.open()
            try:
                self.transport.write(command)
                return self._report(acknowledging=True) if self.answers_status else None
            finally:
                self.transport.close()

    def report(self) -> PrinterReport | None:
        """Ask the printer how it is; None where it cannot answer. Raises when unreachable."""
        if not self.answers_status:
            return None
        with self._lock:
            self.transport.open()
            try:
                return self._report(full=True)
            finally:
                self.transport.close()

    def status(self) -> DeviceStatus:
        """The state for the status bar and the hardware check; never raises."""
        try:
            if not self.answers_status:
                with self._lock:  # one transport: never opened twice at once
                    self.transport.open()
                    self.transport.close()
                return DeviceStatus(
                    DeviceState.READY, f"{self.description}: reachable (reports no paper state)"
                )
            report = self.report()
        except HardwareError as exc:
            broken = isinstance(exc, PrinterError | ConfigError)  # not a matter of plugging in
            state = DeviceState.ERROR if broken else DeviceState.OFFLINE
            return DeviceStatus(state, str(exc))
        assert report is not None
        return status_of(report, self.description)

    def _report(self, *, acknowledging: bool = False, full: bool = False) -> PrinterReport:
        first = self._ask(STATUS_PRINTER, acknowledging)
        online = not first & 0x08
        if online and not full:
            return PrinterReport(online=True, drawer_pin_high=bool(first & 0x04))
        cause = self._ask(STATUS_OFFLINE, acknowledging)
        paper = self._ask(STATUS_PAPER, acknowledging)
        return PrinterReport(
            online=online,
            drawer_pin_high=bool(first & 0x04),
            cover_open=bool(cause & 0x04),
            paper_near_end=bool(paper & 0x0C),
            paper_out=bool(paper & 0x60),
            error=bool(cause & 0x40),
        )

    def _ask(self, n: int, acknowledging: bool) -> int:
        self.transport.write(status_query(n))
        answer = self.transport.read_byte(self.status_timeout)
        if answer is None:
            what = "took the job but did not acknowledge it" if acknowledging else "did not answer"
            raise DeviceTimeout(
                f"{self.description} {what} within {self.status_timeout:g} s (DLE EOT {n})"
            )
        if answer & 0x93 != 0x12:  # bits 1 and 4 set, 0 and 7 clear: a status byte
            raise PrinterError(
                f"{self.description} answered DLE EOT {n} with {answer:#04x}, not a status byte"
            )
        return answer


def _refuse_unless_ready(
    report: PrinterReport, description: str, *, after_job: bool = False
) -> None:
    if report.online:
        return
    when = " after taking the job" if after_job else ""
    if report.paper_out:
        raise PaperOut(f"{description} is out of paper{when}")
    if report.cover_open:
        raise CoverOpen(f"{description} has its cover open{when}")
    raise PrinterError(f"{description} is stopped{when} (an error it does not name)")


def _may_have_printed(exc: HardwareError) -> HardwareError:
    """`exc`, raised once job bytes were sent: it may have printed. A line that went dead
    then is ConnectionLost, never DeviceOffline (which promises nothing was sent)."""
    if exc.may_have_printed:
        return exc
    message = f"{exc} — the job may have printed"
    if isinstance(exc, DeviceOffline):
        return ConnectionLost(message)
    return type(exc)(message, may_have_printed=True)


def status_of(report: PrinterReport, description: str) -> DeviceStatus:
    if report.paper_out:
        return DeviceStatus(DeviceState.PAPER_OUT, f"{description}: out of paper")
    if report.cover_open:
        return DeviceStatus(DeviceState.ERROR, f"{description}: cover open")
    if not report.online or report.error:
        return DeviceStatus(DeviceState.ERROR, f"{description}: stopped")
    if report.paper_near_end:
        return DeviceStatus(DeviceState.READY, f"{description}: ready, paper low")
    return DeviceStatus(DeviceState.READY, f"{description}: ready")


class DrawerSensor(StrEnum):
    OPEN_HIGH = "open_high"  # the switch closes pin 3 when the drawer is open (most drawers)
    OPEN_LOW = "open_low"
    NONE = "none"  # no switch wired: the till cannot know


class KickCommand(StrEnum):
    ESC_P = "esc_p"  # ESC p m t1 t2: every ESC/POS printer; waits while it is stopped
    DLE_DC4 = "dle_dc4"  # DLE DC4 1 m t: real time, also while stopped for paper


class PrinterDrawer:
    """The cash drawer on a receipt printer's drawer port; fills CashDrawer."""

    def __init__(
        self,
        printer: EscPosPrinter,
        *,
        pin: int = 2,
        pulse_on_ms: int = 100,
        pulse_off_ms: int = 100,
        sensor: DrawerSensor = DrawerSensor.OPEN_HIGH,
        command: KickCommand = KickCommand.ESC_P,
    ) -> None:
        self.printer = printer
        self.sensor = sensor
        if pin not in (2, 5):
            raise ConfigError(f"[drawer] pin = {pin} is not one of 2, 5")
        if command is KickCommand.DLE_DC4:
            t = max(1, min(8, round(pulse_on_ms / 100)))  # in 100 ms units
            self.command = DLE + b"\x14\x01" + bytes([0 if pin == 2 else 1, t])
        else:
            self.command = drawer_kick(pin, pulse_on_ms, pulse_off_ms)

    def kick(self) -> None:
        """Open the drawer. Raises a HardwareError subclass when the printer cannot be told."""
        self.printer.send_command(self.command)

    def is_open(self) -> bool | None:
        """True or False from the drawer switch; None when there is no switch or no answer."""
        if self.sensor is DrawerSensor.NONE:
            return None
        try:
            report = self.printer.report()
        except HardwareError:
            return None  # the printer's own status says why; the drawer state is unknown
        if report is None:
            return None
        return report.drawer_pin_high == (self.sensor is DrawerSensor.OPEN_HIGH)

    def status(self) -> DeviceStatus:
        state = self.is_open()
        if self.sensor is DrawerSensor.NONE:
            return DeviceStatus(DeviceState.READY, "drawer: no open/closed switch reported")
        if state is None:
            return DeviceStatus(DeviceState.OFFLINE, "drawer: the printer does not answer")
        return DeviceStatus(DeviceState.READY, "drawer: open" if state else "drawer: closed")
