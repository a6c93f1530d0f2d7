"""The hardware check behind `omnitill --check-hardware` and the manager screen.

    for line in check_hardware(Path("devices.toml")):
        print(line)

Each configured device is asked, once, how it is: the printer answers DLE EOT (or is at
least reachable), the drawer's switch is read through it, each serial port is opened and
closed, the pole display likewise. Nothing prints and no drawer opens. A config error is
reported as a line, not raised.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from hardware.config import (
    DeviceConfig,
    FileConnection,
    NetworkConnection,
    PrinterConfig,
    SerialConnection,
    load_device_config,
)
from hardware.devices import DeviceState, DeviceStatus
from hardware.errors import ConfigError, HardwareError
from hardware.factory import build_display, build_drawer, build_printer
from hardware.transports import open_serial
from hardware.wedge import WedgeConfig

MARKS = {
    DeviceState.READY: "ok",
    DeviceState.OFFLINE: "OFFLINE",
    DeviceState.PAPER_OUT: "NO PAPER",
    DeviceState.ERROR: "ERROR",
    DeviceState.NOT_CONFIGURED: "-",
}


class DeviceCheck(NamedTuple):
    device: str  # "printer", "drawer", "scanner counter", "wedge", "display"
    status: DeviceStatus
    detail: str  # what is configured, in words


def check_devices(config: DeviceConfig) -> list[DeviceCheck]:
    checks: list[DeviceCheck] = []
    printer = None
    if config.printer is None:
        checks.append(DeviceCheck("printer", DeviceStatus(DeviceState.NOT_CONFIGURED), "none"))
    else:
        detail = _printer_detail(config.printer)
        try:
            printer = build_printer(config.printer)
        except ConfigError as exc:
            checks.append(DeviceCheck("printer", DeviceStatus(DeviceState.ERROR, str(exc)), detail))
        else:
            checks.append(DeviceCheck("printer", printer.status(), detail))
    if config.drawer is not None and printer is not None:
        drawer = build_drawer(config.drawer, printer)
        detail = f"pin {config.drawer.pin}, {config.drawer.pulse_on_ms} ms, {config.drawer.command}"
        checks.append(DeviceCheck("drawer", drawer.status(), detail))
    for scanner in config.scanners:
        detail = f"{scanner.port}, {scanner.baud} baud, ends with {scanner.terminator}"
        try:
            open_serial(scanner.port, baud=scanner.baud, timeout=0.1).close()
        except HardwareError as exc:
            status = DeviceStatus(DeviceState.OFFLINE, str(exc))
        else:
            status = DeviceStatus(DeviceState.READY, f"{scanner.port} opens")
        checks.append(DeviceCheck(f"scanner {scanner.name}", status, detail))
    if config.wedge is not None:
        checks.append(DeviceCheck("wedge", DeviceStatus(DeviceState.READY), _wedge(config.wedge)))
    if config.display is not None:
        display = build_display(config.display)
        try:
            status = display.status()
        finally:
            display.close()
        detail = f"{config.display.port}, {config.display.command_set} commands"
        checks.append(DeviceCheck("display", status, detail))
    return checks


def check_lines(checks: list[DeviceCheck]) -> list[str]:
    """One printable line per device: `device  STATE  what it said  (configured as)`."""
    width = max((len(c.device) for c in checks), default=0)
    lines = []
    for check in checks:
        said = f"  {check.status.detail}" if check.status.detail else ""
        lines.append(
            f"{check.device:<{width}}  {MARKS[check.status.state]:<8}{said}  ({check.detail})"
        )
    return lines


def check_hardware(path: Path) -> list[str]:
    """The lines `omnitill --check-hardware` prints; a config error is one line."""
    try:
        config = load_device_config(path)
    except ConfigError as exc:
        return [f"config  ERROR  {exc}"]
    return check_lines(check_devices(config))


def _printer_detail(config: PrinterConfig) -> str:
    connection = config.connection
    if isinstance(connection, NetworkConnection):
        where = f"network {connection.host}:{connection.port}"
    elif isinstance(connection, SerialConnection):
        where = f"serial {connection.device} {connection.baud} baud"
    elif isinstance(connection, FileConnection):
        where = f"file {connection.path}"
    else:
        where = f"usb {connection.vendor_id:04x}:{connection.product_id:04x}"
    profile = config.profile
    return f"{where}, {profile.paper_mm} mm, Chinese {profile.chinese}, {profile.code_page}"


def _wedge(config: WedgeConfig) -> str:
    ends = "/".join(config.terminators) or "a pause"
    gap = f"{config.max_gap_ms:g} ms"
    return f"keyboard bursts of {config.min_length}+ keys at most {gap} apart, ending {ends}"
