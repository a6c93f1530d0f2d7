"""Laying a PrintDocument out on the paper: exact text lines, each within the width.

The till's blocks say what a line is; here they become lines of characters for one
profile. Widths count printer columns (`PrinterProfile.columns`: CJK takes two), a
double-size line has half the columns, long names wrap (between words, or between any two
Chinese characters), and a QR code or barcode gets the largest module that fits the paper.
A reprint or training document gets its mark at the top and at the bottom.

The result is plain data: the ESC/POS encoder turns it into bytes, and a test can check
every line against the paper before a byte is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import qrcode  # type: ignore[import-untyped]
import qrcode.util  # type: ignore[import-untyped]

from hardware.profile import PrinterProfile
from pos_core.barcodes import is_valid_gtin
from pos_core.printing import (
    Align,
    Barcode,
    Block,
    Columns,
    PrintDocument,
    QrCode,
    Row,
    Rule,
    Size,
    Text,
    display_width,
)

REPRINT_MARK = "重印 / COPY"
TRAINING_MARK = "练习 / TRAINING"
QR_QUIET_MODULES = 2  # one module of slack a side; the paper margins give the quiet zone
BARCODE_QUIET_DOTS = 0  # the paper's unprinted margins (5 mm a side) are the quiet zone
BARCODE_HEIGHT_DOTS = 80


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line, spaces included; `profile.columns(text) * scale` fits the paper."""

    text: str
    bold: bool = False
    size: Size = Size.NORMAL

    @property
    def width_scale(self) -> int:
        return 2 if self.size is Size.DOUBLE else 1

    @property
    def height_scale(self) -> int:
        return 1 if self.size is Size.NORMAL else 2


@dataclass(frozen=True, slots=True)
class QrLine:
    payload: str
    module: int  # dots per module, GS ( k function 167
    modules: int  # modules per side in byte mode: the printer's code is at most this big


@dataclass(frozen=True, slots=True)
class BarcodeLine:
    symbology: Literal["CODE128", "EAN13"]
    data: bytes  # exactly what follows GS k m n
    module: int  # GS w
    text: str  # the human-readable line printed under the bars
    dots: int  # the width of the bars


@dataclass(frozen=True, slots=True)
class FeedLine:
    lines: int


LaidOut = TextLine | QrLine | BarcodeLine | FeedLine


def layout_document(document: PrintDocument, profile: PrinterProfile) -> list[LaidOut]:
    """Every line of `document` as it will print on `profile`'s paper."""
    marks = []
    if document.reprint:
        marks.append(REPRINT_MARK)
    if document.training:
        marks.append(TRAINING_MARK)
    out: list[LaidOut] = []
    out.extend(_marks(marks, profile))
    for block in document.blocks:
        out.extend(layout_block(block, profile))
    out.extend(_marks(marks, profile))
    return out


def layout_block(block: Block, profile: PrinterProfile) -> list[LaidOut]:
    if isinstance(block, Text):
        return list(_text(block, profile))
    if isinstance(block, Row):
        return list(_row(block, profile))
    if isinstance(block, Columns):
        return list(_columns(block, profile))
    if isinstance(block, Rule):
        char = profile.prepare(block.char).strip() or "-"
        return [TextLine(char * (profile.chars_per_line // profile.columns(char)))]
    if isinstance(block, QrCode):
        return _qr(block, profile)
    if isinstance(block, Barcode):
        return _barcode(block, profile)
    return [FeedLine(block.lines)]


def wrap(text: str, width: int, profile: PrinterProfile) -> list[str]:
    """`text` in lines of at most `width` columns: breaks at spaces, between any two wide
    (CJK) characters, and inside a word only when the word alone is too long."""
    if width < 1:
        raise ValueError("cannot wrap into less than one column")
    text = profile.prepare(text)
    indent = len(text) - len(text.lstrip(" "))
    if 0 < indent <= width // 4:  # a hanging indent for every line of the paragraph
        return [" " * indent + line for line in wrap(text[indent:], width - indent, profile)]
    lines: list[str] = []
    line = ""
    for token in _tokens(text, profile):
        if token.isspace():
            if line:
                line += " "
            continue
        candidate = line + token
        if profile.columns(candidate) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        while profile.columns(token) > width:
            head = _fit(token, width, profile)
            lines.append(head)
            token = token[len(head) :]
        line = token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def pad(text: str, width: int, align: Align, profile: PrinterProfile) -> str:
    """`text` padded with spaces to `width` columns, placed by `align`."""
    room = width - profile.columns(text)
    if room <= 0:
        return text
    if align is Align.RIGHT:
        return " " * room + text
    if align is Align.CENTER:
        left = room // 2
        return " " * left + text + " " * (room - left)
    return text + " " * room


def _tokens(text: str, profile: PrinterProfile) -> list[str]:
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() or display_width(ch) == 2:  # a break may fall around any CJK char
            if word:
                tokens.append(word)
                word = ""
            tokens.append(" " if ch.isspace() else ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def _fit(token: str, width: int, profile: PrinterProfile) -> str:
    head = ""
    for ch in token:
        if profile.columns(head + ch) > width:
            break
        head += ch
    return head or token[0]


def _width(profile: PrinterProfile, size: Size) -> int:
    return profile.chars_per_line // (2 if size is Size.DOUBLE else 1)


def _text(block: Text, profile: PrinterProfile) -> list[TextLine]:
    width = _width(profile, block.size)
    lines = []
    for paragraph in block.text.split("\n"):
        for line in wrap(paragraph, width, profile):
            padded = pad(line, width, block.align, profile).rstrip()
            lines.append(TextLine(padded, block.bold, block.size))
    return lines


def _row(block: Row, profile: PrinterProfile) -> list[TextLine]:
    width = _width(profile, block.size)
    left, right = profile.prepare(block.left).strip(), profile.prepare(block.right).strip()
    right_cols = profile.columns(right)
    longest_word = max((profile.columns(t) for t in _tokens(left, profile)), default=0)
    if not left:
        texts = [pad(line, width, Align.RIGHT, profile) for line in wrap(right, width, profile)]
    elif right_cols + 1 + longest_word > width:  # beside it, a word of the left would split
        texts = wrap(left, width, profile)
        texts += [pad(line, width, Align.RIGHT, profile) for line in wrap(right, width, profile)]
    else:
        left_lines = wrap(left, width - right_cols - 1, profile)
        first = left_lines[0]
        gap = width - profile.columns(first) - right_cols
        texts = [first + " " * gap + right, *left_lines[1:]]
    return [TextLine(text.rstrip(), block.bold, block.size) for text in texts]


def _columns(block: Columns, profile: PrinterProfile) -> list[TextLine]:
    cells = block.cells
    width = profile.chars_per_line
    room = width - (len(cells) - 1)  # one space between cells
    if room < len(cells) * 2:  # cannot share the line sensibly: one cell a line
        return [
            TextLine(line.text, block.bold)
            for cell in cells
            for line in _text(Text(text=cell.text, align=cell.align), profile)
        ]
    total = sum(cell.weight for cell in cells)
    # Two columns at least, so a Chinese character always fits its cell.
    widths = [max(2, room * cell.weight // total) for cell in cells]
    by_weight = sorted(range(len(cells)), key=lambda i: -cells[i].weight)
    while sum(widths) > room:
        widths[widths.index(max(widths))] -= 1
    k = 0
    while sum(widths) < room:
        widths[by_weight[k % len(cells)]] += 1
        k += 1
    wrapped = [wrap(cell.text.strip(), w, profile) for cell, w in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in wrapped)
    out = []
    for row in range(height):
        parts = []
        for cell, w, lines in zip(cells, widths, wrapped, strict=True):
            text = lines[row] if row < len(lines) else ""
            parts.append(pad(text, w, cell.align, profile))
        out.append(TextLine(" ".join(parts).rstrip(), block.bold))
    return out


def _marks(marks: list[str], profile: PrinterProfile) -> list[LaidOut]:
    if not marks:
        return []
    out: list[LaidOut] = [TextLine("=" * profile.chars_per_line)]
    for mark in marks:
        out.extend(_text(Text(text=mark, align=Align.CENTER, bold=True, size=Size.DOUBLE), profile))
    out.append(TextLine("=" * profile.chars_per_line))
    return out


def qr_modules(payload: str, error_level: str) -> int:
    """Modules per side of `payload` in byte mode: an upper bound on the printer's code."""
    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=levels[error_level], border=0)
    code.add_data(qrcode.util.QRData(payload.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    modules: int = code.modules_count
    return modules


def _qr(block: QrCode, profile: PrinterProfile) -> list[LaidOut]:
    modules = qr_modules(block.payload, profile.qr_error_level)
    module = max(1, min(block.size, profile.dots // (modules + QR_QUIET_MODULES)))
    out: list[LaidOut] = [QrLine(block.payload, module, modules)]
    if block.label:
        out.extend(_text(Text(text=block.label, align=Align.CENTER), profile))
    return out


def _barcode(block: Barcode, profile: PrinterProfile) -> list[LaidOut]:
    """GS k with the widest module (3 or 2 dots) that fits; else the code as text."""
    code = block.code.strip()
    fallback: list[LaidOut] = list(_text(Text(text=code, align=Align.CENTER), profile))
    if block.symbology == "EAN13":
        if len(code) != 13 or not is_valid_gtin(code):
            return fallback
        data, modules = code.encode("ascii"), 95
    else:
        if not code or not all(32 <= ord(ch) < 127 for ch in code):
            return fallback
        if code.isdigit() and len(code) % 2 == 0:
            data = b"{C" + bytes(int(code[i : i + 2]) for i in range(0, len(code), 2))
            symbols = len(code) // 2
        else:
            data, symbols = b"{B" + code.encode("ascii"), len(code)
        modules = (symbols + 2) * 11 + 13  # start, data, check digit, stop (13)
    for module in (3, 2):
        if modules * module + 2 * BARCODE_QUIET_DOTS <= profile.dots:
            return [BarcodeLine(block.symbology, data, module, code, modules * module)]
    return fallback
