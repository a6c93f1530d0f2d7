"""Fixtures for the hardware tests: the emulator on a free loopback port, a printer on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from hardware.emulator import PrinterEmulator
from hardware.printer import EscPosPrinter
from hardware.profile import ChineseMode, PrinterProfile
from hardware.transports import TcpTransport


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    with PrinterEmulator(paper_mm=80) as running:
        yield running


NetworkPrinter = Callable[..., EscPosPrinter]


@pytest.fixture
def network_printer(emulator: PrinterEmulator) -> NetworkPrinter:
    """`network_printer(paper_mm=80, chinese=..., answers_status=True)` on the emulator."""

    def make(
        paper_mm: int = 80,
        chinese: ChineseMode = ChineseMode.GB18030_KANJI,
        answers_status: bool = True,
        **profile: object,
    ) -> EscPosPrinter:
        transport = TcpTransport("127.0.0.1", emulator.port, connect_timeout=1.0, timeout=3.0)
        return EscPosPrinter(
            transport,
            PrinterProfile(paper_mm=paper_mm, chinese=chinese, **profile),
            answers_status=answers_status,
            status_timeout=0.5,
        )

    return make
