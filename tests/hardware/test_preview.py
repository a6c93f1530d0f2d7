"""The emulator's PNG preview: drawn at the printer's dots, honest about missing fonts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from hardware.emulator import PrinterEmulator, ReceivedJob, decode_job
from hardware.escpos_render import render_document
from hardware.fonts import GlyphPainter, find_cjk_font, find_latin_font
from hardware.preview import preview_notes, render_preview
from hardware.printer import EscPosPrinter
from hardware.profile import PrinterProfile
from hardware.sample_receipt import sample_receipt
from hardware.transports import TcpTransport


def sample_job(paper_mm: int = 80) -> ReceivedJob:
    return decode_job(
        render_document(sample_receipt(), PrinterProfile(paper_mm=paper_mm)), paper_mm=paper_mm
    )


@pytest.mark.skipif(
    find_cjk_font() is None, reason="no CJK font: apt-get install fonts-wqy-microhei"
)
@pytest.mark.parametrize(("paper_mm", "width"), [(58, 464), (80, 656)])
def test_the_preview_is_a_receipt_at_the_printers_dots(paper_mm: int, width: int) -> None:
    job = sample_job(paper_mm)
    image = render_preview(job)
    assert image.width == width  # 8 dots a mm, the whole paper roll
    assert 1200 < image.height < 3000
    ink = sum(image.histogram()[:128])  # dark pixels
    assert ink > 20_000  # text, two QR codes and a barcode, not a blank page
    assert preview_notes(job, GlyphPainter.best_available()) == [
        f"OmniTill printer emulator · {paper_mm} mm · job 1 · {len(job.raw)} bytes"
    ]


def test_without_a_cjk_font_the_footer_says_so() -> None:
    job = sample_job()
    painter = GlyphPainter(find_latin_font(), has_cjk=False)
    notes = preview_notes(job, painter)
    assert notes[1].startswith("no CJK font: ")
    assert notes[1].endswith(" Chinese characters drawn as boxes")
    assert int(notes[1].split()[3]) > 100
    assert notes[2] == "install fonts-wqy-microhei (Debian/Ubuntu) or set OMNITILL_CJK_FONT"
    assert render_preview(job, painter).width == 656


def test_the_emulator_writes_each_job_as_bin_txt_and_png(tmp_path: Path) -> None:
    with PrinterEmulator(paper_mm=80, out_dir=tmp_path) as emulator:
        printer = EscPosPrinter(TcpTransport("127.0.0.1", emulator.port, 1, 3), PrinterProfile())
        printer.print_document(sample_receipt())
        emulator.wait_for_jobs(1)
    assert (tmp_path / "job-0001.bin").read_bytes() == emulator.jobs[0].raw
    text = (tmp_path / "job-0001.txt").read_text(encoding="utf-8")
    assert "[QR OT1:R:S001-01-000123]" in text
    assert text.endswith("[cut]\n")
    with Image.open(tmp_path / "job-0001.png") as png:
        assert png.width == 656
