"""`omnitill --check-hardware`: one line per device, from a real devices file."""

from __future__ import annotations

from pathlib import Path

from hardware.check import check_devices, check_hardware
from hardware.config import load_device_config
from hardware.devices import DeviceState
from hardware.emulator import PaperState, PrinterEmulator
from hardware.virtual_scanner import VirtualScanner


def devices_file(tmp_path: Path, emulator: PrinterEmulator, scanner_port: str) -> Path:
    path = tmp_path / "devices.toml"
    path.write_text(
        f"""
[printer]
type = "network"
host = "127.0.0.1"
port = {emulator.port}
paper_mm = 58
status_timeout = 0.5

[drawer]
pin = 2

[[scanner]]
name = "counter"
port = "{scanner_port}"

[[scanner]]
name = "unplugged"
port = "{tmp_path / "no-such-port"}"

[display]
type = "serial"
port = "{tmp_path / "no-such-display"}"
""",
        encoding="utf-8",
    )
    return path


def test_each_device_says_how_it_is(tmp_path: Path, emulator: PrinterEmulator) -> None:
    with VirtualScanner() as scanner:
        config = load_device_config(devices_file(tmp_path, emulator, scanner.port))
        emulator.paper = PaperState.NEAR_END
        emulator.drawer_open = True
        checks = {check.device: check for check in check_devices(config)}
    assert list(checks) == [
        "printer",
        "drawer",
        "scanner counter",
        "scanner unplugged",
        "wedge",
        "display",
    ]
    assert checks["printer"].status.state is DeviceState.READY
    assert checks["printer"].status.detail.endswith("ready, paper low")
    assert (
        checks["printer"].detail
        == f"network 127.0.0.1:{emulator.port}, 58 mm, Chinese gb18030_kanji, cp437"
    )
    assert checks["drawer"].status.detail == "drawer: open"
    assert checks["scanner counter"].status.state is DeviceState.READY
    assert checks["scanner unplugged"].status.state is DeviceState.OFFLINE
    assert "No such file or directory" in checks["scanner unplugged"].status.detail
    assert (
        checks["wedge"].detail == "keyboard bursts of 4+ keys at most 40 ms apart, ending Enter/Tab"
    )
    assert checks["display"].status.state is DeviceState.OFFLINE
    assert emulator.jobs == []
    assert emulator.kicks == []


def test_the_printable_lines(tmp_path: Path, emulator: PrinterEmulator) -> None:
    with VirtualScanner() as scanner:
        path = devices_file(tmp_path, emulator, scanner.port)
        emulator.go_offline()
        lines = check_hardware(path)
    assert lines[0].startswith("printer            OFFLINE   printer at 127.0.0.1:")
    assert "refused the connection (off?)" in lines[0]
    assert lines[1].startswith("drawer             OFFLINE   drawer: the printer does not answer")
    assert lines[2].startswith("scanner counter    ok")


def test_a_broken_config_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "devices.toml"
    path.write_text('[printer]\ntype = "laser"\n', encoding="utf-8")
    assert check_hardware(path) == [
        "config  ERROR  [printer] type = 'laser' is not one of network, usb, serial, file, none"
    ]
