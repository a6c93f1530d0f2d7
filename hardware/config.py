"""The till's devices, from one TOML file (see hardware/example-devices.toml).

    config = load_device_config(Path("devices.toml"))     # a file
    config = load_device_config('[printer]\\ntype = "none"')  # or TOML text

Every mistake is a ConfigError whose message names the section and key and says what
would be right — "[printer] type = 'laser' is not one of network, usb, serial, file,
none" — never a traceback. Unknown keys are mistakes too (a typo must not silently fall
back to a default), with the nearest known key suggested.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from hardware.display import CommandSet
from hardware.errors import ConfigError
from hardware.printer import DrawerSensor, KickCommand
from hardware.profile import CODE_PAGES, PAPER_DOTS, ChineseMode, CutMode, PrinterProfile
from hardware.scanner import SerialScannerConfig, Terminator
from hardware.transports import PARITIES, STOPBITS
from hardware.wedge import TERMINATOR_NAMES, WedgeConfig

BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
FLOWS = ("none", "rtscts", "xonxoff", "dsrdtr")
SECTIONS = ("printer", "drawer", "scanner", "wedge", "display")


class PrinterType(StrEnum):
    NETWORK = "network"
    USB = "usb"
    SERIAL = "serial"
    FILE = "file"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class NetworkConnection:
    host: str
    port: int = 9100
    connect_timeout: float = 3.0


@dataclass(frozen=True, slots=True)
class SerialConnection:
    device: str
    baud: int = 19200
    bytesize: int = 8
    parity: str = "none"
    stopbits: float = 1
    flow: str = "none"


@dataclass(frozen=True, slots=True)
class FileConnection:
    path: str


@dataclass(frozen=True, slots=True)
class UsbConnection:
    vendor_id: int
    product_id: int
    in_ep: int = 0x82
    out_ep: int = 0x01


Connection = NetworkConnection | SerialConnection | FileConnection | UsbConnection


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    type: PrinterType
    connection: Connection
    profile: PrinterProfile
    answers_status: bool = True
    timeout: float = 10.0
    status_timeout: float = 2.0


@dataclass(frozen=True, slots=True)
class DrawerConfig:
    pin: int = 2
    pulse_on_ms: int = 100
    pulse_off_ms: int = 100
    sensor: DrawerSensor = DrawerSensor.OPEN_HIGH
    command: KickCommand = KickCommand.ESC_P


@dataclass(frozen=True, slots=True)
class DisplayConfig:
    port: str
    baud: int = 9600
    command_set: CommandSet = CommandSet.EPSON


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    printer: PrinterConfig | None = None
    drawer: DrawerConfig | None = None
    scanners: tuple[SerialScannerConfig, ...] = ()
    wedge: WedgeConfig | None = field(default_factory=WedgeConfig)  # None: switched off
    display: DisplayConfig | None = None


def load_device_config(source: Path | str) -> DeviceConfig:
    """Read the devices file (a Path) or TOML text (a str); raises ConfigError."""
    where = str(source) if isinstance(source, Path) else "devices config"
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{where}: cannot be read ({exc.strerror})") from exc
    else:
        text = source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
    _no_unknown("", data, SECTIONS)
    printer = _printer(_table(data, "printer"))
    drawer = _drawer(_table(data, "drawer"), printer)
    scanners = data.get("scanner", [])
    if not isinstance(scanners, list):
        raise ConfigError(
            "[[scanner]] must be an array of tables: write [[scanner]], not [scanner]"
        )
    return DeviceConfig(
        printer=printer,
        drawer=drawer,
        scanners=tuple(_scanner(s, i + 1) for i, s in enumerate(scanners)),
        wedge=_wedge(_table(data, "wedge")),
        display=_display(_table(data, "display")),
    )


def _table(data: dict[str, Any], name: str) -> _Section | None:
    if name not in data:
        return None
    if not isinstance(data[name], dict):
        raise ConfigError(f"[{name}] must be a table")
    return _Section(f"[{name}]", data[name])


E = TypeVar("E", bound=StrEnum)
_REQUIRED: Any = object()


class _Section:
    """Typed reads from one table, each error naming the key; `done()` refuses leftovers."""

    def __init__(self, label: str, data: dict[str, Any]) -> None:
        self.label, self.data, self.read = label, data, set[str]()

    def _get(self, key: str, default: Any, hint: str) -> Any:
        self.read.add(key)
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            typo = difflib.get_close_matches(key, list(self.data), n=1)
            also = f" (is {typo[0]!r} a typo for it?)" if typo else ""
            raise ConfigError(f"{self.label} {key} is missing{': ' + hint if hint else ''}{also}")
        return default

    def _bad(self, key: str, value: Any, expected: str) -> ConfigError:
        return ConfigError(f"{self.label} {key} = {value!r} {expected}")

    def text(self, key: str, default: Any = _REQUIRED, hint: str = "") -> str:
        value = self._get(key, default, hint)
        if not isinstance(value, str):
            raise self._bad(key, value, "is not text (put it in quotes)")
        if default is _REQUIRED and not value.strip():
            raise self._bad(key, value, f"is empty{': ' + hint if hint else ''}")
        return value

    def integer(self, key: str, default: Any, low: int, high: int, hint: str = "") -> int:
        value = self._get(key, default, hint)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._bad(key, value, "is not a whole number")
        if not low <= value <= high:
            raise self._bad(key, value, f"is not {low} to {high}")
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self._get(key, default, "")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._bad(key, value, "is not a number")
        if not low <= value <= high:
            raise self._bad(key, value, f"is not {low:g} to {high:g}")
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, default, "")
        if not isinstance(value, bool):
            raise self._bad(key, value, "is not true or false")
        return value

    def one_of(self, key: str, default: Any, options: Iterable[Any], hint: str = "") -> Any:
        value = self._get(key, default, hint)
        options = list(options)
        if isinstance(value, bool) or value not in options:
            raise self._bad(key, value, "is not one of " + ", ".join(str(o) for o in options))
        return value

    def choice(self, key: str, default: Any, kind: type[E], hint: str = "") -> E:
        return kind(self.one_of(key, default, [member.value for member in kind], hint))

    def done(self) -> None:
        _no_unknown(self.label, self.data, self.read)


def _no_unknown(label: str, data: dict[str, Any], known: Iterable[str]) -> None:
    known = list(known)
    for key in data:
        if key not in known:
            near = difflib.get_close_matches(key, known, n=1)
            where = f"{label} unknown key" if label else "unknown section"
            hint = f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(known)})"
            raise ConfigError(f"{where} {key!r}{hint}")


def _printer(section: _Section | None) -> PrinterConfig | None:
    if section is None:
        return None
    kind = section.choice("type", _REQUIRED, PrinterType, "network, usb, serial, file or none")
    if kind is PrinterType.NONE:
        section.done()
        return None
    connection: Connection
    if kind is PrinterType.NETWORK:
        connection = NetworkConnection(
            host=section.text("host", hint="the printer's IP address or name"),
            port=section.integer("port", _REQUIRED, 1, 65535, "the printer's TCP port, e.g. 9100"),
            connect_timeout=section.number("connect_timeout", 3.0, 0.1, 60),
        )
    elif kind is PrinterType.SERIAL:
        connection = SerialConnection(
            device=section.text("device", hint="the serial port, e.g. /dev/ttyUSB0 or COM3"),
            baud=section.one_of("baud", 19200, BAUDS),
            bytesize=section.one_of("bytesize", 8, (7, 8)),
            parity=section.one_of("parity", "none", PARITIES),
            stopbits=section.one_of("stopbits", 1, STOPBITS),
            flow=section.one_of("flow", "none", FLOWS),
        )
    elif kind is PrinterType.FILE:
        connection = FileConnection(path=section.text("path", hint="e.g. /dev/usb/lp0"))
    else:
        connection = UsbConnection(
            vendor_id=section.integer("vendor_id", _REQUIRED, 1, 0xFFFF, "e.g. 0x0416"),
            product_id=section.integer("product_id", _REQUIRED, 1, 0xFFFF, "e.g. 0x5011"),
            in_ep=section.integer("in_ep", 0x82, 0, 0xFF),
            out_ep=section.integer("out_ep", 0x01, 0, 0xFF),
        )
    font = section.text("font_path", "")
    profile = PrinterProfile(
        paper_mm=section.one_of("paper_mm", 80, PAPER_DOTS),
        chinese=section.choice("chinese", "gb18030_kanji", ChineseMode),
        code_page=section.one_of("code_page", "cp437", CODE_PAGES),
        cut=section.choice("cut", "partial", CutMode),
        feed_before_cut=section.integer("feed_before_cut", 4, 0, 10),
        qr_error_level=section.one_of("qr_error_level", "M", ("L", "M", "Q", "H")),
        font_path=font or None,
    )
    config = PrinterConfig(
        type=kind,
        connection=connection,
        profile=profile,
        answers_status=section.boolean("answers_status", kind is not PrinterType.FILE),
        timeout=section.number("timeout", 10.0, 0.5, 300),
        status_timeout=section.number("status_timeout", 2.0, 0.1, 30),
    )
    section.done()
    return config


def _drawer(section: _Section | None, printer: PrinterConfig | None) -> DrawerConfig | None:
    if section is None:
        return None
    enabled = section.boolean("enabled", True)
    config = DrawerConfig(
        pin=section.one_of("pin", 2, (2, 5)),
        pulse_on_ms=section.integer("pulse_on_ms", 100, 2, 510),
        pulse_off_ms=section.integer("pulse_off_ms", 100, 2, 510),
        sensor=section.choice("sensor", "open_high", DrawerSensor),
        command=section.choice("command", "esc_p", KickCommand),
    )
    section.done()
    if not enabled:
        return None
    if printer is None:
        raise ConfigError("[drawer] is kicked through the printer, and there is no [printer]")
    return config


def _scanner(data: Any, number: int) -> SerialScannerConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"[[scanner]] #{number} must be a table")
    section = _Section(f"[[scanner]] #{number}", data)
    config = SerialScannerConfig(
        name=section.text("name", f"scanner{number}"),
        port=section.text("port", hint="the serial port, e.g. /dev/ttyACM0 or COM4"),
        baud=section.one_of("baud", 9600, BAUDS),
        bytesize=section.one_of("bytesize", 8, (7, 8)),
        parity=section.one_of("parity", "none", PARITIES),
        stopbits=section.one_of("stopbits", 1, STOPBITS),
        terminator=section.choice("terminator", "cr", Terminator),
        prefix=section.text("prefix", ""),
        suffix=section.text("suffix", ""),
        encoding=section.one_of("encoding", "utf-8", ("utf-8", "ascii", "gb18030", "latin-1")),
        reconnect_max_s=section.number("reconnect_max_s", 5.0, 0.5, 300),
    )
    section.done()
    return config


def _wedge(section: _Section | None) -> WedgeConfig | None:
    if section is None:
        return WedgeConfig()
    enabled = section.boolean("enabled", True)
    terminators = section._get("terminators", ["enter", "tab"], "")
    if not isinstance(terminators, list) or any(t not in TERMINATOR_NAMES for t in terminators):
        raise ConfigError(
            f"[wedge] terminators = {terminators!r} is not a list of 'enter', 'tab' (or empty)"
        )
    config = WedgeConfig(
        max_gap_ms=section.number("max_gap_ms", 40.0, 10, 100),
        min_length=section.integer("min_length", 4, 1, 64),
        terminators=tuple(TERMINATOR_NAMES[t] for t in terminators),
        prefix=section.text("prefix", ""),
        suffix=section.text("suffix", ""),
    )
    section.done()
    return config if enabled else None


def _display(section: _Section | None) -> DisplayConfig | None:
    if section is None:
        return None
    kind = section.one_of("type", _REQUIRED, ("serial", "none"), "serial or none")
    if kind == "none":
        section.done()
        return None
    config = DisplayConfig(
        port=section.text("port", hint="the serial port, e.g. /dev/ttyUSB1"),
        baud=section.one_of("baud", 9600, BAUDS),
        command_set=section.choice("command_set", "epson", CommandSet),
    )
    section.done()
    return config
