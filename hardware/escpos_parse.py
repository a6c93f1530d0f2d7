"""Reading ESC/POS back: the decoder inside the printer emulator.

`EscPosDecoder.feed(data)` takes bytes as they arrive (a command may be split across
reads) and returns what they did, in order: printed lines with their characters' sizes
and weight, QR codes (the payload of GS ( k), barcodes, raster images, feeds, cuts,
drawer kicks and real-time status queries (DLE EOT), which the emulator answers at once.

It keeps the printer's modes the way a printer does: the Latin code page (ESC t), Chinese
mode (FS & / FS ., whose bytes are GB18030 — GBK is a subset), bold (ESC E, ESC G, ESC !),
character size (GS !, ESC !) and justification (ESC a). A line wider than the paper wraps
as on a real printer and is flagged `overflowed`, so a test can prove nothing did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.layout import qr_modules
from hardware.profile import CODE_PAGES, FONT_A_DOTS

QR_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}
CODE_PAGE_CODECS = {number: name for name, number in CODE_PAGES.items()}


@dataclass(frozen=True, slots=True)
class PrintedChar:
    char: str
    columns: int  # Font A columns at normal size: 2 for a Chinese-mode character
    bold: bool
    width_scale: int
    height_scale: int

    @property
    def dots(self) -> int:
        return self.columns * FONT_A_DOTS * self.width_scale


@dataclass(frozen=True, slots=True)
class PrintedLine:
    chars: tuple[PrintedChar, ...]
    align: int = 0  # ESC a: 0 left, 1 centre, 2 right
    overflowed: bool = False  # the printer had to wrap it: it was wider than the paper

    @property
    def text(self) -> str:
        return "".join(c.char for c in self.chars)

    @property
    def dots(self) -> int:
        return sum(c.dots for c in self.chars)

    @property
    def bold(self) -> bool:
        visible = [c for c in self.chars if not c.char.isspace()]
        return bool(visible) and all(c.bold for c in visible)

    @property
    def height_scale(self) -> int:
        return max((c.height_scale for c in self.chars), default=1)

    @property
    def width_scale(self) -> int:
        return max((c.width_scale for c in self.chars), default=1)


@dataclass(frozen=True, slots=True)
class PrintedQr:
    payload: str
    module: int
    error_level: str
    align: int = 1

    @property
    def dots(self) -> int:
        return qr_modules(self.payload, self.error_level) * self.module


@dataclass(frozen=True, slots=True)
class PrintedBarcode:
    symbology: str  # CODE128, EAN13, or GS k m=<n>
    text: str  # the code as its human-readable line would show it
    modules: int  # the symbol's width in modules (0: a symbology this reader cannot size)
    module: int
    height: int
    align: int = 1

    @property
    def dots(self) -> int:
        return self.modules * self.module


@dataclass(frozen=True, slots=True)
class PrintedImage:
    width: int
    height: int
    bits: bytes  # rows of (width / 8) bytes, 1 = ink
    align: int = 0

    @property
    def dots(self) -> int:
        return self.width


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool


@dataclass(frozen=True, slots=True)
class DrawerKick:
    pin: int
    on_ms: int
    off_ms: int


@dataclass(frozen=True, slots=True)
class StatusQuery:
    n: int  # DLE EOT n


@dataclass(frozen=True, slots=True)
class UnknownCommand:
    data: bytes


Printed = PrintedLine | PrintedQr | PrintedBarcode | PrintedImage | Feed
Event = Printed | Cut | DrawerKick | StatusQuery | UnknownCommand


class _NeedMore(Exception):
    pass


@dataclass
class _Modes:
    bold: bool = False
    width_scale: int = 1
    height_scale: int = 1
    align: int = 0
    code_page: str = "cp437"
    kanji: bool = False
    barcode_height: int = 162
    barcode_module: int = 3
    qr_module: int = 3
    qr_level: str = "L"
    qr_data: bytes = b""


@dataclass
class EscPosDecoder:
    """An incremental ESC/POS reader for one printer: `feed` bytes, get events."""

    paper_dots: int = 576
    chinese_at_start: bool = False  # many Chinese printers power up in Chinese mode
    modes: _Modes = field(init=False)
    _buffer: bytes = field(default=b"", init=False)
    _line: list[PrintedChar] = field(default_factory=list, init=False)
    _wrapped: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.modes = _Modes(kanji=self.chinese_at_start)

    def feed(self, data: bytes) -> list[Event]:
        self._buffer += data
        events: list[Event] = []
        pos = 0
        while pos < len(self._buffer):
            try:
                pos = self._step(self._buffer, pos, events)
            except _NeedMore:
                break
        self._buffer = self._buffer[pos:]
        return events

    def flush(self) -> list[Event]:
        """The unfinished line at the end of a connection (a printer prints it too)."""
        events: list[Event] = []
        if self._line:
            self._end_line(events)
        return events

    # --------------------------------------------------------------------- bytes
    def _step(self, buf: bytes, pos: int, events: list[Event]) -> int:
        b = buf[pos]
        if b == 0x1B:
            return self._esc(buf, pos, events)
        if b == 0x1D:
            return self._gs(buf, pos, events)
        if b == 0x1C:
            return self._fs(buf, pos, events)
        if b == 0x10:
            return self._dle(buf, pos, events)
        if b == 0x0A:
            self._end_line(events)
            return pos + 1
        if b == 0x09:
            for _ in range(8 - len(self._line) % 8):
                self._put(" ", 1, events)
            return pos + 1
        if b < 0x20 or b == 0x7F:
            return pos + 1  # CR and other controls print nothing
        if b < 0x80:
            self._put(chr(b), 1, events)
            return pos + 1
        if self.modes.kanji and 0x81 <= b <= 0xFE:
            second = _at(buf, pos + 1)
            length = 4 if 0x30 <= second <= 0x39 else 2
            _at(buf, pos + length - 1)
            char = buf[pos : pos + length].decode("gb18030", errors="replace")
            self._put(char, 2, events)
            return pos + length
        self._put(bytes([b]).decode(self.modes.code_page, errors="replace"), 1, events)
        return pos + 1

    def _esc(self, buf: bytes, pos: int, events: list[Event]) -> int:
        cmd, m = self.modes, _at(buf, pos + 1)
        op = chr(m)
        if op == "@":
            self._line_break_if_pending(events)
            kanji = self.chinese_at_start
            self.modes = _Modes(kanji=kanji)
            return pos + 2
        if op == "2":
            return pos + 2
        if op in "!EGaMtd-3JR{V ":
            n = _at(buf, pos + 2)
            if op == "!":
                cmd.bold = bool(n & 0x08)
                cmd.height_scale = 2 if n & 0x10 else 1
                cmd.width_scale = 2 if n & 0x20 else 1
            elif op in "EG":
                cmd.bold = bool(n & 1)
            elif op == "a":
                cmd.align = n % 48 if n >= 48 else n
            elif op == "t":
                cmd.code_page = CODE_PAGE_CODECS.get(n, "cp437")
            elif op == "d":
                self._line_break_if_pending(events)
                events.append(Feed(n))
            return pos + 3
        if op == "p":
            _at(buf, pos + 4)
            pin = 2 if buf[pos + 2] in (0, 48) else 5
            events.append(DrawerKick(pin, buf[pos + 3] * 2, buf[pos + 4] * 2))
            return pos + 5
        if op == "*":
            mode, low, high = _at(buf, pos + 2), _at(buf, pos + 3), _at(buf, pos + 4)
            count = low + 256 * high
            size = count * (3 if mode in (32, 33) else 1)
            _at(buf, pos + 4 + size)
            events.append(UnknownCommand(buf[pos : pos + 5 + size]))
            return pos + 5 + size
        events.append(UnknownCommand(buf[pos : pos + 2]))
        return pos + 2

    def _gs(self, buf: bytes, pos: int, events: list[Event]) -> int:
        cmd, op = self.modes, chr(_at(buf, pos + 1))
        if op == "(":
            low, high = _at(buf, pos + 3), _at(buf, pos + 4)
            end = pos + 5 + low + 256 * high
            _at(buf, end - 1)
            if chr(buf[pos + 2]) == "k":
                self._two_d(buf[pos + 5 : end], events)
            else:
                events.append(UnknownCommand(buf[pos:end]))
            return end
        if op == "V":
            m = _at(buf, pos + 2)
            size = 4 if m in (65, 66, 97, 98, 103, 104) else 3
            _at(buf, pos + size - 1)
            self._line_break_if_pending(events)
            events.append(Cut(partial=m in (1, 49, 66, 98, 104)))
            return pos + size
        if op == "v":
            _at(buf, pos + 7)
            x_bytes = buf[pos + 4] + 256 * buf[pos + 5]
            height = buf[pos + 6] + 256 * buf[pos + 7]
            end = pos + 8 + x_bytes * height
            _at(buf, end - 1)
            self._line_break_if_pending(events)
            events.append(PrintedImage(x_bytes * 8, height, buf[pos + 8 : end], cmd.align))
            return end
        if op == "k":
            return self._barcode(buf, pos, events)
        if op in "!hwHfBarI":
            n = _at(buf, pos + 2)
            if op == "!":
                cmd.width_scale = (n >> 4 & 0x07) + 1
                cmd.height_scale = (n & 0x07) + 1
            elif op == "h":
                cmd.barcode_height = n
            elif op == "w":
                cmd.barcode_module = n
            return pos + 3
        if op in "LW":
            _at(buf, pos + 3)
            return pos + 4
        events.append(UnknownCommand(buf[pos : pos + 2]))
        return pos + 2

    def _fs(self, buf: bytes, pos: int, events: list[Event]) -> int:
        op = chr(_at(buf, pos + 1))
        if op == "&":
            self.modes.kanji = True
            return pos + 2
        if op == ".":
            self.modes.kanji = False
            return pos + 2
        if op in "!C-W":
            _at(buf, pos + 2)
            return pos + 3
        if op in "Sp":
            _at(buf, pos + 3)
            return pos + 4
        events.append(UnknownCommand(buf[pos : pos + 2]))
        return pos + 2

    def _dle(self, buf: bytes, pos: int, events: list[Event]) -> int:
        op = _at(buf, pos + 1)
        if op == 0x04:  # DLE EOT n
            events.append(StatusQuery(_at(buf, pos + 2)))
            return pos + 3
        if op == 0x05:  # DLE ENQ n
            _at(buf, pos + 2)
            return pos + 3
        if op == 0x14:  # DLE DC4 fn m t: a real-time pulse when fn = 1
            _at(buf, pos + 4)
            if buf[pos + 2] == 1:
                events.append(DrawerKick(2 if buf[pos + 3] == 0 else 5, buf[pos + 4] * 100, 0))
            return pos + 5
        return pos + 1  # a lone DLE is ignored

    def _two_d(self, body: bytes, events: list[Event]) -> None:
        if len(body) < 2 or body[0] != 49:  # cn = 49: QR code
            events.append(UnknownCommand(b"\x1d(k" + body))
            return
        fn, data, cmd = body[1], body[2:], self.modes
        if fn == 67 and data:
            cmd.qr_module = data[0]
        elif fn == 69 and data:
            cmd.qr_level = QR_LEVELS.get(data[0], "L")
        elif fn == 80:
            cmd.qr_data = data[1:]  # after m = '0'
        elif fn == 81:
            self._line_break_if_pending(events)
            payload = cmd.qr_data.decode("utf-8", errors="replace")
            events.append(PrintedQr(payload, cmd.qr_module, cmd.qr_level, cmd.align))

    def _barcode(self, buf: bytes, pos: int, events: list[Event]) -> int:
        m = _at(buf, pos + 2)
        if m <= 6:  # function A: data up to NUL
            end = buf.find(b"\x00", pos + 3)
            if end < 0:
                raise _NeedMore
            data, after = buf[pos + 3 : end], end + 1
        else:
            n = _at(buf, pos + 3)
            _at(buf, pos + 3 + n)
            data, after = buf[pos + 4 : pos + 4 + n], pos + 4 + n
        self._line_break_if_pending(events)
        symbology, text, modules = _barcode_text(m, data)
        cmd = self.modes
        events.append(
            PrintedBarcode(
                symbology, text, modules, cmd.barcode_module, cmd.barcode_height, cmd.align
            )
        )
        return after

    # --------------------------------------------------------------------- lines
    def _put(self, char: str, columns: int, events: list[Event]) -> None:
        cmd = self.modes
        printed = PrintedChar(char, columns, cmd.bold, cmd.width_scale, cmd.height_scale)
        if sum(c.dots for c in self._line) + printed.dots > self.paper_dots:
            self._wrapped = True
            self._end_line(events)
            self._wrapped = True
        self._line.append(printed)

    def _end_line(self, events: list[Event]) -> None:
        events.append(PrintedLine(tuple(self._line), self.modes.align, self._wrapped))
        self._line = []
        self._wrapped = False

    def _line_break_if_pending(self, events: list[Event]) -> None:
        if self._line:
            self._end_line(events)


def _at(buf: bytes, index: int) -> int:
    if index >= len(buf):
        raise _NeedMore
    return buf[index]


def _barcode_text(m: int, data: bytes) -> tuple[str, str, int]:
    """(symbology, human-readable text, width in modules) of a GS k barcode."""
    if m in (2, 67):
        return "EAN13", data.decode("ascii", errors="replace"), 95
    if m == 73:
        text, symbols = _code128(data)
        return "CODE128", text, (symbols + 2) * 11 + 13  # start, check and stop around
    return f"GS k m={m}", data.decode("ascii", errors="replace"), 0


def _code128(data: bytes) -> tuple[str, int]:
    """The characters a CODE128 symbol carries and its data symbols, code sets read."""
    out: list[str] = []
    code_set, symbols, i = "B", 0, 0
    while i < len(data):
        if data[i] == ord("{") and i + 1 < len(data):
            switch = chr(data[i + 1])
            if switch in "ABC":
                symbols += 1 if i else 0  # the first one is the start code
                code_set = switch
            elif switch == "{":
                out.append("{")
                symbols += 1
            else:
                symbols += 1  # FNC1..4 and shift print no character
            i += 2
            continue
        out.append(f"{data[i]:02d}" if code_set == "C" else chr(data[i]))
        symbols += 1
        i += 1
    return "".join(out), symbols
