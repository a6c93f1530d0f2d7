"""The pole display on a real pty: the last item and the total, in ASCII, 2×20."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import time
import tty
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from hardware.devices import CustomerDisplay, DeviceState, RecordingDisplay
from hardware.display import (
    CommandSet,
    PoleDisplayScreen,
    SerialPoleDisplay,
    item_lines,
    to_display_ascii,
)
from hardware.errors import DeviceOffline


@dataclass
class Pty:
    master: int
    slave: int
    path: str

    def screen_after(self, screen: PoleDisplayScreen, want: tuple[str, str]) -> tuple[str, str]:
        deadline = time.monotonic() + 2
        while screen.lines != want and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.05)[0]:
                screen.feed(os.read(self.master, 4096))
        return screen.lines


@pytest.fixture
def port() -> Iterator[Pty]:
    master, slave = pty.openpty()
    tty.setraw(slave)
    yield Pty(master, slave, os.ttyname(slave))
    for fd in (master, slave):
        with contextlib.suppress(OSError):  # closed by the test that unplugged it
            os.close(fd)


@pytest.mark.parametrize("command_set", list(CommandSet))
def test_the_last_item_and_the_total_show_on_both_lines(port: Pty, command_set: CommandSet) -> None:
    display = SerialPoleDisplay(port.path, command_set=command_set)
    assert isinstance(display, CustomerDisplay)
    screen = PoleDisplayScreen()
    try:
        display.show_item("高露洁 漱口水 250ml", Decimal("18.90"), Decimal("56.70"))
        want = ("Gaolujie Shuko 18.90", "TOTAL          56.70")
        assert port.screen_after(screen, want) == want
        display.show_lines("谢谢惠顾 Thank you", "找零 Change 5.90")
        want = ("Xiexiehuigu Thank yo", "Zhaoling Change 5.90")
        assert port.screen_after(screen, want) == want
        display.clear()
        blank = (" " * 20, " " * 20)
        assert port.screen_after(screen, blank) == blank
    finally:
        display.close()


def test_chinese_becomes_pinyin_and_accents_fall_away() -> None:
    assert to_display_ascii("雨润 火腿肠 30g×10") == "Yurun Huotuichang 30gx10"
    assert to_display_ascii("Café Crème 咖啡，热") == "Cafe Creme Kafei, Re"
    assert item_lines("Yurun Ham Sausage 30g×10 extra long", Decimal("1234.50"), Decimal("0")) == (
        "Yurun Ham Sa 1234.50",
        "TOTAL           0.00",
    )


def test_an_unplugged_display_fails_with_a_hardware_error(port: Pty) -> None:
    display = SerialPoleDisplay(port.path)
    display.show_lines("WELCOME", "")
    os.close(port.master)
    os.close(port.slave)
    with pytest.raises(DeviceOffline):
        for _ in range(3):  # the first write after the cable goes may still be buffered
            display.show_lines("A", "B")
    missing = SerialPoleDisplay("/dev/omnitill-no-such-display")
    assert missing.status().state is DeviceState.OFFLINE
    with pytest.raises(DeviceOffline, match="No such file or directory"):
        missing.show_lines("A", "B")


def test_the_recording_display_keeps_what_the_till_asked() -> None:
    display = RecordingDisplay()
    assert isinstance(display, CustomerDisplay)
    display.show_item("雨润 火腿肠", Decimal("10.00"), Decimal("20.00"))
    display.show_lines("WELCOME", "")
    assert display.items == [("雨润 火腿肠", Decimal("10.00"), Decimal("20.00"))]
    assert display.lines == [("WELCOME", "")]
