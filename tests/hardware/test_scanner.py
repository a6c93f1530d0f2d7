"""Done means: a scan typed into a pty arrives as a ScanEvent, also after the port is
unplugged and plugged back in at the same path."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.devices import DeviceState, ScanEvent, Scanner
from hardware.scanner import (
    ScanFramer,
    ScannerState,
    ScannerStatus,
    SerialScanner,
    SerialScannerConfig,
    Terminator,
)
from hardware.virtual_scanner import VirtualScanner

TIMEOUT = 3.0


class Collected:
    """What a scanner delivered, in order, from its own thread."""

    def __init__(self) -> None:
        self.scans: queue.Queue[ScanEvent] = queue.Queue()
        self.statuses: queue.Queue[ScannerStatus] = queue.Queue()
        self.history: list[ScannerStatus] = []

    def scan(self, event: ScanEvent) -> None:
        self.scans.put(event)

    def status(self, status: ScannerStatus) -> None:
        self.history.append(status)
        self.statuses.put(status)

    def next_scan(self) -> ScanEvent:
        return self.scans.get(timeout=TIMEOUT)

    def wait_for(self, state: ScannerState) -> ScannerStatus:
        deadline = time.monotonic() + TIMEOUT
        while True:
            status = self.statuses.get(timeout=max(0.01, deadline - time.monotonic()))
            if status.state is state:
                return status


@pytest.fixture
def collected() -> Collected:
    return Collected()


def start_scanner(port: str, collected: Collected, **settings: object) -> SerialScanner:
    config = SerialScannerConfig(
        port=port,
        name="counter",
        reconnect_initial_s=0.05,
        reconnect_max_s=0.2,
        **settings,  # type: ignore[arg-type]
    )
    scanner = SerialScanner(config, collected.scan, collected.status)
    scanner.start()
    return scanner


@pytest.fixture
def link(tmp_path: Path) -> Iterator[Path]:
    return tmp_path / "scanner"


def test_a_scan_arrives_and_again_after_unplugging_and_plugging_back(
    link: Path, collected: Collected
) -> None:
    with VirtualScanner(link=link) as virtual:
        scanner = start_scanner(virtual.port, collected, terminator=Terminator.CRLF)
        try:
            assert isinstance(scanner, Scanner)
            collected.wait_for(ScannerState.CONNECTED)
            virtual.scan("6901234567892")
            assert collected.next_scan() == ScanEvent("6901234567892", "serial:counter")

            virtual.unplug()
            lost = collected.wait_for(ScannerState.DISCONNECTED)
            assert lost.reason  # says why, for the status bar
            assert scanner.status().state is DeviceState.OFFLINE

            virtual.plug()  # a new pty, the same path
            collected.wait_for(ScannerState.CONNECTED)
            virtual.scan("OT1:R:S001-01-000123")
            assert collected.next_scan() == ScanEvent("OT1:R:S001-01-000123", "serial:counter")
            assert scanner.status().state is DeviceState.READY
        finally:
            scanner.stop()
    assert collected.scans.empty()
    assert collected.history[-1].state is ScannerState.STOPPED


def test_a_scanner_that_is_not_plugged_in_does_not_block_and_connects_when_it_is(
    link: Path, collected: Collected
) -> None:
    started = time.monotonic()
    scanner = start_scanner(str(link), collected)
    try:
        assert time.monotonic() - started < 0.1  # start() never waits for the device
        missing = collected.wait_for(ScannerState.DISCONNECTED)
        assert str(link) in missing.reason
        assert "No such file or directory" in missing.reason
        with VirtualScanner(link=link, terminator=b"\r") as virtual:
            collected.wait_for(ScannerState.CONNECTED)
            virtual.scan("M0000012345")
            assert collected.next_scan().code == "M0000012345"
    finally:
        scanner.stop()


@pytest.mark.parametrize(
    ("terminator", "sent"),
    [
        (Terminator.CR, b"\r"),
        (Terminator.LF, b"\n"),
        (Terminator.CRLF, b"\r\n"),
        (Terminator.TAB, b"\t"),
        (Terminator.NONE, b""),
    ],
)
def test_each_terminator_ends_a_code(
    terminator: Terminator, sent: bytes, collected: Collected
) -> None:
    with VirtualScanner(terminator=sent) as virtual:
        scanner = start_scanner(virtual.port, collected, terminator=terminator, frame_gap_s=0.15)
        try:
            collected.wait_for(ScannerState.CONNECTED)
            virtual.scan("4006381333931")
            time.sleep(0.2)  # without a terminator, the pause ends the code
            virtual.scan("20123450012509")
            assert [collected.next_scan().code, collected.next_scan().code] == [
                "4006381333931",
                "20123450012509",
            ]
        finally:
            scanner.stop()


def test_prefix_and_suffix_are_stripped(collected: Collected) -> None:
    with VirtualScanner(terminator=b"\r") as virtual:
        scanner = start_scanner(virtual.port, collected, prefix="]E0", suffix="#")
        try:
            collected.wait_for(ScannerState.CONNECTED)
            virtual.scan("]E06901234567892#", char_delay_s=0.002)  # bytes trickle in
            assert collected.next_scan().code == "6901234567892"
        finally:
            scanner.stop()


def test_a_callback_that_fails_does_not_stop_the_scanner(collected: Collected) -> None:
    def fragile(event: ScanEvent) -> None:
        if event.code == "BAD1":
            raise RuntimeError("the router fell over")
        collected.scan(event)

    with VirtualScanner() as virtual:
        config = SerialScannerConfig(port=virtual.port, terminator=Terminator.CRLF)
        scanner = SerialScanner(config, fragile, collected.status)
        scanner.start()
        try:
            collected.wait_for(ScannerState.CONNECTED)
            virtual.scan("BAD1")
            virtual.scan("GOOD2")
            assert collected.next_scan().code == "GOOD2"
        finally:
            scanner.stop()


def test_stop_releases_the_port_at_once(collected: Collected) -> None:
    with VirtualScanner() as virtual:
        scanner = start_scanner(virtual.port, collected)
        collected.wait_for(ScannerState.CONNECTED)
        started = time.monotonic()
        scanner.stop()
        assert time.monotonic() - started < 0.5
        assert collected.wait_for(ScannerState.STOPPED).state is ScannerState.STOPPED
        again = start_scanner(virtual.port, collected)  # the port is free for the next one
        try:
            collected.wait_for(ScannerState.CONNECTED)
        finally:
            again.stop()


def test_the_framer_joins_split_reads_and_drops_a_stale_fragment() -> None:
    framer = ScanFramer(SerialScannerConfig(port="x", terminator=Terminator.CRLF, frame_gap_s=0.3))
    assert framer.feed(b"69012", now=0.0) == []
    assert framer.feed(b"34567892\r", now=0.01) == []
    assert framer.feed(b"\n4006", now=0.02) == ["6901234567892"]
    assert framer.idle(now=1.0) == []  # "4006" never ended: dropped, not glued on
    assert framer.feed(b"123\r\n", now=1.1) == ["123"]
