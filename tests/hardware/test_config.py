"""The devices file: the example loads, and every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

import hardware
from hardware.config import (
    DeviceConfig,
    FileConnection,
    NetworkConnection,
    PrinterType,
    SerialConnection,
    UsbConnection,
    load_device_config,
)
from hardware.errors import ConfigError
from hardware.printer import DrawerSensor, KickCommand
from hardware.profile import ChineseMode, CutMode
from hardware.scanner import Terminator
from hardware.wedge import ENTER, TAB, WedgeConfig

EXAMPLE = Path(hardware.__file__).parent / "example-devices.toml"


def test_the_example_file_loads_as_documented() -> None:
    config = load_device_config(EXAMPLE)
    assert config.printer is not None
    assert config.printer.type is PrinterType.NETWORK
    assert config.printer.connection == NetworkConnection("192.168.1.50", 9100, 3.0)
    profile = config.printer.profile
    assert (profile.paper_mm, profile.chinese, profile.code_page) == (
        80,
        ChineseMode.GB18030_KANJI,
        "cp437",
    )
    assert (profile.cut, profile.feed_before_cut, profile.qr_error_level) == (
        CutMode.PARTIAL,
        4,
        "M",
    )
    assert config.drawer is not None
    assert (config.drawer.pin, config.drawer.sensor, config.drawer.command) == (
        2,
        DrawerSensor.OPEN_HIGH,
        KickCommand.ESC_P,
    )
    (scanner,) = config.scanners
    assert (scanner.name, scanner.port, scanner.terminator) == (
        "counter",
        "/dev/ttyACM0",
        Terminator.CR,
    )
    assert config.wedge is not None
    assert config.wedge.terminators == (ENTER, TAB)
    assert config.display is None


def test_each_printer_type_reads_its_own_keys() -> None:
    serial = load_device_config(
        '[printer]\ntype = "serial"\ndevice = "/dev/ttyUSB0"\nbaud = 9600\nparity = "even"\n'
        'flow = "rtscts"\npaper_mm = 58\nchinese = "gbk"'
    )
    assert serial.printer is not None
    assert serial.printer.connection == SerialConnection(
        "/dev/ttyUSB0", 9600, 8, "even", 1, "rtscts"
    )
    assert serial.printer.profile.chars_per_line == 32
    file = load_device_config('[printer]\ntype = "file"\npath = "/dev/usb/lp0"')
    assert file.printer is not None
    assert file.printer.connection == FileConnection("/dev/usb/lp0")
    assert file.printer.answers_status is False  # a device file cannot answer
    usb = load_device_config('[printer]\ntype = "usb"\nvendor_id = 0x0416\nproduct_id = 0x5011')
    assert usb.printer is not None
    assert usb.printer.connection == UsbConnection(0x0416, 0x5011)


def test_nothing_configured_means_no_devices_but_the_wedge_detector() -> None:
    assert load_device_config("") == DeviceConfig()
    assert DeviceConfig().wedge == WedgeConfig()
    assert load_device_config('[printer]\ntype = "none"').printer is None
    assert load_device_config("[wedge]\nenabled = false").wedge is None


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[printer]\ntype = "laser"',
            "[printer] type = 'laser' is not one of network, usb, serial, file, none",
        ),
        (
            '[printer]\ntype = "network"\nhost = "10.0.0.9"',
            "[printer] port is missing: the printer's TCP port, e.g. 9100",
        ),
        (
            '[printer]\ntype = "network"\nhots = "10.0.0.9"\nport = 9100',
            "[printer] host is missing: the printer's IP address or name "
            "(is 'hots' a typo for it?)",
        ),
        (
            '[printer]\ntype = "network"\nhost = "p"\nport = "9100"',
            "[printer] port = '9100' is not a whole number",
        ),
        (
            '[printer]\ntype = "serial"\ndevice = "/dev/ttyS0"\nbaud = 9601',
            "[printer] baud = 9601 is not one of "
            "1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200",
        ),
        (
            '[printer]\ntype = "serial"',
            "[printer] device is missing: the serial port, e.g. /dev/ttyUSB0 or COM3",
        ),
        (
            '[printer]\ntype = "file"\npath = "/dev/usb/lp0"\npaper_mm = 76',
            "[printer] paper_mm = 76 is not one of 58, 80",
        ),
        (
            '[printer]\ntype = "file"\npath = "x"\ncode_page = "cp936"',
            "[printer] code_page = 'cp936' is not one of cp437, cp850",
        ),
        (
            '[printer]\ntype = "file"\npath = "x"\nchinese = "big5"',
            "[printer] chinese = 'big5' is not one of gb18030_kanji, gb18030_raw, gbk, image",
        ),
        (
            '[printer]\ntype = "file"\npath = "x"\ntimeout = true',
            "[printer] timeout = True is not a number",
        ),
        (
            '[printer]\ntype = "file"\npath = "x"\npaper = 58',
            "[printer] unknown key 'paper' (did you mean 'paper_mm'?)",
        ),
        (
            '[printer]\ntype = "file"\npath = "x"\n[drawer]\npin = 3',
            "[drawer] pin = 3 is not one of 2, 5",
        ),
        (
            '[printer]\ntype = "file"\npath = "x"\n[drawer]\npulse_on_ms = 600',
            "[drawer] pulse_on_ms = 600 is not 2 to 510",
        ),
        ("[drawer]\npin = 2", "[drawer] is kicked through the printer, and there is no [printer]"),
        (
            '[[scanner]]\nname = "a"',
            "[[scanner]] #1 port is missing: the serial port, e.g. /dev/ttyACM0 or COM4",
        ),
        (
            '[[scanner]]\nport = "/dev/ttyACM0"\n[[scanner]]\nport = "/dev/ttyACM1"\nbaud = 9601',
            "[[scanner]] #2 baud = 9601 is not one of",
        ),
        (
            '[[scanner]]\nport = "p"\nparity = "high"',
            "[[scanner]] #1 parity = 'high' is not one of none, even, odd, mark, space",
        ),
        (
            '[[scanner]]\nport = "p"\nterminator = "crcr"',
            "[[scanner]] #1 terminator = 'crcr' is not one of cr, lf, crlf, tab, none",
        ),
        ('[scanner]\nport = "p"', "[[scanner]] must be an array of tables"),
        ("[wedge]\nmax_gap_ms = 400", "[wedge] max_gap_ms = 400 is not 10 to 100"),
        (
            '[wedge]\nterminators = ["return"]',
            "[wedge] terminators = ['return'] is not a list of 'enter', 'tab'",
        ),
        ('[display]\ntype = "serial"', "[display] port is missing"),
        (
            '[display]\ntype = "serial"\nport = "p"\ncommand_set = "vfd"',
            "[display] command_set = 'vfd' is not one of epson, cd5220",
        ),
        ('[printers]\ntype = "file"', "unknown section 'printers' (did you mean 'printer'?)"),
        ("[printer\ntype = 1", "devices config: not valid TOML"),
    ],
)
def test_a_mistake_names_its_key(toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_device_config(toml)
    assert str(raised.value).startswith(message)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"devices.toml: cannot be read \(No such file or directory\)"
    ):
        load_device_config(tmp_path / "devices.toml")
