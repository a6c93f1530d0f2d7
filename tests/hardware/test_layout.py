"""Laying documents out: widths that count CJK as two, wrapping, columns, marks, codes."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.layout import BarcodeLine, QrLine, TextLine, layout_document, wrap
from hardware.profile import CharKind, ChineseMode, PrinterProfile, printable
from pos_core.printing import (
    Align,
    Barcode,
    Block,
    Cell,
    Columns,
    DocumentKind,
    PrintDocument,
    QrCode,
    Row,
    Rule,
    Size,
    Text,
)

PROFILES = [PrinterProfile(paper_mm=mm, chinese=mode) for mm in (58, 80) for mode in ChineseMode]


def document(*blocks: Block, reprint: bool = False, training: bool = False) -> PrintDocument:
    return PrintDocument(
        id=uuid.uuid4(),
        kind=DocumentKind.RECEIPT,
        blocks=list(blocks),
        reprint=reprint,
        training=training,
    )


def text_lines(doc: PrintDocument, profile: PrinterProfile) -> list[str]:
    return [line.text for line in layout_document(doc, profile) if isinstance(line, TextLine)]


def printed_width(line: TextLine, profile: PrinterProfile) -> int:
    return profile.columns(line.text) * line.width_scale


# Names as a Chinese store's catalog has them: CJK, Latin, digits, ×, full-width
# punctuation, accented Latin, and the odd emoji a supplier typed into a product name.
ALPHABET = st.sampled_from(
    list("雨润火腿肠高露洁漱口水旺仔调制乳巧克力味")
    + list("abcXYZ 019.-@")
    + ["×", "，", "（", "é", "·", "😀", "¥"]
)
NAMES = st.text(ALPHABET, min_size=0, max_size=70)


@settings(max_examples=150, deadline=None)
@given(
    left=NAMES,
    right=NAMES,
    cells=st.lists(st.tuples(NAMES, st.integers(1, 30)), min_size=1, max_size=5),
    size=st.sampled_from(Size),
)
def test_every_line_fits_the_paper_whatever_the_names(
    left: str, right: str, cells: list[tuple[str, int]], size: Size
) -> None:
    doc = document(
        Text(text=left, size=size, align=Align.CENTER),
        Row(left=left, right=right, size=size, bold=True),
        Columns(cells=[Cell(text=c, weight=w, align=Align.RIGHT) for c, w in cells]),
        Rule(char="="),
        reprint=True,
        training=True,
    )
    for profile in PROFILES:
        for line in layout_document(doc, profile):
            if isinstance(line, TextLine):
                assert printed_width(line, profile) <= profile.chars_per_line, (profile, line)


def test_a_row_puts_the_amount_on_the_right_edge_counting_chinese_as_two_columns() -> None:
    profile = PrinterProfile(paper_mm=58)
    lines = text_lines(document(Row(left="高露洁 漱口水 250ml", right="18.90")), profile)
    assert lines == ["高露洁 漱口水 250ml        18.90"]
    assert profile.columns(lines[0]) == 32


def test_a_long_name_wraps_between_words_and_chinese_characters_never_inside_a_word() -> None:
    profile = PrinterProfile(paper_mm=58)
    row = Row(
        left="旺仔 调制乳 巧克力味 125ml×20 Want Want Flavoured Milk Chocolate", right="129.90"
    )
    # The name keeps to its own column (25 = 32 - "129.90" - a space) on every line.
    assert text_lines(document(row), profile) == [
        "旺仔 调制乳 巧克力味      129.90",
        "125ml×20 Want Want",
        "Flavoured Milk Chocolate",
    ]
    assert wrap("雨润火腿肠雨润火腿肠雨润火腿肠雨润火腿肠", 10, profile) == [
        "雨润火腿肠",
        "雨润火腿肠",
        "雨润火腿肠",
        "雨润火腿肠",
    ]
    assert wrap("S001-01-000123-ABCDEFGHIJ", 10, profile) == ["S001-01-00", "0123-ABCDE", "FGHIJ"]


def test_columns_keep_each_cell_at_its_place_with_chinese_names() -> None:
    profile = PrinterProfile(paper_mm=80)
    cells = [("雨润 火腿肠 30g×10", "2", "20.00"), ("Colgate Mouthwash 250ml", "1", "18.90")]
    doc = document(
        *(
            Columns(
                cells=[
                    Cell(text=name, weight=6),
                    Cell(text=qty, weight=2, align=Align.RIGHT),
                    Cell(text=amount, weight=3, align=Align.RIGHT),
                ]
            )
            for name, qty, amount in cells
        )
    )
    assert text_lines(doc, profile) == [
        "雨润 火腿肠 30g×10               2        20.00",
        "Colgate Mouthwash 250ml           1        18.90",
    ]
    # the quantity ends at column 35 on both lines: 26 (name) + 1 + 8 (quantity)
    first, second = text_lines(doc, profile)
    assert profile.columns(first[: first.index(" 2 ") + 2]) == 35
    assert profile.columns(second[: second.index(" 1 ") + 2]) == 35


def test_double_size_text_takes_twice_the_columns() -> None:
    profile = PrinterProfile(paper_mm=58)  # 16 double-width columns
    lines = layout_document(document(Row(left="应付", right="¥194.10", size=Size.DOUBLE)), profile)
    assert lines == [TextLine("应付     ¥194.10", size=Size.DOUBLE)]
    assert printed_width(lines[0], profile) == 32
    centred = text_lines(
        document(Text(text="优选超市", align=Align.CENTER, size=Size.DOUBLE)), profile
    )
    assert centred == ["    优选超市"]


def test_reprint_and_training_marks_come_first_and_last() -> None:
    profile = PrinterProfile(paper_mm=80)
    lines = text_lines(document(Text(text="谢谢"), reprint=True, training=True), profile)
    rule = "=" * 48
    marks = [rule, "      重印 / COPY", "    练习 / TRAINING", rule]
    assert lines == [*marks, "谢谢", *marks]


@pytest.mark.parametrize(
    ("chinese", "code_page", "char", "kind", "columns"),
    [
        (ChineseMode.GB18030_KANJI, "cp437", "é", CharKind.LATIN, 1),
        (ChineseMode.GB18030_KANJI, "cp437", "×", CharKind.WIDE, 2),  # not in cp437: GB, full width
        (ChineseMode.GB18030_KANJI, "cp1252", "×", CharKind.LATIN, 1),
        (ChineseMode.GB18030_RAW, "cp437", "é", CharKind.WIDE, 2),  # always Chinese mode
        (ChineseMode.GBK, "cp437", "😀", CharKind.MISSING, 1),  # outside GBK: printed "?"
        (ChineseMode.GB18030_RAW, "cp437", "😀", CharKind.WIDE, 2),
        (ChineseMode.IMAGE, "cp437", "火", CharKind.IMAGE, 2),
        (ChineseMode.IMAGE, "cp437", "¥", CharKind.LATIN, 1),
    ],
)
def test_a_characters_columns_follow_how_the_printer_will_print_it(
    chinese: ChineseMode, code_page: str, char: str, kind: CharKind, columns: int
) -> None:
    profile = PrinterProfile(chinese=chinese, code_page=code_page)
    assert (profile.char_kind(char), profile.char_columns(char)) == (kind, columns)


def test_control_characters_in_names_become_spaces() -> None:
    assert printable("Milk\x1bp\x00\x19\x19\n2L\u200b") == "Milk p    2L"


def test_a_long_qr_payload_gets_a_smaller_module_so_it_fits_58_mm() -> None:
    payload = "https://fapiao.omnitill.example/r/" + "x" * 400
    for mm in (58, 80):
        profile = PrinterProfile(paper_mm=mm)
        (qr,) = [
            line
            for line in layout_document(document(QrCode(payload=payload, size=8)), profile)
            if isinstance(line, QrLine)
        ]
        assert qr.payload == payload
        assert qr.module * qr.modules <= profile.dots
        assert qr.module >= 1
    short = layout_document(document(QrCode(payload="OT1:R:S001-01-000123", size=6)), PROFILES[0])
    assert isinstance(short[0], QrLine)
    assert short[0].module == 6


def test_a_barcode_too_wide_for_the_paper_prints_as_text() -> None:
    long_code = Barcode(code="S001-01-000123-R0001")  # 20 symbols: 510 dots at 2 a module
    narrow = layout_document(document(long_code), PrinterProfile(paper_mm=58))
    assert narrow == [TextLine("      S001-01-000123-R0001")]
    wide = layout_document(document(long_code), PrinterProfile(paper_mm=80))
    assert isinstance(wide[0], BarcodeLine)
    assert wide[0].dots <= 576
    digits = layout_document(document(Barcode(code="00012345")), PrinterProfile(paper_mm=58))
    assert isinstance(digits[0], BarcodeLine)
    assert digits[0].data == b"{C" + bytes([0, 1, 23, 45])
    bad_ean = layout_document(
        document(Barcode(code="6901234567890", symbology="EAN13")), PROFILES[0]
    )
    assert bad_ean == [TextLine("         6901234567890")]
