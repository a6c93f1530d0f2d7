"""The bytes: Chinese mode framing, code pages, QR, raster, barcode, kick and cut."""

from __future__ import annotations

import uuid

import pytest
from escpos.constants import CD_KICK_2, CD_KICK_5, QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image, ImageDraw

from hardware.emulator import decode_job
from hardware.errors import ConfigError
from hardware.escpos_parse import Feed, PrintedImage, PrintedLine
from hardware.escpos_render import (
    drawer_kick,
    qr_bytes,
    raster_bytes,
    render_document,
)
from hardware.fonts import find_cjk_font
from hardware.profile import ChineseMode, CutMode, PrinterProfile
from pos_core.printing import DocumentKind, PrintDocument, Row, Size, Text


def document(*texts: str, size: Size = Size.NORMAL) -> PrintDocument:
    return PrintDocument(
        id=uuid.uuid4(),
        kind=DocumentKind.RECEIPT,
        blocks=[Text(text=t, size=size) for t in texts],
    )


def test_kanji_mode_wraps_chinese_and_sends_latin_through_the_code_page() -> None:
    profile = PrinterProfile(paper_mm=80, chinese=ChineseMode.GB18030_KANJI, feed_before_cut=0)
    data = render_document(document("雨润 é ¥5 火腿"), profile)
    expected_line = (
        b"\x1c&" + "雨润".encode("gb18030") + b" "  # Chinese mode on for the run (spaces too)
        + b"\x1c." + b"\x82" + b" " + b"\x9d" + b"5 "  # é and ¥ from cp437, Chinese mode off
        + b"\x1c&" + "火腿".encode("gb18030") + b"\n"
    )  # fmt: skip
    assert data == b"\x1b@" + b"\x1bt\x00" + b"\x1c." + expected_line + b"\x1c." + b"\x1dV\x01"


@pytest.mark.parametrize(
    ("mode", "codec"), [(ChineseMode.GB18030_RAW, "gb18030"), (ChineseMode.GBK, "gbk")]
)
def test_raw_modes_send_chinese_bytes_with_no_mode_switch(mode: ChineseMode, codec: str) -> None:
    profile = PrinterProfile(chinese=mode, cut=CutMode.FULL, feed_before_cut=3)
    data = render_document(document("找零 é"), profile)
    assert data == b"\x1b@" + "找零 é".encode(codec) + b"\n" + b"\x1bd\x03" + b"\x1dV\x00"
    assert b"\x1c&" not in data
    assert b"\x1bt" not in data


def test_gbk_mode_prints_a_question_mark_for_what_gbk_cannot_hold() -> None:
    data = render_document(document("饼干😀"), PrinterProfile(chinese=ChineseMode.GBK))
    assert "饼干".encode("gbk") + b"?\n" in data


def test_bold_and_double_size_are_set_and_reset_around_the_line() -> None:
    doc = PrintDocument(
        id=uuid.uuid4(),
        kind=DocumentKind.RECEIPT,
        blocks=[Row(left="TOTAL", right="9.90", bold=True, size=Size.DOUBLE), Text(text="x")],
    )
    data = render_document(doc, PrinterProfile(paper_mm=58, feed_before_cut=0))
    line = b"TOTAL" + b" " * 7 + b"9.90"  # 16 double-width columns on 58 mm
    assert b"\x1bE\x01\x1d!\x11" + line + b"\n\x1d!\x00\x1bE\x00x\n" in data


def test_a_name_cannot_smuggle_a_drawer_kick_or_a_cut_into_the_job() -> None:
    data = render_document(document("Milk\x1bp\x00\x19\x19 and \x1dV\x00"), PrinterProfile())
    assert b"\x1bp" not in data
    assert data.count(b"\x1dV") == 1
    assert data.endswith(b"\x1dV\x01")


def test_native_qr_bytes_are_what_python_escpos_sends() -> None:
    printer = Dummy()
    printer.qr("OT1:R:S001-01-000123", ec=QR_ECLEVEL_M, size=6, native=True)
    assert qr_bytes("OT1:R:S001-01-000123", 6, "M") == printer.output


def test_the_drawer_kick_is_esc_p_as_python_escpos_sends_it() -> None:
    assert drawer_kick(2, 100, 100) == CD_KICK_2
    assert drawer_kick(5, 100, 100) == CD_KICK_5
    assert drawer_kick(5, 240, 10) == b"\x1bp\x01\x78\x78"  # off time never below on time
    with pytest.raises(ConfigError, match="pin = 3 is not one of 2, 5"):
        drawer_kick(3, 100, 100)


def test_raster_images_are_what_python_escpos_sends() -> None:
    image = Image.new("L", (100, 24), 255)
    ImageDraw.Draw(image).rectangle((3, 3, 50, 20), fill=0)
    printer = Dummy()
    printer.image(image, impl="bitImageRaster", fragment_height=960)
    assert raster_bytes(image) == printer.output


@pytest.mark.skipif(
    find_cjk_font() is None, reason="no CJK font: apt-get install fonts-wqy-microhei"
)
def test_image_mode_draws_chinese_lines_and_keeps_latin_lines_as_text() -> None:
    profile = PrinterProfile(paper_mm=58, chinese=ChineseMode.IMAGE)
    job = decode_job(render_document(document("Total 12.50", "合计 12.50"), profile), paper_mm=58)
    text, image, feed = job.items
    assert feed == Feed(4)  # before the cut
    assert isinstance(text, PrintedLine)
    assert text.text == "Total 12.50"
    assert isinstance(image, PrintedImage)
    assert image.width == 120  # 10 columns of 12 dots, already a multiple of 8
    assert image.height == 30  # a 24-dot line and the 6-dot gap of the line spacing
    inked = sum(bin(byte).count("1") for byte in image.bits)
    assert 200 < inked < 120 * 24 // 2  # drawn characters, not a blank or a black box


def test_image_mode_without_a_font_says_which_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("hardware.fonts.CJK_FONT_CANDIDATES", ())
    monkeypatch.delenv("OMNITILL_CJK_FONT", raising=False)
    with pytest.raises(ConfigError, match="fonts-wqy-microhei"):
        render_document(document("合计"), PrinterProfile(chinese=ChineseMode.IMAGE))
