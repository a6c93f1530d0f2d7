"""A printer profile: paper width, code page, how Chinese prints, the cut.

The profile also answers the one question every layout depends on: how many Font A
columns a character takes *on this printer*. A character sent as a double-byte GB18030 or
GBK code prints as a full-width 24×24 glyph, two columns, even where Unicode calls it
ambiguous (× · — é are two columns on a Chinese printer in Chinese mode); a character the
Latin code page holds prints as one. `pos_core.printing.display_width` is the floor.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from hardware.errors import ConfigError
from pos_core.printing import display_width

FONT_A_DOTS = 12  # Font A is 12×24 dots: a column is 12 dots wide, a line 24 high
LINE_DOTS = 24
PAPER_DOTS = {58: 384, 80: 576}

# ESC t n: the Latin code pages we offer, by Python codec name (Epson numbering).
CODE_PAGES: dict[str, int] = {
    "cp437": 0,
    "cp850": 2,
    "cp860": 3,
    "cp863": 4,
    "cp865": 5,
    "cp1252": 16,
    "cp866": 17,
    "cp852": 18,
    "cp858": 19,
}


# Signs whose GB18030 code is four bytes, with the full-width form GB2312 has.
FULL_WIDTH_SIGNS = {"¥": "￥", "¢": "￠", "£": "￡"}


class ChineseMode(StrEnum):
    GB18030_KANJI = "gb18030_kanji"  # FS & … GB18030 bytes … FS . (the default)
    GB18030_RAW = "gb18030_raw"  # the printer is always in Chinese mode; raw GB18030
    GBK = "gbk"  # the same, for older printers whose font stops at GBK
    IMAGE = "image"  # a line with Chinese goes as a raster image drawn with a CJK font


class CutMode(StrEnum):
    PARTIAL = "partial"
    FULL = "full"
    NONE = "none"


class CharKind(StrEnum):
    ASCII = "ascii"  # one byte below 0x80, printed in any mode
    LATIN = "latin"  # one byte of the Latin code page (Kanji mode off)
    WIDE = "wide"  # a GB18030/GBK code (Kanji mode on), two columns
    IMAGE = "image"  # only an image can show it (image mode)
    MISSING = "missing"  # nothing can: printed as "?"


QrErrorLevel = Literal["L", "M", "Q", "H"]


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """What the renderer needs to know about one printer model and its paper."""

    paper_mm: int = 80
    chinese: ChineseMode = ChineseMode.GB18030_KANJI
    code_page: str = "cp437"
    cut: CutMode = CutMode.PARTIAL
    feed_before_cut: int = 4  # lines fed so the last printed line clears the cutter
    qr_error_level: QrErrorLevel = "M"  # 15%: a receipt gets creased and smudged
    font_path: str | None = None  # image mode: the CJK font (else the search list)

    def __post_init__(self) -> None:
        if self.paper_mm not in PAPER_DOTS:
            raise ConfigError(f"paper_mm = {self.paper_mm} is not one of 58, 80")
        if self.code_page not in CODE_PAGES:
            raise ConfigError(
                f"code_page = {self.code_page!r} is not one of {', '.join(CODE_PAGES)}"
            )
        if not 0 <= self.feed_before_cut <= 10:
            raise ConfigError(f"feed_before_cut = {self.feed_before_cut} is not 0 to 10")

    @property
    def dots(self) -> int:
        """Printable width in dots (203 dpi heads: 384 on 58 mm paper, 576 on 80 mm)."""
        return PAPER_DOTS[self.paper_mm]

    @property
    def chars_per_line(self) -> int:
        return self.dots // FONT_A_DOTS

    @property
    def gb_codec(self) -> str:
        return "gbk" if self.chinese is ChineseMode.GBK else "gb18030"

    def char_kind(self, ch: str) -> CharKind:
        if ord(ch) < 0x80:
            return CharKind.ASCII
        if self.chinese is not ChineseMode.GB18030_RAW and self.chinese is not ChineseMode.GBK:
            # Kanji and image modes switch to the Latin code page for what it holds.
            if display_width(ch) == 1 and _encodes(ch, self.code_page):
                return CharKind.LATIN
            if self.chinese is ChineseMode.IMAGE:
                return CharKind.IMAGE
        if _encodes(ch, self.gb_codec):
            return CharKind.WIDE
        return CharKind.MISSING

    def prepare(self, text: str) -> str:
        """`text` ready to lay out: no control characters, and a Latin sign the printer
        cannot show in one column (¥ outside the code page, whose GB18030 code is a rarely
        supported four-byte one) replaced by its full-width form (￥), as Chinese receipts
        print it."""
        text = printable(text)
        if not any(ch in FULL_WIDTH_SIGNS for ch in text):
            return text
        return "".join(
            FULL_WIDTH_SIGNS[ch]
            if ch in FULL_WIDTH_SIGNS and self.char_kind(ch) in (CharKind.WIDE, CharKind.MISSING)
            else ch
            for ch in text
        )

    def char_columns(self, ch: str) -> int:
        kind = self.char_kind(ch)
        if kind is CharKind.WIDE:
            return 2
        if kind is CharKind.IMAGE:
            return max(1, display_width(ch))
        return 1

    def columns(self, text: str) -> int:
        """Font A columns `text` takes on this printer at normal size."""
        return sum(self.char_columns(ch) for ch in text)


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """`text` without control characters: a product name must never smuggle in a command.

    Controls and line separators become spaces; invisible format characters (zero-width
    joiners, soft hyphens, byte-order marks) are dropped."""
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        out.append(" " if category in ("Cc", "Zl", "Zp") else ch)
    return "".join(out)
