"""Done means: a receipt with Chinese and English names, printed over TCP to the emulator,
decodes back to the expected lines, totals and QR payloads, within the paper width — on
58 and 80 mm paper, in each Chinese mode."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from hardware.emulator import PrinterEmulator, ReceivedJob, decode_job
from hardware.escpos_parse import Feed, PrintedBarcode, PrintedImage, PrintedLine, PrintedQr
from hardware.escpos_render import render_document, render_lines
from hardware.fonts import find_cjk_font
from hardware.layout import BarcodeLine, LaidOut, QrLine, TextLine, layout_document
from hardware.printer import EscPosPrinter
from hardware.profile import CharKind, ChineseMode, PrinterProfile
from hardware.sample_receipt import (
    FAPIAO_URL,
    SAMPLE_RECEIPT_NUMBER,
    sample_lines,
    sample_receipt,
)
from hardware.transports import TcpTransport

ALWAYS_CHINESE = (ChineseMode.GB18030_RAW, ChineseMode.GBK)
NO_FONT = find_cjk_font() is None


def print_sample(
    paper_mm: int, mode: ChineseMode, **marks: bool
) -> tuple[ReceivedJob, PrinterProfile]:
    profile = PrinterProfile(paper_mm=paper_mm, chinese=mode)
    with PrinterEmulator(paper_mm=paper_mm, chinese_at_start=mode in ALWAYS_CHINESE) as emulator:
        printer = EscPosPrinter(TcpTransport("127.0.0.1", emulator.port, 1.0, 5.0), profile)
        printer.print_document(sample_receipt(**marks))
        (job,) = emulator.wait_for_jobs(1)
        assert emulator.status_queries == 2  # one before the job, one acknowledging it
    return job, profile


def expected_items(laid_out: list[LaidOut], profile: PrinterProfile) -> list[object]:
    """What each laid-out line must come back as: its text, or (image mode) its drawing."""
    expected: list[object] = []
    for line in laid_out:
        if isinstance(line, TextLine):
            if any(profile.char_kind(ch) is CharKind.IMAGE for ch in line.text):
                drawn = decode_job(render_lines([line], profile), paper_mm=profile.paper_mm).items[
                    0
                ]
                assert isinstance(drawn, PrintedImage)
                expected.append(("image", drawn.width, drawn.height, drawn.bits))
            else:
                expected.append(
                    ("line", line.text.rstrip(), line.bold, line.width_scale, line.height_scale)
                )
        elif isinstance(line, QrLine):
            expected.append(("qr", line.payload, line.module))
        elif isinstance(line, BarcodeLine):
            expected.append(("barcode", line.text, line.module))
        else:
            expected.append(("feed", line.lines))
    return expected


def received_items(job: ReceivedJob) -> list[object]:
    got: list[object] = []
    for item in job.items:
        if isinstance(item, PrintedLine):
            got.append(("line", item.text.rstrip(), item.bold, item.width_scale, item.height_scale))
        elif isinstance(item, PrintedImage):
            got.append(("image", item.width, item.height, item.bits))
        elif isinstance(item, PrintedQr):
            got.append(("qr", item.payload, item.module))
        elif isinstance(item, PrintedBarcode):
            got.append(("barcode", item.text, item.module))
        elif isinstance(item, Feed):
            got.append(("feed", item.lines))
    return got


@pytest.mark.parametrize("paper_mm", [58, 80])
@pytest.mark.parametrize("mode", list(ChineseMode))
def test_the_sample_receipt_prints_back_as_laid_out_within_the_paper(
    paper_mm: int, mode: ChineseMode
) -> None:
    if mode is ChineseMode.IMAGE and NO_FONT:
        pytest.skip("image mode needs a CJK font: apt-get install fonts-wqy-microhei")
    job, profile = print_sample(paper_mm, mode)
    assert job.cut
    assert job.printable
    assert job.unknown == []
    assert job.overflowing() == []
    laid_out = layout_document(sample_receipt(), profile)
    assert received_items(job) == [*expected_items(laid_out, profile), ("feed", 4)]
    assert job.qr_payloads == ["OT1:R:" + SAMPLE_RECEIPT_NUMBER, FAPIAO_URL]
    assert job.barcodes == [SAMPLE_RECEIPT_NUMBER]


@pytest.mark.parametrize("paper_mm", [58, 80])
@pytest.mark.parametrize("mode", [m for m in ChineseMode if m is not ChineseMode.IMAGE])
def test_names_totals_and_columns_read_back_as_a_cashier_would_read_them(
    paper_mm: int, mode: ChineseMode
) -> None:
    job, profile = print_sample(paper_mm, mode)
    text = job.text
    for line in sample_lines():
        for word in (*line.name.split(), *line.name_en.split()):
            assert word in text, (word, line)
    subtotal = sum((line.amount for line in sample_lines()), Decimal("0.00"))
    assert subtotal == Decimal("199.10")
    (total,) = [
        item for item in job.items if isinstance(item, PrintedLine) and "194.10" in item.text
    ]
    # ¥ is in the Latin code page; a printer always in Chinese mode gets the full-width ￥
    yen = "¥" if mode is ChineseMode.GB18030_KANJI else "￥"
    assert total.text.startswith("应付")
    assert total.text.endswith(yen + "194.10")
    assert total.bold
    assert (total.width_scale, total.height_scale) == (2, 2)
    assert total.dots == profile.dots  # the amount ends at the right edge, in double size
    amounts = [
        item for item in job.items
        if isinstance(item, PrintedLine) and not item.text.startswith(" ")
        and item.text.rstrip().endswith((".00", ".90", ".20", ".10"))
    ]  # fmt: skip
    assert len(amounts) == 10  # five products, subtotal, discount, total, cash, change
    for item in amounts:  # every amount ends at the right edge, Chinese names or not
        assert item.dots == profile.dots, item.text


def test_an_80_mm_receipt_has_these_exact_lines() -> None:
    job, _ = print_sample(80, ChineseMode.GB18030_KANJI)
    lines = job.lines
    for expected in (
        "        优选超市",  # double width: 8 of 24 columns, centred
        "小票号 Receipt                    S001-01-000123",
        "商品 Item                      数量         金额",
        "雨润 火腿肠 30g×10               2        20.00",
        "  Yurun Ham Sausage 30g×10 @ 10.00",
        "凤祥 冷鲜鸡翅中 500g              3       117.00",
        "商品合计 Subtotal (8 件)                 ¥199.10",
        "满减优惠 Discount                         -¥5.00",
        "应付 TOTAL       ¥194.10",
        "找零 Change                                ¥5.90",
        "                退货扫码 Returns",
        "            谢谢惠顾，欢迎再次光临！",
    ):
        assert expected in lines


@pytest.mark.parametrize(("reprint", "training"), [(True, False), (False, True), (True, True)])
def test_a_reprint_or_training_receipt_is_marked_at_the_top_and_the_bottom(
    reprint: bool, training: bool
) -> None:
    job, _ = print_sample(58, ChineseMode.GB18030_KANJI, reprint=reprint, training=training)
    marks = [line.strip() for line in job.lines if "COPY" in line or "TRAINING" in line]
    one_end = (["重印 / COPY"] if reprint else []) + (["练习 / TRAINING"] if training else [])
    assert marks == one_end + one_end
    assert job.lines[1].strip() == one_end[0]
    assert job.lines[-2].strip() == one_end[-1]
    big = [i for i in job.items if isinstance(i, PrintedLine) and i.text.strip() in one_end]
    assert all(i.bold and i.width_scale == 2 for i in big)


def test_an_emulator_in_the_wrong_chinese_mode_shows_what_a_real_printer_would() -> None:
    # gb18030_raw relies on a printer that starts in Chinese mode; one that does not
    # prints the bytes as code page characters: the test of the profile setting.
    profile = PrinterProfile(paper_mm=80, chinese=ChineseMode.GB18030_RAW)
    wrong = decode_job(render_document(sample_receipt(), profile), chinese_at_start=False)
    right = decode_job(render_document(sample_receipt(), profile), chinese_at_start=True)
    assert "优选超市" in right.text
    assert "优选超市" not in wrong.text


def test_the_printer_sends_nothing_but_the_job_and_its_two_status_queries(
    emulator: PrinterEmulator, network_printer: Callable[..., EscPosPrinter]
) -> None:
    printer = network_printer()
    printer.print_document(sample_receipt())
    (job,) = emulator.wait_for_jobs(1)
    assert (
        bytes(emulator.received)
        == b"\x10\x04\x01" + render_document(sample_receipt(), printer.profile) + b"\x10\x04\x01"
    )
    assert job.cut
    assert (
        next(item for item in job.items if isinstance(item, PrintedLine)).text.strip() == "优选超市"
    )
