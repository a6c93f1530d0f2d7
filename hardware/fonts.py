"""Drawing receipt text as a printer would: a CJK font found on this machine, glyphs on
the Font A grid (12×24 dots a column), so a drawn line keeps the columns of a printed one.

Used twice: the image Chinese mode prints lines drawn here, and the emulator's preview
draws every decoded line here. The search list is short and explicit; `OMNITILL_CJK_FONT`
or a profile's `font_path` names another font.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from hardware.profile import FONT_A_DOTS, LINE_DOTS

FONT_ENV = "OMNITILL_CJK_FONT"
CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian: fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian: fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian: fonts-noto-cjk
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
LATIN_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)
INSTALL_HINT = "install fonts-wqy-microhei (Debian/Ubuntu) or set OMNITILL_CJK_FONT"

GLYPH_PX = 20  # ascent + descent of the CJK fonts above fit a 24-dot line at 20 px
BASELINE = 19


def find_cjk_font(explicit: str | None = None) -> Path | None:
    """The first CJK font that exists: `explicit`, then $OMNITILL_CJK_FONT, then the list."""
    for candidate in (explicit, os.environ.get(FONT_ENV), *CJK_FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def find_latin_font() -> Path | None:
    for candidate in LATIN_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


@lru_cache(maxsize=8)
def _load(path: str | None, size: int = GLYPH_PX) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


class GlyphPainter:
    """Draws characters into Font A cells with one font (a CJK one when there is one)."""

    def __init__(self, font_path: Path | None, has_cjk: bool) -> None:
        self.font = _load(str(font_path) if font_path else None)
        self.small_font = _load(str(font_path) if font_path else None, 14)
        self.has_cjk = has_cjk

    @classmethod
    def best_available(cls, explicit: str | None = None) -> GlyphPainter:
        cjk = find_cjk_font(explicit)
        if cjk is not None:
            return cls(cjk, has_cjk=True)
        return cls(find_latin_font(), has_cjk=False)

    def cell(self, ch: str, columns: int, *, bold: bool, placeholder: bool = False) -> Image.Image:
        """One character at normal size: a white 'L' image `columns`×12 by 24 dots.

        `placeholder` draws an empty box: the character exists but this font cannot show it."""
        width = columns * FONT_A_DOTS
        cell = Image.new("L", (width, LINE_DOTS), 255)
        draw = ImageDraw.Draw(cell)
        if placeholder:
            draw.rectangle((2, 3, width - 3, LINE_DOTS - 3), outline=0, width=2 if bold else 1)
            return cell
        if ch == " ":
            return cell
        advance = max(1, round(self.font.getlength(ch)))
        canvas = Image.new("L", (max(width, advance + 2), LINE_DOTS), 255)
        ImageDraw.Draw(canvas).text(
            ((canvas.width - advance) / 2, BASELINE),
            ch,
            font=self.font,
            fill=0,
            anchor="ls",
            stroke_width=1 if bold else 0,
            stroke_fill=0,
        )
        if canvas.width != width:  # a glyph wider than its cell is squeezed, as printers do
            canvas = canvas.resize((width, LINE_DOTS), Image.Resampling.LANCZOS)
        return canvas

    def line(
        self,
        text: str,
        columns_of: Callable[[str], int],
        *,
        bold: bool = False,
        width_scale: int = 1,
        height_scale: int = 1,
        placeholder: Callable[[str], bool] | None = None,
    ) -> Image.Image:
        """A whole line as an 'L' image: each character in its cells, scaled like GS !."""
        cells = [
            self.cell(
                ch,
                columns_of(ch),
                bold=bold,
                placeholder=placeholder(ch) if placeholder is not None else False,
            )
            for ch in text
        ]
        width = sum(c.width for c in cells)
        image = Image.new("L", (max(width, 1), LINE_DOTS), 255)
        x = 0
        for cell in cells:
            image.paste(cell, (x, 0))
            x += cell.width
        if width_scale != 1 or height_scale != 1:
            image = image.resize(
                (image.width * width_scale, image.height * height_scale), Image.Resampling.NEAREST
            )
        return image
