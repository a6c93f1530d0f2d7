"""Drivers from the devices config. Building opens nothing: each driver opens its device
when first used (a print, a kick, a scanner's start()), so a missing device never stops
the till from starting (DESIGN promise 7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.config import (
    DeviceConfig,
    DisplayConfig,
    DrawerConfig,
    FileConnection,
    NetworkConnection,
    PrinterConfig,
    SerialConnection,
    UsbConnection,
)
from hardware.devices import ScanCallback
from hardware.display import SerialPoleDisplay
from hardware.errors import ConfigError
from hardware.fonts import INSTALL_HINT, find_cjk_font
from hardware.printer import EscPosPrinter, PrinterDrawer
from hardware.profile import ChineseMode
from hardware.scanner import SerialScanner, StatusCallback
from hardware.transports import (
    FileTransport,
    SerialTransport,
    TcpTransport,
    Transport,
    UsbTransport,
)
from hardware.wedge import WedgeDetector


def build_transport(config: PrinterConfig) -> Transport:
    connection = config.connection
    if isinstance(connection, NetworkConnection):
        return TcpTransport(
            connection.host, connection.port, connection.connect_timeout, config.timeout
        )
    if isinstance(connection, SerialConnection):
        return SerialTransport(
            connection.device,
            connection.baud,
            bytesize=connection.bytesize,
            parity=connection.parity,
            stopbits=connection.stopbits,
            flow=connection.flow,
            timeout=config.timeout,
        )
    if isinstance(connection, FileConnection):
        return FileTransport(connection.path, config.timeout)
    assert isinstance(connection, UsbConnection)
    return UsbTransport(
        connection.vendor_id,
        connection.product_id,
        in_ep=connection.in_ep,
        out_ep=connection.out_ep,
        timeout=config.timeout,
    )


def build_printer(config: PrinterConfig) -> EscPosPrinter:
    """The printer driver; raises ConfigError for image mode without a CJK font."""
    profile = config.profile
    if profile.chinese is ChineseMode.IMAGE and find_cjk_font(profile.font_path) is None:
        raise ConfigError(f"[printer] chinese = 'image' needs a CJK font: {INSTALL_HINT}")
    return EscPosPrinter(
        build_transport(config),
        profile,
        answers_status=config.answers_status,
        status_timeout=config.status_timeout,
    )


def build_drawer(config: DrawerConfig, printer: EscPosPrinter) -> PrinterDrawer:
    return PrinterDrawer(
        printer,
        pin=config.pin,
        pulse_on_ms=config.pulse_on_ms,
        pulse_off_ms=config.pulse_off_ms,
        sensor=config.sensor,
        command=config.command,
    )


def build_display(config: DisplayConfig) -> SerialPoleDisplay:
    return SerialPoleDisplay(config.port, baud=config.baud, command_set=config.command_set)


@dataclass
class Devices:
    """Every configured device, built; `start()` starts the scanners, `stop()` ends them."""

    printer: EscPosPrinter | None = None
    drawer: PrinterDrawer | None = None
    scanners: list[SerialScanner] = field(default_factory=list)
    wedge: WedgeDetector | None = None
    display: SerialPoleDisplay | None = None

    def start(self) -> None:
        for scanner in self.scanners:
            scanner.start()

    def stop(self) -> None:
        for scanner in self.scanners:
            scanner.stop()
        if self.display is not None:
            self.display.close()


def build_devices(
    config: DeviceConfig, on_scan: ScanCallback, on_scanner_status: StatusCallback | None = None
) -> Devices:
    printer = build_printer(config.printer) if config.printer is not None else None
    drawer = None
    if config.drawer is not None and printer is not None:
        drawer = build_drawer(config.drawer, printer)
    return Devices(
        printer=printer,
        drawer=drawer,
        scanners=[SerialScanner(s, on_scan, on_scanner_status) for s in config.scanners],
        wedge=WedgeDetector(config.wedge) if config.wedge is not None else None,
        display=build_display(config.display) if config.display is not None else None,
    )
