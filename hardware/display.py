"""The customer pole display: a 2×20 VFD on a serial port, showing the last item and total.

Two command sets cover almost every pole display sold with Chinese tills:

    epson    (Epson DM-D and its clones)   CLR 0x0C, US $ x y (move cursor), text
    cd5220   (CD5220 and its clones)       ESC Q A text CR (top), ESC Q B text CR (bottom)

A 2×20 VFD's character ROM is Latin (and sometimes katakana): it cannot show Chinese.
The driver therefore shows ASCII only: Latin letters lose their accents, Chinese becomes
pinyin without tones (雨润 火腿肠 → "Yurun Huotuichang"), anything else is dropped, and
amounts are plain numbers without a currency sign (the ¥ position differs by ROM). The
till should pass a product's English name where the catalog has one.

`PoleDisplayScreen` reads the same bytes back into two lines of text: the tests use it,
and so could a simulator.
"""

from __future__ import annotations

import contextlib
import re
import threading
import unicodedata
from decimal import Decimal
from enum import StrEnum
from itertools import groupby
from typing import Any

import serial

from hardware.devices import DeviceState, DeviceStatus
from hardware.errors import DeviceOffline, DeviceTimeout
from hardware.transports import open_serial

WIDTH = 20
ESC, US, CLR, CR = b"\x1b", b"\x1f", b"\x0c", b"\r"


class CommandSet(StrEnum):
    EPSON = "epson"
    CD5220 = "cd5220"


def to_display_ascii(text: str) -> str:
    """`text` as a VFD can show it: ASCII, Chinese as pinyin, accents and the rest dropped."""
    from pypinyin import lazy_pinyin  # loads its dictionaries: only when a display is used

    out: list[str] = []
    for chinese, run in groupby(unicodedata.normalize("NFKC", text), key=_is_chinese):
        piece = "".join(run)
        if chinese:
            out.append(" " + "".join(lazy_pinyin(piece)).capitalize() + " ")
        else:
            plain = unicodedata.normalize("NFKD", piece.replace("×", "x"))
            out.append(plain.encode("ascii", "ignore").decode())
    return re.sub(r" ([,.;:!?)])", r"\1", " ".join("".join(out).split()))


def _is_chinese(ch: str) -> bool:
    return ch.isalpha() and unicodedata.east_asian_width(ch) in "WF"


def item_lines(name: str, amount: Decimal, total: Decimal) -> tuple[str, str]:
    """The two lines for a scanned item: its name and price, then the running total."""
    price = f"{amount:.2f}"
    shown = to_display_ascii(name)[: WIDTH - len(price) - 1]
    return (
        shown + " " * (WIDTH - len(shown) - len(price)) + price,
        _spread("TOTAL", f"{total:.2f}"),
    )


def _spread(left: str, right: str) -> str:
    left = left[: WIDTH - len(right) - 1]
    return left + " " * (WIDTH - len(left) - len(right)) + right


def screen_bytes(command_set: CommandSet, top: str, bottom: str) -> bytes:
    """Bytes that put `top` and `bottom` (already ASCII, at most 20) on the display."""
    first, second = top[:WIDTH].ljust(WIDTH).encode(), bottom[:WIDTH].ljust(WIDTH).encode()
    if command_set is CommandSet.CD5220:
        return ESC + b"QA" + first + CR + ESC + b"QB" + second + CR
    return CLR + US + b"$\x01\x01" + first + US + b"$\x01\x02" + second


class SerialPoleDisplay:
    """A pole display on a serial port; fills CustomerDisplay. Opens on first use and
    reopens after a failure; every write has a time-out."""

    def __init__(
        self,
        port: str,
        *,
        baud: int = 9600,
        command_set: CommandSet = CommandSet.EPSON,
        timeout: float = 1.0,
    ) -> None:
        self.port, self.baud, self.command_set, self.timeout = port, baud, command_set, timeout
        self._serial: Any = None
        self._lock = threading.Lock()

    def open(self) -> None:
        with self._lock:
            self._open()

    def close(self) -> None:
        with self._lock:
            self._close()

    def show_item(self, name: str, amount: Decimal, total: Decimal) -> None:
        top, bottom = item_lines(name, amount, total)
        self._send(screen_bytes(self.command_set, top, bottom))

    def show_lines(self, top: str, bottom: str) -> None:
        self._send(screen_bytes(self.command_set, to_display_ascii(top), to_display_ascii(bottom)))

    def clear(self) -> None:
        self._send(
            screen_bytes(self.command_set, "", "") if self.command_set is CommandSet.CD5220 else CLR
        )

    def status(self) -> DeviceStatus:
        try:
            self.open()
        except DeviceOffline as exc:
            return DeviceStatus(DeviceState.OFFLINE, str(exc))
        return DeviceStatus(DeviceState.READY, f"pole display on {self.port}")

    def _send(self, data: bytes) -> None:
        with self._lock:
            self._open()
            try:
                self._serial.write(data)
                self._serial.flush()
            except serial.SerialTimeoutException as exc:
                self._close()
                raise DeviceTimeout(f"pole display on {self.port} took no data") from exc
            except (serial.SerialException, OSError) as exc:
                self._close()
                raise DeviceOffline(f"pole display on {self.port} failed: {exc}") from exc

    def _open(self) -> None:
        if self._serial is not None:
            return
        port = open_serial(
            self.port, baud=self.baud, timeout=self.timeout, write_timeout=self.timeout
        )
        try:
            port.write(ESC + b"@" + (US + b"\x01" if self.command_set is CommandSet.EPSON else b""))
        except (serial.SerialException, OSError) as exc:
            port.close()
            raise DeviceOffline(f"pole display on {self.port} failed: {exc}") from exc
        self._serial = port

    def _close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()  # a port that vanished has nothing left to release


class PoleDisplayScreen:
    """A 2×20 display's memory: feed it the bytes a driver sent, read `lines`."""

    def __init__(self) -> None:
        self.cells = [[" "] * WIDTH for _ in range(2)]
        self.x = self.y = 0
        self._pending = b""

    @property
    def lines(self) -> tuple[str, str]:
        return "".join(self.cells[0]), "".join(self.cells[1])

    def feed(self, data: bytes) -> None:
        buf, i = self._pending + data, 0
        while i < len(buf):
            b = buf[i]
            if b == 0x1B:
                if i + 1 >= len(buf):
                    break
                op = buf[i + 1]
                if op == ord("@"):
                    self._clear()
                    i += 2
                elif op == ord("Q"):
                    end = buf.find(CR, i + 3)
                    if end < 0:
                        break
                    row = 0 if buf[i + 2] == ord("A") else 1
                    text = buf[i + 3 : end].decode("ascii", "replace")[:WIDTH].ljust(WIDTH)
                    self.cells[row] = list(text)
                    i = end + 1
                elif op == ord("l"):
                    if i + 3 >= len(buf):
                        break
                    self.x, self.y = buf[i + 2] - 1, buf[i + 3] - 1
                    i += 4
                else:
                    i += 2
            elif b == 0x1F:
                size = 4 if _at(buf, i + 1) == ord("$") else 3 if _at(buf, i + 1) in b"CEX" else 2
                if i + size > len(buf):
                    break
                if size == 4:
                    self.x, self.y = buf[i + 2] - 1, buf[i + 3] - 1
                i += size  # MD1, cursor and brightness modes change nothing shown here
            elif b == 0x0C:
                self._clear()
                i += 1
            elif b == 0x0D:
                self.x = 0
                i += 1
            elif b == 0x0A:
                self.y = min(1, self.y + 1)
                i += 1
            elif b == 0x0B:
                self.x = self.y = 0
                i += 1
            else:
                if b >= 0x20 and 0 <= self.x < WIDTH and 0 <= self.y < 2:
                    self.cells[self.y][self.x] = chr(b)
                self.x += 1
                i += 1
        self._pending = buf[i:]

    def _clear(self) -> None:
        self.cells = [[" "] * WIDTH for _ in range(2)]
        self.x = self.y = 0


def _at(buf: bytes, index: int) -> int:
    return buf[index] if index < len(buf) else -1
