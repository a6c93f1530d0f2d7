"""PrintDocument → ESC/POS bytes for a printer profile.

    render_document(document, profile) -> bytes     the whole job, cut included

The bytes are built here, not through python-escpos's text encoder, because Chinese needs
per-printer control it does not offer (its magic encoder sends raw GB18030 and never
Kanji mode). The commands are the common Epson subset every Chinese-market printer takes:

    ESC @            initialise            GS ! n       character size (also for Chinese)
    ESC t n          Latin code page       ESC E n      bold (also for Chinese)
    FS & / FS .      Chinese mode on/off   ESC a n      justification (codes only)
    GS ( k           QR code (native)      GS h/w/H/k   barcode, human-readable line below
    GS v 0           raster image          ESC d n      feed n lines
    GS V m           cut                   ESC p m t t  drawer kick (see `drawer_kick`)

In `gb18030_kanji` mode a run of Chinese is wrapped in FS & … FS . and a character of
the Latin code page is sent with Chinese mode off, so the printer never reads a Latin byte
as half of a Chinese one. The raw and GBK modes assume a printer that is always in
Chinese mode. In image mode a line that holds anything the code page cannot is drawn
with a CJK font and sent as a raster image, on the same 12-dot grid as text.
"""

from __future__ import annotations

from PIL import Image, ImageOps

from hardware.errors import ConfigError
from hardware.fonts import INSTALL_HINT, GlyphPainter, find_cjk_font
from hardware.layout import BarcodeLine, FeedLine, LaidOut, QrLine, TextLine, layout_document
from hardware.profile import CODE_PAGES, CharKind, ChineseMode, CutMode, PrinterProfile
from pos_core.printing import PrintDocument, Size

ESC, GS, FS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x04", b"\n"
INIT = ESC + b"@"
KANJI_ON, KANJI_OFF = FS + b"&", FS + b"."
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
ALIGN_LEFT, ALIGN_CENTER = ESC + b"a\x00", ESC + b"a\x01"
SIZE_BYTES = {Size.NORMAL: 0x00, Size.DOUBLE_HEIGHT: 0x01, Size.DOUBLE: 0x11}
CUT_BYTES = {CutMode.FULL: GS + b"V\x00", CutMode.PARTIAL: GS + b"V\x01", CutMode.NONE: b""}
QR_LEVEL_BYTES = {"L": 48, "M": 49, "Q": 50, "H": 51}
BARCODE_M = {"CODE128": 73, "EAN13": 67}
LINE_GAP_DOTS = 6  # the default line spacing (about 30 dots) less a 24-dot line

# DLE EOT n: real-time status. 1 printer (drawer, offline), 2 offline cause (cover, paper
# stop, error), 3 error cause, 4 paper roll sensor.
STATUS_PRINTER, STATUS_OFFLINE, STATUS_ERROR, STATUS_PAPER = 1, 2, 3, 4


def status_query(n: int) -> bytes:
    return DLE + EOT + bytes([n])


def drawer_kick(pin: int, pulse_on_ms: int, pulse_off_ms: int) -> bytes:
    """ESC p m t1 t2: pin 2 (m=0) or pin 5 (m=1), on and off times in 2 ms units."""
    if pin not in (2, 5):
        raise ConfigError(f"drawer pin = {pin} is not one of 2, 5")
    t1 = max(1, min(255, pulse_on_ms // 2))
    t2 = max(t1, min(255, pulse_off_ms // 2))  # printers ignore t2 < t1
    return ESC + b"p" + bytes([0 if pin == 2 else 1, t1, t2])


def render_document(document: PrintDocument, profile: PrinterProfile) -> bytes:
    """The whole print job: initialise, every line, feed and cut."""
    return _Encoder(profile).job(layout_document(document, profile))


def render_lines(lines: list[LaidOut], profile: PrinterProfile) -> bytes:
    """A job from lines already laid out (a test page, a report the caller laid out)."""
    return _Encoder(profile).job(lines)


def qr_bytes(payload: str, module: int, error_level: str) -> bytes:
    """GS ( k: model 2, module size, error correction, store the payload (UTF-8), print."""

    def function(fn: int, data: bytes) -> bytes:
        size = len(data) + 2
        return GS + b"(k" + bytes([size % 256, size // 256, 49, fn]) + data

    return (
        function(65, b"\x32\x00")
        + function(67, bytes([module]))
        + function(69, bytes([QR_LEVEL_BYTES[error_level]]))
        + function(80, b"0" + payload.encode("utf-8"))
        + function(81, b"0")
    )


def raster_bytes(image: Image.Image) -> bytes:
    """GS v 0: `image` (black ink on white) as a raster bit image, rows padded to bytes."""
    gray = image.convert("L")
    width = (gray.width + 7) // 8 * 8
    if width != gray.width:
        padded = Image.new("L", (width, gray.height), 255)
        padded.paste(gray, (0, 0))
        gray = padded
    # '1' mode packs white as 1; the printer wants ink as 1, so invert first.
    bits = ImageOps.invert(gray).point(lambda v: 255 if v >= 128 else 0).convert("1")
    x_bytes = width // 8
    header = GS + b"v0\x00" + bytes([x_bytes % 256, x_bytes // 256])
    return header + bytes([gray.height % 256, gray.height // 256]) + bits.tobytes()


class _Encoder:
    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.kanji = False
        self.painter: GlyphPainter | None = None
        if profile.chinese is ChineseMode.IMAGE:
            font = find_cjk_font(profile.font_path)
            if font is None:
                raise ConfigError(
                    f"chinese = 'image' needs a CJK font and none is found: {INSTALL_HINT}"
                )
            self.painter = GlyphPainter(font, has_cjk=True)

    def job(self, lines: list[LaidOut]) -> bytes:
        profile = self.profile
        out = bytearray(INIT)
        if profile.chinese in (ChineseMode.GB18030_KANJI, ChineseMode.IMAGE):
            out += ESC + b"t" + bytes([CODE_PAGES[profile.code_page]])
        if profile.chinese is ChineseMode.GB18030_KANJI:
            out += KANJI_OFF  # a known state: a Chinese printer may start in Chinese mode
        for line in lines:
            out += self.line(line)
        if self.kanji:
            out += KANJI_OFF
            self.kanji = False
        if profile.feed_before_cut:
            out += ESC + b"d" + bytes([profile.feed_before_cut])
        out += CUT_BYTES[profile.cut]
        return bytes(out)

    def line(self, line: LaidOut) -> bytes:
        if isinstance(line, TextLine):
            return self.text_line(line)
        if isinstance(line, QrLine):
            return (
                ALIGN_CENTER
                + qr_bytes(line.payload, line.module, self.profile.qr_error_level)
                + ALIGN_LEFT
            )
        if isinstance(line, BarcodeLine):
            return (
                ALIGN_CENTER
                + GS + b"h" + bytes([80])
                + GS + b"w" + bytes([line.module])
                + GS + b"H\x02"  # human-readable line below the bars
                + GS + b"f\x00"
                + GS + b"k" + bytes([BARCODE_M[line.symbology], len(line.data)]) + line.data
                + ALIGN_LEFT
            )  # fmt: skip
        assert isinstance(line, FeedLine)
        return ESC + b"d" + bytes([line.lines])

    def text_line(self, line: TextLine) -> bytes:
        if self.painter is not None and any(
            self.profile.char_kind(ch) is CharKind.IMAGE for ch in line.text
        ):
            image = self.painter.line(
                line.text,
                self.profile.char_columns,
                bold=line.bold,
                width_scale=line.width_scale,
                height_scale=line.height_scale,
            )
            spaced = Image.new("L", (image.width, image.height + LINE_GAP_DOTS), 255)
            spaced.paste(image, (0, 0))  # the gap a text line gets from the line spacing
            return raster_bytes(spaced)
        out = bytearray()
        if line.bold:
            out += BOLD_ON
        if line.size is not Size.NORMAL:
            out += GS + b"!" + bytes([SIZE_BYTES[line.size]])
        out += self.encode(line.text)
        out += LF
        if line.size is not Size.NORMAL:
            out += GS + b"!\x00"
        if line.bold:
            out += BOLD_OFF
        return bytes(out)

    def encode(self, text: str) -> bytes:
        profile = self.profile
        out = bytearray()
        for ch in text:
            kind = profile.char_kind(ch)
            if kind is CharKind.ASCII:
                out += ch.encode("ascii")
            elif kind is CharKind.LATIN:
                if self.kanji:
                    out += KANJI_OFF
                    self.kanji = False
                out += ch.encode(profile.code_page)
            elif kind is CharKind.WIDE:
                if profile.chinese is ChineseMode.GB18030_KANJI and not self.kanji:
                    out += KANJI_ON
                    self.kanji = True
                out += ch.encode(profile.gb_codec)
            else:
                out += b"?"
        return bytes(out)
