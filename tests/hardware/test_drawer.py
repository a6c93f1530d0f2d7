"""The cash drawer on the printer's drawer port: the kick, and its switch read back."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hardware.devices import CashDrawer, DeviceState
from hardware.emulator import PaperState, PrinterEmulator
from hardware.errors import ConfigError, DeviceOffline
from hardware.escpos_parse import DrawerKick
from hardware.printer import DrawerSensor, EscPosPrinter, KickCommand, PrinterDrawer

NetworkPrinter = Callable[..., EscPosPrinter]  # the conftest's `network_printer` fixture


def test_a_kick_reaches_the_printer_and_the_switch_then_reads_open(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    drawer = PrinterDrawer(network_printer(), pin=5, pulse_on_ms=200, pulse_off_ms=240)
    assert isinstance(drawer, CashDrawer)
    assert drawer.is_open() is False
    drawer.kick()
    assert emulator.kicks == [DrawerKick(pin=5, on_ms=200, off_ms=240)]
    assert drawer.is_open() is True
    assert drawer.status().detail == "drawer: open"
    emulator.drawer_open = False  # the cashier shuts it
    assert drawer.is_open() is False
    assert emulator.jobs == []  # a kick is not a print job


def test_a_drawer_whose_switch_reads_the_other_way(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    drawer = PrinterDrawer(network_printer(), sensor=DrawerSensor.OPEN_LOW)
    assert drawer.is_open() is True  # pin low: open, for this drawer
    emulator.drawer_open = True  # pin high
    assert drawer.is_open() is False


def test_without_a_switch_or_a_printer_the_drawer_state_is_unknown(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    assert PrinterDrawer(network_printer(), sensor=DrawerSensor.NONE).is_open() is None
    drawer = PrinterDrawer(network_printer())
    emulator.go_offline()
    assert drawer.is_open() is None
    assert drawer.status().state is DeviceState.OFFLINE
    with pytest.raises(DeviceOffline):
        drawer.kick()


def test_the_real_time_kick_opens_the_drawer_while_the_printer_is_out_of_paper(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    emulator.paper = PaperState.OUT
    drawer = PrinterDrawer(network_printer(), pin=2, pulse_on_ms=300, command=KickCommand.DLE_DC4)
    drawer.kick()
    assert emulator.kicks == [DrawerKick(pin=2, on_ms=300, off_ms=0)]
    assert b"\x10\x14\x01\x00\x03" in emulator.received


def test_a_drawer_on_pin_3_is_a_config_error(network_printer: NetworkPrinter) -> None:
    with pytest.raises(ConfigError, match=r"\[drawer\] pin = 3 is not one of 2, 5"):
        PrinterDrawer(network_printer(), pin=3)
