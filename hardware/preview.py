"""A PNG of a received job, drawn at the printer's own dots (203 dpi, 8 dots a mm).

Lines are drawn on the Font A grid with the glyph painter (a CJK font when one is
installed), codes as the printer would draw them: QR codes with `qrcode`, barcodes from
python-barcode's module pattern with the human-readable line under them. Without a CJK
font, Chinese characters are drawn as empty boxes and the footer says so, with the
package to install: a preview never shows boxes silently.
"""

from __future__ import annotations

import barcode  # type: ignore[import-untyped]
import qrcode  # type: ignore[import-untyped]
import qrcode.util  # type: ignore[import-untyped]
from PIL import Image, ImageDraw

from hardware.emulator import ReceivedJob
from hardware.escpos_parse import (
    Feed,
    PrintedBarcode,
    PrintedChar,
    PrintedImage,
    PrintedLine,
    PrintedQr,
)
from hardware.fonts import INSTALL_HINT, GlyphPainter
from hardware.profile import FONT_A_DOTS, LINE_DOTS

LINE_SPACING = 30  # ESC 2: the default 1/6 inch at 180 dpi, about 30 dots here
MARGIN = 16
FOOTER_BG = 236
QR_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def render_preview(job: ReceivedJob, painter: GlyphPainter | None = None) -> Image.Image:
    """The job as an 'L' image: the paper roll, the cut, and a footer about the preview."""
    painter = painter or GlyphPainter.best_available()
    paper_px = job.paper_dots + 2 * 40  # 58 mm → 464, 80 mm → 656: the unprinted margins
    pieces: list[tuple[Image.Image, int]] = []  # (image, x within the printable width)
    for item in job.items:
        if isinstance(item, PrintedLine):
            image = _line(item, painter)
            pieces.append((image, _x(item.align, image.width, job.paper_dots)))
        elif isinstance(item, PrintedQr):
            image = _qr(item)
            pieces.append((image, _x(item.align, image.width, job.paper_dots)))
        elif isinstance(item, PrintedBarcode):
            image = _barcode(item, painter)
            pieces.append((image, _x(item.align, image.width, job.paper_dots)))
        elif isinstance(item, PrintedImage):
            image = _raster(item)
            pieces.append((image, _x(item.align, image.width, job.paper_dots)))
        elif isinstance(item, Feed):
            pieces.append((Image.new("L", (1, LINE_SPACING * item.lines), 255), 0))
    footer = _footer(preview_notes(job, painter), painter, paper_px)
    height = MARGIN + sum(p.height for p, _ in pieces) + 3 * MARGIN + footer.height
    page = Image.new("L", (paper_px, height), 255)
    y = MARGIN
    for image, x in pieces:
        page.paste(image, (40 + x, y))
        y += image.height
    y += MARGIN
    draw = ImageDraw.Draw(page)
    if job.cut:
        for x in range(0, paper_px, 12):
            draw.line((x, y, x + 6, y), fill=96, width=2)
    else:
        draw.text((8, y - 10), "(no cut: the connection ended)", fill=96, font=painter.small_font)
    page.paste(footer, (0, height - footer.height))
    return page


def _x(align: int, width: int, paper_dots: int) -> int:
    room = max(0, paper_dots - width)
    return {1: room // 2, 2: room}.get(align, 0)


def _line(line: PrintedLine, painter: GlyphPainter) -> Image.Image:
    height = LINE_DOTS * line.height_scale
    image = Image.new("L", (max(1, line.dots), height + LINE_SPACING - LINE_DOTS), 255)
    x = 0
    for char in line.chars:
        absent = _is_missing(char, painter)
        cell = painter.cell(char.char, char.columns, bold=char.bold, placeholder=absent)
        if char.width_scale != 1 or char.height_scale != 1:
            cell = cell.resize(
                (cell.width * char.width_scale, cell.height * char.height_scale),
                Image.Resampling.NEAREST,
            )
        image.paste(cell, (x, height - cell.height))
        x += cell.width
    return image


def _is_missing(char: PrintedChar, painter: GlyphPainter) -> bool:
    return not painter.has_cjk and char.columns == 2 and not char.char.isspace()


def _qr(item: PrintedQr) -> Image.Image:
    code = qrcode.QRCode(error_correction=QR_LEVELS.get(item.error_level), border=0, box_size=1)
    code.add_data(qrcode.util.QRData(item.payload.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    size = len(matrix)
    image = Image.new("L", (size, size), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    image = image.resize((size * item.module, size * item.module), Image.Resampling.NEAREST)
    return _with_space(image, above=8, below=8)


def _barcode(item: PrintedBarcode, painter: GlyphPainter) -> Image.Image:
    kinds = {"CODE128": "code128", "EAN13": "ean13"}
    try:
        pattern: str = barcode.get_barcode_class(kinds[item.symbology])(item.text).build()[0]
    except (KeyError, ValueError, barcode.errors.BarcodeError):
        pattern = ""
    module = max(1, item.module)
    bars_height = max(8, item.height)
    width = max(len(pattern) * module, FONT_A_DOTS * len(item.text))
    image = Image.new("L", (width, bars_height + LINE_SPACING), 255)
    draw = ImageDraw.Draw(image)
    left = (width - len(pattern) * module) // 2
    for i, bit in enumerate(pattern):
        if bit == "1":
            draw.rectangle(
                (left + i * module, 0, left + (i + 1) * module - 1, bars_height - 1), fill=0
            )
    text = painter.line(item.text or f"[{item.symbology}]", lambda _: 1)
    image.paste(text, ((width - text.width) // 2, bars_height + 2))
    return _with_space(image, above=8, below=4)


def _raster(item: PrintedImage) -> Image.Image:
    ink = Image.frombytes("1", (item.width, item.height), item.bits)
    return Image.eval(ink.convert("L"), lambda v: 255 - v)


def _with_space(image: Image.Image, *, above: int, below: int) -> Image.Image:
    spaced = Image.new("L", (image.width, above + image.height + below), 255)
    spaced.paste(image, (0, above))
    return spaced


def preview_notes(job: ReceivedJob, painter: GlyphPainter) -> list[str]:
    """The footer's lines: what the preview is, and anything it could not show faithfully."""
    missing = sum(
        _is_missing(char, painter)
        for item in job.items
        if isinstance(item, PrintedLine)
        for char in item.chars
    )
    mm = {384: 58, 576: 80}.get(job.paper_dots, 0)
    notes = [f"OmniTill printer emulator · {mm} mm · job {job.number} · {len(job.raw)} bytes"]
    if missing:
        notes.append(f"no CJK font: {missing} Chinese characters drawn as boxes")
        notes.append(INSTALL_HINT)
    if job.overflowing():
        notes.append(f"{len(job.overflowing())} items wider than the paper")
    if job.unknown:
        notes.append(f"{len(job.unknown)} commands this emulator does not know")
    if not job.printable:
        notes.append("paper out or cover open when received: a printer would not print this")
    return notes


def _footer(notes: list[str], painter: GlyphPainter, width: int) -> Image.Image:
    footer = Image.new("L", (width, 8 + 20 * len(notes)), FOOTER_BG)
    draw = ImageDraw.Draw(footer)
    for i, note in enumerate(notes):
        draw.text((8, 4 + 20 * i), note, fill=40, font=painter.small_font)
    return footer
