"""`omnitill-sim` as staff and the demo use it: real processes, a real pty, a real port."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from hardware.devices import ScanEvent
from hardware.scanner import ScannerState, ScannerStatus, SerialScanner, SerialScannerConfig

SIM = [sys.executable, "-c", "import sys; from hardware.sim_cli import main; sys.exit(main())"]


class Process:
    """A simulator process whose output lines can be awaited."""

    def __init__(self, *args: str) -> None:
        self.popen = subprocess.Popen(
            [*SIM, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        while True:
            line = self.lines.get(timeout=timeout)
            found = re.search(pattern, line)
            if found:
                return found

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        code = self.popen.wait(timeout=10)
        self._reader.join(timeout=5)
        for pipe in (self.popen.stdin, self.popen.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
        return code


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


def test_the_scanner_command_types_codes_from_stdin_into_its_pty(
    processes: list[Process], tmp_path: Path
) -> None:
    link = tmp_path / "scanner"
    sim = Process("scanner", "--link", str(link), "--gap", "0", "--linger", "0.5")
    processes.append(sim)
    port = sim.expect(r"^scanner port: (.+)$").group(1)
    assert port == str(link)
    assert os.path.realpath(link).startswith("/dev/pts/")
    scans: queue.Queue[ScanEvent] = queue.Queue()
    connected = threading.Event()

    def status(s: ScannerStatus) -> None:
        if s.state is ScannerState.CONNECTED:
            connected.set()

    scanner = SerialScanner(SerialScannerConfig(port=port, name="sim"), scans.put, status)
    scanner.start()
    try:
        assert connected.wait(5)
        assert sim.popen.stdin is not None
        sim.popen.stdin.write("6901234567892\nOT1:R:S001-01-000123\n")
        sim.popen.stdin.close()  # end of input: the simulator lingers, then unplugs
        assert [scans.get(timeout=5).code, scans.get(timeout=5).code] == [
            "6901234567892",
            "OT1:R:S001-01-000123",
        ]
        assert sim.popen.wait(timeout=10) == 0
        assert not link.exists()  # the port is gone with the simulator
    finally:
        scanner.stop()


def test_the_printer_command_keeps_each_job_and_the_sample_command_prints_to_it(
    processes: list[Process], tmp_path: Path
) -> None:
    out = tmp_path / "jobs"
    printer = Process("printer", "--port", "0", "--out", str(out), "--paper", "58")
    processes.append(printer)
    port = printer.expect(r"listening on 127\.0\.0\.1:(\d+)").group(1)
    sample = subprocess.run(
        [*SIM, "sample", "--port", port, "--paper", "58", "--reprint"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert sample.returncode == 0, sample.stderr
    printer.expect(r"^job 1: \d+ lines, QR 2, cut → .*job-0001\.png$")
    assert "重印 / COPY" in (out / "job-0001.txt").read_text(encoding="utf-8")
    assert printer.stop() == 0


def test_the_sample_command_reports_a_printer_that_is_not_there(tmp_path: Path) -> None:
    result = subprocess.run(
        [*SIM, "sample", "--port", "1"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 1
    assert result.stderr.startswith("not printed: printer at 127.0.0.1:1 refused the connection")
    preview = tmp_path / "sample.png"
    made = subprocess.run(
        [*SIM, "sample", "--paper", "58", "--preview", str(preview)],
        capture_output=True,
        timeout=30,
    )
    assert made.returncode == 0
    with Image.open(preview) as png:
        assert png.width == 464
